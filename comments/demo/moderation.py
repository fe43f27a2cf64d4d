"""Something for the moderation queue: a moderator, and one pending and one
spam comment on another demo post (the seed post's replies stay as they were)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site

from blog.demo.timeline import VIENNA
from comments.models import Comment, post_model
from comments.moderation.permissions import MODERATORS

TARGET_SLUG = "bcc-ist-kein-hexenwerk"
QUEUE = [
    {
        "user_name": "Anna Berger",
        "user_email": "anna.berger@example.org",
        "comment": "Gibt es dafür auch ein Werkzeug, das ich selbst hosten kann?",
        "status": Comment.Status.PENDING,
        "status_reason": "first comment by this author",
        "submit_date": datetime.datetime(2009, 5, 21, 8, 12, tzinfo=VIENNA),
    },
    {
        "user_name": "Cheap Watches",
        "user_email": "sales@watches.example",
        "user_url": "http://watches.example/",
        "comment": "Billige Uhren! http://watches.example/ http://watches.example/sale",
        "status": Comment.Status.SPAM,
        "status_reason": "demo: marked as spam",
        "submit_date": datetime.datetime(2009, 5, 21, 9, 40, tzinfo=VIENNA),
    },
]


def _moderator(demo):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="moderator",
        defaults={
            "first_name": "Mia",
            "last_name": "Moderatorin",
            "email": "moderator@example.org",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=MODERATORS))
    demo.write(("Created" if created else "Kept") + " the moderator account 'moderator'.")


def load(demo):
    _moderator(demo)
    post = post_model().objects.filter(slug=TARGET_SLUG).first()
    if post is None:
        return
    base = {
        "content_type": ContentType.objects.get_for_model(post),
        "object_pk": str(post.pk),
        "site": Site.objects.get_current(),
        "ip_address": "192.0.2.10",
    }
    created = 0
    for data in QUEUE:
        if not Comment.objects.filter(**base, user_name=data["user_name"]).exists():
            Comment(**base, **data).save()
            created += 1
    demo.write(f"Moderation queue: {created} demo comments created.")
