"""New threads are stored in bulk; what they get must be what
django-comments-xtd computes saving one comment at a time."""

from datetime import datetime

from blog.models import BlogPage
from comments.models import Comment, ImportedObject
from comments.wordpress import importer
from tests.factories import CommentFactory
from tests.wordpress.builders import comment, post_item, write_wxr

# WordPress id → parent: two threads, replies out of date order, and depth.
SHAPE = {1: 0, 2: 1, 3: 1, 4: 2, 5: 4, 6: 0, 7: 6, 8: 3, 9: 2}


def records():
    return [
        comment(wp_id, parent=parent, date_gmt=datetime(2009, 5, 10, 8, wp_id), date=None)
        for wp_id, parent in SHAPE.items()
    ]


def thread_data(comments, wp_of):
    return sorted(
        (wp_of[c.pk], c.level, c.order, c.nested_count, wp_of[c.parent_id], wp_of[c.thread_id])
        for c in comments
    )


def test_bulk_threads_match_xtds_one_by_one(site, tmp_path, blog_index):
    importer.run(
        write_wxr(tmp_path / "t.xml", [post_item(comments=records())]), importer.Options()
    )
    imported = dict(
        ImportedObject.objects.filter(kind="comment").values_list("object_id", "wp_id")
    )
    bulk = thread_data(Comment.objects.filter(pk__in=imported), imported)

    other = (
        BlogPage.objects.get(slug="a1-kompetenz")
        .get_parent()
        .add_child(instance=BlogPage(title="Vergleich", slug="vergleich"))
    )
    saved = {}
    for record in records():  # in date order, as a blog receives them
        parent = saved.get(record.parent)
        made = CommentFactory(
            post=other, parent_id=parent.pk if parent else 0, comment=record.content
        )
        saved[record.wp_id] = made
    one_by_one = thread_data(
        [Comment.objects.get(pk=c.pk) for c in saved.values()],
        {c.pk: wp_id for wp_id, c in saved.items()},
    )
    assert bulk == one_by_one
    assert [row[0] for row in sorted(bulk, key=lambda r: (r[5], r[2]))] == [
        1,
        2,
        4,
        5,
        9,
        3,
        8,
        6,
        7,
    ]


def test_mentions_in_bulk_link_to_the_earlier_comment(client, site, tmp_path):
    items = [
        post_item(
            comments=[
                comment(1, author="Martin"),
                comment(2, content="@Martin: genau so", date_gmt=datetime(2009, 5, 30, 8)),
            ]
        )
    ]
    importer.run(write_wxr(tmp_path / "m.xml", items), importer.Options())
    first = ImportedObject.objects.get(kind="comment", wp_id=1).object_id
    second = Comment.objects.get(pk=ImportedObject.objects.get(kind="comment", wp_id=2).object_id)
    assert f'href="/comments/{first}/">@Martin</a>' in second.body_html
