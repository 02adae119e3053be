"""What every disclosure service shares: the locked record, the version check, the step history
and the audit event. The transitions themselves are in services_decision.py (proposed to decided,
withdrawal, ratification) and services_delivery.py (preparation, delivery, return, review).

Each write locks the disclosure row, so two people filling in one record are serialised, and
checks the version the writer saw (optimistic locking) where the page sends one: a decision made
on a page loaded before someone changed the record is refused, never made on what was not read.

Audit events name the disclosure, with the proposing agency as its owner, and list changed field
names only: the content (who is at risk, what they are told) stays on the record, where its
readers are controlled. The disclosure itself is the exception: delivering it writes the s.62
disclosure log entry, which must name the recipients (DPA 2018 s.62(3)), and, for a scheme
disclosure that draws on no items, what they were told (services_delivery._disclosed).
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError
from mappa.core.models import ServiceWrittenModel
from mappa.disclosures.models import Disclosure, DisclosureStep

if TYPE_CHECKING:
    from mappa.accounts.models import User

MAX_TEXT = 10000
CONFLICT_MESSAGE = (
    "Someone else changed this disclosure record while you were looking at it. Nothing has been "
    "saved. Go back to the record to read it as it is now, then try again"
)


class DisclosureConflict(ApplicationError):
    pass


def stored(disclosure: Disclosure, *, version: int | None = None, statuses: Sequence[str] = ()) -> Disclosure:
    """The stored record, locked for this transaction, if it is in one of `statuses`."""
    row = (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("nominal__area", "nominal__person", "nominal__lead_agency", "proposing_agency")
        .get(pk=disclosure.pk)
    )
    if version is not None and row.version != version:
        raise DisclosureConflict(CONFLICT_MESSAGE)
    if statuses and row.status not in statuses:
        raise ApplicationError(
            f"This disclosure is {row.get_status_display().lower()}, so this can no longer be done"
        )
    return row


def text(value: str | None, *, field: str, missing: str | None = None, max_length: int = MAX_TEXT) -> str:
    cleaned = (value or "").strip()
    if missing and not cleaned:
        raise ApplicationError(missing, field=field)
    if len(cleaned) > max_length:
        raise ApplicationError(f"This must be {max_length} characters or fewer", field=field)
    return cleaned


def save(row: ServiceWrittenModel, fields: Iterable[str] | None = None) -> None:
    if fields is None:
        row.save(override=True)
    else:
        row.save(override=True, update_fields=list(fields))


def bump(disclosure: Disclosure, fields: Iterable[str]) -> None:
    """Save the changed fields and move the version on, so pages loaded before now are stale."""
    disclosure.version += 1
    save(disclosure, [*fields, "version", "updated_at"])


def step(disclosure: Disclosure, name: str, *, by: "User", note: str = "") -> DisclosureStep:
    row = DisclosureStep(disclosure=disclosure, step=name, at=timezone.now(), by=by, note=note)
    save(row)
    return row


def audit(
    disclosure: Disclosure,
    *,
    by: "User",
    summary: str,
    action: Action = Action.ALTERATION,
    changed_fields: Iterable[str] = (),
    justification: str = "",
    recipients: Sequence[str] = (),
    detail: dict[str, Any] | None = None,
) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="disclosure",
        object_id=disclosure.pk,
        object_agency_id=disclosure.proposing_agency_id,
        nominal_id=disclosure.nominal_id,
        justification=justification,
        recipients=recipients,
        changed_fields=changed_fields,
        detail=detail,
    )


def scheme_refusal(disclosure: Disclosure, *, to: str, mappa_too: str) -> str:
    """Who may act on a scheme disclosure, in words: the receiving force's disclosure scheme
    officers (access.runs_scheme_disclosure) and, only when its subject is a nominal, those the
    MAPPA rule names (`mappa_too`), since a record about someone else has no nominal's area."""
    officers = f"the disclosure scheme officers of {disclosure.proposing_agency.name}"
    if disclosure.nominal_id is None:
        return f"Only {officers} can {to}"
    return f"Only {officers}, or {mappa_too}, can {to}"


def step_labels() -> dict[str, str]:
    """What each kind of step is called in the record's history, on the page and in the PDF."""
    # Imported here: both modules import this one.
    from mappa.disclosures.services_decision import STEP_LABELS as DECISION_LABELS
    from mappa.disclosures.services_delivery import STEP_LABELS as DELIVERY_LABELS
    from mappa.disclosures.services_scheme import STEP_LABELS as SCHEME_LABELS

    return {**DECISION_LABELS, **DELIVERY_LABELS, **SCHEME_LABELS}


def disclosures_listed(*, disclosures: Sequence[Disclosure], page: str, by: "User") -> None:
    """Record that a list naming the nominals of these disclosures was shown (DPA 2018 s.62):
    one consultation event for the page, as the nominal register records its pages."""
    if not disclosures:
        return
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=by,
            summary=f"{page} viewed ({len(disclosures)} disclosures shown)",
            object_type="disclosure_list",
            justification="Disclosures the user's agency takes part in",
            detail={
                "disclosure_ids": sorted({d.pk for d in disclosures}),
                "nominal_ids": sorted({d.nominal_id for d in disclosures if d.nominal_id is not None}),
            },
        )
