"""Reply 17 of the seed, "Kommentare schreiben über Facebook Connect macht
doppelt Spaß", came through Facebook: in the demo it belongs to a user with a
linked Facebook account. The uid is made up, no token is stored, and the
picture is a placeholder served here, so the page asks Facebook for nothing."""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model

FACEBOOK_REPLY = 17
DEMO_UID = "demo-markus-huebner"
# Unhashed, so that the address holds whether or not collectstatic has run.
PLACEHOLDER = settings.STATIC_URL + "img/facebook-avatar.svg"


def _user():
    user, created = get_user_model().objects.get_or_create(
        username="markus.huebner",
        defaults={"first_name": "Markus", "last_name": "Hübner", "email": ""},
    )
    if created:
        user.set_unusable_password()  # a demo identity: nobody logs in as it
        user.save()
    SocialAccount.objects.get_or_create(
        provider="facebook",
        uid=DEMO_UID,
        defaults={
            "user": user,
            "extra_data": {
                "id": DEMO_UID,
                "name": "Markus Hübner",
                "picture": {"data": {"url": PLACEHOLDER}},
            },
        },
    )
    return user


def load(demo):
    comment = demo.objects["seed_comments"][FACEBOOK_REPLY]
    if comment.user_id is None:
        comment.user = _user()
        comment.save(update_fields=["user"])
    demo.write("Reply 17 comes from a (demo) Facebook account.")
