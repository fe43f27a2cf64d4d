"""Why a comment has its status. A reason is stored once, in English, as the
rule wrote it (so the stored text does not depend on who was logged in when
it was judged); moderators read it in their own language: `describe` finds
the template that wrote it and translates it, and it works for reasons stored
before a translation existed. Refusals are not here: they are never stored,
and the pipeline translates them for the reader at request time."""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

TRUSTED = _("trusted: staff or the post's author")
FIRST_COMMENT = _("first comment by this author")
FIRST_LINKBACK = _("first from this source")
PASSED = _("passed all checks")
TOO_MANY_LINKS = _("%(links)s links (more than %(max)s)")
MODERATION_KEY = _("moderation key: %(key)s")
DISALLOWED_KEY = _("disallowed key: %(key)s")
AKISMET_UNAVAILABLE = _("Akismet unavailable: %(detail)s")
AKISMET_SPAM = _("Akismet: spam")
AKISMET_DISCARD = _("Akismet: blatant spam")
AKISMET_HAM = _("Akismet: ham")
AKISMET_NO_KEY = _("no Akismet key")
AKISMET_INVALID_KEY = _("invalid Akismet key")
SET_BY = _("set by %(user)s")
SET_BY_SYSTEM = _("set by system")
APPROVED_BY = _("approved by %(user)s")
UNAPPROVED_BY = _("unapproved by %(user)s")
SPAM_BY = _("marked as spam by %(user)s")
NOT_SPAM_BY = _("marked as not spam by %(user)s")
TRASHED_BY = _("moved to the trash by %(user)s")
RESTORED_BY = _("restored from the trash by %(user)s")
HELD_WITH_PARENT = _("held: the comment it answers (#%(parent)s) is not approved")

FIXED = [
    TRUSTED,
    FIRST_COMMENT,
    FIRST_LINKBACK,
    PASSED,
    AKISMET_SPAM,
    AKISMET_DISCARD,
    AKISMET_HAM,
    AKISMET_NO_KEY,
    AKISMET_INVALID_KEY,
    SET_BY_SYSTEM,
]
TEMPLATES = [
    TOO_MANY_LINKS,
    MODERATION_KEY,
    DISALLOWED_KEY,
    AKISMET_UNAVAILABLE,
    APPROVED_BY,
    UNAPPROVED_BY,
    SPAM_BY,
    NOT_SPAM_BY,
    TRASHED_BY,
    RESTORED_BY,
    HELD_WITH_PARENT,
    SET_BY,
]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template):
    parts = _PLACEHOLDER.split(template)
    # split() alternates literal text and placeholder names.
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


_PATTERNS = [(template, _pattern(template)) for template in TEMPLATES]


def by(template, user):
    """A moderator's action, with the moderator's name (never "None")."""
    if user is None:
        return SET_BY_SYSTEM
    name = user.get_full_name() or user.get_username()
    return stored(template, user=name)


def stored(template, **values):
    """The English text to store, at most as long as the column."""
    return (template % values)[:200]


def describe(reason):
    """A stored reason in the active language; unknown text is shown as it is."""
    if not reason:
        return ""
    if reason in FIXED:
        return gettext(reason)
    for template, pattern in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            values = {
                name: gettext(value) if value in FIXED else value
                for name, value in match.groupdict().items()
            }
            return gettext(template) % values
    return reason
