"""The disclosure record for the file: one OFFICIAL-SENSITIVE PDF of the whole record.

It carries everything a reviewer, an inspector or a court would ask about one disclosure: why,
to whom (and how they were identified), what else was considered, what was disclosed from
whose information, the risk to the offender, the four tests, where and by whom it was decided,
how the recipient was prepared, whether the offender was told, how it was delivered, each
recipient's undertaking, the review and every dated step.

It is marked as meetings/pdf.py marks minutes (ADR 0013): OFFICIAL-SENSITIVE at the top and
bottom of every page, and on every page, diagonally and in the footer, whom it was issued to and
when, as text the tests read back. WeasyPrint is imported only when a record is rendered, and the
renderer fetches nothing, so nothing typed into the record can make the server read a file or
call another server.

This module only renders: services_delivery.disclosure_record_export decides who may have it
and records the export.
"""

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from mappa.disclosures.models import (
    Disclosure,
    DisclosureAlternative,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStep,
    DisclosureTrigger,
    Outcome,
)
from mappa.disclosures.services import step_labels
from mappa.information_sharing.selectors import item_list
from mappa.meetings.pdf import MARKING, issued_label, write_pdf
from mappa.nominals.selectors import acting_agency

if TYPE_CHECKING:
    from mappa.accounts.models import User

logger = logging.getLogger(__name__)


def issued_to_text(*, name: str, agency: str, issued_at: datetime) -> str:
    """'Issued to Alex Smith, North Police — 5 November 2026 14:03': on every page."""
    return f"Issued to {name}, {agency} — {issued_label(issued_at)}"


def disclosure_record_pdf(
    disclosure: Disclosure, *, issued_to: "User", issued_at: datetime | None = None
) -> bytes:
    """The whole record, marked and issued to `issued_to` (their name and acting agency)."""
    issued_at = issued_at or timezone.now()
    record = Disclosure.objects.select_related(
        "subject",
        "nominal__person",
        "nominal__area",
        "nominal__lead_agency",
        "proposing_agency",
        "proposed_by",
        "youth_consultee_agency",
        "decision_minutes__agenda_item__meeting",
        "ratified_minutes__agenda_item__meeting",
        "decided_by",
        "ratified_by",
        "planned_deliverer",
        "prepared_by",
        "delivered_by",
        "reviewed_by",
    ).get(pk=disclosure.pk)
    agency = acting_agency(issued_to)
    name = issued_to.get_full_name() or issued_to.username
    agency_name = agency.name if agency is not None else "no agency"
    watermark = issued_to_text(name=name, agency=agency_name, issued_at=issued_at)
    labels = step_labels()
    steps = DisclosureStep.objects.filter(disclosure_id=record.pk).select_related("by").order_by("at", "id")
    items = list(
        DisclosureItem.objects.filter(disclosure_id=record.pk)
        .select_related("item__owner_agency", "owner_agreed_by")
        .order_by("id")
    )
    context = {
        "disclosure": record,
        "nominal": record.nominal,
        # A scheme disclosure's subject need not be a nominal: then there is no case to describe.
        "subject_name": record.about.display_name,
        "marking": MARKING,
        "watermark": watermark,
        "issued_to_name": name,
        "issued_to_agency": agency_name,
        "issued": issued_label(issued_at),
        "recipients": list(DisclosureRecipient.objects.filter(disclosure_id=record.pk).order_by("id")),
        "alternatives": list(DisclosureAlternative.objects.filter(disclosure_id=record.pk).order_by("id")),
        "items": items,
        # An item's words only if the person it is issued to may read the item, as on the
        # record's page: the record goes to every agency making the disclosure, but the item
        # stays its owner's (DESIGN.md §5).
        "readable_item_ids": set(
            item_list(fetched_by=issued_to)
            .filter(pk__in=[entry.item_id for entry in items])
            .values_list("pk", flat=True)
        ),
        "consultations": list(
            DisclosureConsultation.objects.filter(disclosure_id=record.pk)
            .select_related("agency")
            .order_by("consulted_at", "id")
        ),
        "triggers": list(DisclosureTrigger.objects.filter(disclosure_id=record.pk).order_by("id")),
        "steps": [(labels.get(s.step, s.step.replace("_", " ").capitalize()), s) for s in steps],
        # A decision not to disclose has no preparation or delivery, unless it was reached after
        # a refused undertaking: then what was prepared and attempted stays on the record.
        "show_delivery": record.outcome == Outcome.DISCLOSE or record.returned_at is not None,
    }
    return write_pdf("disclosures/pdf/record.html", context)
