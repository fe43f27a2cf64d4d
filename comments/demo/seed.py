"""The seed post's 17 comments (blog/demo/data/seed.json), threaded as they
were meant: a comment that answers one person becomes a reply to them."""

import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site

from blog.demo import timeline
from blog.demo.posts import seed_data
from comments.models import Comment

# Reply number -> the reply it answers. Reply 9 answers Vu (7), reply 12
# answers Anne (11), reply 13 answers Luca's round of answers (10).
PARENTS = {9: 7, 12: 11, 13: 10}


def _email(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".") + "@example.org"


def load(demo):
    post = demo.objects["seed_post"]
    author = demo.objects["author:luca"]
    seed = seed_data()
    base = {
        "content_type": ContentType.objects.get_for_model(post),
        "object_pk": str(post.pk),
        "site": Site.objects.get_current(),
    }
    by_number = {}
    created = 0
    replies = [r for r in seed["replies"] if r["type"] == "comment"]
    for reply in replies:
        existing = Comment.objects.filter(
            **base, user_name=reply["author"], submit_date=timeline.REPLIES[reply["number"]]
        ).first()
        if existing is None:
            is_author = reply["author"] == seed["post_author"]
            parent = by_number.get(PARENTS.get(reply["number"]))
            existing = Comment(
                **base,
                user=author if is_author else None,
                user_name=reply["author"],
                user_email=author.email if is_author else _email(reply["author"]),
                comment="\n\n".join(reply["paragraphs"]),
                submit_date=timeline.REPLIES[reply["number"]],
                parent_id=parent.pk if parent else 0,
                status=Comment.Status.APPROVED,
                status_reason="demo",
                ip_address="127.0.0.1",
            )
            existing.save()
            created += 1
        by_number[reply["number"]] = existing
    demo.objects["seed_comments"] = by_number
    demo.write(f"Seed comments: {created} created, {len(replies) - created} kept.")
