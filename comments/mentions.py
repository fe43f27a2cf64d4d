"""@-mentions: which earlier comment an "@Name" in a new comment answers.

Pure functions: the caller passes the candidates (earlier approved comments
on the same post, most recent first), so this module never touches the DB.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

# "@" not preceded by a word character (so a@b.org is no mention), then one word.
MENTION_RE = re.compile(r"(?<![\w@])@([^\W_][\w.\-]*\w|[^\W_])", re.UNICODE)
MIN_PREFIX = 4


@dataclass(frozen=True)
class Candidate:
    comment_id: int
    name: str


def _first_word(name):
    parts = name.split()
    return parts[0] if parts else ""


def resolve(token: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """Whole name or first word, case-insensitively; failing that, a prefix of
    the first word of at least four letters (the seed's "@ritchi" means "ritchie")."""
    wanted = token.casefold()
    for candidate in candidates:
        name = candidate.name.casefold()
        if wanted in (name, _first_word(name)):
            return candidate
    if len(wanted) < MIN_PREFIX:
        return None
    for candidate in candidates:
        if _first_word(candidate.name.casefold()).startswith(wanted):
            return candidate
    return None


def find_mentions(text: str) -> list[tuple[int, int, str]]:
    """Spans rather than names, so the renderer can link each one where it stands."""
    return [(m.start(), m.end(), m.group(1)) for m in MENTION_RE.finditer(text)]
