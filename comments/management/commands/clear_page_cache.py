from django.core.management.base import BaseCommand

from comments.caching import pagecache


class Command(BaseCommand):
    help = (
        "Empty the page cache (PAGE_CACHE_DIR). Run it after deploying a new release, "
        "and daily from cron, so that no cached page outlives the forms in it."
    )

    def handle(self, *args, **options):
        if pagecache.directory() is None:
            self.stdout.write("PAGE_CACHE_DIR is not set: there is no page cache.")
            return
        pagecache.clear()
        self.stdout.write(f"Emptied {pagecache.directory()}.")
