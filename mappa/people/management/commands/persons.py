"""`mappa persons import|search`: the people index's operator tasks.

import: an operator task. The file's records are held by the agency named with --agency; each
    is audited as a collection by the actor "system:import", with that agency as the owner.
search: runs as a named user (--as USERNAME, acting for --agency CODE or their only active
    membership), so exactly that user's visibility applies: the command shows nothing the user
    could not see in the web pages. Each search (each line of a --queries file) is recorded as a
    consultation, as a search on the page is.
"""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.people.importer import ImportFileError, parse
from mappa.people.search import Candidate
from mappa.people.selectors import operator_agency, operator_user, source_refs_of
from mappa.people.services import persons_import, persons_search


class _Progress:
    """A plain-text progress bar on stderr, only when stderr is a terminal or forced."""

    def __init__(self, total: int, stream: Any, enabled: bool) -> None:
        self.total, self.stream, self.enabled, self.last = total, stream, enabled, -1

    def update(self, done: int) -> None:
        if not self.enabled or not self.total:
            return
        percent = done * 100 // self.total
        if percent != self.last:
            self.last = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\rImporting [{bar:<25}] {percent:3d}% ({done}/{self.total})")
            if done == self.total:
                self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "People index tasks: import a CSV file of person records; search the index."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True)
        load = sub.add_parser("import", help="load a CSV file of person records, all or nothing")
        load.add_argument("file", type=Path)
        load.add_argument("--agency", required=True, help="code of the agency that holds the records")
        load.add_argument("--progress", action="store_true", help="show progress even when not a terminal")
        find = sub.add_parser("search", help="search the index as a user; prints JSON")
        find.add_argument("--as", dest="username", required=True, help="whose visibility applies")
        find.add_argument("--agency", help="the agency the user acts for (if they have several)")
        find.add_argument("--name")
        find.add_argument("--dob")
        find.add_argument("--postcode")
        find.add_argument("--pnc")
        find.add_argument("--limit", type=int, default=10)
        find.add_argument("--json", action="store_true", help="print JSON (the only output format)")
        find.add_argument("--queries", type=Path, help="a JSON Lines file of queries: one result line each")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] == "import":
            self._import(options)
        else:
            self._search(options)

    def _import(self, options: dict[str, Any]) -> None:
        agency = operator_agency(options["agency"])
        if agency is None:
            raise CommandError(f"No active agency with code {options['agency']}")
        try:
            raw = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from None
        try:
            parsed = parse(raw, existing_refs=source_refs_of(agency))
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        if parsed.encoding != "utf-8":
            self.stderr.write(f"Note: the file is not UTF-8; read it as {parsed.encoding}.")
        if parsed.errors:
            for message in parsed.errors:
                self.stderr.write(message)
            raise CommandError(f"{len(parsed.errors)} bad row(s): nothing was imported")
        progress = _Progress(len(parsed.records), self.stderr, options["progress"] or sys.stderr.isatty())
        try:
            with transaction.atomic():
                created = persons_import(agency=agency, records=parsed.records, progress=progress.update)
        except (ApplicationError, PermissionDenied) as error:
            raise CommandError(f"{error.message}: nothing was imported") from None
        self.stdout.write(f"Imported {len(created)} person records for {agency.code}.")

    def _search(self, options: dict[str, Any]) -> None:
        user = operator_user(options["username"], options.get("agency"))
        if user is None:
            raise CommandError(
                "No such active user acting for that agency (use --agency if they have several)"
            )
        limit = options["limit"]
        if options["queries"]:
            try:
                lines = options["queries"].read_text(encoding="utf-8-sig").splitlines()
            except OSError as error:
                raise CommandError(f"Cannot read {options['queries']}: {error.strerror}") from None
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    query = json.loads(line)
                except json.JSONDecodeError:
                    raise CommandError(f"line {number}: not a JSON object") from None
                if not isinstance(query, dict):
                    raise CommandError(f"line {number}: not a JSON object")
                unknown = set(query) - {"name", "dob", "postcode", "pnc"}
                if unknown:
                    raise CommandError(f"line {number}: unknown keys {', '.join(sorted(unknown))}")
                self._print(self._run(user, limit, query, f"line {number}: "))
            return
        query = {key: options[key] for key in ("name", "dob", "postcode", "pnc")}
        self._print(self._run(user, limit, query, ""))

    def _run(self, user: Any, limit: int, query: dict[str, Any], where: str) -> list[Candidate]:
        try:
            return persons_search(
                by=user, limit=limit, via="command", **{k: v for k, v in query.items() if v}
            )
        except ValidationError as error:
            raise CommandError(f"{where}{error.messages[0]}") from None

    def _print(self, candidates: list[Candidate]) -> None:
        self.stdout.write(json.dumps([candidate.as_json() for candidate in candidates], ensure_ascii=False))
