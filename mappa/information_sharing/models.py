"""Agency-owned information and the shares that lawfully pass it between agencies.

MAPPA owns nothing (DESIGN.md §5): every InformationItem belongs to the agency that supplied it,
fixed at creation, and only that agency changes it. Another agency sees an item only through an
active Share, which records the four tests (lawful gateway, necessity, proportionality,
relevance), exactly which items and fields it carries, and who decided. What an agency may not
see shows only as existence ("Durham Constabulary holds 3 items"), with an AccessRequest to the
owner; a recipient passes items on only as the share's terms allow, or with the owner's
permission (OnwardShareRequest). Refusals are recorded as carefully as grants.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mappa.agencies.models import Agency, AgreementPurpose, InformationSharingAgreement
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.meetings.models import Meeting
from mappa.nominals.models import Nominal
from mappa.people.models import Person


class ItemKind(models.TextChoices):
    OFFENDING_HISTORY = "offending_history", "Offending history"
    INTELLIGENCE = "intelligence", "Intelligence"
    RISK_FACTOR = "risk_factor", "Risk factor"
    PROTECTIVE_FACTOR = "protective_factor", "Protective factor"
    RELATIONSHIPS = "relationships", "Relationships"
    ACCOMMODATION = "accommodation", "Accommodation"
    EMPLOYMENT_EDUCATION = "employment_education", "Employment and education"
    HEALTH = "health", "Health"
    VICTIM_INFORMATION = "victim_information", "Victim information"
    COMPLIANCE = "compliance", "Compliance"
    OTHER = "other", "Other"


class SpecialCategory(models.TextChoices):
    """UK GDPR Art. 9(1) special category data (DPA 2018 s.35(8) sensitive processing)."""

    RACE_ETHNIC_ORIGIN = "race_ethnic_origin", "Race or ethnic origin"
    RELIGION_BELIEF = "religion_belief", "Religious or philosophical beliefs"
    HEALTH = "health", "Health"
    SEX_LIFE = "sex_life", "Sex life"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    BIOMETRIC = "biometric", "Biometric data"
    GENETIC = "genetic", "Genetic data"
    POLITICAL_OPINIONS = "political_opinions", "Political opinions"
    TRADE_UNION = "trade_union", "Trade union membership"


class ProtectiveMarking(models.TextChoices):
    # Government Security Classifications: MAPPA information is OFFICIAL, almost always with the
    # SENSITIVE handling caveat. SECRET material is never held in this system.
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class SourceEvaluation(models.TextChoices):
    # The 3x5x2 intelligence grading (College of Policing, Intelligence management APP).
    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A: known directly"
    KNOWN_INDIRECTLY_CORROBORATED = "B", "B: known indirectly, corroborated"
    KNOWN_INDIRECTLY = "C", "C: known indirectly"
    NOT_KNOWN = "D", "D: not known"
    SUSPECTED_FALSE = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    LAWFUL_SHARING = "P", "P: lawful sharing permitted"
    CONDITIONS = "C", "C: lawful sharing permitted with conditions"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"
    ERASED = "erased", "Erased"


class InformationItem(ServiceWrittenModel, TimeStampedModel):
    # Fixed at creation: the service never changes it, and no page offers to.
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="information_items")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # About a nominal, or about another person in the index (one of the two).
    nominal = models.ForeignKey(
        Nominal, on_delete=models.PROTECT, related_name="information_items", null=True, blank=True
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="information_items", null=True, blank=True
    )
    kind = models.CharField(max_length=32, choices=ItemKind.choices)
    # Always shared with the item: special category details belong in the detail or a field.
    summary = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    # The kind's structured fields (attributes.py), name -> text.
    attributes = models.JSONField(default=dict, blank=True)
    # The special categories the detail text contains; structured fields carry their own.
    special_categories = models.JSONField(default=list, blank=True)
    protective_marking = models.CharField(
        max_length=24, choices=ProtectiveMarking.choices, default=ProtectiveMarking.OFFICIAL_SENSITIVE
    )
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices, blank=True)
    intelligence_assessment = models.CharField(
        max_length=1, choices=IntelligenceAssessment.choices, blank=True
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="supersedes", null=True, blank=True
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Optimistic locking: an edit based on an older version is refused rather than lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["nominal", "owner_agency", "status"]),
            models.Index(fields=["person", "owner_agency", "status"]),
            models.Index(fields=["owner_agency", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominal__isnull=False) | Q(person__isnull=False), name="item_has_subject"
            ),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="item_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="item_status_valid"),
            models.CheckConstraint(
                condition=Q(protective_marking__in=ProtectiveMarking.values), name="item_marking_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.SUPERSEDED) | Q(superseded_by__isnull=False),
                name="item_superseded_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def reference(self) -> str:
        return f"ITEM-{self.pk:06d}"

    @property
    def is_active(self) -> bool:
        return self.status == ItemStatus.ACTIVE


class Gateway(models.TextChoices):
    """The lawful gateway a share relies on (disclosure_dp.md §5.3 rule 29)."""

    CJA_2003_S325 = "cja2003_s325", "Criminal Justice Act 2003 s.325(4)"
    CDA_1998_S115 = "cda1998_s115", "Crime and Disorder Act 1998 s.115"
    OMA_2007_S14 = "oma2007_s14", "Offender Management Act 2007 s.14"
    COMMON_LAW_POLICE = "common_law_police", "Common law police powers"
    OTHER = "other", "Another statutory power"


class OnwardTerms(models.TextChoices):
    NONE = "none", "Not to be passed on"
    WITHIN_RECIPIENT = "within_recipient", "May be recorded and used within the recipient agency"
    NAMED_AGENCIES = "named_agencies", "May be passed on to the agencies named"


class ShareQuerySet(models.QuerySet["Share"]):
    def active(self) -> "ShareQuerySet":
        return self.filter(active_share_q())


def active_share_q(prefix: str = "") -> Q:
    """A share in force: not revoked, and not past its expiry date (the expiry day counts)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})
    )


class Share(ServiceWrittenModel, TimeStampedModel):
    sharing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_made")
    # The recipient: another agency, or a MAPPA meeting (whose attendees see the items once they
    # have signed its confidentiality statement). Exactly one of the two.
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="shares_received", null=True, blank=True
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="shares", null=True, blank=True
    )
    # The subject of every item in the share (a share is about one case).
    nominal = models.ForeignKey(
        Nominal, on_delete=models.PROTECT, related_name="shares", null=True, blank=True
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="shares", null=True, blank=True)
    items = models.ManyToManyField(InformationItem, through="ShareItem", related_name="shares")
    purpose = models.CharField(max_length=32, choices=AgreementPurpose.choices)
    purpose_detail = models.TextField(blank=True)
    agreement = models.ForeignKey(
        InformationSharingAgreement, on_delete=models.PROTECT, related_name="shares"
    )
    gateway = models.CharField(max_length=32, choices=Gateway.choices)
    gateway_detail = models.CharField(max_length=300, blank=True)
    necessity = models.TextField()
    proportionality = models.TextField()
    relevance = models.TextField()
    onward_terms = models.CharField(max_length=24, choices=OnwardTerms.choices, default=OnwardTerms.NONE)
    onward_agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # A recipient passing items on within its own share's terms: the share it relies on.
    source_share = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="onward_shares", null=True, blank=True
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revocation_reason = models.TextField(blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["recipient_agency", "revoked_at"]),
            models.Index(fields=["nominal", "recipient_agency"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominal__isnull=False) | Q(person__isnull=False), name="share_has_subject"
            ),
            models.CheckConstraint(
                condition=~Q(sharing_agency=models.F("recipient_agency")), name="share_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(recipient_agency__isnull=False, meeting__isnull=True)
                | Q(recipient_agency__isnull=True, meeting__isnull=False),
                name="share_one_recipient",
            ),
            models.CheckConstraint(condition=Q(gateway__in=Gateway.values), name="share_gateway_valid"),
            models.CheckConstraint(
                condition=~Q(gateway=Gateway.OTHER) | ~Q(gateway_detail=""), name="share_other_gateway_named"
            ),
            models.CheckConstraint(
                condition=Q(onward_terms__in=OnwardTerms.values), name="share_onward_terms_valid"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="share_revocation_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SHARE-{self.pk:06d}"

    @property
    def recipient_name(self) -> str:
        """The recipient as people read it: the agency, or the meeting's attendees."""
        if self.recipient_agency is not None:
            return self.recipient_agency.name
        return f"Attendees of {self.meeting.reference}" if self.meeting is not None else ""

    @property
    def recipient_code(self) -> str:
        """The recipient as the audit log names it (an agency code or a meeting reference)."""
        if self.recipient_agency is not None:
            return self.recipient_agency.code
        return self.meeting.reference if self.meeting is not None else ""

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def state_label(self) -> str:
        if self.is_revoked:
            return "Revoked"
        if self.is_expired:
            return "Expired"
        return "Active"


class ShareItem(ServiceWrittenModel):
    """One item in a share, with exactly which of its fields the recipient sees."""

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="share_items")
    item = models.ForeignKey(InformationItem, on_delete=models.PROTECT, related_name="share_links")
    # Names from attributes.shareable_fields(kind); the summary is always included.
    fields = models.JSONField(default=list)
    # The special categories the included fields carry, and why each is strictly necessary.
    special_categories = models.JSONField(default=list, blank=True)
    strictly_necessary = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["share", "item"], name="share_item_unique")]


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    GRANTED = "granted", "Shared"
    REFUSED = "refused", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class _Request(ServiceWrittenModel, TimeStampedModel):
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why the owner declined or refused ("where an agency declines to share, record it").
    decision_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class AccessRequest(_Request):
    """An agency asks the owner of items it can see exist, but not read, to share them."""

    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="access_requests")
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="access_requests_received"
    )
    requesting_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="access_requests_made"
    )
    purpose = models.CharField(
        max_length=32, choices=AgreementPurpose.choices, default=AgreementPurpose.MAPPA
    )
    share = models.OneToOneField(
        Share, on_delete=models.PROTECT, related_name="access_request", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="access_request_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(owner_agency=models.F("requesting_agency")), name="access_request_not_to_self"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""), name="access_request_refusal_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(share__isnull=False), name="access_request_granted_share"
            ),
            # One open request at a time per case, owner and requester: a second is a duplicate.
            models.UniqueConstraint(
                fields=["nominal", "owner_agency", "requesting_agency"],
                condition=Q(status="pending"),
                name="access_request_one_pending",
            ),
        ]

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:06d}"


class OnwardShareRequest(_Request):
    """A recipient asks the owner's permission to pass items on beyond its share's terms."""

    source_share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="onward_requests")
    items = models.ManyToManyField(InformationItem, related_name="+")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="onward_requests_received"
    )
    target_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    share = models.OneToOneField(
        Share, on_delete=models.PROTECT, related_name="onward_request", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="onward_request_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""), name="onward_request_refusal_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(share__isnull=False), name="onward_request_granted_share"
            ),
        ]

    @property
    def reference(self) -> str:
        return f"ONWARD-{self.pk:06d}"
