from django.core.management.base import BaseCommand
from django.db import transaction

from comments.caching import pagecache, versions


class Command(BaseCommand):
    help = (
        "Move every version forward, so that every cache is rebuilt, and empty the page "
        "cache (PAGE_CACHE_DIR). Run it after deploying a new release or changing the "
        "database behind the app's back, and daily from cron, so that no cached page "
        "outlives the forms in it."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            versions.bump(all_posts=True)
        pagecache.clear()
        if pagecache.directory() is None:
            self.stdout.write("Caches renewed; PAGE_CACHE_DIR is not set: no page cache.")
        else:
            self.stdout.write(f"Caches renewed; emptied {pagecache.directory()}.")
