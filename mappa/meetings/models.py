"""Referrals to level 2 and 3, MAPPA meetings, confidentiality, minutes and their copies.

MAPPA meetings are confidential (domain.md §3.2, the MAPPA D statement): an attendee sees a
meeting's papers only after signing the current confidentiality statement for that meeting;
minutes are not copied, printed or disclosed outside the meeting without the chair's permission,
and every copy that leaves the system is a numbered, watermarked PDF in the copy register.
Minutes follow the MAPPA C standard (domain.md §3.1): every entry of information shared names the
agency that contributed it, because that agency, not MAPPA, stays its owner (and answers subject
access requests for it).

Times are stored so that the referral-to-decision and referral-to-first-meeting intervals can be
reported: each referral step is a dated ReferralStep row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from mappa.agencies.models import Agency, MappaArea
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.nominals.models import Nominal

_USER = settings.AUTH_USER_MODEL


# --- referrals --------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for screening"
    MORE_INFORMATION = "more_information", "More information requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_REFERRAL_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.MORE_INFORMATION)


class Referral(ServiceWrittenModel, TimeStampedModel):
    """A MAPPA A referral to level 2 or 3, screened by the area's co-ordinator."""

    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="referrals")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_made")
    referred_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    proposed_level = models.PositiveSmallIntegerField(choices=[(2, "Level 2"), (3, "Level 3")])
    # MAPPA A: why, the risk as the referrer sees it, and what cannot be managed at the current
    # level (for level 3: which parts of the plan cannot be delivered at level 2).
    reasons = models.TextField()
    risk_summary = models.TextField(blank=True)
    current_level_gaps = models.TextField()
    status = models.CharField(max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    accepted_level = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # What the co-ordinator asked for, and the referrer's answer, while more information is awaited.
    information_request = models.TextField(blank=True)
    information_response = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(condition=Q(proposed_level__in=[2, 3]), name="referral_level_2_or_3"),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.ACCEPTED) | Q(accepted_level__in=[2, 3]),
                name="referral_accepted_has_level",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.DECLINED])
                | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="referral_decision_recorded",
            ),
            # One open referral per nominal: a second would be screened twice.
            models.UniqueConstraint(
                fields=["nominal"],
                condition=Q(status__in=["submitted", "more_information"]),
                name="referral_one_open_per_nominal",
            ),
        ]

    @property
    def reference(self) -> str:
        return f"REF-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralStep(ServiceWrittenModel):
    """One dated step of a referral: submitted, information requested or given, decided."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=32)
    at = models.DateTimeField()
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


# --- confidentiality ----------------------------------------------------------------------------


class ConfidentialityStatement(ServiceWrittenModel, TimeStampedModel):
    """A version of the confidentiality statement (MAPPA D). The highest version is current."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


# --- meetings -----------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVIEW = "review", "Review"
    EMERGENCY = "emergency", "Emergency"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(ServiceWrittenModel, TimeStampedModel):
    area = models.ForeignKey(MappaArea, on_delete=models.PROTECT, related_name="meetings")
    level = models.PositiveSmallIntegerField(choices=[(2, "Level 2"), (3, "Level 3")])
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(blank=True)
    # A senior police or probation manager (MAPPA Guidance ch. 13): checked by the service.
    chair = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="meetings_chaired")
    minute_taker = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="meetings_minuted")
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    # The agencies invited: an invited agency is involved with every nominal on the agenda.
    invited_agencies = models.ManyToManyField(Agency, related_name="meeting_invitations", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[2, 3]), name="meeting_level_2_or_3"),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(video_link=""), name="meeting_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"MTG-{self.pk:06d}"


class AgendaItem(ServiceWrittenModel):
    """One nominal discussed at a meeting: the case the minutes are written for."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="agenda_items")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="agenda_items", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=1)
    # The chair records, per case, that the confidentiality statement was read or its displayed
    # copy pointed out (the MAPPA audit asks for one or the other).
    statement = models.CharField(
        max_length=16, choices=[("read", "Read out"), ("displayed", "Displayed and pointed out")], blank=True
    )
    statement_recorded_at = models.DateTimeField(null=True, blank=True)
    statement_recorded_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "nominal"], name="agenda_item_unique")]


class AttendeeStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"


class Attendee(ServiceWrittenModel, TimeStampedModel):
    """Someone invited to or at a meeting: a user, or an external person without an account."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees")
    user = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="meeting_places", null=True, blank=True
    )
    # For a user, the agency they attend for; for an external attendee, as the chair recorded it.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=AttendeeStatus.choices, default=AttendeeStatus.INVITED)
    # The signature: which statement version, when, and (for an external attendee) who captured it.
    statement = models.ForeignKey(
        ConfidentialityStatement, on_delete=models.PROTECT, related_name="signatures", null=True, blank=True
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_captured_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["meeting", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AttendeeStatus.values), name="attendee_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | (~Q(name="") & ~Q(role="") & ~Q(organisation="")),
                name="attendee_external_named",
            ),
            models.CheckConstraint(
                condition=(Q(statement__isnull=True) & Q(signed_at__isnull=True))
                | (Q(statement__isnull=False) & Q(signed_at__isnull=False)),
                name="attendee_signature_complete",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="attendee_user_once"
            ),
        ]

    @property
    def is_external(self) -> bool:
        return self.user_id is None

    @property
    def has_signed(self) -> bool:
        return self.signed_at is not None


class WrittenReport(ServiceWrittenModel, TimeStampedModel):
    """A report from an agency that could not attend (MAPPA audits expect one)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="written_reports")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="written_reports", null=True, blank=True
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]


# --- minutes ------------------------------------------------------------------------------------


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to the chair"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded by a correction"


# Sections that may be pre-filled from the referral or the last minutes, and must then be
# confirmed "still current" before the minutes can be submitted (domain.md §3.1).
REUSABLE_SECTIONS = (
    "purpose",
    "risk_assessment",
    "rmp_supervision",
    "rmp_monitoring",
    "rmp_interventions",
    "rmp_victim_safety",
)


class Minutes(ServiceWrittenModel, TimeStampedModel):
    """The minutes of one case at one meeting (MAPPA C); one row per version."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveIntegerField(default=1)  # the minutes' version: corrections add one
    status = models.CharField(max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    purpose = models.TextField(blank=True)
    risk_assessment = models.TextField(blank=True)
    rmp_supervision = models.TextField(blank=True)
    rmp_monitoring = models.TextField(blank=True)
    rmp_interventions = models.TextField(blank=True)
    rmp_victim_safety = models.TextField(blank=True)
    disclosure_considered = models.TextField(blank=True)
    level_decision = models.PositiveSmallIntegerField(null=True, blank=True)
    level_rationale = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    executive_summary = models.TextField(blank=True)
    # Pre-filled sections, and which of them the minute-taker has confirmed are still current.
    reused_sections = models.JSONField(default=list, blank=True)
    confirmed_sections = models.JSONField(default=list, blank=True)
    correction_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    # Optimistic locking while drafting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agenda_item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "number"], name="minutes_number_unique"),
            models.CheckConstraint(condition=Q(status__in=MinutesStatus.values), name="minutes_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=MinutesStatus.APPROVED) | Q(approved_at__isnull=False),
                name="minutes_approved_dated",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_reason=""), name="minutes_correction_has_reason"
            ),
        ]

    @property
    def reference(self) -> str:
        return f"MIN-{self.pk:06d}"

    @property
    def is_locked(self) -> bool:
        return self.status in (MinutesStatus.APPROVED, MinutesStatus.SUPERSEDED)


class MinutesEntry(ServiceWrittenModel):
    """Information shared at the meeting, tagged with the agency that contributed it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="entries")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]


class Decision(ServiceWrittenModel):
    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    rationale = models.TextField()
    dissent = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


class Action(ServiceWrittenModel, TimeStampedModel):
    """An action agreed at a meeting: a task for its owner until done (or recorded not done)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="actions")
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="meeting_actions")
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="meeting_actions", null=True, blank=True
    )
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    # Reviewed at the next meeting: done, or not done and why.
    outcome_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.NOT_DONE) | ~Q(outcome_note=""), name="action_not_done_why"
            ),
        ]


# --- distribution, copies and the chair's permission -------------------------------------------


class MinutesRecipient(ServiceWrittenModel, TimeStampedModel):
    """Someone the approved minutes are distributed to inside the system."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="recipients")
    user = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="minutes_received")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["minutes", "user"], name="minutes_recipient_once")]


class CopyKind(models.TextChoices):
    DOWNLOAD = "download", "Downloaded"
    PRINT = "print", "Printed"
    EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"


class MinutesCopy(ServiceWrittenModel):
    """One watermarked PDF copy that left the system: the copy register."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="copies")
    copy_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=CopyKind.choices)
    issued_to = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    issued_to_name = models.CharField(max_length=200)
    issued_to_agency = models.CharField(max_length=200)
    # For a copy the chair permitted to someone outside the distribution list.
    permission = models.ForeignKey(
        "CopyRequest", on_delete=models.PROTECT, related_name="copies", null=True, blank=True
    )
    issued_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["minutes", "copy_number"]
        constraints = [models.UniqueConstraint(fields=["minutes", "copy_number"], name="minutes_copy_number")]


class CopyRequestKind(models.TextChoices):
    COPY = "copy", "Copy the minutes to someone in mappa"
    DISCLOSE = "disclose", "Disclose their content outside the meeting"


class CopyRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the chair"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class CopyRequest(ServiceWrittenModel, TimeStampedModel):
    """A request for the chair's permission to copy minutes or disclose their content."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="copy_requests")
    kind = models.CharField(max_length=16, choices=CopyRequestKind.choices)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # To whom: a user in mappa (copy), or a named person and organisation outside (disclose).
    recipient_user = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    status = models.CharField(
        max_length=16, choices=CopyRequestStatus.choices, default=CopyRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CopyRequestStatus.values), name="copy_request_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=CopyRequestKind.COPY) | Q(recipient_user__isnull=False),
                name="copy_request_copy_names_user",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CopyRequestKind.DISCLOSE)
                | (~Q(recipient_name="") & ~Q(recipient_organisation="")),
                name="copy_request_disclosure_names_recipient",
            ),
            models.CheckConstraint(
                condition=Q(status=CopyRequestStatus.PENDING) | Q(decided_at__isnull=False),
                name="copy_request_decided_dated",
            ),
        ]

    @property
    def reference(self) -> str:
        return f"PERM-{self.pk:06d}"
