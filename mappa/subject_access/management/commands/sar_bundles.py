"""Build queued subject access response bundles, oldest first.

Run by the scheduler (`manage.py sar_bundles`, every minute) or as a long-running worker
(`manage.py sar_bundles --watch`). Each bundle is claimed by moving it from QUEUED to BUILDING
under SELECT ... FOR UPDATE SKIP LOCKED, so two workers never build the same bundle and running
the command again only picks up what is still queued. A bundle left BUILDING by a worker that
died is claimed again once it has made no progress for STALE_AFTER: a live build saves its
progress after every item, so only an abandoned one goes that long untouched.
"""

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mappa.subject_access import bundles
from mappa.subject_access.models import BundleStatus, ResponseBundle

STALE_AFTER = timedelta(minutes=10)


def claim_next() -> ResponseBundle | None:
    """The oldest queued (or abandoned) bundle, now BUILDING and ours; None when there is none."""
    with transaction.atomic():
        abandoned = Q(status=BundleStatus.BUILDING, updated_at__lt=timezone.now() - STALE_AFTER)
        bundle = (
            ResponseBundle.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(status=BundleStatus.QUEUED) | abandoned)
            .defer("pdf")
            .order_by("created_at", "id")
            .first()
        )
        if bundle is None:
            return None
        bundle.status = BundleStatus.BUILDING
        bundle.started_at = timezone.now()
        bundle.save(override=True, update_fields=["status", "started_at", "updated_at"])
    return bundle


def process_queue() -> list[ResponseBundle]:
    built = []
    while (bundle := claim_next()) is not None:
        built.append(bundles.build(bundle))
    return built


class Command(BaseCommand):
    help = "Build queued subject access response bundles (once by default, or --watch)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Process the queue and exit (the default).")
        mode.add_argument("--watch", action="store_true", help="Keep processing, sleeping between passes.")
        parser.add_argument("--sleep", type=float, default=5.0, help="Seconds between passes with --watch.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for bundle in process_queue():
                self.stdout.write(f"bundle {bundle.pk}: {bundle.status}")
            if not options["watch"]:
                return
            time.sleep(options["sleep"])
