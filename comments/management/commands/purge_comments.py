from django.core.management.base import BaseCommand

from comments.moderation.purge import forget_addresses, purge


class Command(BaseCommand):
    help = (
        "Delete spam and trashed comments older than COMMENTS_PURGE_SPAM_DAYS (default 30), "
        "and the IP address, user agent and referrer of comments older than "
        "COMMENTS_IP_RETENTION_DAYS (default 60)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the age in days.")

    def handle(self, *args, days=None, **options):
        count = purge(days)
        self.stdout.write(f"Deleted {count} spam or trashed comments.")
        forgotten = forget_addresses()
        self.stdout.write(f"Deleted the network data of {forgotten} older comments.")
