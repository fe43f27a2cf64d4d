"""Import → export → import into an emptied blog gives the same posts and
comments: count, text, status, type, parent, dates."""

import io

from django.contrib.auth.models import User
from wagtail.contrib.redirects.models import Redirect

from blog.models import BlogPage
from comments.models import Comment, ImportedObject
from comments.wordpress import export, importer

FIXTURE = "tests/wordpress/fixtures/wxr-1.2-classic.xml"


def snapshot():
    """What must survive, keyed by what does not depend on database ids."""
    posts = {
        post.pk: (post.title, post.slug, post.date, post.live) for post in BlogPage.objects.all()
    }
    comments = {}
    for comment in Comment.objects.all():
        parent = None
        if comment.parent_id != comment.pk:
            parent = Comment.objects.get(pk=comment.parent_id).comment
        comments[(posts[int(comment.object_pk)][1], comment.comment)] = (
            comment.user_name,
            comment.status,
            comment.kind,
            parent,
            comment.submit_date,
        )
    return sorted(posts.values()), comments


def empty_the_blog():
    for post in BlogPage.objects.all():
        post.delete()
    Comment.objects.all().delete()
    ImportedObject.objects.all().delete()
    Redirect.objects.all().delete()
    User.objects.exclude(is_superuser=True).delete()


def test_import_export_import_keeps_everything(site, tmp_path):
    importer.run(FIXTURE, importer.Options())
    before = snapshot()
    assert len(before[1]) >= 15

    exported = tmp_path / "again.xml"
    with exported.open("w", encoding="utf-8") as out:
        export.export(out)
    empty_the_blog()
    assert not Comment.objects.exists()

    report = importer.run(exported, importer.Options())
    assert snapshot() == before
    assert report.total("comment") == len(before[1])


def test_a_second_export_reads_back_the_same(site, tmp_path):
    importer.run(FIXTURE, importer.Options())
    first, second = io.StringIO(), io.StringIO()
    export.export(first)
    export.export(second)
    strip = lambda text: "\n".join(  # noqa: E731  the creation time differs
        line for line in text.splitlines() if "created=" not in line and "<pubDate>" not in line
    )
    assert strip(first.getvalue()) == strip(second.getvalue())
