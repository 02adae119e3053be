import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mappa.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tasks. `audit verify` recomputes the hash chain and names the first broken event."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True)
        verify = sub.add_parser("verify", help="check the hash chain; exit 1 if it is broken")
        verify.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] != "verify":  # pragma: no cover - argparse restricts the choices
            raise CommandError(f"unknown task {options['task']}")
        result = verify_chain()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "checked": result.checked,
                        "first_broken_sequence": result.first_broken_sequence,
                        "reason": result.reason,
                    }
                )
            )
        elif result.ok:
            self.stdout.write(f"Audit chain intact: {result.checked} events checked.")
        else:
            self.stderr.write(
                f"Audit chain BROKEN at sequence {result.first_broken_sequence}: {result.reason} "
                f"({result.checked} events before it verified)."
            )
        if not result.ok:
            sys.exit(1)
