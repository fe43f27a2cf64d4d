"""Translations that cannot show a reader a placeholder: every msgstr keeps its
msgid's placeholders, msgfmt accepts the catalogues, and the pages, the admin
and the mails, rendered in German and in English, contain no template syntax."""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from blog.demo.posts import SEED_SLUG
from blog.models import BlogPage
from comments import notifications
from comments.models import Comment
from tests.factories import CommentFactory

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")
LEAKS = ("%(", "{{", "{%", "}}")


class _TextOnly(HTMLParser):
    """What a person reads: text and the attributes people see, no scripts."""

    HIDDEN = {"script", "style", "template"}
    SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "value"}

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts.extend(v or "" for k, v in attrs if k in self.SHOWN_ATTRIBUTES)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _visible_text(html):
    parser = _TextOnly()
    parser.feed(html)
    return "\n".join(parser.parts)


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines):
    raw = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines)))
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), raw)


def _entries(path):
    """(msgid, msgid_plural, [msgstr...]) for each entry, obsolete ones left out."""
    entries, fields, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip() or line.startswith("#"):
            if "msgid" in fields:
                strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
                entry = (fields["msgid"], fields.get("msgid_plural", ""), strs)
                entries.append((*entry, fields["msgctxt"]) if "msgctxt" in fields else entry)
            if not line.strip():
                fields, key = {}, None
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) ", line)
        if match:
            key = match.group(1)
            fields[key] = _unquote([line[match.end() :]])
        elif key:
            fields[key] += _unquote([line])
    return [e for e in entries if e[0]]


def test_the_catalogues_are_found():
    assert {p.parts[-3] for p in CATALOGUES} == {"de", "en"}
    entries = _entries(CATALOGUES[0])
    assert ("Leave a Reply", "", ["Schreibe einen Kommentar"]) in entries


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_translation_keeps_the_placeholders_of_its_source(path):
    wrong = []
    for msgid, plural, strs, *_ in _entries(path):
        allowed = set(PLACEHOLDER.findall(msgid + plural))
        for text in filter(None, strs):
            used = set(PLACEHOLDER.findall(text))
            if not used <= allowed or (not plural and used != allowed):
                wrong.append((msgid, text))
    assert wrong == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_committed_mo_file_holds_every_translation_of_its_po(path):
    """A fresh clone serves the committed .mo (compilemessages skips a .mo that
    is newer than its .po), so it must say what the .po says."""
    with path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for msgid, plural, strs, *context in _entries(path):
        if not strs or not all(strs):
            continue
        if plural:
            found = [catalogue.ngettext(msgid, plural, n) for n in (1, 2)]
            expected = [strs[0], strs[-1]]
        elif context:
            found, expected = catalogue.pgettext(context[0], msgid), strs[0]
        else:
            found, expected = catalogue.gettext(msgid), strs[0]
        if found != expected:
            stale.append(msgid)
    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_msgfmt_accepts_the_catalogue(path):
    checked = subprocess.run(
        [shutil.which("msgfmt"), "--check-format", "--check-domain", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.fixture
def demo(root_page):
    call_command("load_demo", stdout=StringIO())
    return BlogPage.objects.get(slug=SEED_SLUG)


def _reader_pages(post, comment):
    base = post.url
    return [
        "/",
        base,
        f"{base}?replytocom={comment.pk}",
        f"{base}feed/",
        "/comments/feed/atom/",
        "/tag/datenschutz/",
        "/category/social-web/",
        "/2009/",
        "/2009/05/",
        "/author/luca/",
        "/search/?q=Netbook",
        "/no-such-page/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


def _own_pages(post, comment):
    return [
        post.url,
        f"/comments/{comment.pk}/edit/",
        "/accounts/comments/",
        "/admin/",
        "/admin/snippets/comments/comment/",
        f"/admin/snippets/comments/comment/edit/{comment.pk}/",
        f"/admin/snippets/comments/comment/reply/{comment.pk}/",
    ]


def _leaks(client, urls, language):
    found = {}
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 404), (url, response.status_code)
        text = _visible_text(response.content.decode())
        leaks = [leak for leak in LEAKS if leak in text]
        if leaks:
            found[url] = leaks
    return found


@pytest.mark.parametrize("language", ["de", "en"])
def test_pages_show_no_template_syntax(client, demo, language):
    admin = get_user_model().objects.create_superuser("chef", "chef@example.org", "pw")
    comment = CommentFactory(post=demo, user=admin, status="pending")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert _leaks(client, _reader_pages(demo, comment), language) == {}
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    session = client.session
    session["kommentar_own_comments"] = [comment.pk]
    session.save()
    assert _leaks(client, _own_pages(demo, comment), language) == {}


@pytest.mark.parametrize("language", ["de", "en"])
def test_mails_show_no_template_syntax(demo, settings, language):
    settings.LANGUAGE_CODE = language
    author = demo.author
    author.email = "luca@example.org"
    author.save()
    comment = Comment.objects.for_post(demo).approved().first()
    with translation.override(language):
        message = notifications.build(notifications.AUTHOR, comment.pk)
    assert message is not None
    assert not [leak for leak in LEAKS if leak in message.subject + message.body]
