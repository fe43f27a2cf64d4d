"""What readers see of a post's reactions from the fediverse: how many boosted
and liked it, and who. Plain views, never a model, reach the template; an
avatar is the blog's own copy of the picture (comments/pictures.py) or none,
never the remote server's address. One query per post, whatever the number
of reactions: the counts come with the rows, and the rows listed are limited."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import ngettext

from comments import pictures
from comments.federation.models import Reaction

# People listed per kind of reaction; the counts are always the full ones.
LIST_LIMIT = 100


def web_url(url):
    """Only web addresses become links, whatever a remote server sent."""
    return url if (url or "").lower().startswith(("http://", "https://")) else ""


@dataclass
class Reactor:
    """Someone who boosted or liked the post, as the page shows them."""

    name: str
    url: str
    avatar_url: str | None
    boosted: bool = False
    liked: bool = False


@dataclass
class PublicReactions:
    boosts: int = 0
    likes: int = 0
    people: list = field(default_factory=list)
    listed: int = 0  # reactions behind `people` (a person may have boosted and liked)

    @property
    def total(self):
        return self.boosts + self.likes

    def __bool__(self):
        return self.total > 0

    @property
    def unlisted(self):
        """Reactions beyond the list's limit: counted, not shown by name."""
        return self.total - self.listed

    @property
    def summary(self):
        """ "3 Boosts · 5 Likes", leaving out a kind nobody chose."""
        parts = []
        if self.boosts:
            parts.append(
                ngettext("%(count)s Boost", "%(count)s Boosts", self.boosts)
                % {"count": self.boosts}
            )
        if self.likes:
            parts.append(
                ngettext("%(count)s Like", "%(count)s Likes", self.likes) % {"count": self.likes}
            )
        return " · ".join(parts)

    @property
    def more(self):
        count = self.unlisted
        if count <= 0:
            return ""
        return ngettext("and %(count)s more", "and %(count)s more", count) % {"count": count}


def _rows(post):
    """The post's reactions, the first LIST_LIMIT of each kind, each with the
    total of its kind: one query (window functions, then the limit)."""
    by_kind = [F("kind")]
    return (
        Reaction.objects.filter(post_id=post.pk)
        .select_related("actor")
        .only(
            "kind",
            "created_at",
            "actor__name",
            "actor__preferred_username",
            "actor__host",
            "actor__url",
            "actor__icon_url",
        )
        .annotate(
            kind_total=Window(Count("pk"), partition_by=by_kind),
            place=Window(
                RowNumber(), partition_by=by_kind, order_by=[F("created_at").asc(), F("pk").asc()]
            ),
        )
        .filter(place__lte=LIST_LIMIT)
        .order_by("created_at", "pk")
    )


def reactor_view(actor):
    return Reactor(
        name=actor.display_name,
        url=web_url(actor.url),
        avatar_url=pictures.local_url(actor.icon_url),
    )


def reactions_for(post) -> PublicReactions:
    found = PublicReactions()
    people = {}
    for reaction in _rows(post):
        boost = reaction.kind == Reaction.Kind.ANNOUNCE
        if boost:
            found.boosts = reaction.kind_total
        else:
            found.likes = reaction.kind_total
        found.listed += 1
        person = people.get(reaction.actor_id)
        if person is None:
            person = people[reaction.actor_id] = reactor_view(reaction.actor)
        person.boosted = person.boosted or boost
        person.liked = person.liked or not boost
    found.people = list(people.values())
    return found
