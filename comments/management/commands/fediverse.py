"""An author in the fediverse from the command line: follow and unfollow
accounts, reply to posts on other servers, take a reply back, and read
what arrived. The work is done by comments.federation.outgoing; this
command only reads arguments and prints. Everything a remote server sent
is printed without control characters (no terminal escapes)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.html import strip_tags
from django.utils.text import Truncator

from comments.federation import outgoing
from comments.federation.models import Delivery
from comments.rendering import strip_controls

EXCERPT = 200


def _plain(value, length=None):
    text = strip_controls(" ".join(strip_tags(value or "").split()), single_line=True)
    return Truncator(text).chars(length, truncate="…") if length else text


class Command(BaseCommand):
    help = (
        "Act in the fediverse as an author of this blog: follow, unfollow, reply, "
        "delete-note, following, inbox."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def action(name, help_text):
            sub = actions.add_parser(name, help=help_text)
            sub.add_argument(
                "--as", dest="username", required=True, help="The author's user name."
            )
            return sub

        action("follow", "Follow an account.").add_argument(
            "address", help="@name@host, name@host or the account's URL."
        )
        action("unfollow", "Stop following an account.").add_argument(
            "address", help="@name@host, name@host or the account's URL."
        )
        reply = action("reply", "Reply to a post on another server.")
        reply.add_argument("object_url", help="The post's id or page address.")
        reply.add_argument("--text", required=True, help="The reply, as a comment is written.")
        action("delete-note", "Take back a reply sent earlier.").add_argument(
            "note_id", type=int, help="The note's number (as `reply` printed it)."
        )
        action("following", "List the accounts the author follows.")
        action("inbox", "List posts of followed accounts and answers, newest first.")

    def handle(self, *args, action, username, **options):
        user = self._user(username)
        handlers = {
            "follow": lambda: self._follow(user, options["address"]),
            "unfollow": lambda: self._unfollow(user, options["address"]),
            "reply": lambda: self._reply(user, options["object_url"], options["text"]),
            "delete-note": lambda: self._delete_note(user, options["note_id"]),
            "following": lambda: self._following(user),
            "inbox": lambda: self._inbox(user),
        }
        try:
            handlers[action]()
        except outgoing.OutgoingError as error:
            raise CommandError(str(error)) from error

    def _user(self, username):
        model = get_user_model()
        user = model.objects.filter(**{model.USERNAME_FIELD: username}, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        return user

    def _report(self, what, done):
        """One line per delivery: sent at once (immediate tasks) or queued."""
        deliveries = Delivery.objects.filter(pk__in=done.delivery_ids).order_by("pk")
        if not deliveries:
            self.stdout.write(f"{what}: nobody to send it to.")
        for found in deliveries:
            state = found.get_state_display()
            detail = f" ({_plain(found.detail)})" if found.detail else ""
            self.stdout.write(f"{what} → {_plain(found.inbox)}: {state}{detail}")

    def _follow(self, user, address):
        done = outgoing.follow(user, address)
        self._report(f"Follow {done.subject.remote.handle}", done)
        done.subject.refresh_from_db()
        if done.subject.accepted_at:
            self.stdout.write(self.style.SUCCESS(f"Following {done.subject.remote.handle}."))
        else:
            self.stdout.write("Waiting for the account to accept.")

    def _unfollow(self, user, address):
        done = outgoing.unfollow(user, address)
        self._report(f"Unfollow {done.subject.remote.handle}", done)

    def _reply(self, user, object_url, text):
        done = outgoing.reply(user, object_url, text)
        self._report(f"Note {done.subject.pk}", done)
        self.stdout.write(self.style.SUCCESS(f"Sent as note {done.subject.pk}."))

    def _delete_note(self, user, note_id):
        done = outgoing.delete_note(user, note_id)
        self._report(f"Delete note {done.subject.pk}", done)

    def _following(self, user):
        rows = list(outgoing.following_of(user))
        if not rows:
            self.stdout.write("Following nobody.")
        for row in rows:
            state = "accepted" if row.accepted_at else "not accepted yet"
            self.stdout.write(
                f"{_plain(row.remote.handle)}  {_plain(row.remote.uri)}  {state}  "
                f"(since {row.created_at:%Y-%m-%d %H:%M})"
            )

    def _inbox(self, user):
        items = list(outgoing.inbox_of(user))
        if not items:
            self.stdout.write("Nothing received.")
        for item in items:
            title = f"  {_plain(item.name, 100)}" if item.name else ""
            self.stdout.write(
                f"{item.received_at:%Y-%m-%d %H:%M}  {_plain(item.actor.handle)}  "
                f"{_plain(item.object_type)}{title}"
            )
            self.stdout.write(f"  {_plain(item.url or item.object_id)}")
            if item.in_reply_to:
                self.stdout.write(f"  in reply to {_plain(item.in_reply_to)}")
            excerpt = _plain(item.html, EXCERPT)
            if excerpt:
                self.stdout.write(f"  {excerpt}")
