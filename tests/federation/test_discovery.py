"""How the fediverse finds the blog: WebFinger for the blog and its authors,
NodeInfo, and a post's address answering HTML to browsers and the Article
JSON to ActivityPub clients, past the page cache."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Site

from comments.federation import advertise, ids
from comments.models import Comment
from tests.factories import BlogPageFactory, CommentFactory, UserFactory

WEBFINGER = "/.well-known/webfinger"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
MASTODON = (
    'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    ", text/html;q=0.1"
)
ACTIVITY = "application/activity+json"
LD_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def finger(client, resource, **extra):
    return client.get(WEBFINGER, {"resource": resource}, **extra)


def vary(response):
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


class HeadTags(HTMLParser):
    """The <link> and <meta> tags of a page's head."""

    def __init__(self):
        super().__init__()
        self.links, self.metas = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and attrs.get("name"):
            self.metas[attrs["name"]] = attrs.get("content")


def head_tags(html):
    parser = HeadTags()
    parser.feed(html)
    return parser


# WebFinger ---------------------------------------------------------------------


@pytest.fixture
def private_author(author):
    author.email = "hammer.geheim@mailbox.example"
    author.save()
    return author


def test_webfinger_finds_the_blog(client, site):
    response = finger(client, "acct:blog@testserver")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    document = response.json()
    actor_id = "http://testserver/ap/actors/blog/"
    assert document["subject"] == "acct:blog@testserver"
    assert document["aliases"] == [actor_id, "http://testserver/"]
    links = {link["rel"]: link for link in document["links"]}
    assert links["self"] == {"rel": "self", "type": "application/activity+json", "href": actor_id}
    profile = links["http://webfinger.net/rel/profile-page"]
    assert (profile["type"], profile["href"]) == ("text/html", "http://testserver/")
    actor = client.get(actor_id, HTTP_ACCEPT=ACTIVITY)
    assert actor.status_code == 200
    assert json.loads(actor.content)["id"] == actor_id


def test_webfinger_finds_an_author_who_published(client, private_author, post):
    response = finger(client, "acct:luca@testserver")
    assert response.status_code == 200
    document = response.json()
    assert document["subject"] == "acct:luca@testserver"
    self_link = next(link for link in document["links"] if link["rel"] == "self")
    assert self_link["href"] == "http://testserver/ap/actors/luca/"
    assert document["aliases"][0] == self_link["href"]


@pytest.mark.parametrize(
    "resource",
    [
        "acct:BLOG@TestServer",  # names and hosts are case-insensitive
        "blog@testserver",  # the scheme left out
        "acct:@blog@testserver",  # as people write a handle
        "http://testserver/ap/actors/blog/",  # the actor's URL
        "HTTP://TESTSERVER/ap/actors/blog/",
    ],
)
def test_webfinger_reads_every_way_to_name_the_blog(client, site, resource):
    response = finger(client, resource)
    assert response.status_code == 200, response.content
    assert response.json()["subject"] == "acct:blog@testserver"


@pytest.mark.parametrize(
    "resource",
    [
        "acct:blog@example.org",  # another host
        "acct:blog@testserver.example.org",
        "acct:blog@testserver:8080",  # our host on another port is not us
        "https://example.org/ap/actors/blog/",
        "https://testserver/ap/actors/blog/",  # another scheme
        "http://testserver/ap/posts/1/",  # ours, but no actor
        "http://testserver/nowhere/",
        "acct:nobody@testserver",
        "acct:a@b@testserver",
        "acct:luca.hammer@testserver",  # no handle has a dot
    ],
)
def test_webfinger_knows_nobody_else(client, post, resource):
    response = finger(client, resource)
    assert response.status_code == 404, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "error" in response.json()


def test_an_author_who_never_published_is_unknown(client, private_author, post, blog_index):
    drafter = UserFactory(username="drafter")
    draft = BlogPageFactory(parent=blog_index, author=drafter, slug="draft")
    draft.unpublish()
    UserFactory(username="reader")
    assert finger(client, "acct:drafter@testserver").status_code == 404
    assert finger(client, "acct:reader@testserver").status_code == 404
    assert finger(client, "acct:luca@testserver").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?resource=",
        "?resource=acct:",
        "?resource=acct:blog",
        "?resource=acct:blog@",
        "?resource=nonsense",
        "?resource=acct:bl%20og@testserver",
        "?resource=acct:blog%0A@testserver",
        "?resource=acct:blog%00@testserver",
        "?resource=http://[::1/ap/actors/blog/",
        "?resource=" + "a" * 5000 + "@testserver",
    ],
)
def test_garbled_resources_are_a_bad_request(client, site, query):
    response = client.get(WEBFINGER + query)
    assert response.status_code == 400, response.content
    assert response.json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        "?resource=%FF%FE%00acct:blog@testserver",
        "?resource=acct:%C3%28@testserver",
        "?resource=acct:blog@%FF",
        "?resource=http://testserver/ap/actors/%FF/",
        "?resource=http://testserver/ap/actors/%00/",
        "?resource=http://testserver:99999/",
        "?resource=acct:blog@testserver&resource=",
        "?resource=%E2%80%AEacct:blog@testserver",
    ],
)
def test_no_query_makes_webfinger_fail(client, site, query):
    response = client.get(WEBFINGER + query)
    assert response.status_code in (200, 400, 404), response.content
    assert response["Content-Type"].startswith("application/")


def test_discovery_answers_reads_only(client, site):
    assert client.post(WEBFINGER + "?resource=acct:blog@testserver").status_code == 405
    assert client.delete("/.well-known/nodeinfo").status_code == 405
    assert client.put("/nodeinfo/2.1").status_code == 405
    head = client.head(WEBFINGER + "?resource=acct:blog@testserver")
    assert head.status_code == 200


# NodeInfo ---------------------------------------------------------------------


def test_nodeinfo_says_what_runs_here(client, post, blog_index):
    Site.objects.update(site_name="Lucas Blog")
    draft = BlogPageFactory(parent=blog_index, author=UserFactory(username="drafter"))
    draft.unpublish()
    CommentFactory(post=post)
    CommentFactory(post=post, status=Comment.Status.PENDING)
    CommentFactory(post=post, kind=Comment.Kind.PINGBACK)
    links = client.get("/.well-known/nodeinfo")
    assert links.status_code == 200
    assert links["Access-Control-Allow-Origin"] == "*"
    assert links.json() == {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": "http://testserver/nodeinfo/2.1",
            }
        ]
    }
    response = client.get("/nodeinfo/2.1")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    info = json.loads(response.content)
    assert info["version"] == "2.1"
    assert info["software"]["name"] == "kommentar"
    assert info["software"]["version"]
    assert info["protocols"] == ["activitypub"]
    assert set(info["services"]) == {"inbound", "outbound"}
    assert info["openRegistrations"] is False
    assert info["usage"]["users"]["total"] == 1  # the draft's author has published nothing
    assert info["usage"]["users"]["activeMonth"] == 1
    assert info["usage"]["localPosts"] == 1
    assert info["usage"]["localComments"] == 1
    assert info["metadata"] == {"nodeName": "Lucas Blog"}


# A post page: HTML or the Article --------------------------------------------


@pytest.fixture
def tricky_post(site, blog_index, private_author):
    return BlogPageFactory(
        parent=blog_index,
        author=private_author,
        slug="tricky",
        title="Fediverse <b>test</b>",
        body=[
            {
                "type": "paragraph",
                "value": '<p>Hallo <a href="/about/">Welt</a></p>'
                '<script>alert("x")</script><p onclick="evil()">Ende</p>',
            }
        ],
        tags=["A1", "Datenschutz"],
    )


def test_a_browser_gets_the_page_with_the_fediverse_tags(client, tricky_post):
    response = client.get(tricky_post.url, HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "accept" in vary(response)
    tags = head_tags(response.content.decode())
    alternates = [link for link in tags.links if link.get("rel") == "alternate"]
    assert {"rel": "alternate", "type": ACTIVITY, "href": ids.post(tricky_post)} in alternates
    assert ids.post(tricky_post) == f"http://testserver/ap/posts/{tricky_post.pk}/"
    assert tags.metas["fediverse:creator"] == "@luca@testserver"
    assert client.get(ids.post(tricky_post), HTTP_ACCEPT=ACTIVITY).status_code == 200
    # The creator is someone WebFinger knows, and the cached head says the same.
    assert finger(client, "acct:luca@testserver").status_code == 200
    again = head_tags(client.get(tricky_post.url, HTTP_ACCEPT=BROWSER).content.decode())
    assert (again.links, again.metas) == (tags.links, tags.metas)


def test_a_post_without_a_known_author_names_the_blog(client, site, blog_index):
    post = BlogPageFactory(parent=blog_index, author=None, slug="anonymous")
    tags = head_tags(client.get(post.url).content.decode())
    assert tags.metas["fediverse:creator"] == "@blog@testserver"


@pytest.mark.parametrize("accept", [ACTIVITY, LD_PROFILE, MASTODON])
def test_an_activitypub_client_gets_the_article(client, tricky_post, accept):
    CommentFactory(post=tricky_post, comment="Erster!", user=tricky_post.author)
    CommentFactory(post=tricky_post, comment="Von einem Gast")  # never named
    response = client.get(tricky_post.url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == ACTIVITY
    assert "accept" in vary(response)
    article = json.loads(response.content)
    assert article["type"] == "Article"
    assert article["id"] == ids.post(tricky_post)
    assert article["url"] == "http://testserver/tricky/"
    assert article["attributedTo"] == "http://testserver/ap/actors/blog/"
    assert article["to"] == [PUBLIC]
    assert article["cc"] == ["http://testserver/ap/actors/blog/followers/"]
    assert article["name"] == "Fediverse <b>test</b>"
    assert '<a href="http://testserver/about/"' in article["content"]
    assert "Ende" in article["content"]
    assert {tag["name"] for tag in article["tag"]} == {"#A1", "#Datenschutz"}
    assert all(tag["type"] == "Hashtag" for tag in article["tag"])
    replies = article["replies"]
    assert replies["id"] == f"http://testserver/ap/posts/{tricky_post.pk}/replies/"
    assert replies["totalItems"] == 1
    comment = Comment.objects.get(comment="Erster!")
    assert replies["first"]["items"] == [f"http://testserver/ap/comments/{comment.pk}/"]
    raw = response.content.decode()
    for unsafe in ("<script", "alert(", "onclick", "evil()"):
        assert unsafe not in raw
    for private in ("hammer.geheim", "mailbox.example", "@example.org"):
        assert private not in raw


def test_the_article_on_its_own_id_is_the_same(client, tricky_post):
    by_page = json.loads(client.get(tricky_post.url, HTTP_ACCEPT=ACTIVITY).content)
    by_id = json.loads(client.get(ids.post(tricky_post), HTTP_ACCEPT=ACTIVITY).content)
    assert by_id["id"] == by_page["id"]
    assert by_id["content"] == by_page["content"]


def test_the_post_feeds_stay_feeds(client, tricky_post):
    response = client.get(tricky_post.url + "feed/", HTTP_ACCEPT=ACTIVITY)
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]


def test_an_unpublished_post_has_no_article(client, tricky_post):
    tricky_post.unpublish()
    assert client.get("/tricky/", HTTP_ACCEPT=ACTIVITY).status_code == 404


def test_a_scheduled_post_is_no_article_even_for_its_editor(client, tricky_post):
    tricky_post.date = timezone.now() + timedelta(days=3)
    tricky_post.save_revision().publish()
    assert client.get("/tricky/", HTTP_ACCEPT=ACTIVITY).status_code == 404
    tricky_post.author.is_superuser = tricky_post.author.is_staff = True
    tricky_post.author.save()
    client.force_login(tricky_post.author)
    response = client.get("/tricky/", HTTP_ACCEPT=ACTIVITY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# The page cache never mixes the two ------------------------------------------


@pytest.fixture
def cache_dir(settings, tmp_path):
    settings.PAGE_CACHE_DIR = str(tmp_path / "pages")
    return tmp_path / "pages"


ASKED_FOR_DE = {"HTTP_X_PAGE_CACHE_LANGUAGE": "de", "HTTP_ACCEPT_LANGUAGE": "de"}


def test_the_article_is_never_written_or_answered_from_the_page_cache(
    client, tricky_post, cache_dir
):
    page_file = cache_dir / "tricky" / "index.de.html"
    as_json = client.get("/tricky/", HTTP_ACCEPT=ACTIVITY, **ASKED_FOR_DE)
    assert as_json["Content-Type"] == ACTIVITY
    assert "ETag" not in as_json and "public" not in as_json.get("Cache-Control", "")
    assert not page_file.exists()
    html = client.get("/tricky/", HTTP_ACCEPT=BROWSER, **ASKED_FOR_DE)
    assert html["Content-Type"].startswith("text/html")
    assert page_file.is_file()
    assert html["Vary"] == "Accept, Accept-Language, Cookie"
    assert "public" in html["Cache-Control"]
    # The page's validators do not stand for the JSON: no 304 for it.
    conditional = {"HTTP_IF_NONE_MATCH": html["ETag"], **ASKED_FOR_DE}
    as_json = client.get("/tricky/", HTTP_ACCEPT=ACTIVITY, **conditional)
    assert (as_json.status_code, as_json["Content-Type"]) == (200, ACTIVITY)
    assert json.loads(as_json.content)["type"] == "Article"
    assert page_file.read_bytes() == html.content
    again = client.get("/tricky/", HTTP_ACCEPT=BROWSER, **conditional)
    assert again.status_code == 304
    assert "accept" in vary(again)


def test_every_shared_page_varies_by_accept(client, tricky_post):
    home = client.get("/", HTTP_ACCEPT=BROWSER)
    assert home["Vary"] == "Accept, Accept-Language, Cookie"
    post = client.get("/tricky/", HTTP_ACCEPT=BROWSER)
    assert post["Vary"] == home["Vary"]


# Reading the Accept header ---------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (ACTIVITY, True),
        (LD_PROFILE, True),
        ("application/ld+json;profile=https://www.w3.org/ns/activitystreams", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams x"', True),
        ("APPLICATION/Activity+JSON; charset=utf-8", True),
        (MASTODON, True),
        ("application/activity+json, */*", True),
        ("*/*, application/activity+json", True),
        ("text/*;q=0.5, application/activity+json;q=0.5", True),
        ("text/html;q=0.9, application/activity+json", True),
        ("application/activity+json, text/html", True),  # equal q: the first one
        ("text/html, application/activity+json", False),
        ("text/html, application/activity+json;q=0.9", False),
        ("application/activity+json;q=0", False),
        ("application/activity+json;q=0.000", False),
        ("application/ld+json", False),  # JSON-LD of anything: not necessarily ours
        ('application/ld+json; profile="https://example.org/other"', False),
        ("application/json", False),
        (BROWSER, False),
        ("*/*", False),
        ("", False),
        ("application/activity+json;q=abc", False),
        ("application/activity+json;q=2", False),
        ("application/activity+json;q=nan", False),
        ("application/activity+json;q=-1", False),
        (",,,;;;===", False),
        ('application/activity+json; x="unterminated, text/html', True),
        ("text/html, " * 40 + "application/activity+json", False),  # past MAX_RANGES
        ("x" * 100_000 + ", application/activity+json", False),
        ("application/activ\x00ity+json", False),
    ],
)
def test_what_counts_as_asking_for_activity_json(accept, wanted):
    request = RequestFactory().get("/", HTTP_ACCEPT=accept)
    assert advertise.wants_activity_json(request) is wanted


def test_no_accept_header_is_a_browser():
    request = RequestFactory().get("/")
    request.META.pop("HTTP_ACCEPT", None)
    assert advertise.wants_activity_json(request) is False


@pytest.mark.parametrize(
    "accept",
    ["\udcff\udcfeapplication/activity+json", "application/activity+json;;;q=", "ä/ö;q=1"],
)
def test_a_junk_accept_header_never_breaks_the_page(client, tricky_post, accept):
    response = client.get("/tricky/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
