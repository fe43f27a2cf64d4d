import pytest
from bs4 import BeautifulSoup

from comments.mentions import Candidate
from comments.rendering import ALLOWED_TAGS, render_body

SEED_REPLY_10 = """Schade, dass ich momentan so wenig Zeit habe.

@Martin
Ja, der Rekord ist jetzt weg.

@Marcus
15€ sind etwas.

@Werner
Finde ich gut, dass du dich hier meldest.

@ritchi
;)

@Roman
Die Mailadressen sind sicherlich mehr als 15€ pro Stück wert.

@Hannes
Und schon was kreatives bekommen?

@Markus
Dialog ist das tatsächlich keiner.

@Vu
Gag? Sollte das dann nicht lustig sein.

@Nila
Naja, es haben mehr Leute erfahren."""

CANDIDATES = [
    Candidate(9, "Nila"),
    Candidate(7, "Vu"),
    Candidate(6, "Markus Hübner"),
    Candidate(5, "Hannes Offenbacher"),
    Candidate(4, "Roman"),
    Candidate(3, "ritchie"),
    Candidate(2, "Werner Reiter"),
    Candidate(1, "Marcus Greyer"),
]

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    '<a href="javascript:alert(1)">klick</a>',
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<iframe src=http://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "[x](javascript:alert(1))",
    'http://example.org/" onmouseover="alert(1)',
    "http://example.org/<script>",
    "a\x00b<script>",
    "**<b onclick=alert(1)>x</b>**",
    "`<script>alert(1)</script>`",
    "<!-- comment --><p style=x>",
    "data:text/html;base64,PHNjcmlwdD4=",
    "@<img src=x onerror=alert(1)>",
]


def tags_and_attributes(html):
    soup = BeautifulSoup(html, "html.parser")
    return [(tag.name, dict(tag.attrs)) for tag in soup.find_all(True)]


def test_paragraphs_and_line_breaks():
    assert render_body("eins\nzwei\n\ndrei") == "<p>eins<br>zwei</p><p>drei</p>"


def test_light_formatting():
    html = render_body("**fett** und *schief* und `code *nicht*`")
    assert html == "<p><strong>fett</strong> und <em>schief</em> und <code>code *nicht*</code></p>"


def test_links_are_autolinked_without_trailing_punctuation():
    html = render_body("Siehe http://www.drei.at. Oder (www.example.org/a?b=1&c=2).")
    soup = BeautifulSoup(html, "html.parser")
    links = soup.find_all("a")
    assert [a["href"] for a in links] == ["http://www.drei.at", "http://www.example.org/a?b=1&c=2"]
    for link in links:
        assert set(link["rel"]) == {"nofollow", "ugc", "noopener"}
    assert soup.get_text() == "Siehe http://www.drei.at. Oder (www.example.org/a?b=1&c=2)."


def test_seed_reply_ten_links_each_mention_but_martin():
    html = render_body(SEED_REPLY_10, CANDIDATES)
    soup = BeautifulSoup(html, "html.parser")
    mentions = {a.get_text(): a["href"] for a in soup.select("a.mention")}
    assert mentions == {
        "@Marcus": "#comment-1",
        "@Werner": "#comment-2",
        "@ritchi": "#comment-3",
        "@Roman": "#comment-4",
        "@Hannes": "#comment-5",
        "@Markus": "#comment-6",
        "@Vu": "#comment-7",
        "@Nila": "#comment-9",
    }
    assert "@Martin" in soup.get_text()


@pytest.mark.parametrize("payload", XSS)
def test_xss_comes_out_inert(payload):
    html = render_body(payload + " http://ok.example/ @Vu", [Candidate(1, "Vu")])
    for bad in ("<script", "<iframe", "<img", "<svg", "<style", "<b "):
        assert bad not in html.lower(), payload
    for name, attributes in tags_and_attributes(html):
        assert name in ALLOWED_TAGS, (payload, name)
        assert set(attributes) <= {"href", "rel", "class"}, (payload, attributes)
        href = attributes.get("href", "")
        assert href.startswith(("http://", "https://", "#comment-")) or not href, href
        assert not any(a.startswith("on") for a in attributes)
    assert "\x00" not in html


def test_typed_markup_is_shown_as_text():
    html = render_body("<b>fett?</b> & <script>")
    assert html == "<p>&lt;b&gt;fett?&lt;/b&gt; &amp; &lt;script&gt;</p>"
