from django.core.management.base import BaseCommand

from comments.moderation.purge import purge


class Command(BaseCommand):
    help = "Delete spam and trashed comments older than COMMENTS_PURGE_SPAM_DAYS (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the age in days.")

    def handle(self, *args, days=None, **options):
        count = purge(days)
        self.stdout.write(f"Deleted {count} spam or trashed comments.")
