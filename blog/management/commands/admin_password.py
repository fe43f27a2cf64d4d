import secrets
import time
import urllib.error
import urllib.request

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


def _wait_until_up(url, seconds=120):
    """The development server answers (any HTTP status), or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own server on loopback)
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.5)
    return False


class Command(BaseCommand):
    help = (
        "Give the superuser 'admin' a new random password and print it (creating the "
        "user if needed). `make run` prints the first one once the server is up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Only when no user 'admin' exists yet; otherwise say how to set one.",
        )
        parser.add_argument(
            "--wait-for",
            metavar="URL",
            help="First wait (up to two minutes) until the blog answers at URL.",
        )

    def handle(self, *args, if_missing=False, wait_for=None, **options):
        if wait_for:
            _wait_until_up(wait_for)
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        if admin is not None and if_missing:
            self.stdout.write(
                "The admin's password was shown before; `make admin-password` sets a new one."
            )
            return
        password = secrets.token_urlsafe(12)
        if admin is None:
            User.objects.create_superuser("admin", "admin@localhost", password)
        else:
            admin.set_password(password)
            admin.save(update_fields=["password"])
        self.stdout.write(
            self.style.WARNING(
                f"Log in at /admin/ as 'admin' with the password: {password}\n"
                "It is shown only this once; `make admin-password` sets a new one."
            )
        )
