import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from blog.demo import load_all
from blog.models import BlogIndexPage


class Command(BaseCommand):
    help = "Load the demo blog (the 2009 seed post and a few more). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Also create a superuser 'admin' with a random password, printed once.",
        )
        parser.add_argument(
            "--if-new",
            action="store_true",
            help="Do nothing if a blog already exists (used by `make run`).",
        )

    def handle(self, *args, admin=False, if_new=False, **options):
        if if_new and BlogIndexPage.objects.exists():
            self.stdout.write("A blog exists already; demo content not loaded.")
            return
        with transaction.atomic():
            load_all(self.stdout.write)
        if admin:
            self._create_admin()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def _create_admin(self):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write(
                "The user 'admin' exists; to set a new password: manage.py changepassword admin"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@localhost", password)
        self.stdout.write(
            self.style.WARNING(
                f"Created the superuser 'admin' with the password: {password}\n"
                "It is shown only this once. Log in at /admin/."
            )
        )
