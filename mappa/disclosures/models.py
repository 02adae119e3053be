"""Third-party disclosure decisions and their delivery (MAPPA Guidance ch. 10; disclosure_dp.md §5.1).

Disclosure is telling someone outside MAPPA (a victim, a new partner, an employer, a school)
specific information about a nominal to protect them or those they protect. A `Disclosure` is the
decision record. It moves

    proposed -> decided (disclose | do not disclose) -> prepared -> delivered -> reviewed

and each step is refused until what the guidance requires before it has been recorded (the
`*_blockers` functions in services_decision.py and services_delivery.py list what is missing, in
words, and the task list shows them). A decision not to disclose goes straight from decided to
reviewed, recorded with the same care. If a recipient refuses the confidentiality undertaking the
disclosure is `returned` to the decision-maker, who records whether to proceed. A proposal may
be withdrawn before it is decided.

The Child Sex Offender and Domestic Violence Disclosure Schemes reuse this record (`scheme`) to
deliver a decision to disclose made on a scheme application. Its subject is then a person from the
people index who need not be a MAPPA nominal (`nominal` is empty), and the receiving force's
disclosure scheme officers run it (`proposing_agency` is that force): see access.py and ADR 0017.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from mappa.agencies.models import Agency
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.information_sharing.models import InformationItem
from mappa.nominals.models import Nominal
from mappa.people.models import Person

_USER = settings.AUTH_USER_MODEL


class Scheme(models.TextChoices):
    MAPPA = "mappa", "MAPPA risk management plan"
    CSODS = "csods", "Child Sex Offender Disclosure Scheme"
    DVDS = "dvds", "Domestic Violence Disclosure Scheme"


class DisclosureStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DECIDED = "decided", "Decided"
    PREPARED = "prepared", "Prepared"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned to the decision-maker"
    REVIEWED = "reviewed", "Reviewed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Outcome(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    DO_NOT_DISCLOSE = "do_not_disclose", "Do not disclose"


class DisclosureGateway(models.TextChoices):
    """The lawful basis for telling a third party (domain.md §3.4)."""

    COMMON_LAW_POLICE = "common_law_police", "Common law police powers"
    CJA_2003_S325 = "cja2003_s325", "Criminal Justice Act 2003 s.325"
    PUBLIC_INTEREST = "public_interest", "Public interest (overriding the duty of confidence)"
    OTHER = "other", "Another statutory power"


class JointDisclosure(models.TextChoices):
    JOINT = "joint", "Jointly (for example police and probation together)"
    SINGLE = "single", "By one agency"


class Forum(models.TextChoices):
    MEETING = "meeting", "At a level 2 or 3 MAPPA meeting"
    EMERGENCY = "emergency", "An emergency decision outside a meeting"


class RatificationStatus(models.TextChoices):
    NOT_NEEDED = "", "Not needed"
    PENDING = "pending", "Awaiting ratification"
    RATIFIED = "ratified", "Ratified"
    NOT_RATIFIED = "not_ratified", "Not ratified"


class OffenderInvolvement(models.TextChoices):
    INFORMED_BEFORE = "informed_before", "Told before the disclosure"
    SELF_DISCLOSES = "self_discloses", "Discloses it themselves, with police or the offender manager present"
    CONFIRMS_AFTER = "confirms_after", "Told afterwards"
    NOT_INFORMED = "not_informed", "Not told"


class NotInformedReason(models.TextChoices):
    INCREASE_RISK = "increase_risk", "Telling them would increase the risk to the victim or others"
    OBSTRUCT_INVESTIGATION = "obstruct_investigation", "Telling them would obstruct a criminal investigation"


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "By video call"
    TELEPHONE = "telephone", "By telephone"
    WRITING = "writing", "In writing"


class Disclosure(ServiceWrittenModel, TimeStampedModel):
    # Who the disclosure is about: the nominal's person for a MAPPA disclosure; for a scheme
    # disclosure, the subject the checks linked, who is a nominal only if MAPPA manages them.
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures_about")
    nominal = models.ForeignKey(
        Nominal, on_delete=models.PROTECT, related_name="disclosures", null=True, blank=True
    )
    scheme = models.CharField(max_length=16, choices=Scheme.choices, default=Scheme.MAPPA)
    status = models.CharField(
        max_length=16, choices=DisclosureStatus.choices, default=DisclosureStatus.PROPOSED
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    proposing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    # Where it came from, if anywhere: a plan review's consideration of a person at risk.
    plan = models.ForeignKey(
        "risk_management.RiskManagementPlan",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    person_at_risk = models.ForeignKey(
        "risk_management.PersonAtRisk",
        on_delete=models.PROTECT,
        related_name="disclosures",
        null=True,
        blank=True,
    )
    purpose = models.TextField()
    risk_addressed = models.TextField(blank=True)
    # What the recipient will be told, in the words to be used.
    information_summary = models.TextField(blank=True)

    # Before a decision.
    offender_risk = models.TextField(blank=True)
    offender_risk_outweighed = models.BooleanField(
        "The risk to the offender does not outweigh the risk to others", default=False
    )
    gateway = models.CharField(max_length=32, choices=DisclosureGateway.choices, blank=True)
    gateway_detail = models.TextField(blank=True)
    necessary = models.TextField(blank=True)
    proportionate = models.TextField(blank=True)
    relevant = models.TextField(blank=True)
    joint_disclosure = models.CharField(max_length=16, choices=JointDisclosure.choices, blank=True)
    joint_disclosure_reason = models.TextField(blank=True)

    # Under-18s: the senior Youth Offending Service or Children's Services manager consulted.
    youth_consultee_name = models.CharField(max_length=200, blank=True)
    youth_consultee_role = models.CharField(max_length=200, blank=True)
    youth_consultee_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    youth_consulted_on = models.DateField(null=True, blank=True)
    youth_consultee_view = models.TextField(blank=True)

    # The decision.
    forum = models.CharField(max_length=16, choices=Forum.choices, blank=True)
    decision_minutes = models.ForeignKey(
        "meetings.Minutes",
        on_delete=models.PROTECT,
        related_name="disclosure_decisions",
        null=True,
        blank=True,
    )
    emergency_reason = models.TextField(blank=True)  # why it could not wait for a meeting
    single_agency_reason = models.TextField(blank=True)
    # Flagged for governance (disclosure_dp.md §5.1 rule 2): decided by one agency alone.
    single_agency = models.BooleanField(default=False)
    decision_rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    # An emergency decision goes to the next level 2 or 3 meeting to be ratified.
    ratification = models.CharField(max_length=16, choices=RatificationStatus.choices, blank=True)
    ratified_minutes = models.ForeignKey(
        "meetings.Minutes",
        on_delete=models.PROTECT,
        related_name="disclosures_ratified",
        null=True,
        blank=True,
    )
    ratified_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    ratified_at = models.DateTimeField(null=True, blank=True)
    ratification_note = models.TextField(blank=True)

    # Preparation with the recipient, before delivery.
    recipient_already_knows = models.TextField(blank=True)
    confidentiality_understood = models.BooleanField(default=False)
    how_to_use = models.TextField(blank=True)
    what_to_report = models.TextField(blank=True)
    contact_and_support = models.TextField(blank=True)
    breakdown_support = models.TextField(blank=True)  # if the arrangement breaks down
    offender_involvement = models.CharField(max_length=24, choices=OffenderInvolvement.choices, blank=True)
    not_informed_reason = models.CharField(max_length=32, choices=NotInformedReason.choices, blank=True)
    not_informed_detail = models.TextField(blank=True)
    planned_deliverer = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    planned_delivery_date = models.DateField(null=True, blank=True)
    prepared_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)

    # Delivery.
    delivered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    delivered_with = models.CharField(max_length=300, blank=True)  # the joint discloser
    delivery_method = models.CharField(max_length=16, choices=DeliveryMethod.choices, blank=True)
    delivery_method_reason = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_note = models.TextField(blank=True)

    # A refused undertaking sends it back; the decision-maker records whether to proceed.
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    reconsideration_note = models.TextField(blank=True)

    # Review after delivery (or after a decision not to disclose).
    reviewed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    withdrawn_reason = models.TextField(blank=True)
    # Optimistic locking: several people fill in one record.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["nominal", "status"]),
            models.Index(fields=["status", "planned_delivery_date"]),
            models.Index(fields=["ratification"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(scheme__in=Scheme.values), name="disclosure_scheme_valid"),
            # A MAPPA disclosure is about a nominal; only a scheme's may be about anyone else.
            models.CheckConstraint(
                condition=~Q(scheme=Scheme.MAPPA) | Q(nominal__isnull=False),
                name="disclosure_mappa_has_nominal",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DisclosureStatus.values), name="disclosure_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=[*Outcome.values, ""]), name="disclosure_outcome_valid"
            ),
            # Past "proposed" (and not withdrawn) there is a decision, with who made it and when.
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "withdrawn"])
                | (~Q(outcome="") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="disclosure_decision_recorded",
            ),
            # Only a decision to disclose is prepared, delivered or returned.
            models.CheckConstraint(
                condition=~Q(status__in=["prepared", "delivered", "returned"]) | Q(outcome="disclose"),
                name="disclosure_delivery_only_if_disclosing",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False, delivered_by__isnull=False),
                name="disclosure_delivery_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="disclosure_withdrawal_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_status_display()}"

    @property
    def reference(self) -> str:
        return f"DISC-{self.pk:06d}"

    @property
    def about(self) -> Person:
        """The person the pages and the PDF name: the nominal's person for a MAPPA disclosure (as
        the case's pages name them, read through the nominal the lists prefetch), otherwise the
        scheme disclosure's subject, who need not be a nominal."""
        return self.nominal.person if self.nominal is not None else self.subject

    @property
    def is_scheme(self) -> bool:
        """Delivers a decision made on a CSODS or DVDS application (services_scheme.py)."""
        return self.scheme != Scheme.MAPPA


class RecipientKind(models.TextChoices):
    VICTIM = "victim", "Victim or previous victim"
    NEW_PARTNER = "new_partner", "New or current partner"
    FORMER_PARTNER = "former_partner", "Former partner"
    PARENT_GUARDIAN = "parent_guardian", "Parent, guardian or carer"
    EMPLOYER = "employer", "Employer"
    SCHOOL_STAFF = "school_staff", "School or college staff"
    ACCOMMODATION_STAFF = "accommodation_staff", "Supported accommodation staff"
    FAITH_GROUP = "faith_group", "Faith group"
    LEISURE = "leisure", "Leisure or sports club"
    PROFESSIONAL = "professional", "A professional outside MAPPA"
    OTHER = "other", "Someone else"


class Undertaking(models.TextChoices):
    PENDING = "", "Not yet asked"
    SIGNED = "signed", "Signed"
    REFUSED = "refused", "Refused"
    # Refused, and the decision-maker recorded that the disclosure goes ahead regardless.
    PROCEED_WITHOUT = "proceed_without", "Refused; decision-maker agreed to proceed"


class DisclosureRecipient(ServiceWrittenModel, TimeStampedModel):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="recipients")
    kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    name = models.CharField(max_length=200)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    relationship = models.CharField(max_length=300)  # role, or relationship to those protected
    organisation = models.CharField(max_length=200, blank=True)
    is_under_18 = models.BooleanField(default=False)
    identity_confirmed_how = models.TextField(blank=True)
    why_right_person = models.TextField(blank=True)  # "best placed to protect"
    undertaking = models.CharField(max_length=16, choices=Undertaking.choices, blank=True)
    undertaking_at = models.DateTimeField(null=True, blank=True)
    # Where the offender is not told: the recipient was told the offender does not know.
    told_offender_unaware = models.BooleanField(default=False)

    class Meta:
        ordering = ["disclosure", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RecipientKind.values), name="recipient_kind_valid"),
            models.CheckConstraint(
                condition=Q(undertaking__in=[*Undertaking.values]), name="recipient_undertaking_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class DisclosureAlternative(ServiceWrittenModel):
    """An alternative to disclosure considered, and why it was rejected ("This must be recorded")."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="alternatives")
    alternative = models.TextField()
    why_rejected = models.TextField()

    class Meta:
        ordering = ["disclosure", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alternative="") & ~Q(why_rejected=""), name="alternative_complete"
            ),
        ]

    def __str__(self) -> str:
        return self.alternative[:80]


class DisclosureItem(ServiceWrittenModel, TimeStampedModel):
    """An information item the disclosure draws on, with the fields of it to be disclosed.

    The item stays its owner's: an item another agency owns may be disclosed only once someone
    acting for that agency has recorded its agreement (`owner_agreed_by`).
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="items")
    item = models.ForeignKey(InformationItem, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list, blank=True)  # "summary", "detail", attribute names
    special_categories = models.JSONField(default=list, blank=True)
    strictly_necessary = models.TextField(blank=True)  # required when special categories go
    owner_agreed_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owner_agreed_at = models.DateTimeField(null=True, blank=True)
    owner_agreement_note = models.TextField(blank=True)
    owner_refused = models.BooleanField(default=False)

    class Meta:
        ordering = ["disclosure", "id"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "item"], name="disclosure_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure_id}: {self.item_id}"


class DisclosureConsultation(ServiceWrittenModel, TimeStampedModel):
    """An agency consulted on an emergency decision outside a meeting."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="consultations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=200)
    person_role = models.CharField(max_length=200)
    consulted_at = models.DateTimeField()
    view = models.TextField()

    class Meta:
        ordering = ["disclosure", "consulted_at", "id"]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.agency})"


class DisclosureTrigger(ServiceWrittenModel):
    """ "If you see X, you need to do Y": what the recipient is told to watch for."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="triggers")
    if_you_see = models.TextField()
    you_need_to = models.TextField()

    class Meta:
        ordering = ["disclosure", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(if_you_see="") & ~Q(you_need_to=""), name="trigger_complete"),
        ]

    def __str__(self) -> str:
        return f"If you see {self.if_you_see[:40]}"


class DisclosureStep(ServiceWrittenModel):
    """The record's history: every transition, dated, with who made it."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=32)
    at = models.DateTimeField()
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["disclosure", "at", "id"]

    def __str__(self) -> str:
        return f"{self.step} at {self.at}"
