"""Every kind of record a subject access request must cover, one function per kind.

This is the HMPPS "every service answers" contract (software_anchors.md §6.4) inside one system:
each provider is told the data subject's person records and the request's date range, and
answers with every record of its kind about them, each with its OWNER (the agency that answers
for it, never the agency that happens to see it through a share), a label that is a reference
only (the receiving agency sees labels), and the text as it stands now. Adding a kind of record
means adding one function to PROVIDERS.

Providers read the models directly on purpose: the search must find everything held, whoever
may see it, and its results go only into the owners' parts (routing) or into counts.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from mappa.disclosure_schemes.models import Application
from mappa.disclosures.models import Disclosure, DisclosureRecipient
from mappa.information_sharing.attributes import field_label
from mappa.information_sharing.models import InformationItem, ItemStatus
from mappa.meetings.models import MinutesEntry, MinutesStatus
from mappa.nominals.models import Nominal, NominalStatusChange
from mappa.people.models import Gender, Person
from mappa.risk_management.models import (
    PersonAtRisk,
    PlanAction,
    RiskAssessment,
    RiskManagementPlan,
)
from mappa.subject_access.models import ItemKind
from mappa.subject_access.selectors import long_date


@dataclass(frozen=True)
class Found:
    kind: str
    object_id: int
    owner_agency_id: int
    label: str
    content: list[dict[str, str]] = field(default_factory=list)
    chair_id: int | None = None  # minutes entries: the chair to consult


def _section(label: str, text: str | None) -> list[dict[str, str]]:
    text = (text or "").strip()
    return [{"label": label, "text": text}] if text else []


def _in_scope(
    rows: QuerySet,  # type: ignore[type-arg]
    field_name: str,
    scope_from: date | None,
    scope_to: date | None,
    *,
    is_date: bool = False,
) -> QuerySet:  # type: ignore[type-arg]
    # The scope dates bound when the record was made (a meeting's minutes: the meeting's date;
    # a risk assessment: the date it was made, a date field, so compared as it is).
    lookup = field_name if is_date else f"{field_name}__date"
    if scope_from is not None:
        rows = rows.filter(**{f"{lookup}__gte": scope_from})
    if scope_to is not None:
        rows = rows.filter(**{f"{lookup}__lte": scope_to})
    return rows


def _lines(label: str, lines: Iterable[str]) -> list[dict[str, str]]:
    return _section(label, "\n".join(line for line in lines if line))


def _nominal_ref(nominal_id: int) -> str:
    return f"NOM-{nominal_id:06d}"


def person_records(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """The subject's own people-index records: what each agency recorded of their names, dates
    of birth, addresses and identifiers is personal data that agency holds and answers for."""
    rows = (
        Person.objects.filter(pk__in=person_ids)
        .select_related("source_agency")
        .prefetch_related("names", "dates_of_birth", "addresses", "identifiers")
        .order_by("pk")
    )
    found = []
    for person in _in_scope(rows, "created_at", scope_from, scope_to):
        addresses = []
        for address in person.addresses.all():
            dates = " to ".join(
                part for part in (long_date(address.from_date), long_date(address.to_date)) if part
            )
            addresses.append(f"{address}{f' ({dates})' if dates else ''}")
        content = (
            _section("Recorded by", f"{person.source_agency.name}, reference {person.source_ref}")
            + _lines("Names", (f"{name.display} ({name.get_kind_display()})" for name in person.names.all()))
            + _lines("Dates of birth", (dob.display for dob in person.dates_of_birth.all()))
            + _lines("Addresses", addresses)
            + _lines("Identifiers", (str(identifier) for identifier in person.identifiers.all()))
        )
        if person.gender != Gender.UNKNOWN:
            content += _section("Gender", person.get_gender_display())
        found.append(
            Found(
                kind=ItemKind.PERSON_RECORD,
                object_id=person.pk,
                owner_agency_id=person.source_agency_id,
                label=f"Person record {person.source_ref}",
                content=content,
            )
        )
    return found


def nominals(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """The subject's MAPPA cases (current and exited), each with its dated history of category,
    level, lead agency, status and area; answered for by the case's lead agency."""
    rows = (
        Nominal.objects.filter(person_id__in=person_ids)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "changes", queryset=NominalStatusChange.objects.order_by("effective_date", "changed_at", "pk")
            )
        )
        .order_by("pk")
    )
    found = []
    for nominal in _in_scope(rows, "created_at", scope_from, scope_to):
        dates = (
            ("Sentenced", nominal.sentence_date),
            ("Released", nominal.release_date),
            ("Licence ends", nominal.licence_end_date),
            ("Notification ends", nominal.notification_end_date),
            ("Order starts", nominal.order_start_date),
            ("Order ends", nominal.order_end_date),
            ("Next review", nominal.next_review_date),
            ("Exited MAPPA", nominal.exited_on),
        )
        history = []
        for change in nominal.changes.all():
            was = f" from {change.from_label}" if change.from_label else ""
            why = change.get_reason_display() + (f": {change.reason_detail}" if change.reason_detail else "")
            history.append(
                f"{long_date(change.effective_date)}: {change.get_field_display()} changed{was} "
                f"to {change.to_label} ({why})"
            )
        content = (
            _section("Category", nominal.get_category_display())
            + _section("Level", nominal.get_level_display())
            + _section("Status", nominal.get_status_display())
            + _section("MAPPA area", nominal.area.name)
            + _section("Critical public protection case", "Yes" if nominal.cppc else "")
            + _lines("Dates", (f"{what}: {long_date(day)}" for what, day in dates if day))
            + _section("Index offence", nominal.index_offence)
            + _section("Restrictive orders", nominal.restrictive_orders)
            + _lines("History", history)
        )
        found.append(
            Found(
                kind=ItemKind.NOMINAL,
                object_id=nominal.pk,
                owner_agency_id=nominal.lead_agency_id,
                label=f"MAPPA nominal record {_nominal_ref(nominal.pk)} ({long_date(nominal.created_at)})",
                content=content,
            )
        )
    return found


def risk_assessments(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """Risk assessments of a nominal who is the subject, each the assessing agency's own."""
    rows = RiskAssessment.objects.filter(nominal__person_id__in=person_ids).order_by("pk")
    found = []
    for assessment in _in_scope(rows, "assessed_on", scope_from, scope_to, is_date=True):
        content = (
            _section("Tool", assessment.tool_name)
            + _section("Date of assessment", long_date(assessment.assessed_on))
            + _lines("Risk of serious harm", (f"{group}: {level}" for group, level in assessment.rosh))
            + _section("Outcome", assessment.tool_outcome)
            + _section("Risk factors", assessment.risk_factors)
            + _section("Protective factors", assessment.protective_factors)
            + _section("Scenarios", assessment.scenarios)
            + _section("Next review", long_date(assessment.next_review_date))
        )
        found.append(
            Found(
                kind=ItemKind.RISK_ASSESSMENT,
                object_id=assessment.pk,
                owner_agency_id=assessment.assessing_agency_id,
                label=f"Risk assessment RA-{assessment.pk:06d} ({long_date(assessment.assessed_on)})",
                content=content,
            )
        )
    return found


def risk_management_plans(
    person_ids: set[int], scope_from: date | None, scope_to: date | None
) -> list[Found]:
    """Every version of the plans for a nominal who is the subject, drafts included (held is
    held), each version one item answered for by the plan's owner: its actions carry their own
    agencies, but the plan is one document the owner completed (MAPPA Guidance §12.5), so the
    owner decides on it whole and may consult the others."""
    actions = PlanAction.objects.select_related("owner_agency").order_by("pillar", "position", "pk")
    rows = (
        RiskManagementPlan.objects.filter(nominal__person_id__in=person_ids)
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("pk")
    )
    found = []
    for plan in _in_scope(rows, "created_at", scope_from, scope_to):
        lines = []
        for action in plan.actions.all():
            due = f", due {long_date(action.due_date)}" if action.due_date else ""
            lines.append(
                f"{action.get_pillar_display()}: {action.description} "
                f"({action.owner_agency.name}{due}; {action.get_status_display().lower()})"
            )
        content = (
            _section("Version", f"{plan.number} ({plan.get_status_display().lower()})")
            + _section("Approved", long_date(plan.approved_at))
            + _section("Risks to manage", plan.risks_to_manage)
            + _section("Licence conditions", plan.licence_conditions)
            + _section("Restrictive orders", plan.restrictive_orders)
            + _lines("Actions", lines)
            + _section("Disclosure", plan.disclosure_note)
            + _section("Approval note", plan.approval_note)
            + _section("Review date", long_date(plan.review_date))
        )
        found.append(
            Found(
                kind=ItemKind.RISK_MANAGEMENT_PLAN,
                object_id=plan.pk,
                owner_agency_id=plan.owner_agency_id,
                label=f"Risk management plan {plan.reference} ({long_date(plan.created_at)})",
                content=content,
            )
        )
    return found


def persons_at_risk(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """Records of the subject as someone a nominal may harm, answered for by the agency that
    recorded them. The nominal appears by reference only: who they are is the nominal's personal
    data, not the subject's (the owner may still redact it)."""
    rows = PersonAtRisk.objects.filter(person_id__in=person_ids).order_by("pk")
    found = []
    for record in _in_scope(rows, "created_at", scope_from, scope_to):
        flags = [
            "Recorded as a child" if record.is_child else "",
            "Address kept confidential from the nominal" if record.address_confidential else "",
        ]
        ended = f"{long_date(record.ended_on)}: {record.ended_reason}" if record.ended_on else ""
        content = (
            _section("Recorded as", record.get_kind_display())
            + _section("About the nominal", _nominal_ref(record.nominal_id))
            + _section("Description", record.description)
            + _lines("Flags", flags)
            + _section("Notes", record.notes)
            + _section("Recorded on", long_date(record.created_at))
            + _section("No longer at risk", ended)
        )
        found.append(
            Found(
                kind=ItemKind.PERSON_AT_RISK,
                object_id=record.pk,
                owner_agency_id=record.recorded_by_agency_id,
                label=f"Person at risk record PAR-{record.pk:06d} ({long_date(record.created_at)})",
                content=content,
            )
        )
    return found


def information_items(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """Items about the person, or about a nominal who is the person; erased items hold nothing."""
    items = InformationItem.objects.filter(
        Q(person_id__in=person_ids) | Q(nominal__person_id__in=person_ids),
        status__in=[ItemStatus.ACTIVE, ItemStatus.SUPERSEDED],
    ).order_by("pk")
    found = []
    for item in _in_scope(items, "created_at", scope_from, scope_to):
        content = _section("Summary", item.summary) + _section("Detail", item.detail)
        for name, value in sorted((item.attributes or {}).items()):
            content += _section(field_label(item.kind, name), str(value))
        found.append(
            Found(
                kind=ItemKind.INFORMATION_ITEM,
                object_id=item.pk,
                owner_agency_id=item.owner_agency_id,
                label=(
                    f"Information item {item.reference} "
                    f"({item.get_kind_display()}, {long_date(item.created_at)})"
                ),
                content=content,
            )
        )
    return found


def minutes_entries(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """Contributions to approved (or since corrected) minutes about the person, each owned by the
    agency that contributed it; drafts are not yet a record of the meeting."""
    entries = (
        MinutesEntry.objects.filter(
            minutes__agenda_item__nominal__person_id__in=person_ids,
            minutes__status__in=[MinutesStatus.APPROVED, MinutesStatus.SUPERSEDED],
        )
        .select_related("minutes__agenda_item__meeting")
        .order_by("pk")
    )
    found = []
    for entry in _in_scope(entries, "minutes__agenda_item__meeting__starts_at", scope_from, scope_to):
        minutes = entry.minutes
        meeting = minutes.agenda_item.meeting
        found.append(
            Found(
                kind=ItemKind.MINUTES_ENTRY,
                object_id=entry.pk,
                owner_agency_id=entry.agency_id,
                label=(
                    f"Minutes {minutes.reference} entry {entry.position} "
                    f"(meeting of {long_date(meeting.starts_at)})"
                ),
                content=_section("Meeting date", long_date(meeting.starts_at))
                + _section("Entry", entry.text),
                chair_id=meeting.chair_id,
            )
        )
    return found


def disclosures(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """Disclosure records about the person, owned by the agency that proposed the disclosure."""
    rows = Disclosure.objects.filter(subject_id__in=person_ids).prefetch_related("recipients").order_by("pk")
    found = []
    for disclosure in _in_scope(rows, "created_at", scope_from, scope_to):
        content = (
            _section("Purpose", disclosure.purpose)
            + _section("Information disclosed", disclosure.information_summary)
            + _section("Reasons for the decision", disclosure.decision_rationale)
        )
        for recipient in disclosure.recipients.all():
            content += _section(
                "Recipient",
                f"{recipient.name}, {recipient.relationship} ({recipient.get_kind_display()})",
            )
        found.append(
            Found(
                kind=ItemKind.DISCLOSURE,
                object_id=disclosure.pk,
                owner_agency_id=disclosure.proposing_agency_id,
                label=f"Disclosure record {disclosure.reference} ({long_date(disclosure.created_at)})",
                content=content,
            )
        )
    return found


def disclosure_recipients(
    person_ids: set[int], scope_from: date | None, scope_to: date | None
) -> list[Found]:
    """The subject as someone told (or to be told) about another person: that they were told,
    when and what, answered for by the disclosure's proposing agency."""
    rows = (
        DisclosureRecipient.objects.filter(person_id__in=person_ids)
        .select_related("disclosure")
        .order_by("pk")
    )
    found = []
    for recipient in _in_scope(rows, "created_at", scope_from, scope_to):
        disclosure = recipient.disclosure
        told = (
            f"Told on {long_date(disclosure.delivered_at)}"
            if disclosure.delivered_at
            else f"Not yet told (the disclosure is {disclosure.get_status_display().lower()})"
        )
        undertaking = recipient.get_undertaking_display()
        if recipient.undertaking_at:
            undertaking += f" ({long_date(recipient.undertaking_at)})"
        content = (
            _section("Recorded as", f"{recipient.get_kind_display()}: {recipient.relationship}")
            + _section("Told", told)
            + _section("What was said", disclosure.information_summary)
            + _section("Confidentiality undertaking", undertaking)
        )
        found.append(
            Found(
                kind=ItemKind.DISCLOSURE_RECIPIENT,
                object_id=recipient.pk,
                owner_agency_id=disclosure.proposing_agency_id,
                label=(
                    f"Disclosure record {disclosure.reference}: made to the person "
                    f"({long_date(recipient.created_at)})"
                ),
                content=content,
            )
        )
    return found


def scheme_applications(person_ids: set[int], scope_from: date | None, scope_to: date | None) -> list[Found]:
    """Disclosure scheme applications whose subject is the person, held by the receiving force."""
    rows = Application.objects.filter(subject_person_id__in=person_ids).order_by("pk")
    found = []
    for application in _in_scope(rows, "received_at", scope_from, scope_to):
        outcome = application.get_outcome_display() if application.outcome else "Not yet decided"
        content = (
            _section("Subject's name", application.subject_name)
            + _section("Other names", application.subject_other_names)
            + _section("Date of birth", long_date(application.subject_date_of_birth))
            + _section("Address", application.subject_address)
            + _section("Description", application.subject_description)
            + _section("Concern", application.concern)
            + _section("Outcome", outcome)
            + _section("Reasons for the decision", application.decision_rationale)
        )
        found.append(
            Found(
                kind=ItemKind.SCHEME_APPLICATION,
                object_id=application.pk,
                owner_agency_id=application.receiving_agency_id,
                label=(
                    f"Disclosure scheme application {application.reference} "
                    f"({long_date(application.received_at)})"
                ),
                content=content,
            )
        )
    return found


Provider = Callable[[set[int], date | None, date | None], list[Found]]
# The subject's own records first, then what is recorded about them as a nominal, then the records
# where they appear as someone else's concern (at risk, told), then scheme applications.
PROVIDERS: tuple[Provider, ...] = (
    person_records,
    nominals,
    information_items,
    risk_assessments,
    risk_management_plans,
    minutes_entries,
    disclosures,
    persons_at_risk,
    disclosure_recipients,
    scheme_applications,
)


def collect(
    person_ids: Iterable[int], scope_from: date | None = None, scope_to: date | None = None
) -> list[Found]:
    ids = set(person_ids)
    if not ids:
        return []
    return [found for provider in PROVIDERS for found in provider(ids, scope_from, scope_to)]
