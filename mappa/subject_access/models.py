"""Subject access requests, routed to the agencies that own the information (issue 8; ADR 0018).

MAPPA is not an organisation and owns nothing: each item stays the responsibility of the agency
that supplied it, and that agency answers any subject access request for it (MAPPA Guidance;
disclosure_dp.md §3.3). So a request received by any agency is

    recorded (awaiting identity) -> finding the subject's records -> routed -> closed

(or withdrawn). Routing splits it into one `RequestPart` per owning agency, each holding a
`PartItem` per record in scope (the people-index record itself, the nominal, information items,
risk assessments, plans, contributions to minutes, disclosure records about the subject or made
to them, the subject as a person at risk, scheme applications: providers.py), with a copy of its
text as it stood when routed. Each owner
decides every item (release, release with redactions, or withhold under a named exemption with
the reason: never a blanket decision) and answers with its own response bundle, a PDF built in
the background. The receiving agency sees each part's status, never its content.

The deadline (deadlines.py) is the request's: one month from the latest of receipt and identity
verification, paused while clarification is awaited, extended by up to two months only by a
notice with reasons sent before the first month ends.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mappa.agencies.models import Agency
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.people.models import Person

_USER = settings.AUTH_USER_MODEL
# As scheme references: no 0/O or 1/I/L, random so a reference says nothing about volumes.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"SAR-{body[:4]}-{body[4:]}"


class Regime(models.TextChoices):
    """Which right of access applies: law enforcement processing by a competent authority (DPA 2018
    Part 3, s.45) or everything else (UK GDPR Article 15). It decides which exemptions apply."""

    LAW_ENFORCEMENT = "part3", "DPA 2018 Part 3 (law enforcement processing)"
    UK_GDPR = "uk_gdpr", "UK GDPR Article 15"


class RequestStatus(models.TextChoices):
    AWAITING_IDENTITY = "awaiting_identity", "Awaiting identity verification"
    FINDING = "finding", "Finding the subject's records"
    ROUTED = "routed", "With the owning agencies"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SubjectAccessRequest(ServiceWrittenModel, TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True)
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=24, choices=RequestStatus.choices, default=RequestStatus.AWAITING_IDENTITY
    )
    # The data subject, as the request describes them.
    subject_name = models.CharField(max_length=200)
    subject_other_names = models.CharField(max_length=300, blank=True)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    subject_address = models.TextField(blank=True)
    subject_postcode = models.CharField(max_length=10, blank=True)
    # A representative (a solicitor, a parent for a child, an attorney) and their authority.
    requester_is_subject = models.BooleanField(default=True)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_capacity = models.CharField(max_length=200, blank=True)
    requester_authority = models.TextField(blank=True)  # the evidence of their authority seen
    response_address = models.TextField(blank=True)  # where and how the response goes
    received_on = models.DateField()
    identity_verified_on = models.DateField(null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    identity_evidence = models.TextField(blank=True)
    # What is asked for: everything held, or a description, optionally between two dates.
    scope = models.TextField()
    scope_from = models.DateField(null=True, blank=True)
    scope_to = models.DateField(null=True, blank=True)
    # s.54(3A)-(3B) / Art 12(3): the extension notice, sent before the first month ends.
    extension_notice_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)  # 1 or 2 once extended
    routed_at = models.DateTimeField(null=True, blank=True)
    routed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["receiving_agency", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="sar_status_valid"),
            models.CheckConstraint(
                condition=Q(identity_verified_on__isnull=True) | Q(identity_verified_by__isnull=False),
                name="sar_identity_verifier_recorded",
            ),
            models.CheckConstraint(
                condition=Q(identity_verified_on__isnull=True)
                | Q(identity_verified_on__gte=F("received_on")),
                name="sar_identity_after_receipt",
            ),
            # Nothing is searched for or routed before the subject's identity is verified.
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_identity", "withdrawn"])
                | Q(identity_verified_on__isnull=False),
                name="sar_identity_before_finding",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["routed", "closed"]) | Q(routed_at__isnull=False),
                name="sar_routed_dated",
            ),
            models.CheckConstraint(
                condition=Q(extension_months__lte=2)
                & (Q(extension_months=0) | (Q(extension_notice_on__isnull=False) & ~Q(extension_reason=""))),
                name="sar_extension_has_notice",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""), name="sar_withdrawal_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ClarificationPause(ServiceWrittenModel):
    """s.54(3C): the clock stops from the day more information is asked for until it arrives."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="pauses")
    requested_on = models.DateField()
    what_was_asked = models.TextField()
    answered_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request", "requested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("requested_on")),
                name="pause_answered_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: from {self.requested_on}"


class SubjectRecord(ServiceWrittenModel):
    """A people-index record the officer confirmed is the data subject's."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="subject_records"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()
    note = models.TextField(blank=True)  # why the officer is satisfied it is the subject

    class Meta:
        ordering = ["request", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "person"], name="subject_record_once")]

    def __str__(self) -> str:
        return f"{self.request_id}: person {self.person_id}"


class PartStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class RequestPart(ServiceWrittenModel, TimeStampedModel):
    """One owning agency's share of a request: its items, decided and answered by its SAR officers."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="parts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="subject_access_parts")
    regime = models.CharField(max_length=16, choices=Regime.choices)
    status = models.CharField(max_length=16, choices=PartStatus.choices, default=PartStatus.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    response_note = models.TextField(blank=True)  # how the response was sent
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["request", "agency__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "agency"], name="request_part_once_per_agency"),
            models.CheckConstraint(condition=Q(regime__in=Regime.values), name="request_part_regime_valid"),
            models.CheckConstraint(
                condition=Q(status__in=PartStatus.values), name="request_part_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False, answered_by__isnull=False),
                name="request_part_answer_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.agency_id}"


class ItemKind(models.TextChoices):
    INFORMATION_ITEM = "information_item", "Information item"
    MINUTES_ENTRY = "minutes_entry", "Contribution to meeting minutes"
    DISCLOSURE = "disclosure", "Disclosure record"
    SCHEME_APPLICATION = "scheme_application", "Disclosure scheme application"
    # Issue 8, "finding everything": the subject's own records and the risk records about them,
    # so that a person known only as, say, a person at risk is not told "nothing held".
    PERSON_RECORD = "person_record", "Person record"
    NOMINAL = "nominal", "MAPPA nominal record"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"
    RISK_MANAGEMENT_PLAN = "risk_management_plan", "Risk management plan"
    PERSON_AT_RISK = "person_at_risk", "Person at risk record"
    DISCLOSURE_RECIPIENT = "disclosure_recipient", "Disclosure made to the person"


class ItemDecision(models.TextChoices):
    PENDING = "", "Not decided"
    RELEASE = "release", "Release"
    REDACT = "redact", "Release with redactions"
    WITHHOLD = "withhold", "Withhold"


class Exemption(models.TextChoices):
    """The grounds for redacting or withholding, each applied item by item with reasons."""

    # DPA 2018 s.45(4): restrictions of the right of access for law enforcement processing.
    S45_INVESTIGATION = "s45_4_a", "s.45(4)(a): avoid obstructing an inquiry, investigation or procedure"
    S45_PREVENTION = (
        "s45_4_b",
        "s.45(4)(b): avoid prejudicing the prevention, detection or prosecution of offences",
    )
    S45_PUBLIC_SECURITY = "s45_4_c", "s.45(4)(c): protect public security"
    S45_NATIONAL_SECURITY = "s45_4_d", "s.45(4)(d): protect national security"
    S45_OTHERS = "s45_4_e", "s.45(4)(e): protect the rights and freedoms of others"
    # UK GDPR, DPA 2018 Schedule 2 (and Schedule 3 for health and social work data).
    CRIME = "sch2_para2", "Sch. 2 para 2: crime (likely to prejudice prevention or detection)"
    THIRD_PARTY = "sch2_para16", "Sch. 2 para 16: information about another person"
    PROTECT_PUBLIC = "sch2_para7", "Sch. 2 para 7: functions designed to protect the public"
    LEGAL_PRIVILEGE = "sch2_para19", "Sch. 2 para 19: legal professional privilege"
    HEALTH = "sch3_health", "Sch. 3 Part 2: health data (serious harm)"
    SOCIAL_WORK = "sch3_social_work", "Sch. 3 Part 3: social work data (serious harm)"
    CHILD_ABUSE = "sch3_child_abuse", "Sch. 3 Part 5: child abuse data"


# Which grounds each regime allows (the service refuses a ground from the other regime).
PART3_EXEMPTIONS = frozenset(
    {
        Exemption.S45_INVESTIGATION,
        Exemption.S45_PREVENTION,
        Exemption.S45_PUBLIC_SECURITY,
        Exemption.S45_NATIONAL_SECURITY,
        Exemption.S45_OTHERS,
    }
)
UK_GDPR_EXEMPTIONS = frozenset(set(Exemption) - PART3_EXEMPTIONS)


class PartItem(ServiceWrittenModel, TimeStampedModel):
    """One record in scope for one owner, with its text as routed and the owner's decision on it.

    `content` is a list of {"label": ..., "text": ...} sections copied when the request was routed:
    the owner decides on what was held then, and the bundle is built from the same words, so a
    later edit cannot slip unreviewed text into a response. `redactions` maps a section's index
    (as a string) to the [start, end) character spans removed from its text.
    """

    part = models.ForeignKey(RequestPart, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=24, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300)  # a reference, never content: shown to the receiver too
    content = models.JSONField(default=list)
    decision = models.CharField(max_length=16, choices=ItemDecision.choices, blank=True)
    exemption = models.CharField(max_length=24, choices=Exemption.choices, blank=True)
    reason = models.TextField(blank=True)
    redactions = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["part", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["part", "kind", "object_id"], name="part_item_once"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="part_item_kind_valid"),
            models.CheckConstraint(
                condition=Q(decision__in=ItemDecision.values), name="part_item_decision_valid"
            ),
            # Never a blanket decision: every redaction or withholding names its ground and why.
            models.CheckConstraint(
                condition=Q(decision__in=["", "release"]) | (~Q(exemption="") & ~Q(reason="")),
                name="part_item_exemption_reasoned",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="part_item_decider_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ConsultationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting the chair's view"
    RESPONDED = "responded", "The chair has responded"


class ChairConsultation(ServiceWrittenModel, TimeStampedModel):
    """A contribution to minutes is decided by its contributing agency after consulting the chair
    of the meeting (MAPPA Guidance ch. 13b): a task for the chair, answered with their view."""

    item = models.OneToOneField(PartItem, on_delete=models.PROTECT, related_name="chair_consultation")
    chair = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.PENDING
    )
    view = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | (~Q(view="") & Q(responded_at__isnull=False)),
                name="chair_consultation_view_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.status}"


class BundleStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ResponseBundle(ServiceWrittenModel, TimeStampedModel):
    """One build of a part's response PDF. Small bundles are built at once; large ones are queued
    and built by `manage.py sar_bundles` (no message broker: DESIGN.md §2), which reports its
    progress here for the page to show."""

    part = models.ForeignKey(RequestPart, on_delete=models.PROTECT, related_name="bundles")
    status = models.CharField(max_length=16, choices=BundleStatus.choices, default=BundleStatus.QUEUED)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["part", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BundleStatus.values), name="bundle_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(pdf__isnull=False) & ~Q(sha256="")),
                name="bundle_ready_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.status}"
