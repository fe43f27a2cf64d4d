"""What the blog remembers of the fediverse: its own actors and their keys,
the remote accounts it has met, who follows, which notes became comments,
reactions to posts, activities already seen and every outgoing delivery."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from comments.accounts import names

URL_LENGTH = 2000


class LocalActor(models.Model):
    """The blog itself, or one of its authors, as seen from the fediverse.
    The private key is generated once, stays in this row and is read only to
    sign outgoing requests: no page, feed, export or log shows it."""

    class Kind(models.TextChoices):
        BLOG = "blog", _("Blog")
        AUTHOR = "author", _("Author")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    handle = models.SlugField(_("handle"), max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fediverse_actor",
    )
    public_key_pem = models.TextField(editable=False)
    private_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fediverse actor")
        verbose_name_plural = _("fediverse actors")

    def __str__(self):
        return self.handle

    def __repr__(self):  # never the key, not even in a traceback's locals
        return f"<LocalActor {self.handle}>"


class RemoteActor(models.Model):
    """An account on another server, as its own document described it when
    last fetched. `uri` is its id; a signature proves who sent a request."""

    uri = models.URLField(_("id"), max_length=URL_LENGTH, unique=True)
    host = models.CharField(_("host"), max_length=255, db_index=True)
    inbox = models.URLField(_("inbox"), max_length=URL_LENGTH)
    shared_inbox = models.URLField(_("shared inbox"), max_length=URL_LENGTH, blank=True)
    preferred_username = models.CharField(_("user name"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.URLField(_("profile"), max_length=URL_LENGTH, blank=True)
    icon_url = models.URLField(_("avatar source"), max_length=URL_LENGTH, blank=True)
    key_id = models.URLField(_("key id"), max_length=URL_LENGTH, blank=True)
    public_key_pem = models.TextField(blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("fediverse account")
        verbose_name_plural = _("fediverse accounts")

    def __str__(self):
        return self.handle

    @property
    def handle(self):
        return f"@{self.preferred_username or '?'}@{self.host}"

    @property
    def display_name(self):
        """What pages call the person: their display name, unless it looks
        like an email address (then their user name), never the handle
        (user@host reads like an address too)."""
        for candidate in (self.name, self.preferred_username):
            name = names.clean(candidate)[: names.MAX_LENGTH]
            if name and not names.looks_like_email(name):
                return name
        return "Fediverse"

    @property
    def delivery_inbox(self):
        return self.shared_inbox or self.inbox

    @property
    def picture_owner(self):
        """Who the local copy of its avatar belongs to (comments.pictures)."""
        return f"fediverse:{self.pk}"


class Follower(models.Model):
    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="followers")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(_("follow activity"), max_length=URL_LENGTH)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "remote"], name="one_follow_per_account")
        ]

    def __str__(self):
        return f"{self.remote} → {self.actor}"


class Following(models.Model):
    """One of the blog's actors follows an account elsewhere (an author
    follows someone from the command line): their posts arrive as InboxItems."""

    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="following")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="followed_by")
    follow_id = models.URLField(_("follow activity"), max_length=URL_LENGTH, unique=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed account")
        verbose_name_plural = _("followed accounts")
        constraints = [
            models.UniqueConstraint(fields=["actor", "remote"], name="one_following_per_account")
        ]

    def __str__(self):
        return f"{self.actor} → {self.remote}"


class LocalNote(models.Model):
    """A note an author sent into the fediverse outside the blog's own
    discussions: a reply to a post on another server."""

    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="notes")
    in_reply_to = models.URLField(_("in reply to"), max_length=URL_LENGTH)
    recipient = models.ForeignKey(
        RemoteActor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"))
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent note")
        verbose_name_plural = _("sent notes")

    def __str__(self):
        return f"{self.actor}: {self.text[:40]}"


class InboxItem(models.Model):
    """A public post by an account the blog follows, or an answer to one of
    its notes: kept (sanitized) for the authors to read in the admin."""

    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="inbox_items")
    object_id = models.URLField(max_length=URL_LENGTH, unique=True)
    object_type = models.CharField(_("type"), max_length=20)
    in_reply_to = models.URLField(_("in reply to"), max_length=URL_LENGTH, blank=True)
    name = models.CharField(_("title"), max_length=200, blank=True)
    html = models.TextField(_("text"), blank=True)
    url = models.URLField(_("address"), max_length=URL_LENGTH, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("received post")
        verbose_name_plural = _("received posts")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return self.object_id


class SeenActivity(models.Model):
    """An activity id handled once: a replay of it is ignored."""

    activity_id = models.CharField(max_length=URL_LENGTH, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("seen activity")
        verbose_name_plural = _("seen activities")

    def __str__(self):
        return self.activity_id


class RemoteNote(models.Model):
    """A fediverse reply that became a comment: updates and deletes find it here."""

    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.CASCADE, related_name="fediverse_note"
    )
    note_id = models.URLField(max_length=URL_LENGTH, unique=True)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="notes")

    class Meta:
        verbose_name = _("fediverse note")
        verbose_name_plural = _("fediverse notes")

    def __str__(self):
        return self.note_id


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        ANNOUNCE = "announce", _("Boost")

    post = models.ForeignKey(
        "blog.BlogPage", on_delete=models.CASCADE, related_name="fediverse_reactions"
    )
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    activity_id = models.URLField(max_length=URL_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fediverse reaction")
        verbose_name_plural = _("fediverse reactions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "actor", "kind"], name="one_reaction_per_account_and_kind"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.post_id} by {self.actor_id}"


class Delivery(models.Model):
    """One activity to one inbox, and what became of sending it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Delivered")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Given up")

    inbox = models.URLField(_("inbox"), max_length=URL_LENGTH)
    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="deliveries")
    activity = models.JSONField()
    activity_type = models.CharField(_("activity"), max_length=20)
    post = models.ForeignKey(
        "blog.BlogPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fediverse_deliveries",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("fediverse delivery")
        verbose_name_plural = _("fediverse deliveries")
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.activity_type} → {self.inbox}: {self.state}"


@register_setting(icon="globe")
class FederationSettings(BaseSiteSetting):
    blocked_domains = models.TextField(
        _("blocked domains"),
        blank=True,
        help_text=_(
            "One domain per line. Nothing from these servers (or their subdomains) is "
            "accepted, fetched or delivered to."
        ),
    )

    panels = [FieldPanel("blocked_domains")]

    class Meta:
        verbose_name = _("fediverse")

    @classmethod
    def current(cls):
        """The default site's settings: the fediverse knows the blog by one host."""
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site is not None else cls()

    @property
    def blocked(self):
        lines = (line.strip().lower().strip(".") for line in self.blocked_domains.splitlines())
        return [line for line in lines if line]

    def blocks(self, host):
        """Whether `host` (maybe with a port) is a blocked domain or below one."""
        try:
            name = (urlsplit(f"//{host or ''}").hostname or "").strip(".")
        except ValueError:
            return False
        return any(name == domain or name.endswith("." + domain) for domain in self.blocked)
