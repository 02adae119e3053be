"""Risk assessments, persons at risk and the versioned risk management plan (MAPPA Guidance ch. 12).

A risk assessment belongs to the agency that made it (OASys is probation's, ARMS the police's).
The plan belongs to the nominal's lead agency, which completes it to its own standards informed by
the other agencies (§12.5). Each review is a new version of the plan: a draft is edited (with
optimistic locking, since several people write it) until it is approved, at a level 2 or 3 meeting
whose minutes it is linked to, or by the lead agency for a level 1 case. Approval supersedes the
version before, which stays readable as history.

Disclosure must be considered for every case at every review (domain.md §3.4): a plan version
cannot be approved until it holds a `DisclosureConsideration` for every person or group at risk
(or, where none is recorded, a general note saying why disclosure is not needed).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from mappa.agencies.models import Agency
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.nominals.models import Nominal
from mappa.people.models import Person

_USER = settings.AUTH_USER_MODEL


class AssessmentTool(models.TextChoices):
    OASYS = "oasys", "OASys"
    ARMS = "arms", "ARMS (Active Risk Management System)"
    OM2 = "om2", "OM2"
    RM2000 = "rm2000", "Risk Matrix 2000 (RM2000)"
    SARA = "sara", "SARA (Spousal Assault Risk Assessment)"
    ASSET = "asset", "ASSET or AssetPlus"
    OTHER = "other", "Another tool"


class RoshLevel(models.TextChoices):
    """Risk of serious harm, the OASys definitions (domain.md §1.4)."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


# The groups RoSH is assessed for, in the order OASys lists them: field name -> label.
ROSH_GROUPS: dict[str, str] = {
    "rosh_children": "Children",
    "rosh_public": "Public",
    "rosh_known_adult": "Known adult",
    "rosh_staff": "Staff",
    "rosh_prisoners": "Prisoners",
}

ROSH_ORDER = [RoshLevel.LOW, RoshLevel.MEDIUM, RoshLevel.HIGH, RoshLevel.VERY_HIGH]


def _rosh_field(label: str) -> models.CharField:  # type: ignore[type-arg]
    # Blank means "not assessed": ARMS, OM2 and RM2000 give no RoSH by group.
    return models.CharField(label, max_length=16, choices=RoshLevel.choices, blank=True)


class RiskAssessment(ServiceWrittenModel, TimeStampedModel):
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="risk_assessments")
    # Fixed at creation: the agency whose assessment this is (and which alone may correct it).
    assessing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    tool = models.CharField(max_length=16, choices=AssessmentTool.choices)
    tool_other = models.CharField("Name of the tool", max_length=200, blank=True)
    assessed_on = models.DateField()
    rosh_children = _rosh_field("Children")
    rosh_public = _rosh_field("Public")
    rosh_known_adult = _rosh_field("Known adult")
    rosh_staff = _rosh_field("Staff")
    rosh_prisoners = _rosh_field("Prisoners")
    # Static tools give a band rather than RoSH (OM2, RM2000: low to very high; ARMS: priority).
    tool_outcome = models.CharField(max_length=200, blank=True)
    risk_factors = models.TextField(blank=True)
    protective_factors = models.TextField(blank=True)
    # Who, what, when, how and why (Scottish RMP 7B completion notes).
    scenarios = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["nominal", "-assessed_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(tool__in=AssessmentTool.values), name="assessment_tool_valid"),
            models.CheckConstraint(
                condition=~Q(tool=AssessmentTool.OTHER) | ~Q(tool_other=""),
                name="assessment_other_tool_named",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__in": [*RoshLevel.values, ""]}), name=f"assessment_{field}_valid"
                )
                for field in ROSH_GROUPS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tool_name} on {self.assessed_on:%d %B %Y}"

    @property
    def tool_name(self) -> str:
        return self.tool_other if self.tool == AssessmentTool.OTHER else self.get_tool_display()

    @property
    def rosh(self) -> list[tuple[str, str]]:
        """(group, level label) for each group assessed."""
        return [
            (label, RoshLevel(value).label)
            for field, label in ROSH_GROUPS.items()
            if (value := getattr(self, field))
        ]

    @property
    def highest_rosh(self) -> str:
        levels = [getattr(self, field) for field in ROSH_GROUPS if getattr(self, field)]
        if not levels:
            return ""
        return RoshLevel(max(levels, key=ROSH_ORDER.index)).label


class PersonAtRiskKind(models.TextChoices):
    PREVIOUS_VICTIM = "previous_victim", "Previous victim"
    POTENTIAL_VICTIM = "potential_victim", "Potential victim"
    CHILD = "child", "Child"
    PARTNER = "partner", "Partner"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    STAFF = "staff", "Staff"
    GROUP = "group", "Group"


class PersonAtRisk(ServiceWrittenModel, TimeStampedModel):
    """Someone (or a group) the nominal may harm. A person links to the people index; a group
    ("children at the primary school on Example Road", "staff of the approved premises") is
    described instead."""

    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="persons_at_risk")
    kind = models.CharField(max_length=24, choices=PersonAtRiskKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="risk_records", null=True, blank=True
    )
    # For a group, what it is; for a person, how they relate to the nominal.
    description = models.CharField(max_length=300, blank=True)
    is_child = models.BooleanField(default=False)
    # The address must not reach the nominal or anyone who might pass it on (papers, disclosures).
    address_confidential = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    # No longer at risk (moved away, relationship ended): kept, since past plans refer to them.
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["nominal", "id"]
        verbose_name_plural = "persons at risk"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PersonAtRiskKind.values), name="par_kind_valid"),
            # One active record per person per case; the service says so in words first.
            models.UniqueConstraint(
                fields=["nominal", "person"],
                condition=Q(ended_on__isnull=True, person__isnull=False),
                name="par_person_once_while_active",
            ),
            # A group is described; a person is linked to the index or at least described.
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(description=""), name="par_identified"
            ),
            models.CheckConstraint(
                condition=~Q(kind=PersonAtRiskKind.GROUP) | Q(person__isnull=True),
                name="par_group_has_no_person",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PersonAtRiskKind.CHILD) | Q(is_child=True), name="par_child_flagged"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(ended_reason=""), name="par_end_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def label(self) -> str:
        if self.person is not None:
            name = self.person.display_name
            return f"{name} ({self.description})" if self.description else name
        return self.description

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class Pillar(models.TextChoices):
    """The four pillars of the plan (Guidance §12.11-12.16), and its contingency actions."""

    SUPERVISION = "supervision", "Supervision"
    MONITORING_CONTROL = "monitoring_control", "Monitoring and control"
    INTERVENTIONS = "interventions", "Interventions and treatment"
    VICTIM_SAFETY = "victim_safety", "Victim safety planning"
    CONTINGENCY = "contingency", "Contingency"


FOUR_PILLARS = [Pillar.SUPERVISION, Pillar.MONITORING_CONTROL, Pillar.INTERVENTIONS, Pillar.VICTIM_SAFETY]


class RiskManagementPlan(ServiceWrittenModel, TimeStampedModel):
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="risk_management_plans")
    number = models.PositiveIntegerField()  # the plan's version: each review adds one
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # The lead agency when the version was started: it owns the plan.
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    risks_to_manage = models.TextField(blank=True)
    licence_conditions = models.TextField(blank=True)
    restrictive_orders = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    # Where no person or group at risk is recorded, why disclosure is still not needed.
    disclosure_note = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    # The minutes of the level 2 or 3 meeting that approved it (none for a level 1 review).
    approved_minutes = models.ForeignKey(
        "meetings.Minutes", on_delete=models.PROTECT, related_name="plans_approved", null=True, blank=True
    )
    approval_note = models.TextField(blank=True)
    # Optimistic locking: an edit based on an older version is refused rather than lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["nominal", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["nominal", "number"], name="plan_number_unique"),
            # One draft at a time: a review is one version being written.
            models.UniqueConstraint(
                fields=["nominal"], condition=Q(status="draft"), name="plan_one_draft_per_nominal"
            ),
            models.UniqueConstraint(
                fields=["nominal"], condition=Q(status="approved"), name="plan_one_current_per_nominal"
            ),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="plan_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk management plan version {self.number}"

    @property
    def reference(self) -> str:
        return f"RMP-{self.nominal_id:06d}-v{self.number}"


class PlanActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


class PlanAction(ServiceWrittenModel):
    """An action under one pillar of one plan version; a new version copies them."""

    plan = models.ForeignKey(RiskManagementPlan, on_delete=models.PROTECT, related_name="actions")
    pillar = models.CharField(max_length=24, choices=Pillar.choices)
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)  # someone without an account
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=PlanActionStatus.choices, default=PlanActionStatus.NOT_STARTED
    )
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["plan", "pillar", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(pillar__in=Pillar.values), name="plan_action_pillar_valid"),
            models.CheckConstraint(
                condition=Q(status__in=PlanActionStatus.values), name="plan_action_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def owner_display(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name


class ConsiderationDecision(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    DO_NOT_DISCLOSE = "do_not_disclose", "Do not disclose"
    DEFER = "defer", "Defer the decision"


class DisclosureConsideration(ServiceWrittenModel, TimeStampedModel):
    """Disclosure considered for one person or group at risk at one plan review (domain.md §3.4)."""

    plan = models.ForeignKey(RiskManagementPlan, on_delete=models.PROTECT, related_name="considerations")
    person_at_risk = models.ForeignKey(PersonAtRisk, on_delete=models.PROTECT, related_name="considerations")
    decision = models.CharField(max_length=16, choices=ConsiderationDecision.choices)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "person_at_risk_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person_at_risk"], name="consideration_once_per_plan"),
            models.CheckConstraint(
                condition=Q(decision__in=ConsiderationDecision.values), name="consideration_decision_valid"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="consideration_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.person_at_risk.label}"
