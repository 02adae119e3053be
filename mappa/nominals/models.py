"""The MAPPA nominal register: a person managed under MAPPA in an area.

A Nominal is the MAPPA case, not the person: the person (names, dates of birth, identifiers)
lives in the people index, and a person may be managed under MAPPA more than once over a life
(exit, then a new conviction), but only ever in one open case at a time.

Category, level, lead agency, status and area are a dated history (NominalStatusChange): the
register keeps the current values on the Nominal for filtering, and every change writes a
history row with who, when, why and from when (software_anchors.md §6.2: the national data
model keeps only the current registration; we keep the history explicit).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mappa.agencies.models import Agency, MappaArea
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.people.models import Person


class Category(models.IntegerChoices):
    # MAPPA Guidance; the Ministerial written answer of 20 May 2024 (domain.md §1.3).
    REGISTERED_SEXUAL_OFFENDER = 1, "Category 1: registered sexual offender"
    VIOLENT_OFFENDER = 2, "Category 2: violent offender"
    OTHER_DANGEROUS_OFFENDER = 3, "Category 3: other dangerous offender"
    TERRORISM = 4, "Category 4: terrorism or terrorism risk"


class Level(models.IntegerChoices):
    # MAPPA Guidance ch. 7: the lowest level consistent with a defensible risk management plan.
    LEVEL_1 = 1, "Level 1: ordinary agency management"
    LEVEL_2 = 2, "Level 2: active multi-agency management"
    LEVEL_3 = 3, "Level 3: active multi-agency management with senior oversight"


class Status(models.TextChoices):
    IN_CUSTODY = "in_custody", "In custody"
    IN_COMMUNITY = "in_community", "In the community"
    IN_HOSPITAL = "in_hospital", "Detained in hospital"
    EXITED = "exited", "Exited MAPPA"


# Agency kinds that may lead a MAPPA case: the Responsible Authority, and youth justice (under-18s),
# health and adult social care (hospital patients) (domain.md §1.3, "Lead agency").
LEAD_AGENCY_KINDS = frozenset(
    {"police", "probation", "prison", "youth_justice", "health", "adult_social_care"}
)


class Nominal(ServiceWrittenModel, TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nominals")
    area = models.ForeignKey(MappaArea, on_delete=models.PROTECT, related_name="nominals")
    category = models.PositiveSmallIntegerField(choices=Category.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LEVEL_1)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_nominals")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_nominals",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_COMMUNITY)
    # Key dates (MAPPA B/C completion notes: domain.md §1.3).
    sentence_date = models.DateField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    licence_end_date = models.DateField(null=True, blank=True)
    notification_end_date = models.DateField(null=True, blank=True)
    order_start_date = models.DateField(null=True, blank=True, help_text="SHPO or SRO start")
    order_end_date = models.DateField(null=True, blank=True, help_text="SHPO or SRO end")
    index_offence = models.TextField(blank=True)
    restrictive_orders = models.TextField(blank=True)
    # Critical Public Protection Case: to be considered for every level 3 case.
    cppc = models.BooleanField(default=False)
    next_review_date = models.DateField(null=True, blank=True)
    exited_on = models.DateField(null=True, blank=True)
    # Optimistic locking: a change based on an older version is refused rather than lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["next_review_date", "id"]
        indexes = [
            models.Index(fields=["area", "status", "next_review_date"]),
            models.Index(fields=["area", "category", "level"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="nominal_category_valid"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="nominal_level_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="nominal_status_valid"),
            # Category 3 is defined by needing multi-agency management (domain.md §1.3).
            models.CheckConstraint(condition=~Q(category=3, level=1), name="nominal_category3_not_level1"),
            models.CheckConstraint(
                condition=Q(sentence_date__isnull=True)
                | Q(release_date__isnull=True)
                | Q(release_date__gte=F("sentence_date")),
                name="nominal_release_not_before_sentence",
            ),
            models.CheckConstraint(
                condition=Q(release_date__isnull=True)
                | Q(licence_end_date__isnull=True)
                | Q(licence_end_date__gte=F("release_date")),
                name="nominal_licence_end_not_before_release",
            ),
            models.CheckConstraint(
                condition=Q(order_start_date__isnull=True)
                | Q(order_end_date__isnull=True)
                | Q(order_end_date__gte=F("order_start_date")),
                name="nominal_order_end_not_before_start",
            ),
            # Paired state: an exit date exactly when exited.
            models.CheckConstraint(
                condition=Q(status="exited", exited_on__isnull=False)
                | (~Q(status="exited") & Q(exited_on__isnull=True)),
                name="nominal_exited_on_paired",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="nominal_version_positive"),
            # One open MAPPA case per person at a time; exited cases stay as history.
            models.UniqueConstraint(
                fields=["person"], condition=~Q(status="exited"), name="nominal_one_open_case_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Nominal {self.pk}"

    @property
    def is_exited(self) -> bool:
        return self.status == Status.EXITED

    @property
    def review_overdue(self) -> bool:
        return (
            not self.is_exited
            and self.next_review_date is not None
            and self.next_review_date < timezone.localdate()
        )

    @property
    def category_code(self) -> str:
        # The national code (M1 to M4) as nDelius and ViSOR use it (software_anchors.md §6.1).
        return f"M{self.category}"


class ChangedField(models.TextChoices):
    CATEGORY = "category", "Category"
    LEVEL = "level", "Level"
    LEAD_AGENCY = "lead_agency", "Lead agency"
    STATUS = "status", "Status"
    AREA = "area", "MAPPA area"


class ChangeReason(models.TextChoices):
    """Why a category, level, lead agency, status or area changed, in the guidance's terms.

    Each kind of change offers its own subset (REASONS_FOR below); "other" always needs words.
    """

    # Any field.
    IDENTIFIED = "identified", "Identified as eligible for MAPPA management"
    CORRECTION = "correction", "Correcting a recording error"
    OTHER = "other", "Other reason"
    # Category (MAPPA Guidance ch. 6: identification and notification).
    NEW_CONVICTION = "new_conviction", "New conviction or caution"
    NOTIFICATION_STARTED = "notification_started", "Became subject to notification requirements"
    NOTIFICATION_ENDED = "notification_ended", "Notification requirements ended"
    # Level (MAPPA Guidance ch. 7, §7.1 to §7.5).
    SCREENING = "screening", "Level set at screening"
    RISK_INCREASED = "risk_increased", "Risk of serious harm increased: multi-agency management adds value"
    RISK_REDUCED = "risk_reduced", "Risk reduced: manageable at a lower level"
    SENIOR_OVERSIGHT = (
        "senior_oversight",
        "Senior representation needed (resources, public or media interest)",
    )
    STEPPED_DOWN = "stepped_down", "Stepped down from level 3"
    MEETING_DECISION = "meeting_decision", "Decided at a MAPPA meeting"
    # Lead agency.
    SUPERVISION_STARTED = "supervision_started", "Statutory supervision started"
    SUPERVISION_ENDED = "supervision_ended", "Statutory supervision ended (licence or order expired)"
    AGE_TRANSITION = "age_transition", "Reached 18: youth justice to adult services"
    HOSPITAL_CARE = "hospital_care", "Care passed to or from a hospital"
    # Status.
    SENTENCED = "sentenced", "Sentenced to custody"
    RECALLED = "recalled", "Recalled to custody"
    RELEASED = "released", "Released from custody"
    HOSPITAL_ADMITTED = "hospital_admitted", "Detained in hospital"
    HOSPITAL_DISCHARGED = "hospital_discharged", "Discharged from hospital"
    # Area.
    TRANSFERRED = "transferred", "Transferred between MAPPA areas"
    # Exit (domain.md §2, "Exit from MAPPA").
    NOTIFICATION_PERIOD_ENDED = "notification_period_ended", "Notification period ended"
    LICENCE_EXPIRED = "licence_expired", "Licence or sentence expired"
    NO_LONGER_MEETS_CRITERIA = "no_longer_meets_criteria", "Risk no longer needs level 2 or 3 management"
    NOTIFICATION_REVOKED = "notification_revoked", "Indefinite notification requirements revoked on review"
    LEFT_JURISDICTION = "left_jurisdiction", "Moved to Scotland, Northern Ireland or abroad"
    DIED = "died", "Died"


_COMMON = (ChangeReason.CORRECTION, ChangeReason.OTHER)
REASONS_FOR: dict[str, tuple[ChangeReason, ...]] = {
    ChangedField.CATEGORY: (
        ChangeReason.NEW_CONVICTION,
        ChangeReason.NOTIFICATION_STARTED,
        ChangeReason.NOTIFICATION_ENDED,
        ChangeReason.MEETING_DECISION,
        *_COMMON,
    ),
    ChangedField.LEVEL: (
        ChangeReason.SCREENING,
        ChangeReason.RISK_INCREASED,
        ChangeReason.RISK_REDUCED,
        ChangeReason.SENIOR_OVERSIGHT,
        ChangeReason.STEPPED_DOWN,
        ChangeReason.MEETING_DECISION,
        *_COMMON,
    ),
    ChangedField.LEAD_AGENCY: (
        ChangeReason.SUPERVISION_STARTED,
        ChangeReason.SUPERVISION_ENDED,
        ChangeReason.AGE_TRANSITION,
        ChangeReason.HOSPITAL_CARE,
        ChangeReason.MEETING_DECISION,
        *_COMMON,
    ),
    ChangedField.STATUS: (
        ChangeReason.SENTENCED,
        ChangeReason.RECALLED,
        ChangeReason.RELEASED,
        ChangeReason.HOSPITAL_ADMITTED,
        ChangeReason.HOSPITAL_DISCHARGED,
        *_COMMON,
    ),
}
EXIT_REASONS: tuple[ChangeReason, ...] = (
    ChangeReason.NOTIFICATION_PERIOD_ENDED,
    ChangeReason.LICENCE_EXPIRED,
    ChangeReason.NO_LONGER_MEETS_CRITERIA,
    ChangeReason.NOTIFICATION_REVOKED,
    ChangeReason.LEFT_JURISDICTION,
    ChangeReason.DIED,
    ChangeReason.OTHER,
)


class NominalStatusChange(ServiceWrittenModel):
    """One dated change to a nominal's category, level, lead agency, status or area.

    Values are stored as codes (`from_value`, `to_value`) with the label as it read at the time
    (`from_label`, `to_label`), so the history still reads correctly after an agency is renamed.
    Never updated or deleted: a mistake is put right by a later change with reason "correction".
    """

    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=16, choices=ChangedField.choices)
    from_value = models.CharField(max_length=32, blank=True)
    to_value = models.CharField(max_length=32)
    from_label = models.CharField(max_length=200, blank=True)
    to_label = models.CharField(max_length=200)
    reason = models.CharField(max_length=32, choices=ChangeReason.choices)
    reason_detail = models.TextField(blank=True)
    effective_date = models.DateField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=ChangedField.values), name="status_change_field_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ChangeReason.values), name="status_change_reason_valid"
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_detail=""), name="status_change_other_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.from_value} to {self.to_value}"


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Acknowledged by the receiving area"
    EFFECTIVE = "effective", "Effective"


class TransferReason(models.TextChoices):
    MOVED_HOME = "moved_home", "Moved to live in the receiving area"
    APPROVED_PREMISES = "approved_premises", "Placed in approved premises in the receiving area"
    RELEASED_TO_AREA = "released_to_area", "Released from custody to the receiving area"
    SUPERVISION_TRANSFERRED = "supervision_transferred", "Lead agency transferred supervision"
    OTHER = "other", "Other reason"


OPEN_TRANSFER_STATUSES = (TransferStatus.REQUESTED, TransferStatus.ACCEPTED)


class NominalTransfer(ServiceWrittenModel, TimeStampedModel):
    """A transfer of a nominal's MAPPA management to another area: requested, accepted, effective.

    Transfers are agency-led and areas "cannot oblige or prevent" them (MAPPA Guidance §17.1):
    so there is no refusal. The receiving area acknowledges (accepts) the transfer, and it then
    takes effect on the date given.
    """

    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="transfers")
    from_area = models.ForeignKey(MappaArea, on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(MappaArea, on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    reason = models.CharField(max_length=32, choices=TransferReason.choices)
    reason_detail = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    proposed_date = models.DateField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    acceptance_note = models.TextField(blank=True)
    effective_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    effective_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TransferStatus.values), name="transfer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=TransferReason.values), name="transfer_reason_valid"
            ),
            models.CheckConstraint(condition=~Q(from_area=F("to_area")), name="transfer_between_two_areas"),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_detail=""), name="transfer_other_explained"
            ),
            # Paired states: acceptance recorded exactly when accepted or effective, the effective
            # date exactly when effective.
            models.CheckConstraint(
                condition=Q(status="requested", accepted_by__isnull=True, accepted_at__isnull=True)
                | (~Q(status="requested") & Q(accepted_by__isnull=False, accepted_at__isnull=False)),
                name="transfer_acceptance_paired",
            ),
            models.CheckConstraint(
                condition=Q(status="effective", effective_by__isnull=False, effective_date__isnull=False)
                | (~Q(status="effective") & Q(effective_by__isnull=True, effective_date__isnull=True)),
                name="transfer_effective_paired",
            ),
            models.UniqueConstraint(
                fields=["nominal"],
                condition=Q(status__in=["requested", "accepted"]),
                name="transfer_one_open_per_nominal",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk} of nominal {self.nominal_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TRANSFER_STATUSES
