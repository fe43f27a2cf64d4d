"""One judge for every incoming piece of feedback (comments, replies,
pingbacks, trackbacks, Webmentions), in one fixed order:

1. refuse: not stored (comments closed, honeypot, flood, duplicate);
2. spam: stored, never shown (disallowed keys, Akismet spam or discard);
3. hold: stored as pending (no approved comment yet, too many links,
   moderation keys, Akismet unreachable: nothing is published unchecked);
4. approve.

Every verdict carries the rule that decided it, stored with the comment in
English (moderation.reasons shows it in the moderator's language); refusals
are never stored and speak the reader's language.
`apply` is the one place a verdict becomes a comment's status.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, ModerationSettings
from comments.moderation import reasons, spam
from comments.moderation.permissions import moderates_all
from comments.rendering import count_links

REFUSE, SPAM, HOLD, APPROVE = "refuse", "spam", "hold", "approve"
STATUS = {
    SPAM: Comment.Status.SPAM,
    HOLD: Comment.Status.PENDING,
    APPROVE: Comment.Status.APPROVED,
}


@dataclass
class Feedback:
    """What every kind of feedback looks like to the judge."""

    post: object
    content: str
    name: str = ""
    email: str = ""
    url: str = ""
    ip: str | None = None
    user: object = None
    kind: str = "comment"
    user_agent: str = ""
    referrer: str = ""
    honeypot: str = ""
    is_reply: bool = False
    pk: int | None = None
    is_edit: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_comment(cls, comment, *, honeypot="", is_edit=False):
        return cls(
            post=comment.content_object,
            content=comment.comment,
            name=comment.user_name,
            email=comment.user_email,
            url=comment.user_url,
            ip=comment.ip_address,
            user=comment.user,
            kind=comment.kind,
            user_agent=comment.user_agent,
            referrer=comment.referrer,
            honeypot=honeypot,
            is_reply=bool(comment.parent_id and comment.parent_id != comment.pk),
            pk=comment.pk,
            is_edit=is_edit,
        )


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str = ""

    @property
    def status(self):
        return STATUS.get(self.outcome)


def _config(post):
    return ModerationSettings.for_site(post.get_site())


def _others(feedback):
    comments = Comment.objects.for_post(feedback.post) if feedback.post else Comment.objects
    return comments.exclude(pk=feedback.pk) if feedback.pk else comments


def _is_linkback(feedback):
    return feedback.kind in Comment.Kind.LINKBACKS


def _closed(feedback, config):
    if _is_linkback(feedback):
        return not feedback.post.pings_open(feedback.kind) and _("This post takes no pings.")
    return not feedback.post.comments_open and _("Comments are closed.")


def _honeypot(feedback, config):
    return bool(feedback.honeypot) and _("Your comment looks like spam and was not sent.")


def _flood(feedback, config):
    """Linkbacks have their own limits per source host and address (ratelimit)."""
    if feedback.is_edit or not config.flood_seconds or _is_linkback(feedback):
        return False
    who = Q(user_id=feedback.user.pk) if feedback.user else Q(ip_address=feedback.ip)
    if not feedback.user and not feedback.ip:
        return False
    since = timezone.now() - timedelta(seconds=config.flood_seconds)
    recent = Comment.objects.filter(who, submit_date__gte=since)
    if feedback.pk:
        recent = recent.exclude(pk=feedback.pk)
    return recent.exists() and _("You are posting comments too quickly. Slow down.")


def _duplicate(feedback, config):
    others = _others(feedback).exclude(status=Comment.Status.TRASH)
    if _is_linkback(feedback):
        taken = others.linkbacks().filter(user_url=feedback.url)
        return taken.exists() and _("This source is already registered.")
    taken = others.filter(comment=feedback.content.strip())
    if feedback.kind == Comment.Kind.FEDIVERSE:  # "Thanks!" from two people is no duplicate
        taken = taken.filter(kind=feedback.kind, user_url=feedback.url)
    return taken.exists() and _("You have already said that.")


REFUSALS = [_closed, _honeypot, _flood, _duplicate]
# The rules that depend on other comments: checked again under the write lock.
RACY = [_flood, _duplicate]


def _matches(keys, feedback):
    fields = [feedback.name, feedback.email, feedback.url, feedback.content, feedback.ip or ""]
    haystack = "\n".join(fields).casefold()
    return next((key for key in keys if key in haystack), None)


def _trusted(feedback):
    """Staff, moderators (they could approve it themselves) and the post's own
    author need no moderation."""
    user = feedback.user
    author_id = getattr(feedback.post, "author_id", None)
    return user is not None and (user.is_staff or user.pk == author_id or moderates_all(user))


def _verified(user, email):
    """A logged-in reader's address counts once they proved it is theirs."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _source_site(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None


def _has_approved_comment(feedback):
    """Known people are not held: the same address (verified, for accounts),
    the same account, or, for a linkback, an earlier approved one from that site."""
    if _is_linkback(feedback):
        site = _source_site(feedback.url)
        earlier = Comment.objects.approved().linkbacks().filter(user_url__startswith=site)
        return bool(site) and earlier.exclude(pk=feedback.pk).exists()
    if feedback.kind == Comment.Kind.FEDIVERSE:
        # user_url is the remote account's id, which its server's signature proved
        earlier = Comment.objects.approved().filter(kind=feedback.kind, user_url=feedback.url)
        if feedback.pk and not feedback.is_edit:
            earlier = earlier.exclude(pk=feedback.pk)
        # An edit of an approved reply is judged on its content, as a comment's is.
        return bool(feedback.url) and earlier.exists()
    if feedback.user is not None and not _verified(feedback.user, feedback.email):
        return False
    who = Q(user_email__iexact=feedback.email) if feedback.email else Q(pk__in=[])
    if feedback.user is not None:
        who |= Q(user_id=feedback.user.pk)
    earlier = Comment.objects.approved().filter(who)
    if feedback.pk and not feedback.is_edit:
        earlier = earlier.exclude(pk=feedback.pk)
    # An edit of an approved comment is judged on its content: its own approval counts.
    return earlier.exists()


def judge(feedback, spam_client=None):
    config = _config(feedback.post)
    for rule in REFUSALS:
        reason = rule(feedback, config)
        if reason:
            return Verdict(REFUSE, str(reason))
    if _trusted(feedback):
        return Verdict(APPROVE, reasons.TRUSTED)
    key = _matches(config.disallowed, feedback)
    if key:
        return Verdict(SPAM, reasons.stored(reasons.DISALLOWED_KEY, key=key))
    checked = spam.check(spam.payload(feedback), spam.blog_address(feedback.post), spam_client)
    if checked.is_spam:
        return Verdict(SPAM, checked.detail)
    return _hold_or_approve(feedback, config, checked)


def _hold_or_approve(feedback, config, checked):
    if not _has_approved_comment(feedback):
        first = reasons.FIRST_LINKBACK if _is_linkback(feedback) else reasons.FIRST_COMMENT
        return Verdict(HOLD, first)
    links = count_links(feedback.content)
    if links > config.max_links:
        return Verdict(
            HOLD, reasons.stored(reasons.TOO_MANY_LINKS, links=links, max=config.max_links)
        )
    key = _matches(config.held, feedback)
    if key:
        return Verdict(HOLD, reasons.stored(reasons.MODERATION_KEY, key=key))
    if checked.result == spam.ERROR:
        return Verdict(HOLD, reasons.stored(reasons.AKISMET_UNAVAILABLE, detail=checked.detail))
    return Verdict(APPROVE, reasons.PASSED)


class Refused(Exception):
    """The pipeline refused it (closed, honeypot, flood, duplicate, or a
    protocol limit): nothing was stored; the message says why."""


def apply(comment, spam_client=None, **context):
    """Judge a new or changed comment and set its status and reason, unsaved.
    `context` is what the comment itself does not hold (honeypot, is_edit)."""
    verdict = judge(Feedback.from_comment(comment, **context), spam_client)
    if verdict.outcome == REFUSE:
        raise Refused(verdict.reason)
    comment.status, comment.status_reason = verdict.status, verdict.reason[:200]
    return verdict


def recheck(comment, **context):
    """Under the write lock, just before saving: the rules about other comments
    again, since another comment may have been stored while this one was judged."""
    feedback = Feedback.from_comment(comment, **context)
    config = _config(feedback.post)
    for rule in RACY:
        reason = rule(feedback, config)
        if reason:
            raise Refused(str(reason))
