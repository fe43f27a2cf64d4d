from django.core.management.base import BaseCommand

from comments.caching import versions


class Command(BaseCommand):
    help = (
        "When a post dated in the future has come due, renew the caches so that listings, "
        "feeds and the page cache show it. Run it every minute from cron, next to "
        "publish_scheduled (nginx answers from the page cache without asking the app)."
    )

    def handle(self, *args, **options):
        if versions.reveal_if_due():
            self.stdout.write("A post came due: caches renewed.")
