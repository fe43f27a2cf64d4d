from django.core.management.base import BaseCommand

from comments.demo import scaling


class Command(BaseCommand):
    help = (
        "Load the demo, then a post with many comments for benchmarks "
        f"(/{scaling.SLUG}/, shaped like the WordPress anchor's)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=1000)

    def handle(self, *args, comments, **options):
        scaling.load(comments, self.stdout.write)
