"""Reads of the risk management plan, always scoped to the asking user (default deny), and the
plan's rules as plain functions: what blocks approval and what the quality checks warn of.

The plan is a multi-agency document (MAPPA Guidance §12.2, access.py): anyone holding RISK_VIEW
who can see the nominal reads every version of it, the draft being written included, so that the
agencies whose actions it records can check them before the review. Without RISK_VIEW, or for a
nominal the user cannot see, every read here is empty.

`approval_blockers` and `plan_warnings` are the rules the services enforce and the pages show,
written once so that the approve page and the refusal can never disagree (ADR 0015).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from mappa.meetings.selectors import meeting_list, minutes_list
from mappa.meetings.selectors_meetings import is_chair
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import nominal_list, ra_areas
from mappa.risk_management.access import can_view_risk
from mappa.risk_management.models import (
    FOUR_PILLARS,
    DisclosureConsideration,
    PersonAtRisk,
    Pillar,
    PlanAction,
    PlanActionStatus,
    PlanStatus,
    RiskManagementPlan,
)

# Every section of the plan that holds actions, in the order the plan reads.
PLAN_SECTIONS = [*FOUR_PILLARS, Pillar.CONTINGENCY]
OPEN_ACTION_STATUSES = (PlanActionStatus.NOT_STARTED, PlanActionStatus.IN_PROGRESS)
# A rationale is the record of why disclosure was (or was not) made: a word is not a rationale.
MIN_RATIONALE_LENGTH = 20


def _signed_in_id(user: "AnyUser | None") -> int | None:
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    return int(user.pk)


def _nominal_visible(nominal: Nominal, user: AnyUser) -> bool:
    return nominal_list(fetched_by=user).filter(pk=nominal.pk).exists()


def _with_relations(plans: QuerySet[RiskManagementPlan]) -> QuerySet[RiskManagementPlan]:
    return plans.select_related(
        "nominal",
        "nominal__area",
        "nominal__lead_agency",
        "owner_agency",
        "author",
        "approved_by",
        "approved_minutes",
        "approved_minutes__agenda_item__meeting",
    )


# --- every row the user may see (for the access functions) ------------------------------------


def plan_scope(*, fetched_by: AnyUser) -> QuerySet[RiskManagementPlan]:
    """Every plan version of every nominal the user can see, given RISK_VIEW."""
    if not can_view_risk(fetched_by):
        return RiskManagementPlan.objects.none()
    return _with_relations(
        RiskManagementPlan.objects.filter(nominal__in=nominal_list(fetched_by=fetched_by).values("pk"))
    )


def plan_action_scope(*, fetched_by: AnyUser) -> QuerySet[PlanAction]:
    """Every action of every plan version the user can see."""
    if not can_view_risk(fetched_by):
        return PlanAction.objects.none()
    return PlanAction.objects.filter(
        plan__nominal__in=nominal_list(fetched_by=fetched_by).values("pk")
    ).select_related(
        "plan",
        "plan__nominal",
        "plan__nominal__area",
        "plan__nominal__lead_agency",
        "plan__owner_agency",
        "owner_agency",
        "owner",
    )


# --- one nominal's plan ---------------------------------------------------------------------------


def plan_list(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[RiskManagementPlan]:
    """Every version of the nominal's plan, newest first."""
    if not can_view_risk(fetched_by) or not _nominal_visible(nominal, fetched_by):
        return RiskManagementPlan.objects.none()
    return _with_relations(RiskManagementPlan.objects.filter(nominal_id=nominal.pk)).order_by("-number")


def current_plan(*, nominal: Nominal, fetched_by: AnyUser) -> RiskManagementPlan | None:
    """The approved version in force, if any."""
    return plan_list(nominal=nominal, fetched_by=fetched_by).filter(status=PlanStatus.APPROVED).first()


def draft_plan(*, nominal: Nominal, fetched_by: AnyUser) -> RiskManagementPlan | None:
    """The version being written at a review, if any (there is at most one)."""
    return plan_list(nominal=nominal, fetched_by=fetched_by).filter(status=PlanStatus.DRAFT).first()


@dataclass(frozen=True)
class ActionRow:
    action: PlanAction
    overdue: bool


@dataclass
class PlanSection:
    """One pillar (or the contingency actions) of a plan version, with its actions in order."""

    pillar: str
    label: str
    rows: list[ActionRow] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"pillar-{self.pillar.replace('_', '-')}"


def is_overdue(action: PlanAction, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return action.due_date is not None and action.due_date < today and action.status in OPEN_ACTION_STATUSES


def plan_sections(*, plan: RiskManagementPlan, fetched_by: AnyUser) -> list[PlanSection]:
    """The plan's actions grouped by pillar, every pillar listed (an empty one is a warning)."""
    sections = {pillar.value: PlanSection(pillar.value, str(pillar.label)) for pillar in PLAN_SECTIONS}
    if not plan_scope(fetched_by=fetched_by).filter(pk=plan.pk).exists():
        return list(sections.values())
    today = timezone.localdate()
    actions = (
        PlanAction.objects.filter(plan_id=plan.pk)
        .select_related("owner_agency", "owner")
        .order_by("pillar", "position", "id")
    )
    for action in actions:
        sections[action.pillar].rows.append(ActionRow(action, is_overdue(action, today)))
    return list(sections.values())


def consideration_list(*, plan: RiskManagementPlan, fetched_by: AnyUser) -> QuerySet[DisclosureConsideration]:
    """The disclosure decisions recorded in this version, one per person or group at risk."""
    if not plan_scope(fetched_by=fetched_by).filter(pk=plan.pk).exists():
        return DisclosureConsideration.objects.none()
    return (
        DisclosureConsideration.objects.filter(plan_id=plan.pk)
        .select_related("person_at_risk", "person_at_risk__person", "recorded_by")
        .prefetch_related("person_at_risk__person__names")
        .order_by("person_at_risk_id")
    )


def approval_minutes_choices(*, plan: RiskManagementPlan, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """Minutes the user could approve this plan with: of this nominal's agenda item at a level 2
    or 3 meeting they chair and can still open, that has started and was not cancelled, and not
    superseded by a correction (a draft is fine: the plan is often agreed before the minutes are
    written up)."""
    user_id = _signed_in_id(fetched_by)
    if user_id is None or not has_permission(fetched_by, Permission.PLAN_APPROVE):
        return Minutes.objects.none()
    return (
        Minutes.objects.filter(
            agenda_item__nominal_id=plan.nominal_id,
            agenda_item__meeting__chair_id=user_id,
            agenda_item__meeting__starts_at__lte=timezone.now(),
            agenda_item__meeting__in=meeting_list(fetched_by=fetched_by).values("pk"),
        )
        .exclude(status=MinutesStatus.SUPERSEDED)
        .exclude(agenda_item__meeting__status=MeetingStatus.CANCELLED)
        .select_related("agenda_item", "agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "-number")
    )


def readable_minutes_ids(*, plans: list[RiskManagementPlan], fetched_by: AnyUser) -> set[int]:
    """Which of the plans' approving minutes the user may open (minutes are meeting papers:
    meetings.selectors.minutes_list), so a page links only to those."""
    ids = {plan.approved_minutes_id for plan in plans if plan.approved_minutes_id is not None}
    if not ids:
        return set()
    return set(minutes_list(fetched_by=fetched_by).filter(pk__in=ids).values_list("pk", flat=True))


# --- choices for the action form ------------------------------------------------------------------


def action_agency_choices(*, plan: RiskManagementPlan, fetched_by: AnyUser) -> QuerySet[Agency]:
    """Agencies an action may be given to: the active agencies serving the nominal's area."""
    if not plan_scope(fetched_by=fetched_by).filter(pk=plan.pk).exists():
        return Agency.objects.none()
    return area_agencies(plan.nominal)


def action_owner_choices(*, plan: RiskManagementPlan, fetched_by: AnyUser) -> QuerySet[AgencyMembership]:
    """Staff who may be named as an action's owner: active members of those agencies."""
    if not plan_scope(fetched_by=fetched_by).filter(pk=plan.pk).exists():
        return AgencyMembership.objects.none()
    return (
        AgencyMembership.objects.filter(
            agency__in=area_agencies(plan.nominal).values("pk"), is_active=True, user__is_active=True
        )
        .select_related("user", "agency")
        .order_by("user__last_name", "user__first_name", "user__username", "agency__name")
    )


# --- the plan's rules ---------------------------------------------------------------------------


def area_agencies(nominal: Nominal) -> QuerySet[Agency]:
    """The agencies serving the nominal's area, as meetings choose them (entry_agencies): a plan
    action is given to an agency that works the case where the nominal lives."""
    return Agency.objects.filter(areas__pk=nominal.area_id, is_active=True).distinct().order_by("name")


def is_active_member(user_id: int, agency_id: int) -> bool:
    return AgencyMembership.objects.filter(
        user_id=user_id, agency_id=agency_id, is_active=True, user__is_active=True
    ).exists()


def next_position(plan: RiskManagementPlan, pillar: str) -> int:
    top = PlanAction.objects.filter(plan_id=plan.pk, pillar=pillar).aggregate(top=Max("position"))["top"]
    return int(top or 0) + 1


def active_persons_at_risk(nominal: Nominal) -> QuerySet[PersonAtRisk]:
    """Every person or group still at risk from the nominal: the rule, not a page's read."""
    return (
        PersonAtRisk.objects.filter(nominal_id=nominal.pk, ended_on__isnull=True)
        .select_related("person")
        .prefetch_related("person__names")
        .order_by("id")
    )


def _when(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def plan_warnings(plan: RiskManagementPlan) -> list[str]:
    """The quality checks (Guidance §12.11-12.16): warnings shown with the plan, never blocks.
    A plan with a gap is better approved and flagged than left unapproved (ADR 0015)."""
    warnings: list[str] = []
    used = set(PlanAction.objects.filter(plan_id=plan.pk).values_list("pillar", flat=True))
    for pillar in FOUR_PILLARS:
        if pillar.value not in used:
            warnings.append(f"{pillar.label} has no actions")
    if Pillar.CONTINGENCY.value not in used:
        warnings.append("There are no contingency actions: say what happens if the plan breaks down")
    if plan.review_date is None:
        warnings.append("The plan has no review date")
    elif plan.review_date < timezone.localdate():
        warnings.append(f"The review date, {_when(plan.review_date)}, has passed")
    return warnings


def approval_blockers(
    plan: RiskManagementPlan, minutes: Minutes | None = None, by: "AnyUser | None" = None
) -> list[str]:
    """What stops this version being approved (with `minutes`, by `by`), in plain words; empty
    when it may be approved. Checks that need the approver are left out when `by` is None.

    Whether `by` may approve plans at all (PLAN_APPROVE, seeing the case) is a permission, not
    a blocker: the service refuses that first.
    """
    return [*content_blockers(plan), *_approver_blockers(plan, minutes, by)]


def content_blockers(plan: RiskManagementPlan) -> list[str]:
    """What the draft itself still lacks, whoever approves it and with whatever minutes: the
    writers' part of approval_blockers (the task list shows whether it is ready)."""
    blockers: list[str] = []
    today = timezone.localdate()
    # (1) A review is what a plan is for: each version says when it is next looked at.
    if plan.review_date is None:
        blockers.append("Enter the date of the next review of the plan")
    elif plan.review_date <= today:
        blockers.append("The review date must be in the future")
    # (2) A plan with no action manages nothing.
    if not PlanAction.objects.filter(plan_id=plan.pk).exists():
        blockers.append("Add at least one action to the plan")
    blockers.extend(_disclosure_blockers(plan))
    return blockers


def _disclosure_blockers(plan: RiskManagementPlan) -> list[str]:
    # (3) Disclosure must be considered for every case at every review (domain.md §3.4), whatever
    # its category and level: a decision with its rationale for every person or group still at
    # risk, recorded in this version (decisions are never carried over from the last one). With
    # no one recorded as at risk, the plan must still say why disclosure is not needed.
    persons = list(active_persons_at_risk(plan.nominal))
    if not persons:
        if not plan.disclosure_note.strip():
            return [
                "No person or group at risk is recorded: say in the plan why disclosure does not need "
                "to be considered for anyone"
            ]
        return []
    considered = set(
        DisclosureConsideration.objects.filter(plan_id=plan.pk).values_list("person_at_risk_id", flat=True)
    )
    return [
        f"Record a disclosure decision, with its rationale, for {person.label}"
        for person in persons
        if person.pk not in considered
    ]


def _approver_blockers(plan: RiskManagementPlan, minutes: Minutes | None, by: "AnyUser | None") -> list[str]:
    # (4) Who approves. At level 2 or 3 the plan is agreed by the meeting that manages the case,
    # so it is approved by that meeting's chair against the minutes of the case's agenda item,
    # which the version then links to. At level 1 the lead agency manages the case alone, so a
    # manager of the Responsible Authority of the area approves it, never its own author: the
    # approval is management oversight, and no one oversees their own work.
    nominal = plan.nominal
    blockers: list[str] = []
    if minutes is not None:
        blockers.extend(_minutes_blockers(plan, minutes, by))
    elif nominal.level >= 2:
        chairs_one = by is not None and approval_minutes_choices(plan=plan, fetched_by=by).exists()
        if by is not None and not chairs_one:
            blockers.append(
                f"A level {nominal.level} plan is approved by the chair of a level 2 or 3 meeting that "
                "has discussed this case, with its minutes: you have not chaired one"
            )
        else:
            blockers.append(f"Choose the minutes of the meeting approving this level {nominal.level} plan")
    if nominal.level == 1 and by is not None:
        if not ra_areas(by).filter(pk=nominal.area_id).exists():
            blockers.append(
                "A level 1 plan is approved by a manager of a Responsible Authority agency serving "
                f"{nominal.area.name}"
            )
        if _signed_in_id(by) == plan.author_id:
            blockers.append("You wrote this version of the plan, so someone else must approve it")
    return blockers


def _minutes_blockers(plan: RiskManagementPlan, minutes: Minutes, by: "AnyUser | None") -> list[str]:
    item = minutes.agenda_item
    if item.nominal_id != plan.nominal_id:
        # Nothing else about minutes of another case matters, and naming them would say more.
        return ["Those minutes are not about this nominal: choose the minutes of this case"]
    meeting: Meeting = item.meeting
    blockers: list[str] = []
    if meeting.status == MeetingStatus.CANCELLED:
        blockers.append(f"Meeting {meeting.reference} was cancelled, so it cannot approve the plan")
    elif meeting.starts_at > timezone.now():
        blockers.append(
            f"Meeting {meeting.reference} has not started yet: approve the plan at or after the meeting"
        )
    if minutes.status == MinutesStatus.SUPERSEDED:
        blockers.append(
            f"Minutes {minutes.reference} have been superseded by a correction: choose the current version"
        )
    if by is not None and not is_chair(by, meeting):
        blockers.append(
            f"Only the chair of meeting {meeting.reference} can approve the plan with its minutes"
        )
    return blockers
