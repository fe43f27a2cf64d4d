"""Readers who signed up before sign-up asked for a name were called by a
username allauth had made from their email address ("erika.mustermann"), on
the page, in feeds and in mails. They get a neutral name ("Leser 17", which
they can change on their account's Name page), and their comments that carry
that username get it too.

Who: every account without a first or last name that is not staff, and staff
accounts without one whose username was made from their email address.
A pure data migration; its rules are copied here, not imported, so that it
keeps doing what it did when the code around it changes."""

import re
import unicodedata

from django.conf import settings
from django.db import migrations

NEUTRAL = {"de": "Leser", "en": "Reader"}
MAX_LENGTH = 50


def neutral_name(pk):
    word = NEUTRAL.get(settings.LANGUAGE_CODE.split("-")[0].lower(), NEUTRAL["en"])
    return f"{word} {pk}"


def email_local_part(email):
    local = (email or "").partition("@")[0]
    local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^\w.+-]", "", local).lower()


def username_from_email(username, email):
    local = email_local_part(email)
    return bool(local) and (username or "").lower().startswith(local)


def has_display_name(user):
    name = f"{user.first_name} {user.last_name}".strip()
    return bool(name) and "@" not in name


def give_public_names(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Comment = apps.get_model("comments", "Comment")
    for user in User.objects.order_by("pk").iterator():
        from_email = username_from_email(user.username, user.email)
        if not has_display_name(user) and (from_email or not (user.is_staff or user.is_superuser)):
            user.first_name, user.last_name = neutral_name(user.pk), ""
            user.save(update_fields=["first_name", "last_name"])
        elif not from_email:
            continue
        name = f"{user.first_name} {user.last_name}".strip()[:MAX_LENGTH]
        stale = {user.username, user.username[:MAX_LENGTH]}
        Comment.objects.filter(user_id=user.pk, user_name__in=stale).update(user_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_mention_permalinks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(give_public_names, migrations.RunPython.noop)]
