import json
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mappa.demo import durham


class Command(BaseCommand):
    help = (
        "Load the synthetic Durham demonstration area (idempotent) and list its sign-ins. To see "
        "information sharing, sign in as dcc-children.practitioner (items shared with children's "
        "services, and what other agencies hold that can be requested) or durham-police.practitioner "
        "(access requests waiting for a decision)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--list-users", action="store_true", help="print the demo accounts instead of loading"
        )
        parser.add_argument("--json", action="store_true", help="with --list-users: print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # Demo accounts share a published password: in production anyone could sign in as
            # one and enrol their own authenticator.
            raise CommandError("The demo area is never loaded when MAPPA_ENV=production")
        if options["list_users"]:
            users = durham.demo_users()
            if options["json"]:
                self.stdout.write(json.dumps([u.__dict__ for u in users], indent=2))
                return
            self.stdout.write("\nDemo sign-ins (synthetic data only). Every account's password is:")
            self.stdout.write(f"    {durham.DEMO_PASSWORD}\n")
            width = max(len(u.username) for u in users)
            for u in users:
                self.stdout.write(f"  {u.username:<{width}}  {', '.join(u.roles):<26} {u.agency}")
            self.stdout.write(
                "\nTwo-factor authentication can be skipped in the demo; production requires it."
                "\nOpen http://127.0.0.1:8000 and sign in.\n"
            )
            return
        created = durham.load()
        self.stdout.write("Demo area loaded." if created else "Demo area already loaded: nothing to do.")
