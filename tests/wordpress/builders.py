"""WXR files as WordPress writes them (through comments/wordpress/wxr_writer.py),
built from records in tests: a post, its comments, a whole export."""

from datetime import datetime

from comments.wordpress import wxr_writer
from comments.wordpress.records import Author, Channel, Item, ItemTerm, Term
from comments.wordpress.records import Comment as WpComment

SITE = "https://alt.example.org"


def when(day, hour=12):
    return datetime(2009, 5, day, hour, 0, 0)


def comment(wp_id, **fields):
    defaults = {
        "author": f"Leser {wp_id}",
        "author_email": f"leser{wp_id}@example.org",
        "author_url": "",
        "author_ip": "192.0.2.7",
        "date": when(10 + wp_id % 10, 14),
        "date_gmt": when(10 + wp_id % 10, 12),
        "content": f"Kommentar {wp_id}",
    }
    return WpComment(wp_id=wp_id, **{**defaults, **fields})


def post_item(wp_id=11, **fields):
    defaults = {
        "post_type": "post",
        "status": "publish",
        "title": "Wie gut ist die Social Web Kompetenz von A1?",
        "slug": "a1-kompetenz",
        "creator": "luca",
        "content": "<p>Ein peinlicher Fehler.</p>",
        "excerpt": "",
        "date": when(5, 10),
        "date_gmt": when(5, 8),
        "terms": [
            ItemTerm("category", "datenschutz", "Datenschutz"),
            ItemTerm("post_tag", "a1", "A1"),
        ],
    }
    item = Item(wp_id=wp_id, **{**defaults, **fields})
    item.link = item.link or f"{SITE}/2009/05/{item.slug}/"
    return item


def thread_comments():
    """1 → 2 → 3 → 4 → 5 → 6 (six levels), an orphan, every status and type."""
    chain = [comment(1)] + [comment(n, parent=n - 1) for n in range(2, 7)]
    return chain + [
        comment(7, parent=999),  # its parent is not in the file
        comment(8, approved="0"),
        comment(9, approved="spam"),
        comment(10, approved="trash"),
        comment(11, approved="post-trashed"),
        comment(
            12,
            type="pingback",
            author="Anderer Blog » Ein Artikel",
            author_url="https://other.example/artikel/",
            content="[…] ein <b>Link</b> hierher […]",
        ),
        comment(13, type="trackback", author="Drittes Blog", author_url="https://third.example/"),
        comment(14, type="some_plugin_like", content="Gefällt mir"),
        comment(15, date_gmt=None, date=when(20, 9)),
        comment(16, user_id=2, author="Luca Hammer", content="Danke <strong>euch</strong>!"),
    ]


def write_wxr(path, items, authors=None):
    authors = authors or [
        Author(wp_id=2, login="luca", email="luca@example.org", display_name="Luca Hammer"),
    ]
    terms = [
        Term("category", "datenschutz", "Datenschutz", wp_id=3),
        Term("post_tag", "a1", "A1", wp_id=4),
    ]
    channel = Channel(title="Altes Blog", link=SITE, base_site_url=SITE, base_blog_url=SITE)
    with open(path, "w", encoding="utf-8") as out:
        wxr_writer.write(out, channel, authors, terms, items)
    return path
