from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comments.wordpress import importer


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2, also .gz): posts, pages, authors, "
        "categories, tags and every comment; old addresses redirect. Run it again to update."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the WXR file WordPress's Tools → Export wrote")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and report, change nothing"
        )
        parser.add_argument(
            "--author-map",
            default="",
            help="login=username,…: WordPress authors who are existing users here",
        )
        parser.add_argument("--keep-ip", action="store_true", help="keep commenters' IP addresses")
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="download posts' images through the safe fetcher into Wagtail's images",
        )

    def handle(self, *args, file, dry_run, author_map, keep_ip, fetch_media, **options):
        try:
            settings = importer.Options(
                dry_run=dry_run,
                author_map=importer.parse_author_map(author_map),
                keep_ip=keep_ip,
                fetch_media=fetch_media,
            )
            quiet = options["verbosity"] < 1
            with tqdm(unit=" items", disable=quiet, file=self.stderr) as bar:

                def total(number):
                    bar.total = number
                    bar.refresh()

                report = importer.run(file, settings, progress=bar.update, on_total=total)
        except (importer.ImportFailed, OSError) as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
