"""Preparing, delivering and reviewing a disclosure, and the decision-maker's answer when a
recipient refuses the confidentiality undertaking (disclosure_dp.md §5.1 rules 8 to 16).

After a decision to disclose, the record moves

    decided -> prepared -> delivered -> reviewed

(or, from delivery, `returned` to the decision-maker), and a decision not to disclose goes from
decided straight to reviewed. Each move is refused until what the guidance requires before it
has been recorded. `preparation_blockers` and `delivery_blockers` list, in words, what is
missing; the services refuse with the same list and the record's task list shows it, so the page
and the rule cannot disagree (ADR 0015).

Preparation is filled in piece by piece, in any order, and may be saved incomplete: the
practitioner records what they learn as they meet the recipient, and only marking the record as
prepared needs all of it. Once prepared, it can still be corrected until delivery, but not
emptied: an edit that would leave the preparation incomplete is refused, so "prepared" always
means prepared.

Nothing has been disclosed until delivery is recorded, so that is where the s.62(3) disclosure
log entry is written, naming every recipient, in the same transaction as the change. A refused
undertaking means nothing was disclosed: the record goes back to the decision-maker and no
disclosure entry is written.

Each service locks the record, checks the version the user saw (services.stored) and writes one
audit event; refusals raise before anything is written, so a refused call leaves no trace but
the 403's own `access_denied` event.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from hashlib import sha256
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mappa.audit.models import Action
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.types import AnyUser
from mappa.disclosures import pdf
from mappa.disclosures.access import can_decide, can_record, runs_scheme_disclosure
from mappa.disclosures.models import (
    DeliveryMethod,
    Disclosure,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureTrigger,
    NotInformedReason,
    OffenderInvolvement,
    Outcome,
    Undertaking,
)
from mappa.disclosures.selectors import disclosure_list
from mappa.disclosures.selectors_delivery import deliverer_choices
from mappa.disclosures.services import audit, bump, save, scheme_refusal, step, stored, text

if TYPE_CHECKING:
    from mappa.accounts.models import User

STEP_PREPARED = "prepared"
STEP_DELIVERED = "delivered"
STEP_RETURNED = "returned"
STEP_RECONSIDERED = "reconsidered"
STEP_REVIEWED = "reviewed"
STEP_LABELS = {
    STEP_PREPARED: "Marked as prepared",
    STEP_DELIVERED: "Disclosure made",
    STEP_RETURNED: "Returned to the decision-maker: an undertaking was refused",
    STEP_RECONSIDERED: "Decision-maker's answer to the refused undertaking",
    STEP_REVIEWED: "Reviewed",
}

# Whether a disclosure goes ahead without an undertaking is a decision someone will be asked to
# justify: a word or two is not a reason anyone can act on later.
MIN_NOTE_LENGTH = 20
JOINT_DISCLOSER_MAX = 300

_PREPARING = (DisclosureStatus.DECIDED, DisclosureStatus.PREPARED)
# The undertaking a recipient gives (or refuses) at delivery.
_ANSWERS = (Undertaking.SIGNED, Undertaking.REFUSED)

# What the recipient must be told before the disclosure (rule 8), with the words the task list and
# the refusal use when it is missing.
PREPARATION_TEXT = (
    ("recipient_already_knows", "Record what the recipient already knows"),
    ("how_to_use", "Record how the recipient may use the information"),
    ("what_to_report", "Record what the recipient must report if something happens, and to whom"),
    ("contact_and_support", "Record whom the recipient can contact and how they can get support"),
    (
        "breakdown_support",
        "Record how victims and the offender will be supported if the arrangement breaks down",
    ),
)
CONFIDENTIALITY_MISSING = (
    "Confirm that the recipient understands the information is confidential and sensitive"
)
TRIGGER_MISSING = "Add at least one key trigger: if the recipient sees something, what they need to do"
INVOLVEMENT_MISSING = "Record whether the offender will be told about the disclosure"
NOT_INFORMED_REASON_MISSING = "Select why the offender will not be told"
NOT_INFORMED_DETAIL_MISSING = "Explain why the offender will not be told"
DELIVERER_MISSING = "Choose who will deliver the disclosure"
PLANNED_DATE_MISSING = "Enter the date the disclosure will be delivered"


class Blocked(ApplicationError):
    """A transition refused for what is missing. `problems` pairs each missing thing with the form
    field it belongs to (None: the record as a whole), so a page can show each where it goes."""

    def __init__(self, intro: str, problems: Sequence[tuple[str | None, str]]) -> None:
        self.problems = list(problems)
        listed = "; ".join(_lower_first(message) for _, message in self.problems)
        only_field = self.problems[0][0] if len(self.problems) == 1 else None
        super().__init__(f"{intro}: {listed}", field=only_field)


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _day(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def _name(user: "User") -> str:
    return user.get_full_name() or user.username


# --- who may act --------------------------------------------------------------------------------


RECORD_REFUSED = (
    "Only the proposing agency, the lead agency or the police, probation or prison service of the "
    "nominal's area can prepare, deliver or review this disclosure"
)
DECIDE_REFUSED = (
    "Only a meeting chair of the police, probation or prison service of the nominal's area can decide "
    "whether this disclosure goes ahead"
)
DOWNLOAD_REFUSED = "Only staff who make or decide disclosures can download the record"
# Refusals before a record is opened (views_delivery), for someone who may do this to no record.
NO_RECORD_PERMISSION = "You cannot prepare, deliver or review disclosures"
NO_DECIDE_PERMISSION = "You cannot decide whether a disclosure goes ahead"


def record_refused(disclosure: Disclosure) -> str:
    """RECORD_REFUSED, or who prepares, delivers and reviews a scheme disclosure."""
    if not disclosure.is_scheme:
        return RECORD_REFUSED
    return scheme_refusal(
        disclosure,
        to="prepare, deliver or review this disclosure",
        mappa_too="the lead agency or the police, probation or prison service of the nominal's area",
    )


def decide_refused(disclosure: Disclosure) -> str:
    """DECIDE_REFUSED, or who answers a refused undertaking on a scheme disclosure: its decision
    was made on the application, so the scheme officers who ran it."""
    if not disclosure.is_scheme:
        return DECIDE_REFUSED
    return scheme_refusal(
        disclosure,
        to="decide whether this disclosure goes ahead",
        mappa_too="a meeting chair of the police, probation or prison service of the nominal's area",
    )


def _require_record(by: "User", disclosure: Disclosure) -> None:
    # The object rule (access.can_record) and the scope every read has: nobody writes to a record
    # they could not open.
    if not can_record(by, disclosure) or not _visible(by, disclosure):
        raise PermissionDenied(record_refused(disclosure))


def _require_decide(by: "User", disclosure: Disclosure) -> None:
    if not can_decide(by, disclosure) or not _visible(by, disclosure):
        raise PermissionDenied(decide_refused(disclosure))


def _visible(by: "User", disclosure: Disclosure) -> bool:
    return disclosure_list(fetched_by=by).filter(pk=disclosure.pk).exists()


def _require_disclosing(row: Disclosure) -> None:
    if row.outcome != Outcome.DISCLOSE:
        raise ApplicationError(
            "The decision was not to disclose, so there is nothing to prepare or deliver. Record the "
            "review of the decision instead"
        )


def _preparing(disclosure: Disclosure, version: int) -> Disclosure:
    row = stored(disclosure, version=version, statuses=_PREPARING)
    _require_disclosing(row)
    return row


# --- preparation --------------------------------------------------------------------------------


def preparation_blockers(disclosure: Disclosure) -> list[str]:
    """What must be recorded before the disclosure can be marked as prepared, in words."""
    return [message for _, message in _preparation_problems(disclosure)]


def _preparation_problems(disclosure: Disclosure) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    for field, message in PREPARATION_TEXT:
        if not str(getattr(disclosure, field)).strip():
            problems.append((field, message))
        # Rule 8 and §1.5: the recipient understands that what they are told is confidential, in
        # the order (after what they already know).
        if field == "recipient_already_knows" and not disclosure.confidentiality_understood:
            problems.append(("confidentiality_understood", CONFIDENTIALITY_MISSING))
    # "If you see X, you need to do Y": at least one, or the recipient knows what but not what to do.
    if not DisclosureTrigger.objects.filter(disclosure_id=disclosure.pk).exists():
        problems.append((None, TRIGGER_MISSING))
    problems.extend(_involvement_problems(disclosure))
    # Rule 14: who will deliver it and when, so a late delivery can be flagged.
    if disclosure.planned_deliverer_id is None:
        problems.append(("deliverer", DELIVERER_MISSING))
    if disclosure.planned_delivery_date is None:
        problems.append(("planned_delivery_date", PLANNED_DATE_MISSING))
    return problems


def _involvement_problems(disclosure: Disclosure) -> list[tuple[str | None, str]]:
    # Rule 10: the offender is told in most cases, but not where that would increase the risk or
    # obstruct an investigation, and then the reason is part of the record.
    if not disclosure.offender_involvement:
        return [("involvement", INVOLVEMENT_MISSING)]
    if disclosure.offender_involvement != OffenderInvolvement.NOT_INFORMED:
        return []
    problems: list[tuple[str | None, str]] = []
    if not disclosure.not_informed_reason:
        problems.append(("not_informed_reason", NOT_INFORMED_REASON_MISSING))
    if not disclosure.not_informed_detail.strip():
        problems.append(("not_informed_detail", NOT_INFORMED_DETAIL_MISSING))
    return problems


def _keep_prepared(row: Disclosure) -> None:
    """A prepared record may be corrected until delivery, never left incomplete."""
    if row.status != DisclosureStatus.PREPARED:
        return
    problems = _preparation_problems(row)
    if problems:
        raise Blocked(
            "This disclosure has been marked as prepared, so its preparation must stay complete", problems
        )


@transaction.atomic
def preparation_record(
    *,
    disclosure: Disclosure,
    version: int,
    recipient_already_knows: str,
    confidentiality_understood: bool,
    how_to_use: str,
    what_to_report: str,
    contact_and_support: str,
    breakdown_support: str,
    by: "User",
) -> Disclosure:
    """Save the answers to the preparation questions; any may still be blank."""
    _require_record(by, disclosure)
    row = _preparing(disclosure, version)
    values: dict[str, str | bool] = {
        "recipient_already_knows": text(recipient_already_knows, field="recipient_already_knows"),
        "confidentiality_understood": bool(confidentiality_understood),
        "how_to_use": text(how_to_use, field="how_to_use"),
        "what_to_report": text(what_to_report, field="what_to_report"),
        "contact_and_support": text(contact_and_support, field="contact_and_support"),
        "breakdown_support": text(breakdown_support, field="breakdown_support"),
    }
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if not changed:
        return row
    for field in changed:
        setattr(row, field, values[field])
    _keep_prepared(row)
    bump(row, changed)
    audit(row, by=by, summary="Disclosure preparation recorded", changed_fields=changed)
    return row


@transaction.atomic
def trigger_add(
    *, disclosure: Disclosure, version: int, if_you_see: str, you_need_to: str, by: "User"
) -> DisclosureTrigger:
    _require_record(by, disclosure)
    row = _preparing(disclosure, version)
    trigger = DisclosureTrigger(
        disclosure=row,
        if_you_see=text(
            if_you_see, field="if_you_see", missing="Enter what the recipient should look out for"
        ),
        you_need_to=text(
            you_need_to, field="you_need_to", missing="Enter what the recipient needs to do if they see it"
        ),
    )
    save(trigger)
    bump(row, [])
    audit(
        row,
        by=by,
        action=Action.COLLECTION,
        summary="Key trigger added to a disclosure",
        changed_fields=["triggers"],
        detail={"trigger_id": trigger.pk},
    )
    return trigger


@transaction.atomic
def trigger_remove(*, trigger: DisclosureTrigger, version: int, by: "User") -> Disclosure:
    disclosure = trigger.disclosure
    _require_record(by, disclosure)
    row = _preparing(disclosure, version)
    current = DisclosureTrigger.objects.filter(pk=trigger.pk, disclosure_id=row.pk).first()
    if current is None:
        raise ApplicationError("This key trigger has already been removed")
    others = DisclosureTrigger.objects.filter(disclosure_id=row.pk).exclude(pk=current.pk)
    if row.status == DisclosureStatus.PREPARED and not others.exists():
        raise ApplicationError(
            "This disclosure has been marked as prepared, so it must keep at least one key trigger. "
            "Add the trigger that replaces this one first"
        )
    trigger_id = current.pk
    current.delete(override=True)
    bump(row, [])
    audit(
        row,
        by=by,
        action=Action.ERASURE,
        summary="Key trigger removed from a disclosure",
        changed_fields=["triggers"],
        detail={"trigger_id": trigger_id},
    )
    return row


@transaction.atomic
def offender_involvement_record(
    *,
    disclosure: Disclosure,
    version: int,
    involvement: str,
    not_informed_reason: str = "",
    not_informed_detail: str = "",
    by: "User",
) -> Disclosure:
    """Whether and how the offender is told: before, by themselves with police or the offender
    manager present, afterwards, or not at all, with the reason (rule 10)."""
    _require_record(by, disclosure)
    row = _preparing(disclosure, version)
    if involvement not in OffenderInvolvement.values:
        raise ApplicationError(
            "Select whether the offender will be told about the disclosure", field="involvement"
        )
    reason, detail = "", ""
    if involvement == OffenderInvolvement.NOT_INFORMED:
        if not_informed_reason not in NotInformedReason.values:
            raise ApplicationError(NOT_INFORMED_REASON_MISSING, field="not_informed_reason")
        reason = not_informed_reason
        detail = text(
            not_informed_detail,
            field="not_informed_detail",
            missing="Explain why telling the offender would increase the risk or obstruct an investigation",
        )
    values = {
        "offender_involvement": involvement,
        "not_informed_reason": reason,
        "not_informed_detail": detail,
    }
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if not changed:
        return row
    for field in changed:
        setattr(row, field, values[field])
    bump(row, changed)
    audit(row, by=by, summary="Offender's involvement in a disclosure recorded", changed_fields=changed)
    return row


@transaction.atomic
def delivery_plan(
    *,
    disclosure: Disclosure,
    version: int,
    deliverer: "User | None",
    planned_delivery_date: date | None,
    by: "User",
) -> Disclosure:
    """Who will deliver the disclosure and on what day (rule 14): a late one is then flagged."""
    _require_record(by, disclosure)
    row = _preparing(disclosure, version)
    if deliverer is None:
        raise ApplicationError(DELIVERER_MISSING, field="deliverer")
    if not deliverer_choices(disclosure=row).filter(pk=deliverer.pk).exists():
        raise ApplicationError(
            "Choose someone from the police, probation or prison service of the nominal's area, or from "
            "the agency that proposed the disclosure"
            if row.nominal is not None
            else f"Choose someone from {row.proposing_agency.name}",
            field="deliverer",
        )
    if planned_delivery_date is None:
        raise ApplicationError(PLANNED_DATE_MISSING, field="planned_delivery_date")
    if planned_delivery_date < timezone.localdate():
        raise ApplicationError(
            "The date the disclosure will be delivered must be today or in the future",
            field="planned_delivery_date",
        )
    changed = []
    if row.planned_deliverer_id != deliverer.pk:
        row.planned_deliverer = deliverer
        changed.append("planned_deliverer")
    if row.planned_delivery_date != planned_delivery_date:
        row.planned_delivery_date = planned_delivery_date
        changed.append("planned_delivery_date")
    if not changed:
        return row
    bump(row, changed)
    audit(row, by=by, summary="Disclosure delivery planned", changed_fields=changed)
    return row


@transaction.atomic
def disclosure_mark_prepared(*, disclosure: Disclosure, version: int, by: "User") -> Disclosure:
    """Decided to disclose -> prepared, once every preparation question is answered (rule 8)."""
    _require_record(by, disclosure)
    row = stored(disclosure, version=version, statuses=(DisclosureStatus.DECIDED,))
    _require_disclosing(row)
    problems = _preparation_problems(row)
    if problems:
        raise Blocked("The disclosure cannot be marked as prepared yet", problems)
    row.status = DisclosureStatus.PREPARED
    row.prepared_by = by
    row.prepared_at = timezone.now()
    changed = ["status", "prepared_by", "prepared_at"]
    bump(row, changed)
    step(row, STEP_PREPARED, by=by)
    audit(row, by=by, summary="Disclosure marked as prepared", changed_fields=changed)
    return row


@transaction.atomic
def recipient_told_offender_unaware(
    *, recipient: DisclosureRecipient, version: int, by: "User"
) -> DisclosureRecipient:
    """That this recipient was told the offender does not know about the disclosure: needed for
    every recipient before delivery when the offender is not told (rule 10), so the recipient
    does not give it away."""
    disclosure = recipient.disclosure
    _require_record(by, disclosure)
    row = _preparing(disclosure, version)
    if row.offender_involvement != OffenderInvolvement.NOT_INFORMED:
        raise ApplicationError(
            "The record does not say the offender will not be told, so there is nothing to confirm. "
            "Change the offender's involvement first if they will not be told"
        )
    current = DisclosureRecipient.objects.get(pk=recipient.pk, disclosure_id=row.pk)
    if current.told_offender_unaware:
        return current
    current.told_offender_unaware = True
    save(current, ["told_offender_unaware", "updated_at"])
    bump(row, [])
    audit(
        row,
        by=by,
        summary="Recipient told the offender does not know about the disclosure",
        changed_fields=["recipients.told_offender_unaware"],
        detail={"recipient_id": current.pk},
    )
    return current


# --- delivery -----------------------------------------------------------------------------------


def delivery_blockers(
    disclosure: Disclosure, *, method: str, method_reason: str = "", undertakings: Mapping[int, str]
) -> list[str]:
    """What stops the delivery described from being recorded, in words."""
    return [message for _, message in _delivery_problems(disclosure, method, method_reason, undertakings)]


def waiting_for_recipients(disclosure: Disclosure) -> list[str]:
    """What must be recorded about the recipients before delivery, whatever the delivery: the
    task list shows these before the delivery form is filled in."""
    return [message for _, message in _recipient_problems(disclosure, list(_recipients(disclosure)))]


def _recipients(disclosure: Disclosure) -> list[DisclosureRecipient]:
    return list(DisclosureRecipient.objects.filter(disclosure_id=disclosure.pk).order_by("id"))


def _recipient_problems(
    disclosure: Disclosure, recipients: list[DisclosureRecipient]
) -> list[tuple[str | None, str]]:
    if not recipients:
        return [(None, "Add the people the disclosure is made to")]
    if disclosure.offender_involvement != OffenderInvolvement.NOT_INFORMED:
        return []
    return [
        (None, f"Record that {recipient.name} was told the offender does not know about the disclosure")
        for recipient in recipients
        if not recipient.told_offender_unaware
    ]


def _delivery_problems(
    disclosure: Disclosure, method: str, method_reason: str, undertakings: Mapping[int, str]
) -> list[tuple[str | None, str]]:
    recipients = _recipients(disclosure)
    problems: list[tuple[str | None, str]] = []
    if method not in DeliveryMethod.values:
        problems.append(("method", "Select how the disclosure was made"))
    # Rule 13: in person by default. Anything else (in writing above all, which can be passed on)
    # needs a recorded reason.
    elif method != DeliveryMethod.IN_PERSON and not (method_reason or "").strip():
        problems.append(("method_reason", "Explain why the disclosure was not made in person"))
    # Rule 9: each recipient signs the undertaking or refuses it, and which is recorded. One the
    # decision-maker already agreed to proceed without is not asked again.
    for recipient in recipients:
        if recipient.undertaking == Undertaking.PROCEED_WITHOUT:
            continue
        if undertakings.get(recipient.pk) not in _ANSWERS:
            problems.append(
                (
                    f"undertaking_{recipient.pk}",
                    f"Select whether {recipient.name} signed the confidentiality undertaking or refused",
                )
            )
    problems.extend(_recipient_problems(disclosure, recipients))
    return problems


def _justification(row: Disclosure) -> str:
    """The s.62(3) justification: why the disclosure was made and under what law."""
    gateway = row.get_gateway_display() if row.gateway else "Not recorded"
    detail = f" ({row.gateway_detail.strip()})" if row.gateway_detail.strip() else ""
    return f"Purpose: {row.purpose.strip()} Lawful basis: {gateway}{detail}"


@transaction.atomic
def disclosure_deliver(
    *,
    disclosure: Disclosure,
    version: int,
    delivered_at: datetime | None,
    method: str,
    method_reason: str = "",
    delivered_with: str = "",
    note: str = "",
    undertakings: Mapping[int, str],
    by: "User",
) -> Disclosure:
    """Record the disclosure as made, with each recipient's undertaking (rules 9, 12, 13).

    Every undertaking signed: delivered, and the s.62 disclosure log entry naming the recipients is
    written now. Any refused: nothing was disclosed, so no entry; the record is returned to the
    decision-maker, who decides whether to go ahead without it (§1.5).
    """
    _require_record(by, disclosure)
    row = stored(disclosure, version=version, statuses=(DisclosureStatus.PREPARED,))
    now = timezone.now()
    if delivered_at is None:
        raise ApplicationError("Enter when the disclosure was made", field="delivered_at")
    if delivered_at > now:
        raise ApplicationError(
            "The date and time the disclosure was made must be in the past", field="delivered_at"
        )
    # Compared to the minute: the form asks for the time of delivery in hours and minutes.
    if row.decided_at is not None and delivered_at < row.decided_at.replace(second=0, microsecond=0):
        raise ApplicationError(
            f"The disclosure cannot have been made before it was decided on {_day(row.decided_at)}",
            field="delivered_at",
        )
    problems = _delivery_problems(row, method, method_reason, undertakings)
    if problems:
        raise Blocked("The delivery cannot be recorded yet", problems)
    in_person = method == DeliveryMethod.IN_PERSON
    method_reason = "" if in_person else text(method_reason, field="method_reason")
    delivered_with = text(delivered_with, field="delivered_with", max_length=JOINT_DISCLOSER_MAX)
    note = text(note, field="note")

    recipients = _recipients(row)
    asked = [r for r in recipients if r.undertaking != Undertaking.PROCEED_WITHOUT]
    for recipient in asked:
        recipient.undertaking = undertakings[recipient.pk]
        recipient.undertaking_at = delivered_at
        save(recipient, ["undertaking", "undertaking_at", "updated_at"])
    refused = [r for r in asked if r.undertaking == Undertaking.REFUSED]
    if refused:
        return _returned(row, refused, by=by, now=now)

    row.status = DisclosureStatus.DELIVERED
    row.delivered_by = by
    row.delivered_at = delivered_at
    row.delivery_method = method
    row.delivery_method_reason = method_reason
    row.delivered_with = delivered_with
    row.delivery_note = note
    changed = [
        "status",
        "delivered_by",
        "delivered_at",
        "delivery_method",
        "delivery_method_reason",
        "delivered_with",
        "delivery_note",
    ]
    bump(row, changed)
    step(row, STEP_DELIVERED, by=by, note=f"{row.get_delivery_method_display()}, {_day(delivered_at)}")
    # An item whose owner refused its agreement was not part of what was disclosed.
    items = list(DisclosureItem.objects.filter(disclosure_id=row.pk, owner_refused=False).order_by("id"))
    plural = "" if len(recipients) == 1 else "s"
    audit(
        row,
        by=by,
        action=Action.DISCLOSURE,
        summary=f"Disclosure {row.reference} made to {len(recipients)} recipient{plural}",
        changed_fields=[*changed, "recipients.undertaking"],
        justification=_justification(row),
        # s.62(3): the recipients' identity. The only event that names people outside MAPPA.
        recipients=[f"{r.name} ({r.get_kind_display()})" for r in recipients],
        detail=_disclosed(row, items, method=method, delivered_at=delivered_at),
    )
    return row


def _disclosed(
    row: Disclosure, items: list[DisclosureItem], *, method: str, delivered_at: datetime
) -> dict[str, object]:
    """The disclosure event's detail: what was disclosed about whom. Items (by id, with the parts
    told) say what for a MAPPA disclosure, and its nominal (the event's nominal_id) says about
    whom. A scheme disclosure draws on no items and may have no nominal: then the words the
    recipients were told are the only record of what was disclosed, and the subject's person
    record says about whom, so the log answers both on its own."""
    detail: dict[str, object] = {
        "items": [i.item_id for i in items],
        "fields": {str(i.item_id): list(i.fields) for i in items},
        "method": method,
        "delivered_at": delivered_at.isoformat(),
    }
    if row.is_scheme:
        detail["scheme"] = row.scheme
    if row.nominal_id is None:
        detail["subject_person_id"] = row.subject_id
    if not items:
        detail["information_summary"] = row.information_summary
    return detail


def _returned(
    row: Disclosure, refused: list[DisclosureRecipient], *, by: "User", now: datetime
) -> Disclosure:
    names = ", ".join(f"{r.name} ({r.get_kind_display()})" for r in refused)
    verb = "refuses" if len(refused) == 1 else "refuse"
    row.status = DisclosureStatus.RETURNED
    row.returned_at = now
    row.return_reason = (
        f"{names} {verb} to sign the confidentiality undertaking, so nothing was disclosed. The "
        "decision-maker must decide whether the disclosure goes ahead without it"
    )
    changed = ["status", "returned_at", "return_reason"]
    bump(row, changed)
    step(row, STEP_RETURNED, by=by, note=row.return_reason)
    audit(
        row,
        by=by,
        summary="Disclosure returned to the decision-maker: a confidentiality undertaking was refused",
        changed_fields=[*changed, "recipients.undertaking"],
        detail={"refused_recipients": [r.pk for r in refused]},
    )
    return row


@transaction.atomic
def disclosure_reconsider(
    *, disclosure: Disclosure, version: int, proceed: bool, note: str, by: "User"
) -> Disclosure:
    """The decision-maker's answer to a refused undertaking: go ahead without it (back to
    prepared, to be delivered), or not disclose after all (a decision not to disclose, reviewed
    like any other). The earlier decision stays in the steps."""
    _require_decide(by, disclosure)
    row = stored(disclosure, version=version, statuses=(DisclosureStatus.RETURNED,))
    note = text(note, field="note", missing="Enter the reason for your decision")
    if len(note) < MIN_NOTE_LENGTH:
        raise ApplicationError(
            f"Explain your decision in a sentence or more ({MIN_NOTE_LENGTH} characters or more)",
            field="note",
        )
    now = timezone.now()
    row.reconsideration_note = note
    if proceed:
        refused = [r for r in _recipients(row) if r.undertaking == Undertaking.REFUSED]
        for recipient in refused:
            recipient.undertaking = Undertaking.PROCEED_WITHOUT
            recipient.undertaking_at = now
            save(recipient, ["undertaking", "undertaking_at", "updated_at"])
        row.status = DisclosureStatus.PREPARED
        changed = ["status", "reconsideration_note"]
        bump(row, changed)
        names = ", ".join(r.name for r in refused) or "the recipients"
        step(row, STEP_RECONSIDERED, by=by, note=f"Goes ahead without the undertaking of {names}. {note}")
        audit(
            row,
            by=by,
            summary="Disclosure to go ahead without a refused confidentiality undertaking",
            changed_fields=[*changed, "recipients.undertaking"],
            detail={"proceed": True, "recipients": [r.pk for r in refused]},
        )
        return row
    earlier = (
        f"Earlier decision: {row.get_outcome_display()}"
        + (f", by {_name(row.decided_by)}" if row.decided_by is not None else "")
        + (f" on {_day(row.decided_at)}" if row.decided_at is not None else "")
        + (f". {row.decision_rationale.strip()}" if row.decision_rationale.strip() else "")
    )
    row.outcome = Outcome.DO_NOT_DISCLOSE
    row.status = DisclosureStatus.DECIDED
    addition = f"Reconsidered on {_day(now)} after a confidentiality undertaking was refused: {note}"
    row.decision_rationale = f"{row.decision_rationale.strip()}\n\n{addition}".strip()
    row.decided_by = by
    row.decided_at = now
    changed = ["outcome", "status", "decision_rationale", "decided_by", "decided_at", "reconsideration_note"]
    bump(row, changed)
    step(row, STEP_RECONSIDERED, by=by, note=f"Not to be disclosed after all. {note}\n\n{earlier}")
    audit(
        row,
        by=by,
        summary="Disclosure not to go ahead after a refused confidentiality undertaking",
        changed_fields=changed,
        detail={"proceed": False},
    )
    return row


# --- review -------------------------------------------------------------------------------------


@transaction.atomic
def disclosure_review(*, disclosure: Disclosure, version: int, note: str, by: "User") -> Disclosure:
    """Close the record: what happened after the disclosure and any further action, or, for a
    decision not to disclose, the review of that decision (rule 16: recorded with the same care)."""
    _require_record(by, disclosure)
    row = stored(disclosure, version=version, statuses=(DisclosureStatus.DELIVERED, DisclosureStatus.DECIDED))
    if row.status == DisclosureStatus.DECIDED and row.outcome != Outcome.DO_NOT_DISCLOSE:
        raise ApplicationError(
            "The disclosure has not been made yet, so there is nothing to review. Record the delivery first"
        )
    row.review_note = text(note, field="note", missing="Enter what happened and any further action")
    row.status = DisclosureStatus.REVIEWED
    row.reviewed_by = by
    row.reviewed_at = timezone.now()
    changed = ["status", "reviewed_by", "reviewed_at", "review_note"]
    bump(row, changed)
    step(row, STEP_REVIEWED, by=by)
    audit(row, by=by, summary="Disclosure reviewed", changed_fields=changed)
    return row


# --- the record for the file --------------------------------------------------------------------

EXPORT_REASON = "Disclosure record downloaded"


def can_download(user: AnyUser, disclosure: Disclosure) -> bool:
    """The whole record goes to those who make or decide disclosures, never to a reader only: for a
    scheme disclosure, the scheme officers who run it too."""
    return (
        has_permission(user, Permission.DISCLOSURE_RECORD)
        or has_permission(user, Permission.DISCLOSURE_DECIDE)
        or runs_scheme_disclosure(user, disclosure)
    )


@transaction.atomic
def disclosure_record_export(*, disclosure: Disclosure, by: "User") -> bytes:
    """The OFFICIAL-SENSITIVE PDF of the whole record, issued to `by`, recorded as an export.

    Rendered inside the transaction: if it fails (no PDF libraries), no export is recorded.
    """
    if not can_download(by, disclosure) or not _visible(by, disclosure):
        raise PermissionDenied(DOWNLOAD_REFUSED)
    issued_at = timezone.now()
    content = pdf.disclosure_record_pdf(disclosure, issued_to=by, issued_at=issued_at)
    audit(
        disclosure,
        by=by,
        action=Action.EXPORT,
        summary=EXPORT_REASON,
        justification=EXPORT_REASON,
        detail={"format": "pdf", "sha256": sha256(content).hexdigest()},
    )
    return content
