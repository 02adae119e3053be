import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mappa.authorization.matrix import permissions_markdown


class Command(BaseCommand):
    help = "Print the role x permission matrix; --write updates docs/permissions.md, --check compares."

    def add_arguments(self, parser: ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="write docs/permissions.md")
        group.add_argument(
            "--check", action="store_true", help="exit 1 if docs/permissions.md is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        markdown = permissions_markdown()
        if options["write"]:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown)
            self.stdout.write(f"Wrote {path}")
        elif options["check"]:
            if not path.exists() or path.read_text() != markdown:
                self.stderr.write("docs/permissions.md does not match the code: run `make docs`")
                sys.exit(1)
            self.stdout.write("docs/permissions.md matches the code.")
        else:
            self.stdout.write(markdown)
