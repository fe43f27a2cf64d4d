"""XSS payloads for the security battery, generated, not listed: vectors ×
breakout contexts × encodings × the comment syntax the renderer knows
(comments/rendering.py: **strong**, `code`, autolinks, @-mentions).

Every payload carries a number (its id, 100000 and up). Should it ever run, it
calls alert(id) or sets window.__xss_<id>; should it only reach the DOM, the
element carries data-xss=<id>, an on* attribute or a javascript:/data: URL. The
canary in test_xss_battery.py looks for all of these.

    body_payloads()      text for a comment body, a linkback's excerpt
    name_payloads()      at most 50 characters, for names and linkback titles
    url_payloads()       for the website field (the form refuses what is no URL)
    raw_vectors()        each vector as plain HTML: the canary's control check
"""

import base64
import itertools
import re
from dataclasses import dataclass
from urllib.parse import quote

FIRST_ID = 100_000
NAME_LENGTH = 50  # django-comments' user_name

# What runs: each form is a different way of spelling the same call.
SCRIPTS = [
    "alert({id})",
    "window.__xss_{id}=1",
    "top['al'+'ert']({id})",
    "\\u0061lert({id})",
    "eval(atob('{b64}'))",
    "setTimeout('alert({id})')",
]

# {js}: one of SCRIPTS; {m}: the marker attribute an injected element carries.
VECTORS = {
    "script": "<script data-xss={id}>{js}</script>",
    "img-onerror": "<img src=x onerror={js} {m}>",
    "svg-onload": "<svg onload={js} {m}>",
    "svg-script": "<svg {m}><script>{js}</script></svg>",
    "input-autofocus": "<input autofocus onfocus={js} {m}>",
    "details-ontoggle": "<details open ontoggle={js} {m}>",
    "body-onload": "<body onload={js} {m}>",
    "div-onmouseover": "<div onmouseover={js} {m} style=position:fixed;inset:0>x</div>",
    "video-source": "<video><source onerror={js} {m}></video>",
    "style-onload": "<style onload={js} {m}></style>",
    "marquee-onstart": "<marquee onstart={js} {m}>x</marquee>",
    "svg-animate": "<svg><animate onbegin={js} attributeName=x dur=1s {m}></svg>",
    "iframe-javascript": '<iframe src="javascript:{js}" {m}></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>{js}</script>" {m}></iframe>',
    "a-javascript": '<a href="javascript:{js}" {m}>klick</a>',
    "a-data": '<a href="data:text/html;base64,{b64doc}" {m}>klick</a>',
    "object-data": '<object data="data:text/html;base64,{b64doc}" {m}></object>',
    "embed-data": '<embed src="data:text/html;base64,{b64doc}" {m}>',
    "button-formaction": "<form><button formaction=javascript:{js} {m}>x</button></form>",
    "math-href": '<math href="javascript:{js}" {m}><mi>x</mi></math>',
    "svg-xlink": '<svg><a xlink:href="javascript:{js}" {m}><text y=9>x</text></a></svg>',
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror={js} {m}>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror={js} {m}>">',
    "comment-mxss": "<!--><img src=x onerror={js} {m}>-->",
    "unclosed-tag": "<img src=x onerror={js} {m} ",
    "nested-script": "<scr<script data-xss={id}>ipt>{js}</scr</script>ipt>",
    "svg-foreign": "<svg><foreignObject><img src=x onerror={js} {m}></foreignObject></svg>",
    "template": "<template><img src=x onerror={js}></template><img src=x onerror={js} {m}>",
}

# Mutation XSS: harmless after one parse, dangerous after a sanitizer's
# serialize-and-parse; the control check cannot expect them to fire raw.
REPARSE_ONLY = {"math-mxss"}

# Attempts to leave the place a value lands in: an attribute, a textarea, a
# title, a script, a comment, a CDATA section of a feed, a paragraph.
CONTEXTS = {
    "attr-double": '">',
    "attr-single": "'>",
    "attr-unquoted": " x=y>",
    "textarea": "</textarea>",
    "title": "</title>",
    "script": "</script>",
    "comment": "-->",
    "cdata": "]]>",
    "paragraph": "</p></code></strong></a>",
}

# Payloads that stay inside an attribute and add a handler to the element.
ATTRIBUTE_BREAKOUTS = [
    '" autofocus onfocus={js} {m} x="',
    "' autofocus onfocus={js} {m} x='",
    '" onmouseover={js} {m} style="position:fixed;inset:0" x="',
    "' onmouseover={js} {m} style='position:fixed;inset:0' x='",
    '" onerror={js} {m} src=x x="',
    "x onfocus={js} autofocus {m}",
]


def _mixed_case(text):
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text))


def _outside_js(transform):
    """Apply `transform` to the markup only: JavaScript is case- and space-sensitive."""

    def apply(template):
        parts = re.split(r"(\{\w+\})", template)
        return "".join(p if re.fullmatch(r"\{\w+\}", p) else transform(p) for p in parts)

    return apply


def _entities(text, hexadecimal=False):
    return "".join(f"&#x{ord(c):x};" if hexadecimal else f"&#{ord(c)};" for c in text)


def _fullwidth(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _zero_width(text):
    keywords = r"(script|javascript|onerror|onload|onfocus|alert|svg|img|iframe)"
    return re.sub(keywords, lambda m: "\u200b".join(m[1]), text, flags=re.IGNORECASE)


# How the attacker spells the whole payload: each encoding meets every vector.
# Those in MARKUP_ONLY change the tags and leave the script alone; the others
# apply to the finished payload, script included (as a browser would decode it).
MARKUP_ONLY = {"mixed-case", "slash-spaces", "tab-newline"}
ENCODINGS = {
    "plain": lambda p: p,
    "mixed-case": _outside_js(_mixed_case),
    "slash-spaces": _outside_js(lambda t: t.replace(" ", "/")),
    "tab-newline": _outside_js(lambda t: t.replace(" ", "\t").replace("=", "\n=")),
    "entity-decimal": lambda p: _entities(p),
    "entity-hex-brackets": lambda p: p.replace("<", "&#x3c;").replace(">", "&#x3E;"),
    "entity-named": lambda p: p.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"),
    "entity-javascript": lambda p: p.replace("javascript:", "&#x6a;avascript&#58;"),
    "double-encoded": lambda p: p.replace("<", "&amp;lt;").replace(">", "&amp;gt;"),
    "percent": lambda p: quote(p, safe=""),
    "fullwidth": _fullwidth,
    "zero-width": _zero_width,
    "soft-hyphen": lambda p: p.replace("<", "<\u00ad"),
    "nul-bytes": lambda p: p.replace("<", "<\x00").replace("script", "scr\x00ipt"),
    "utf7": lambda p: p.replace("<", "+ADw-").replace(">", "+AD4-"),
}

# The comment syntax around a payload; {p}: the payload, {who}: a hostile
# commenter's first name, mentioned.
SYNTAX = {
    "plain": "{p}",
    "strong": "**{p}**",
    "strong-open": "**Achtung {p} **Ende**",
    "code": "`{p}`",
    "code-unclosed": "`{p}",
    "code-in-strong": "**`{p}`**",
    "autolink": "https://example.org/{p}",
    "autolink-www": "www.example.org/?q={p}",
    "autolink-angle": "<https://example.org/{p}>",
    "autolink-quoted": '"https://example.org/"{p}',
    "autolink-single": "'https://example.org/'{p}",
    "mention": "@{who} {p}",
    "mention-glued": "@{who}{p}",
    "mention-strong": "**@{who}** `x` {p}",
    "two-lines": "Erste Zeile {p}\nzweite Zeile",
}

# First words of hostile commenters' names: each can be @-mentioned.
HOSTILE_WORDS = ["Mallory", "Trudy", "Eveline", "Oscar", "Sybil", "Victor", "Wendy", "Zelda"]


@dataclass(frozen=True)
class Payload:
    id: int
    text: str
    kind: str  # vector, breakout or address
    how: str  # context / encoding / syntax, for the failure message

    def __str__(self):
        return self.text


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _fill(template, payload_id, index):
    """The template with its script (the index picks the spelling), marker and id."""
    call = f"alert({payload_id})"
    return template.format(
        js=SCRIPTS[index % len(SCRIPTS)].format(id=payload_id, b64=_b64(call)),
        m=f"data-xss={payload_id}",
        id=payload_id,
        b64doc=_b64(f"<script>{call}</script>"),
    )


def _markup():
    """(kind, how, template): vectors × encodings, then vectors × contexts, then
    the attribute breakouts in every encoding."""
    for (name, vector), (encoding, encode) in itertools.product(
        VECTORS.items(), ENCODINGS.items()
    ):
        yield name, encoding, encode, vector
    for (name, vector), (context, prefix) in itertools.product(VECTORS.items(), CONTEXTS.items()):
        yield name, f"after {context}", ENCODINGS["plain"], prefix + vector
    for (index, breakout), (encoding, encode) in itertools.product(
        enumerate(ATTRIBUTE_BREAKOUTS), ENCODINGS.items()
    ):
        yield f"attribute-{index}", encoding, encode, breakout


def body_payloads():
    """Every vector in every encoding and after every breakout, each in one
    form of the comment syntax (taken in turn)."""
    payloads = []
    syntaxes = list(SYNTAX.items())
    for index, (name, how, encode, template) in enumerate(_markup()):
        payload_id = FIRST_ID + index
        # Shifted each round, so that every encoding meets every form of syntax.
        syntax, wrapper = syntaxes[(index + index // len(syntaxes)) % len(syntaxes)]
        who = HOSTILE_WORDS[index // 3 % len(HOSTILE_WORDS)]
        if how in MARKUP_ONLY:
            filled = _fill(encode(template), payload_id, index)
        else:
            filled = encode(_fill(template, payload_id, index))
        text = wrapper.format(p=filled, who=who)
        payloads.append(Payload(payload_id, text, name, f"{how}, {syntax}"))
    return payloads


_SHORT = [
    "<svg onload={js}>",
    "<img src=x onerror={js}>",
    "<script>{js}</script>",
    '"><svg onload={js}>',
    "'><svg onload={js}>",
    '" autofocus onfocus={js} x="',
    "</title><svg onload={js}>",
    "</textarea><svg onload={js}>",
    "<a href=javascript:{js}>x</a>",
    "<iframe src=javascript:{js}>",
    "<details open ontoggle={js}>",
    "<math href=javascript:{js}>x",
    "&lt;svg onload={js}&gt;",
    "<svg/onload={js}//",
    "＜svg onload={js}＞",
]


def name_payloads(start):
    """Names of hostile commenters (at most 50 characters): a mentionable first
    word, then markup; ids from `start`."""
    payloads = []
    for index, (template, word) in enumerate(itertools.product(_SHORT, HOSTILE_WORDS)):
        payload_id = start + index
        text = word + template.format(js=f"alert({payload_id})")
        if len(text) > NAME_LENGTH:
            text = word + template.format(js=f"alert({payload_id % 1000})")
        payloads.append(Payload(payload_id, text[:NAME_LENGTH], "name", template))
    return payloads


_URLS = [
    "javascript:{js}",
    "JaVaScRiPt:{js}",
    " javascript:{js}",
    "java\tscript:{js}",
    "&#x6a;avascript:{js}",
    "javascript&colon;{js}",
    "data:text/html;base64,{b64doc}",
    "vbscript:msgbox({id})",
    'http://example.org/"><svg/onload={js}>',
    "http://example.org/'><svg/onload={js}>",
    'http://example.org/"onmouseover={js}//',
    'http://example.org/?"autofocus/onfocus={js}//',
    "https://example.org/#</a><img/src=x/onerror={js}>",
    "http://example.org/%22%3E%3Csvg/onload={js}%3E",
    '//example.org/"><svg/onload={js}>',
    "http:javascript:{js}",
    'https://example.org/\u200b"><svg/onload={js}>',
    "http://ｅｘａｍｐｌｅ.org/＂＞＜svg onload={js}＞",
]


def url_payloads(start):
    """Website addresses; the form refuses those that are no web address."""
    return [
        Payload(start + index, _fill(template, start + index, index), "url", template)
        for index, template in enumerate(_URLS)
    ]


def _quote(breakout):
    """The quote around the attribute value a breakout expects to land in."""
    return breakout[0] if breakout[0] in "'\"" else ""


def raw_vectors(start):
    """Each vector and breakout in plain HTML, with the script form that calls
    alert(id): put into a page unescaped, every one must trip the canary."""
    templates = list(VECTORS.items()) + [
        (f"attribute-{i}", f"<input value={_quote(b)}{b}{_quote(b)}>")
        for i, b in enumerate(ATTRIBUTE_BREAKOUTS)
    ]
    return [
        Payload(start + index, _fill(template, start + index, 0), name, "raw")
        for index, (name, template) in enumerate(templates)
    ]


def all_payloads():
    """Body, name and address payloads with distinct ids."""
    bodies = body_payloads()
    names = name_payloads(bodies[-1].id + 1)
    urls = url_payloads(names[-1].id + 1)
    return bodies, names, urls
