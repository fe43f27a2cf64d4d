"""The privacy crawl of the security battery. The demo blog, plus guests
whose addresses would be easy to spot, replies, linkbacks, follow-ups and a
reader with an account, is crawled over real HTTP from the home page (links,
assets, feeds, sitemap, avatars, archives, search, comment permalinks, the
links of the follow-up mails): no body and no header holds a commenter's
address, a telling part of it, or its hash, however encoded. The same for the
pages of the logged-in reader, apart from their own address. Then Chromium on
the default pages: no request leaves the blog.

Each check is shown able to fail: the search finds every encoding of an
address in a made-up text, the reader's address in their data export, a
remembered guest's address in her own form, and Gravatar's hashes once the
blog opts in to Gravatar; the crawl meets every commenter's name; Chromium's
recorder sees the embed's host once the reader asks for the embed."""

import base64
import hashlib
import html
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, unquote_plus, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from blog.models import BlogPage
from comments.linkbacks.models import IncomingWebmention
from comments.models import Comment, Subscription
from comments.moderation import status
from comments.moderation.permissions import MODERATORS
from tests.factories import BlogPageFactory, CommentFactory
from tests.helpers import (
    browser_tab,
    chromium_path,
    comment_form_data,
    known_embed,
    log_in,
    make_reader,
)
from tests.security import figures

# Playwright's sync API runs an event loop in this thread; the ORM calls of
# the browser test come from it (tests/browser/conftest.py says the same).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Needles ---------------------------------------------------------------------

# Mailbox names too common to tell anyone apart, and domains shared by many.
COMMON_LOCAL_PARTS = {
    *("mail", "info", "kontakt", "contact", "office", "post", "hallo", "hello"),
    *("sales", "team", "support", "webmaster", "noreply", "newsletter", "admin"),
}
SHARED_DOMAINS = {"example.org", "example.com", "example.net", "localhost"}
MIN_LOCAL_PART = 5


def _name_form(name):
    """A public name as a local part would spell it ("Hübner" -> "hubner")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.casefold()).strip(".")


def _public_forms(names):
    """Every public name, whole and word by word, as a local part could equal it."""
    forms = set()
    for name in names:
        form = _name_form(name)
        forms.update({form, form.replace(".", ""), *form.split(".")})
    return forms - {""}


@dataclass(frozen=True)
class Needle:
    owner: str  # the address it belongs to
    what: str  # "address", "local part", "domain", "md5", ...
    text: str
    alphabet: str = "text"  # "hex" (casefolded), "base64" (case-sensitive) or any text


def needles_for(address, public_names=(), websites=()):
    """What of `address` must never be public: the address, its local part
    and its domain where they tell (not a common mailbox name, not a public
    name, not a shared domain or the commenter's own website), and its
    hashes (Gravatar's MD5 and SHA-256, SHA-1) and base64."""
    address = address.strip()
    local, _, domain = address.rpartition("@")
    found = [Needle(address, "address", address.casefold())]
    if (
        len(local) >= MIN_LOCAL_PART
        and local.casefold() not in COMMON_LOCAL_PARTS
        and _name_form(local) not in _public_forms(public_names)
    ):
        found.append(Needle(address, "local part", local.casefold()))
    own_hosts = {(urlsplit(url).hostname or "").removeprefix("www.") for url in websites}
    if domain.casefold() not in SHARED_DOMAINS | own_hosts:
        found.append(Needle(address, "domain", domain.casefold()))
    for spelling in {address, address.lower()}:
        for algorithm in ("md5", "sha1", "sha256"):
            digest = hashlib.new(algorithm, spelling.encode()).hexdigest()
            found.append(Needle(address, algorithm, digest, "hex"))
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(spelling.encode()).decode().rstrip("=")
            found.append(Needle(address, "base64", encoded, "base64"))
    return found


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_AT = re.compile(r"\s*[\[({]\s*(?:at|ät|@)\s*[\])}]\s*|\s+(?:at|ät)\s+", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[({]\s*(?:dot|punkt|\.)\s*[\])}]\s*", re.IGNORECASE)
_SPELLED = ("at]", "at)", "at}", "ät]", "ät)", " at ", "@]", "@)")  # worth the slow regexes


def _unescape_json(text):
    return _JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text).replace("\\/", "/")


def _unspell(text):
    if not any(mark in text.casefold() for mark in _SPELLED):
        return text
    return _DOT.sub(".", _AT.sub("@", text))


def _readings(text):
    """The text as a reader, a browser or a script could decode it: entities,
    percent-encoding, JSON's \\u escapes and "[at]"/"(dot)" spellings undone."""
    steps = [html.unescape, unquote_plus, _unescape_json, _unspell]
    readings = {text}
    for _ in range(2):  # twice: an address may be encoded twice over
        readings |= {step(reading) for reading in readings for step in steps}
    return readings


_HEX_RUN = re.compile(r"[0-9a-f]{16,}")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}")
MIN_HASH_PART = 16  # hex digits of a hash that are as good as the whole


def _occurs(needle, part):
    if needle.alphabet == "hex":  # a hash, whole or cut short, or inside a longer run
        return needle.text in part or (len(part) >= MIN_HASH_PART and part in needle.text)
    return needle.text in part


def find(needles, text):
    """The needles that occur in `text`, however it is encoded. Hashes and
    base64 are looked for in the runs of their alphabets, which is quicker."""
    readings = _readings(text)
    folded = {reading.casefold() for reading in readings}
    runs = {
        "hex": {run for reading in folded for run in _HEX_RUN.findall(reading)},
        "base64": {run for reading in readings for run in _BASE64_RUN.findall(reading)},
    }
    return [
        needle
        for needle in needles
        if any(_occurs(needle, part) for part in runs.get(needle.alphabet, folded))
    ]


# The blog ------------------------------------------------------------------


@dataclass(frozen=True)
class Commenter:
    name: str
    email: str  # as typed into the form
    post: str  # the slug of the post
    website: str = ""
    follow: bool = False


SEED = "social-web-kompetenz-a1-mobilkom"
BCC = "bcc-ist-kein-hexenwerk"
TWITTER = "twitter-fuer-unternehmen"
VIDEO = "mit-video"
EMBED_URL = "https://video.example/watch?v=a1"
THIRD_PARTY_FRAME = "https://video.example/embed/a1"

# Guests whose addresses tell: a local part that is nobody's name, a plus
# address, capitals, an apostrophe (escaped by HTML), a personal domain
# behind a common mailbox name, a local part made of name parts.
GUESTS = [
    Commenter("Jonas W.", "zyx.leaker42@example.org", SEED, "https://jonas.example/", True),
    Commenter("Greta M.", "greta.mahlknecht@posteo.example", SEED),
    Commenter("Nila Sommer", "mail@sommer-nila-privat.example", BCC, follow=True),
    Commenter("Quirin H.", "Q.Hinterhuber@Firma-Intern.EXAMPLE", TWITTER),
    Commenter("Petra", "petra+blogkommentare@kx-mail.example", VIDEO, follow=True),
    Commenter("D. Kellerman", "d'arcy.kellerman@example.net", VIDEO, "https://kellerman.example/"),
]
READER = {
    "username": "leserin7",
    "email": "hx.privatpost@mailbox-ida.example",
    "first_name": "Ida",
    "last_name": "Lind",
}
HIDDEN = [  # never shown: held, spam and trash
    ("Held Back", "held.only.9q@example.org", Comment.Status.PENDING),
    ("Spam Sender", "spam.sender.k3@spammy-domain.example", Comment.Status.SPAM),
    ("Binned", "trash.can.77@example.org", Comment.Status.TRASH),
]


def _post(slug):
    return BlogPage.objects.get(slug=slug)


def _send(client, slug, name, email, text, **fields):
    """A comment through the real form and pipeline; returns the stored one."""
    data = comment_form_data(_post(slug), name=name, email=email, comment=text, **fields)
    response = client.post("/comments/post/", data)
    assert response.status_code == 303, response.content[:500]
    return Comment.objects.filter(comment=text).latest("pk")


def _publish(comment, moderator):
    comment.refresh_from_db()
    status.set_status(comment, Comment.Status.APPROVED, user=moderator)


def _confirm_followups(client):
    """Click (POST) every confirmation link the mails carry, as a guest does."""
    for message in mail.outbox:
        for path in re.findall(r"https?://[^/\s]+(/comments/follow/[^\s]+/)", message.body):
            client.post(path)


def _guest_comments(client, moderator):
    comments = []
    for number, guest in enumerate(GUESTS):
        fields = {"url": guest.website, "followup": "on" if guest.follow else ""}
        text = f"Kommentar {number} von {guest.name}: BCC wäre einfach gewesen."
        comment = _send(client, guest.post, guest.name, guest.email, text, **fields)
        _publish(comment, moderator)
        comments.append(comment)
    _confirm_followups(client)
    jonas, greta, nila = comments[:3]
    seed_reply = Comment.objects.filter(user_name="Vu").first()
    replies = [
        (GUESTS[0], SEED, seed_reply.pk, "@Vu genau so sehe ich das auch."),
        (GUESTS[1], SEED, jonas.pk, "@Jonas da widerspreche ich, und zwar deutlich."),
        (GUESTS[0], SEED, greta.pk, "@Greta dann bleiben wir eben uneins."),
        (GUESTS[2], BCC, nila.pk, "Nachtrag: ein Newsletter-Werkzeug hilft wirklich."),
    ]
    for guest, slug, parent, text in replies:
        reply = _send(client, slug, guest.name, guest.email, text, reply_to=str(parent))
        _publish(reply, moderator)  # a follow-up mail goes out to the confirmed followers
    for number in range(4):  # enough top-level threads for a second page of comments
        guest = GUESTS[number % 2]
        text = f"Noch ein Gedanke, Nummer {number}."
        # "Save my name, email and website in this browser": the client remembers Greta.
        comment = _send(client, SEED, guest.name, guest.email, text, save_info="on")
        _publish(comment, moderator)


def _reader_comments(moderator):
    """A reader with an account writes while logged in, and follows the post."""
    reader = make_reader(**READER)
    reader_client = log_in(Client(), reader)
    for text in ("Angemeldet geschrieben, bitte freischalten.", "Und gleich noch einmal."):
        comment = _send(reader_client, BCC, "", "", text, followup="on")
        _publish(comment, moderator)
    return reader_client


def _hidden_comments(moderator):
    for name, email, wanted in HIDDEN:
        comment = CommentFactory(post=_post(BCC), user_name=name, user_email=email)
        status.set_status(comment, wanted, user=moderator)


def _linkbacks():
    for kind, url in [
        (Comment.Kind.TRACKBACK, "https://andere.example/ueber-bcc/"),
        (Comment.Kind.WEBMENTION, "https://noch.example/notiz/"),
    ]:
        comment = CommentFactory(
            post=_post(BCC), kind=kind, user_url=url, user_email="", user_name="Ein anderer Blog"
        )
        if kind == Comment.Kind.WEBMENTION:
            IncomingWebmention.objects.create(
                source=url,
                target=_post(BCC).full_url,
                post=_post(BCC),
                state=IncomingWebmention.State.ACCEPTED,
                comment=comment,
            )


@dataclass
class Blog:
    url: str
    reader_client: Client
    needles: list


@pytest.fixture
def blog(live_server, root_page, settings, client):
    """The demo blog at the live server's address, with the commenters above."""
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.BLOG_POSTS_PER_PAGE = 2
    settings.COMMENTS_PER_PAGE = 6
    Group.objects.get_or_create(name=MODERATORS)  # a migration's, gone after an earlier flush
    call_command("load_demo", stdout=io.StringIO())
    home = BlogPage.objects.get(slug=SEED).get_parent()
    known_embed(EMBED_URL, f'<iframe src="{THIRD_PARTY_FRAME}"></iframe>')
    BlogPageFactory(
        parent=home,
        slug=VIDEO,
        title="Ein Video zum Thema",
        author=get_user_model().objects.get(username="luca"),
        tags=["Datenschutz", "Video"],
        body=[
            {"type": "paragraph", "value": "<p>Dazu gibt es ein Video.</p>"},
            {"type": "embed", "value": EMBED_URL},
        ],
    )
    moderator = get_user_model().objects.get(username="moderator")
    _guest_comments(client, moderator)
    reader_client = _reader_comments(moderator)
    _hidden_comments(moderator)
    _linkbacks()
    assert any(m.subject and "/comments/mute/" in m.body for m in mail.outbox)
    return Blog(live_server.url, reader_client, _all_needles())


def _all_needles():
    """Needles for every address the blog holds (comments, accounts,
    subscriptions), as stored and as typed above."""
    names, websites, addresses = {}, {}, set()

    def holds(address, *public_names, website=""):
        if address:
            addresses.add(address)
            names.setdefault(address.casefold(), set()).update(public_names)
            websites.setdefault(address.casefold(), set()).add(website)

    for email, name, url in Comment.objects.values_list("user_email", "user_name", "user_url"):
        holds(email, name, website=url)
    for user in get_user_model().objects.all():
        holds(user.email, user.get_full_name(), user.username)
    for email, name in Subscription.objects.values_list("email", "name"):
        holds(email, name)
    for email in [g.email for g in GUESTS] + [READER["email"]] + [h[1] for h in HIDDEN]:
        holds(email)
    public = set().union(*names.values())  # any name on the blog may show
    unique = {}
    for address in sorted(addresses):
        for needle in needles_for(address, public, websites[address.casefold()]):
            unique.setdefault((needle.what, needle.text), needle)
    return list(unique.values())


# The crawl -----------------------------------------------------------------

_ATTRIBUTE = re.compile(r"""\b(?:href|src|poster)\s*=\s*["']([^"']+)["']""")
_SRCSET = re.compile(r"""\bsrcset\s*=\s*["']([^"']+)["']""")
_ABSOLUTE = re.compile(r"""https?://[^\s"'<>()\\]+""")
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")
_LINK_HEADER = re.compile(r"<([^>]+)>")
NOT_PUBLIC = ("/admin/", "/django-admin/")
# Every page links to the login with its own ?next=, and each mail signs its
# links anew: one of each will do.
ONE_QUERY_ONLY = ("/accounts/",)
SIGNED_TOKENS = ("/comments/follow/", "/comments/mute/")
MAX_URLS = 600


def _key(parts):
    """What makes two URLs the same page for the crawl."""
    if parts.path.startswith(ONE_QUERY_ONLY):
        return parts.path
    if parts.path.startswith(SIGNED_TOKENS):
        return parts.path.split(":")[0]  # the token's payload, not its timestamp
    return urlunsplit(parts)


class Crawler:
    """Every URL of the blog reachable from the seeds, fetched over HTTP (as
    an anonymous reader unless given a session's cookies); each body and each
    header searched for the needles, and for the probes: what the crawl must
    come across, to show that it saw what it searched."""

    def __init__(self, base_url, needles, probes=(), cookies=None, skip=None):
        self.base = base_url.rstrip("/")
        self.skip = skip  # a pattern of paths (with their query) not to fetch
        self.host = urlsplit(base_url).netloc
        self.needles = needles
        self.probes = list(probes)
        self.probed = {}  # probe text -> the URLs it was seen at
        self.fetched = {}  # url -> status
        self.hits = {}  # url -> needles found
        self.seen = set()  # the keys of what was queued
        self.queue = []
        self.http = httpx.Client(
            follow_redirects=False, timeout=30, headers={"Accept-Language": "de"}, cookies=cookies
        )

    def add(self, link, base=None):
        url = urljoin(base or self.base + "/", html.unescape(link.strip()))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != self.host:
            return
        if parts.path.startswith(NOT_PUBLIC) or (
            self.skip and self.skip.search(f"{parts.path}?{parts.query}")
        ):
            return
        parts = parts._replace(path=parts.path or "/", fragment="")
        if _key(parts) not in self.seen:
            self.seen.add(_key(parts))
            self.queue.append(urlunsplit(parts))

    def run(self):
        while self.queue:
            assert len(self.fetched) < MAX_URLS, "the crawl does not end"
            url = self.queue.pop(0)
            response = self.http.get(url)
            self.fetched[url] = response.status_code
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
            found = find(self.needles + self.probes, headers + "\n" + response.text)
            if leaks := [needle for needle in found if needle not in self.probes]:
                self.hits[url] = leaks
            for probe in set(found) - set(leaks):
                self.probed.setdefault(probe.text, set()).add(url)
            for link in self._links(response):
                self.add(link, base=url)
        self.http.close()
        return self

    @staticmethod
    def _links(response):
        text = response.text
        links = [m[1] for m in _ATTRIBUTE.finditer(text)]
        links += [m[0] for m in _ABSOLUTE.finditer(text)]
        links += [m[1] for m in _CSS_URL.finditer(text)]
        for srcset in _SRCSET.finditer(text):
            links += [item.split()[0] for item in srcset[1].split(",") if item.strip()]
        for name in ("location", "link", "x-pingback", "content-location"):
            for value in response.headers.get_list(name):
                links += _LINK_HEADER.findall(value) or [value]
        return links

    def paths(self, prefix=""):
        paths = {urlsplit(url).path for url in self.fetched}
        return {path for path in paths if path.startswith(prefix)}


PUBLIC_SEEDS = [
    "/",
    "/robots.txt",
    "/sitemap.xml",
    "/feed/",
    "/feed/atom/",
    "/comments/feed/",
    "/comments/feed/atom/",
    "/2009/",
    "/search/?q=BCC",
    "/search/?q=Datenschutz+Newsletter",
    "/search/?q=Greta",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/logout/",
    "/accounts/comments/",
    "/accounts/export/",
]
# What every reader gets alike (feeds, assets, avatars, permalinks' redirects,
# the form moved under each comment): the anonymous crawl has read it.
SAME_FOR_EVERYONE = re.compile(
    r"/feed/|^/static/|^/comments/avatar/|^/comments/\d+/\?$|replytocom="
)
READER_SEEDS = [
    "/accounts/name/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/3rdparty/",
    "/accounts/delete/",
]


def _seeds(crawler, paths=PUBLIC_SEEDS):
    for path in paths:
        crawler.add(path)
    for post in BlogPage.objects.live():
        crawler.add(post.url + "feed/")
        crawler.add(post.url + "feed/atom/")
    for comment in Comment.objects.all():  # every permalink, hidden ones too
        crawler.add(f"/comments/{comment.pk}/")
        crawler.add(f"/comments/{comment.pk}/edit/")
    for mention in IncomingWebmention.objects.all():
        crawler.add(f"/webmention/status/{mention.token}/")
    for message in mail.outbox:  # the confirmation and mute pages of follow-up mails
        for link in re.findall(r"https?://\S+/comments/(?:follow|mute)/\S+/", message.body):
            crawler.add(link)
    return crawler


def _describe(hits):
    return {url: sorted({f"{n.what} of {n.owner}" for n in found}) for url, found in hits.items()}


def test_the_search_finds_every_spelling_of_an_address():
    """The check can fail: each way a page could carry the address is found."""
    address = "Zyx.Leaker42@Example.org"
    needles = needles_for(address)
    lower = address.lower()
    spellings = {
        "plain": f"<p>{address}</p>",
        "lower case": lower,
        "upper case": address.upper(),
        "url-encoded": f"/?email={quote(address)}",
        "form-encoded": quote_plus(address),
        "entities": f"<a>{''.join(f'&#{ord(c)};' for c in address)}</a>",
        "hex entities": "".join(f"&#x{ord(c):x};" for c in address),
        "named entity": address.replace("@", "&commat;"),
        "json": '{"e": "' + address.replace("@", "\\u0040") + '"}',
        "at spelled out": lower.replace("@", " [at] ").replace(".org", " (dot) org"),
        "local part": "zyx.leaker42 wrote",
        "md5 (Gravatar)": hashlib.md5(lower.encode()).hexdigest(),  # noqa: S324
        "sha-256 (Gravatar)": hashlib.sha256(lower.encode()).hexdigest().upper(),
        "sha-1, cut short": hashlib.sha1(lower.encode()).hexdigest()[:20],  # noqa: S324
        "base64": base64.b64encode(address.encode()).decode(),
    }
    missed = [what for what, text in spellings.items() if not find(needles, text)]
    assert missed == []
    # and nothing else counts: a public name, the shared domain, a bare "@"
    harmless = "Zyx Leaker schrieb am 12. Mai auf example.org: @Vu stimmt."
    assert find(needles, harmless) == []


def test_only_the_telling_parts_of_an_address_are_needles():
    def parts(address, names=(), websites=()):
        return {n.what for n in needles_for(address, names, websites)}

    assert "local part" in parts("greta.mahlknecht@posteo.example", ["Greta M."])
    assert "domain" in parts("greta.mahlknecht@posteo.example")
    # the name shows anyway; a shared domain or a common mailbox tells nothing
    assert "local part" not in parts("marcus.greyer@example.org", ["Marcus Greyer"])
    assert not parts("mail@example.org") & {"local part", "domain"}
    # nor does the domain of the commenter's own website, shown with their name
    assert "domain" not in parts("d@kellerman.example", websites=["https://kellerman.example/"])


def _names():
    return [g.name for g in GUESTS] + [f"{READER['first_name']} {READER['last_name']}"]


def test_no_public_url_shows_an_address_or_a_part_or_hash_of_it(blog, client, settings):
    needles = blog.needles
    owners = {n.owner.casefold() for n in needles}
    assert {g.email.casefold() for g in GUESTS} | {READER["email"]} <= owners
    assert "greta.mahlknecht" in {n.text for n in needles}  # local parts are searched

    # The needles are found where addresses belong: the reader's data export...
    export = blog.reader_client.get("/accounts/export/").content.decode()
    found = {n.what for n in find(needles, export) if n.owner == READER["email"]}
    assert found >= {"address", "local part", "domain"}
    # ...and Gravatar's SHA-256 hashes on a post, once the blog opts in to them.
    settings.AVATARS_GRAVATAR = True
    gravatar_page = client.get(_post(VIDEO).url).content.decode()
    hashed = {n.owner for n in find(needles, gravatar_page) if n.what == "sha256"}
    assert {GUESTS[4].email, GUESTS[5].email} <= hashed
    settings.AVATARS_GRAVATAR = False
    cache.clear()  # the page's fragments, with Gravatar's addresses in them

    # The blog remembers Greta in the client's browser: she reads every post
    # first, her address in the form; the crawl must not meet it in a cache.
    remembered = GUESTS[1].email
    for post in BlogPage.objects.live():
        page = client.get(post.url).content.decode()
        assert remembered in {n.owner for n in find(needles, page)}, post.url

    probes = [Needle(name, "name", name.casefold()) for name in _names()]
    crawler = _seeds(Crawler(blog.url, needles, probes)).run()
    figures.record(
        "Privacy",
        "public URLs with a commenter's address (or part, or hash) in them",
        tried=len(crawler.fetched),
        failed=len(crawler.hits),
    )
    assert _describe(crawler.hits) == {}

    # The crawl reached what it set out to reach: every commenter's name, on
    # a page and in a feed, and every kind of page.
    assert sorted(crawler.probed) == sorted(name.casefold() for name in _names())
    for name, urls in crawler.probed.items():
        assert any("/feed/" in url for url in urls), name
    assert {url: code for url, code in crawler.fetched.items() if code >= 500} == {}
    for post in BlogPage.objects.live():
        assert {post.url, post.url + "feed/", post.url + "feed/atom/"} <= crawler.paths()
    assert len(crawler.paths("/comments/avatar/")) >= len(GUESTS) + 1
    assert len(crawler.paths("/static/")) >= 3
    archives = {"/tag/datenschutz/", "/category/datenschutz/", "/2009/05/", "/author/luca/"}
    assert archives <= crawler.paths()
    for query in ("cpage=2", "?page=2", "replytocom="):
        assert any(query in url for url in crawler.fetched), query
    assert crawler.paths("/comments/mute/") and crawler.paths("/comments/follow/")
    assert crawler.paths("/webmention/status/") and "/sitemap.xml" in crawler.paths()


def test_a_logged_in_reader_sees_their_own_address_and_nobody_elses(blog):
    """Crawled with the reader's session: their account pages show their
    address (the probe), and no page shows anyone else's."""
    own = READER["email"]
    others = [n for n in blog.needles if n.owner != own]
    probes = [Needle(own, "address", own)]
    cookies = {name: morsel.value for name, morsel in blog.reader_client.cookies.items()}
    crawler = Crawler(blog.url, others, probes, cookies, skip=SAME_FOR_EVERYONE)
    _seeds(crawler, PUBLIC_SEEDS + READER_SEEDS)
    crawler.run()
    figures.record(
        "Privacy",
        "a logged-in reader's pages with someone else's address in them",
        tried=len(crawler.fetched),
        failed=len(crawler.hits),
    )
    assert _describe(crawler.hits) == {}
    assert any(urlsplit(url).path == "/accounts/email/" for url in crawler.probed[own])
    assert "/accounts/comments/" in crawler.paths()
    assert {url: code for url, code in crawler.fetched.items() if code >= 500} == {}


# Chromium --------------------------------------------------------------------


@pytest.mark.once
@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="no Chromium")
def test_default_pages_ask_no_other_host(blog, browser):
    """Every request the default pages make, followed in Chromium: home, a
    listing, a tag, a post with comments and an embed, the comment form in
    use (a reply, the mention suggestions, posting in place)."""
    own = urlsplit(blog.url).netloc
    requests = []
    with browser_tab(browser) as page:
        page.context.on("request", lambda request: requests.append(request.url))
        for path in ["/", "/?page=2", "/category/datenschutz/", "/tag/datenschutz/", f"/{VIDEO}/"]:
            page.goto(blog.url + path)
            page.wait_for_load_state("networkidle")
        page.goto(f"{blog.url}/{SEED}/")
        page.locator(".comment .comment__reply").first.click()
        name = page.locator(".comment[data-mention]").first.get_attribute("data-mention")
        page.locator("#id_comment").press_sequentially("Danke @" + name[:2])
        page.locator(".mention-suggestions__item").first.wait_for()
        page.fill("#id_comment", "Aus dem Browser, ohne fremde Server.")
        page.fill("#id_name", "Ohne Spuren")
        page.fill("#id_email", "ohne.spuren.5k@example.org")
        page.get_by_role("button", name="Kommentar abschicken").click()
        page.locator(".comment--pending .comment__awaiting").wait_for()
        page.wait_for_load_state("networkidle")
        seen = list(requests)

        # The recorder sees a third party: the embed, once the reader asks for it.
        page.goto(f"{blog.url}/{VIDEO}/")
        with page.expect_request(THIRD_PARTY_FRAME):
            page.get_by_role("button", name="Hier laden").click()

    third_party = [url for url in seen if urlsplit(url).netloc != own]
    figures.record(
        "Privacy",
        "requests of default pages in Chromium to other hosts",
        tried=len(seen),
        failed=len(third_party),
    )
    assert third_party == []
    assert any(url.endswith(".svg") and "/comments/avatar/" in url for url in seen)
    assert any("/comments/post/" in url for url in seen)  # posted in place, by fetch()
