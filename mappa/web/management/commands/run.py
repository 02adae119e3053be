from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, load the demo area (unless --no-demo) and serve on 127.0.0.1:8000 (development only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "`mappa run` is for development; production runs gunicorn (docs/deployment.md)"
            )
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo")
            call_command("demo", list_users=True)
        call_command("runserver", options["addrport"])
