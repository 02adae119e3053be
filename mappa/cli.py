"""The `mappa` console command.

`mappa` is Django's management utility with mappa's settings preselected, so every operator task
is a management command (`mappa demo`, `mappa audit verify`, `mappa run`, `mappa migrate`, ...)
and `mappa help` lists them. See docs/adr/0004-management-commands-as-the-cli.md.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mappa.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["mappa", *argv])
    args[0] = "mappa"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
