"""Applications under the Child Sex Offender and Domestic Violence Disclosure Schemes (issue 7).

An application is made by a member of the public through the public form (no sign-in), or
opened by the police under DVDS's right to know. It arrives in the queue of the police agency
it was sent to, where only disclosure scheme officers see it. It moves through the stages its
scheme edition configures (schemes.py), each stage a `StageRecord` with the time it is due by
(from the receipt, per the edition's target) and when it was completed; an application whose
current stage is past its due time is overdue and needs a recorded safeguarding plan.

What the applicant typed is kept as typed: nothing on the public side says whether anyone named
is known to the police, and nothing the police find is written back to these fields.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from mappa.agencies.models import Agency
from mappa.core.models import ServiceWrittenModel, TimeStampedModel

_USER = settings.AUTH_USER_MODEL

# No 0/O, 1/I/L: a reference read out over the telephone must not be misheard. Random rather
# than sequential, so a reference says nothing about how many applications a force receives.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix.upper()}-{body[:4]}-{body[4:]}"


class Route(models.TextChoices):
    RIGHT_TO_ASK = "right_to_ask", "Right to ask"
    RIGHT_TO_KNOW = "right_to_know", "Right to know"


class SchemeOutcome(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    DO_NOT_DISCLOSE = "do_not_disclose", "Do not disclose"
    REFER = "refer", "Refer (for example to children's services)"


class ApplicantTold(models.TextChoices):
    OUTCOME = "outcome", "Told the outcome"
    NO_INFORMATION = "no_information", "Told only that the application is closed"
    NOT_TOLD = "not_told", "Not told"


class ApplicationStatus(models.TextChoices):
    OPEN = "open", "Open"
    NOT_PROCEEDING = "not_proceeding", "Not proceeding under the scheme"
    CLOSED = "closed", "Closed"


class Application(ServiceWrittenModel, TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True)
    scheme = models.CharField(max_length=8)  # schemes.py code: "csods" or "dvds"
    guidance_version = models.CharField(max_length=16)  # the edition received under
    route = models.CharField(max_length=16, choices=Route.choices, default=Route.RIGHT_TO_ASK)
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="scheme_applications")
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.OPEN
    )
    stage = models.CharField(max_length=32)  # the current stage's code in the edition
    # The applicant, as they described themselves.
    applicant_name = models.CharField(max_length=200)
    applicant_date_of_birth = models.DateField(null=True, blank=True)
    applicant_address = models.TextField(blank=True)
    applicant_postcode = models.CharField(max_length=10, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_phone = models.CharField(max_length=30, blank=True)
    # Rule 19: every contact uses these. Ways: a list of "phone", "text", "email", "letter".
    safe_contact_ways = models.JSONField(default=list, blank=True)
    safe_contact_times = models.TextField(blank=True)
    safe_contact_notes = models.TextField(blank=True)  # e.g. "do not leave voicemail"
    relationship_to_children = models.CharField(max_length=200, blank=True)
    # The person they are concerned about.
    subject_name = models.CharField(max_length=200)
    subject_other_names = models.CharField(max_length=300, blank=True)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    subject_age = models.CharField(max_length=20, blank=True)  # when the date is not known
    subject_address = models.TextField(blank=True)
    subject_description = models.TextField(blank=True)
    # CSODS: the subject's access to the children; DVDS: the relationship to the person at risk.
    subject_access = models.TextField()
    # Children named: [{"name": ..., "age": ...}]; CSODS needs at least one.
    children = models.JSONField(default=list, blank=True)
    # DVDS: the person at risk, when the applicant is a third party.
    person_at_risk_name = models.CharField(max_length=200, blank=True)
    concern = models.TextField()
    # Police side.
    immediate_risk = models.BooleanField(default=False)
    immediate_risk_action = models.TextField(blank=True)
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    identity_evidence = models.TextField(blank=True)  # what was seen: passport, utility bill, red book
    safeguarding_plan = models.TextField(blank=True)  # needed once overdue (rule 22)
    safeguarding_plan_at = models.DateTimeField(null=True, blank=True)
    # Checks (rule 20 onwards): what the police found, and the records they matched.
    subject_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    subject_nominal = models.ForeignKey(
        "nominals.Nominal",
        on_delete=models.PROTECT,
        related_name="scheme_applications",
        null=True,
        blank=True,
    )
    checks_summary = models.TextField(blank=True)
    checks_recorded_at = models.DateTimeField(null=True, blank=True)
    checks_recorded_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lead_agency_told_at = models.DateTimeField(null=True, blank=True)  # the subject is a MAPPA nominal
    # The decision (rules 23, 24).
    outcome = models.CharField(max_length=16, choices=SchemeOutcome.choices, blank=True)
    forum = models.CharField(max_length=24, blank=True)  # schemes.FORUMS
    decision_minutes = models.ForeignKey(
        "meetings.Minutes", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decision_rationale = models.TextField(blank=True)
    presumption_applies = models.BooleanField(default=False)
    presumption_rebuttal = models.TextField(blank=True)
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    referred_to = models.TextField(blank=True)  # outcome "refer": to whom and why
    # Who receives any disclosure: the person best placed to protect, maybe not the applicant.
    recipient_is_applicant = models.BooleanField(default=True)
    recipient_best_placed = models.TextField(blank=True)
    applicant_told = models.CharField(max_length=24, choices=ApplicantTold.choices, blank=True)
    applicant_told_reason = models.TextField(blank=True)
    # The outcome: a disclosure through the third-party disclosure record, or non-disclosure.
    disclosure = models.OneToOneField(
        "disclosures.Disclosure",
        on_delete=models.PROTECT,
        related_name="scheme_application",
        null=True,
        blank=True,
    )
    non_disclosure_communicated_at = models.DateTimeField(null=True, blank=True)
    non_disclosure_how = models.TextField(blank=True)
    support_referral = models.TextField(blank=True)  # rule 26: offered at disclosure and non-disclosure
    not_proceeding_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["receiving_agency", "status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheme__in=["csods", "dvds"]), name="application_scheme_valid"
            ),
            models.CheckConstraint(condition=Q(route__in=Route.values), name="application_route_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.NOT_PROCEEDING) | ~Q(not_proceeding_reason=""),
                name="application_not_proceeding_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(identity_verified_at__isnull=True) | Q(identity_verified_by__isnull=False),
                name="application_identity_verifier_recorded",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="application_decision_recorded",
            ),
            # Rule 20: nothing is disclosed to an applicant whose identity was not verified.
            models.CheckConstraint(
                condition=~Q(outcome="disclose") | Q(identity_verified_at__isnull=False),
                name="application_disclosure_needs_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class StageRecord(ServiceWrittenModel):
    """One stage of one application: when it started, when it was due, when it was completed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="stages")
    stage = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="stage_once_per_application"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_by__isnull=False),
                name="stage_completer_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.stage}"
