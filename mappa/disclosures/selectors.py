"""Reads of disclosure records, always scoped to the asking user (DESIGN.md §4 rule 2).

A disclosure record names victims, partners and children and what they were told, so it is
narrower than the case: a user sees it only if they hold DISCLOSURE_VIEW, can see the nominal
(nominals.selectors.nominal_list), and their acting agency takes part in it:
- a Responsible Authority agency serving the nominal's area (police and probation make and
  deliver disclosures, and chairs decide them);
- the nominal's lead agency, or the agency that proposed the disclosure;
- an agency whose information items it draws on (it must agree to each being disclosed);
- an agency consulted on it (an emergency decision, or the senior youth justice or children's
  services manager consulted where a child is involved).
Other agencies involved with the case see nothing of it.

A scheme disclosure (CSODS, DVDS: ADR 0017) is also seen by the receiving force's holders of
SCHEME_APPLICATION_VIEW (`scheme_disclosures`). When its subject is not a nominal, only they see
it: the rules above all start from a nominal the user can see.

The delivery-phase selectors live in selectors_delivery.py; this module holds the base scope
every page builds on.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyKind
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.disclosures.models import (
    Disclosure,
    DisclosureAlternative,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureStep,
    Outcome,
    RatificationStatus,
    Scheme,
)
from mappa.information_sharing.models import ItemStatus
from mappa.information_sharing.selectors import ItemView, nominal_items
from mappa.meetings.models import AgendaItem, Meeting, MeetingStatus, Minutes, MinutesStatus
from mappa.meetings.selectors import meeting_list, minutes_list
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency, nominal_list, ra_areas
from mappa.risk_management.models import PersonAtRisk, RiskManagementPlan


def disclosure_list(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    agency = acting_agency(fetched_by)
    if agency is None:
        return Disclosure.objects.none()
    # Subqueries rather than a join with distinct(): callers filter and count the result freely.
    visible = Q(pk__in=[])
    if has_permission(fetched_by, Permission.DISCLOSURE_VIEW):
        takes_part = (
            Q(nominal__area__in=ra_areas(fetched_by))
            | Q(nominal__lead_agency=agency)
            | Q(proposing_agency=agency)
            | Q(pk__in=Disclosure.objects.filter(items__item__owner_agency=agency).values("pk"))
            | Q(pk__in=Disclosure.objects.filter(consultations__agency=agency).values("pk"))
            | Q(youth_consultee_agency=agency)
        )
        about_visible_nominals = Disclosure.objects.filter(
            takes_part, nominal__in=nominal_list(fetched_by=fetched_by)
        )
        visible |= Q(pk__in=about_visible_nominals.values("pk"))
    if has_permission(fetched_by, Permission.SCHEME_APPLICATION_VIEW):
        visible |= Q(pk__in=scheme_disclosures(agency).values("pk"))
    return (
        Disclosure.objects.filter(visible)
        .select_related(
            "subject",
            "nominal__person",
            "nominal__area",
            "nominal__lead_agency",
            "proposing_agency",
            "proposed_by",
        )
        .order_by("-created_at", "-pk")
    )


def scheme_disclosures(agency: Agency) -> QuerySet[Disclosure]:
    """The scheme disclosures a force's disclosure scheme officers run: those delivering its own
    applications' decisions to disclose (the proposing agency is the receiving force)."""
    return Disclosure.objects.exclude(scheme=Scheme.MAPPA).filter(proposing_agency=agency)


def scheme_application_id(disclosure: Disclosure) -> int | None:
    """The scheme application a scheme disclosure delivers (disclosure_schemes' Application links
    to it), for a link back to it; callers show it only to those who run the disclosure."""
    if disclosure.scheme == Scheme.MAPPA:
        return None
    found: int | None = (
        Disclosure.objects.filter(pk=disclosure.pk).values_list("scheme_application__pk", flat=True).first()
    )
    return found


def nominal_visible(nominal_id: int, *, fetched_by: AnyUser) -> bool:
    return nominal_list(fetched_by=fetched_by).filter(pk=nominal_id).exists()


def nominal_disclosures(*, nominal_id: int, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    return disclosure_list(fetched_by=fetched_by).filter(nominal_id=nominal_id)


# --- the decision phase: proposal to decision (services_decision.py, views_decision.py) ----------
#
# Everything below builds on disclosure_list: the parts of a record (recipients, alternatives,
# items, consultations, history) are read only through a disclosure the user may see, so no
# list or count can show what the record's own page would refuse.

# The kinds of agency whose senior manager is consulted where a child is involved
# (disclosure_dp.md §5.1 rule 11): the Youth Offending Service and Children's Services.
YOUTH_AGENCY_KINDS = (AgencyKind.YOUTH_JUSTICE, AgencyKind.CHILDRENS_SERVICES)
# Only a level 2 or 3 meeting decides or ratifies a disclosure (rule 1).
DECISION_LEVELS = (2, 3)


def _visible(disclosure: Disclosure, fetched_by: AnyUser) -> bool:
    return disclosure_list(fetched_by=fetched_by).filter(pk=disclosure.pk).exists()


def _within(fetched_by: AnyUser) -> QuerySet[Disclosure]:
    return disclosure_list(fetched_by=fetched_by).values("pk")  # type: ignore[return-value]


def disclosure_steps(*, disclosure: Disclosure, fetched_by: AnyUser) -> QuerySet[DisclosureStep]:
    if not _visible(disclosure, fetched_by):
        return DisclosureStep.objects.none()
    return disclosure.steps.select_related("by").order_by("at", "id")


def disclosure_recipients(*, disclosure: Disclosure, fetched_by: AnyUser) -> QuerySet[DisclosureRecipient]:
    if not _visible(disclosure, fetched_by):
        return DisclosureRecipient.objects.none()
    return disclosure.recipients.select_related("person").order_by("id")


def disclosure_alternatives(
    *, disclosure: Disclosure, fetched_by: AnyUser
) -> QuerySet[DisclosureAlternative]:
    if not _visible(disclosure, fetched_by):
        return DisclosureAlternative.objects.none()
    return disclosure.alternatives.order_by("id")


def disclosure_items(*, disclosure: Disclosure, fetched_by: AnyUser) -> QuerySet[DisclosureItem]:
    if not _visible(disclosure, fetched_by):
        return DisclosureItem.objects.none()
    return disclosure.items.select_related("item", "item__owner_agency", "owner_agreed_by").order_by("id")


def disclosure_consultations(
    *, disclosure: Disclosure, fetched_by: AnyUser
) -> QuerySet[DisclosureConsultation]:
    if not _visible(disclosure, fetched_by):
        return DisclosureConsultation.objects.none()
    return disclosure.consultations.select_related("agency").order_by("consulted_at", "id")


# The parts of every record the user may see, for the access functions of single parts.


def recipient_list(*, fetched_by: AnyUser) -> QuerySet[DisclosureRecipient]:
    return DisclosureRecipient.objects.filter(disclosure__in=_within(fetched_by)).select_related("disclosure")


def alternative_list(*, fetched_by: AnyUser) -> QuerySet[DisclosureAlternative]:
    return DisclosureAlternative.objects.filter(disclosure__in=_within(fetched_by)).select_related(
        "disclosure"
    )


def disclosure_item_list(*, fetched_by: AnyUser) -> QuerySet[DisclosureItem]:
    return DisclosureItem.objects.filter(disclosure__in=_within(fetched_by)).select_related(
        "disclosure",
        "disclosure__nominal__person",
        "disclosure__proposing_agency",
        "item",
        "item__owner_agency",
    )


def consultation_list(*, fetched_by: AnyUser) -> QuerySet[DisclosureConsultation]:
    return DisclosureConsultation.objects.filter(disclosure__in=_within(fetched_by)).select_related(
        "disclosure", "agency"
    )


def items_awaiting_agreement(*, fetched_by: AnyUser) -> QuerySet[DisclosureItem]:
    """Items the user's agency owns that a proposal by another agency would disclose, and on which
    the agency has not yet said yes or no: its to-do list (DisclosureItem's docstring).

    Only for someone who may share the agency's information (SHARE_CREATE): agreeing to a
    disclosure of it is the same decision, made for a recipient outside MAPPA. Only while the
    proposal is open: once decided or withdrawn, nothing is waiting.
    """
    agency = acting_agency(fetched_by)
    if agency is None or not has_permission(fetched_by, Permission.SHARE_CREATE):
        return DisclosureItem.objects.none()
    return (
        disclosure_item_list(fetched_by=fetched_by)
        .filter(
            item__owner_agency=agency,
            disclosure__status=DisclosureStatus.PROPOSED,
            owner_agreed_by__isnull=True,
            owner_refused=False,
        )
        .exclude(disclosure__proposing_agency=agency)
        # The agreements page names each nominal: their names in one query, not one per row.
        .prefetch_related("disclosure__nominal__person__names")
        .order_by("created_at", "pk")
    )


def awaiting_ratification(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    """Emergency decisions the next level 2 or 3 meeting has still to ratify, oldest first."""
    return (
        disclosure_list(fetched_by=fetched_by)
        .filter(ratification=RatificationStatus.PENDING)
        .order_by("decided_at", "pk")
    )


def not_ratified(*, fetched_by: AnyUser) -> QuerySet[Disclosure]:
    """Emergency decisions a meeting did not ratify: flagged for the co-ordinator."""
    return disclosure_list(fetched_by=fetched_by).filter(ratification=RatificationStatus.NOT_RATIFIED)


def decision_minutes_choices(
    *, disclosure: Disclosure, fetched_by: AnyUser, after: datetime | None = None
) -> QuerySet[Minutes]:
    """Minutes the user could decide (or, with `after`, ratify) this disclosure with: of the
    nominal's case, at a level 2 or 3 meeting they chair that has started and was not
    cancelled, and not superseded by a correction. The service checks each of these again
    (services_decision.minutes_problems), with a message for each."""
    if not has_permission(fetched_by, Permission.DISCLOSURE_DECIDE) or not _visible(disclosure, fetched_by):
        return Minutes.objects.none()
    if disclosure.nominal_id is None:
        # Someone who is not a nominal is on no MAPPA meeting's agenda.
        return Minutes.objects.none()
    minutes = (
        minutes_list(fetched_by=fetched_by)
        .filter(
            agenda_item__nominal_id=disclosure.nominal_id,
            agenda_item__meeting__chair_id=fetched_by.pk,
            agenda_item__meeting__level__in=DECISION_LEVELS,
            agenda_item__meeting__starts_at__lte=timezone.now(),
        )
        .exclude(status=MinutesStatus.SUPERSEDED)
        .exclude(agenda_item__meeting__status=MeetingStatus.CANCELLED)
    )
    if after is not None:
        minutes = minutes.filter(agenda_item__meeting__starts_at__gt=after)
    return minutes.order_by("-agenda_item__meeting__starts_at", "-number")


def ratification_minutes_choices(*, disclosure: Disclosure, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """As decision_minutes_choices, from meetings after the emergency decision was made."""
    if disclosure.ratification != RatificationStatus.PENDING or disclosure.decided_at is None:
        return Minutes.objects.none()
    return decision_minutes_choices(disclosure=disclosure, fetched_by=fetched_by, after=disclosure.decided_at)


@dataclass(frozen=True)
class NextMeeting:
    meeting: Meeting
    on_agenda: bool


def next_meeting_for(nominal: Nominal, *, fetched_by: AnyUser | None = None) -> NextMeeting | None:
    """The next scheduled level 2 or 3 meeting of the nominal's area, and whether the nominal is
    on its agenda: where a proposal is decided, or an emergency decision ratified.

    A meeting with the nominal already on its agenda comes first, however much later than
    another of the area; failing one, the area's next meeting, so the co-ordinator can be asked
    to add the case. With `fetched_by`, only a meeting that user can see.
    """
    meetings = Meeting.objects.filter(
        area_id=nominal.area_id,
        level__in=DECISION_LEVELS,
        status=MeetingStatus.SCHEDULED,
        starts_at__gte=timezone.now(),
    )
    if fetched_by is not None:
        meetings = meetings.filter(pk__in=meeting_list(fetched_by=fetched_by).values("pk"))
    meetings = meetings.order_by("starts_at", "pk")
    booked = AgendaItem.objects.filter(nominal_id=nominal.pk).values("meeting_id")
    with_case = meetings.filter(pk__in=booked).first()
    if with_case is not None:
        return NextMeeting(with_case, on_agenda=True)
    first = meetings.first()
    return NextMeeting(first, on_agenda=False) if first is not None else None


def _risk_readable(nominal: Nominal, fetched_by: AnyUser) -> bool:
    # The persons at risk and the plan are read by anyone with RISK_VIEW who can open the case
    # (risk_management/access.py); a disclosure links to them on the same terms.
    return (
        has_permission(fetched_by, Permission.RISK_VIEW)
        and nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists()
    )


def linkable_persons_at_risk(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[PersonAtRisk]:
    """The nominal's persons at risk a disclosure may be linked to (the one it protects)."""
    if not _risk_readable(nominal, fetched_by):
        return PersonAtRisk.objects.none()
    return (
        PersonAtRisk.objects.filter(nominal_id=nominal.pk)
        .select_related("person")
        .prefetch_related("person__names")
        .order_by("ended_on", "id")
    )


def linkable_plans(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[RiskManagementPlan]:
    if not _risk_readable(nominal, fetched_by):
        return RiskManagementPlan.objects.none()
    return RiskManagementPlan.objects.filter(nominal_id=nominal.pk).order_by("-number")


def disclosable_items(*, nominal: Nominal, fetched_by: AnyUser) -> list[ItemView]:
    """The nominal's active items the user can read, with the fields they can read: the only
    information a disclosure can draw on (the sharing rule of information_sharing.selectors).
    Only what the user reads can be proposed for disclosure; its owner still has to agree."""
    return [
        view
        for view in nominal_items(nominal=nominal, fetched_by=fetched_by)
        if view.item.status == ItemStatus.ACTIVE
    ]


def youth_agency_choices(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[Agency]:
    """Youth justice and children's services agencies of the nominal's area."""
    if not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return Agency.objects.none()
    return Agency.objects.filter(areas=nominal.area_id, kind__in=YOUTH_AGENCY_KINDS, is_active=True).order_by(
        "name"
    )


def consultation_agency_choices(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[Agency]:
    """Every active agency of the nominal's area: any of them may be consulted in an emergency."""
    if not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return Agency.objects.none()
    return Agency.objects.filter(areas=nominal.area_id, is_active=True).order_by("name")


def delivery_overdue(disclosure: Disclosure, *, today: date | None = None) -> bool:
    """A decision to disclose whose planned delivery date has passed before it was delivered
    (disclosure_dp.md §5.1 rule 14)."""
    if disclosure.outcome != Outcome.DISCLOSE or disclosure.planned_delivery_date is None:
        return False
    if disclosure.status not in (
        DisclosureStatus.DECIDED,
        DisclosureStatus.PREPARED,
        DisclosureStatus.RETURNED,
    ):
        return False
    return disclosure.planned_delivery_date < (today or timezone.localdate())


class DisclosureInvolvement:
    """An agency consulted on a disclosure (on an emergency decision, or as the senior youth
    justice or children's services manager where a child is involved) is involved with its
    nominal (nominals/involvement.py), registered in panel.py.

    disclosure_list lets a consulted agency see the record only if it can see the nominal, and a
    duty-to-co-operate agency sees only the nominals it is involved with: without this, the
    agency whose view the record relies on could not read what it was consulted on. The owners
    of the items a disclosure draws on are involved already, through the items.
    """

    def nominal_ids(self, *, agency_id: int) -> QuerySet[Any]:
        consulted = Disclosure.objects.filter(
            Q(consultations__agency_id=agency_id) | Q(youth_consultee_agency_id=agency_id)
        )
        return Nominal.objects.filter(pk__in=consulted.values("nominal_id")).values("pk")

    def basis(self, *, agency_id: int, nominal_id: int) -> str | None:
        consulted = (
            Disclosure.objects.filter(nominal_id=nominal_id)
            .filter(Q(consultations__agency_id=agency_id) | Q(youth_consultee_agency_id=agency_id))
            .exists()
        )
        # No reference: the case's "who has looked" page shows this to agencies that take no part
        # in the disclosure, which must not learn of it from there.
        return "Consulted on a disclosure about the nominal" if consulted else None
