"""Stored bodies follow the new rendering rules without being rendered again:

- an @-mention links to the comment's permalink, /comments/<id>/, instead of the
  bare fragment #comment-<id> (broken in feeds and across discussion pages);
- a single pair of asterisks stays as typed ("*Autsch*"), as in WordPress. The
  renderer only ever made <em> from *text*, so <em>text</em> goes back to *text*.
"""

import re

from django.db import migrations
from django.db.models import Q

FRAGMENT = re.compile(r'href="#comment-(\d+)"')
EMPHASIS = re.compile(r"<em>(.*?)</em>")
BATCH = 500


def forwards(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    changed = []
    old = Q(body_html__contains='href="#comment-') | Q(body_html__contains="<em>")
    stored = Comment._base_manager.filter(old).only("body_html")
    for comment in stored.iterator():
        html = FRAGMENT.sub(r'href="/comments/\1/"', comment.body_html)
        comment.body_html = EMPHASIS.sub(r"*\1*", html)
        changed.append(comment)
        if len(changed) == BATCH:
            Comment._base_manager.bulk_update(changed, ["body_html"])
            changed = []
    Comment._base_manager.bulk_update(changed, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_linkbacks"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
