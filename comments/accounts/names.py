"""A reader's public name: the one their comments carry, on the page, in the
feeds and in mails. It is the name they chose at sign-up (or that their login
provider sent), kept in first_name; it is never made from their email
address. A reader without one is called "Reader 17" until they choose."""

import re
import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

# A comment's user_name holds 50 characters.
MAX_LENGTH = 50
# One character on each side of an "@" is enough, and keeps the search linear:
# "[^\s@]+@[^\s@]+" matched the same texts in quadratic time (minutes for a
# 100 kB name sent to the sign-up form).
_EMAIL_LIKE = re.compile(r"[^\s@]@[^\s@]")
_ZERO_WIDTH_JOINER = "\u200d"  # part of emoji such as 👩‍💻


def clean(text):
    """Without control or formatting characters (a bidi override would turn the
    text around it), each run of whitespace one space, stripped."""
    kept = []
    for char in text or "":
        if char.isspace():
            kept.append(" ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co") or (category == "Cf" and char != _ZERO_WIDTH_JOINER):
            continue
        kept.append(char)
    return " ".join("".join(kept).split())


def looks_like_email(text):
    return bool(_EMAIL_LIKE.search(text or ""))


def display_name(user):
    """The name the reader chose, cleaned; "" if they have none (or if what
    is stored looks like an email address)."""
    name = clean(user.get_full_name())
    if looks_like_email(name):
        return ""
    return name[:MAX_LENGTH].strip()


def neutral_name(user):
    """ "Reader 17": stored in the blog's own language, as the comments around it are."""
    with translation.override(settings.LANGUAGE_CODE):
        if user.pk is None:
            return _("Reader")
        return _("Reader %(number)d") % {"number": user.pk}


def _email_local_part(email):
    """The local part as allauth turns it into a username: ASCII, lower case."""
    local = (email or "").partition("@")[0]
    local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^\w.+-]", "", local).lower()


def username_from_email(username, email):
    """Whether a username could have been made from the email address."""
    local = _email_local_part(email)
    return bool(local) and (username or "").lower().startswith(local)


def public_name(user):
    """The name shown for `user` wherever their comments appear (and allauth's
    ACCOUNT_USER_DISPLAY). Staff without a full name keep the username they
    chose; nobody is ever named after their email address."""
    name = display_name(user)
    if name:
        return name
    username = clean(user.get_username())
    if (
        (user.is_staff or user.is_superuser)
        and username
        and not username_from_email(username, user.email)
    ):
        return username[:MAX_LENGTH]
    return neutral_name(user)


def set_display_name(user, name):
    """Store a name the reader chose (a cleaned form value)."""
    user.first_name = name
    user.last_name = ""
    user.save(update_fields=["first_name", "last_name"])


def ensure_display_name(user):
    """A reader without a name of their own (their login provider sent none, or
    the account is older than the question at sign-up) gets "Reader 17" stored,
    to change on their account's Name page. Staff keep their chosen username."""
    if not display_name(user) and public_name(user) == neutral_name(user):
        set_display_name(user, neutral_name(user))
