"""``manage.py ensure_admin``: create (or reuse) the local admin account and say how to log in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create the development admin account if missing and print its login details."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options) -> None:
        username = options["username"]
        password_file = settings.VAR_DIR / f"{username}-password.txt"
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser(username=username, email="", password=password)
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
            self.stdout.write(f"Created the admin account '{username}'.")
        if password_file.exists():
            password = password_file.read_text().strip()
            self.stdout.write(f"Sign in as '{username}' with password '{password}'")
            self.stdout.write(f"(stored in {password_file}).")
        else:
            self.stdout.write(
                f"Sign in as '{username}' with the password you set "
                f"(reset it with: python manage.py changepassword {username})."
            )
