"""Import → export → import into a second, empty database (a fresh SQLite
file, migrated, with nothing but a blog index) gives the same posts and
comments: count, text, status, type, parent, dates."""

import json

import pytest

from comments.wordpress import export, importer
from tests import servers

pytestmark = pytest.mark.once  # the second database is its own; the first is SQLite or PG alike

FIXTURE = "tests/wordpress/fixtures/wxr-1.2-classic.xml"

# Run here and in the second database's shell: what must survive, without ids.
SNAPSHOT = """
from blog.models import BlogPage
from comments.models import Comment
posts = {p.pk: p for p in BlogPage.objects.all()}
texts = {c.pk: c.comment for c in Comment.objects.all()}
snapshot = {
    "posts": sorted([p.title, p.slug, p.date.isoformat(), p.live] for p in posts.values()),
    "comments": sorted(
        [posts[int(c.object_pk)].slug, c.comment, c.user_name, c.user_email, c.status, c.kind,
         None if c.parent_id == c.pk else texts[c.parent_id], c.submit_date.isoformat()]
        for c in Comment.objects.all()
    ),
}
"""

EMPTY_BLOG = """
from wagtail.models import Page, Site
from blog.models import BlogIndexPage
index = Page.get_first_root_node().add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
index.save_revision().publish()
Site.objects.all().delete()
Site.objects.create(hostname="127.0.0.1", root_page=index, is_default_site=True, site_name="Kopie")
result(BlogIndexPage.objects.count())
"""


def local_snapshot():
    scope = {}
    exec(SNAPSHOT, scope)  # noqa: S102  (our own code, shared with the other database's shell)
    return json.loads(json.dumps(scope["snapshot"]))


def test_a_second_empty_database_gets_the_same_blog(site, tmp_path):
    importer.run(FIXTURE, importer.Options())
    here = local_snapshot()
    assert len(here["comments"]) >= 15

    exported = tmp_path / "export.xml"
    with exported.open("w", encoding="utf-8") as out:
        export.export(out)

    env = servers.app_env(tmp_path / "second", database_url=f"sqlite:///{tmp_path / 'second.db'}")
    servers.manage(env, "migrate", "--noinput", "-v", "0")
    assert servers.shell(env, EMPTY_BLOG) == 1
    servers.manage(env, "import_wxr", str(exported), "-v", "0")
    there = servers.shell(env, SNAPSHOT + "\nresult(snapshot)\n")
    assert there == here
