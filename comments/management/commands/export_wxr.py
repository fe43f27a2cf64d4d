import io
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comments.wordpress.export import export


class _Lines:
    """A text stream over the command's stdout that adds no line endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Write every post, author, category, tag and comment (in every status, with "
        "email and IP addresses) as a WordPress WXR 1.2 file, to stdout or --output. "
        "The file is for the site's owners only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, output=None, **options):
        if output:
            self._to_file(Path(output))
        else:
            self._to_stdout()

    def _to_stdout(self):
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is None:  # a text stream, such as call_command's StringIO
            export(_Lines(self.stdout))
            return
        # The document says UTF-8, whatever the terminal's locale is.
        out = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
        try:
            export(out)
        finally:
            out.flush()
            out.detach()

    def _to_file(self, path):
        """Written beside the target and renamed when complete: a failed export
        leaves no half file behind and never clobbers an earlier one. mkstemp
        makes it readable by its owner only: it holds email and IP addresses."""
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise CommandError(f"No such directory: {directory}")
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{path.name}.", suffix=".part"
        )
        try:
            with open(handle, "w", encoding="utf-8", newline="\n") as out:
                export(out)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
