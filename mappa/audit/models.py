"""The audit log: append-only and hash-chained (DESIGN.md §6, DPA 2018 s.62).

No foreign keys, on purpose: the log must outlive the rows it describes (an erased item, a
deactivated user) and must never block or cascade a change to live data. Each row's hash covers
a canonical form of the row and the previous row's hash, so altering or removing any row breaks
the chain from that point on, which `mappa audit verify` reports.
"""

from typing import Any, NoReturn

from django.db import models


class Action(models.TextChoices):
    # The six s.62(1) operations.
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    # Security events.
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Locked out"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor authentication set up"
    TWO_FACTOR_FAILED = "two_factor_failed", "Failed two-factor code"
    NOTICE_ACCEPTED = "notice_accepted", "Confidentiality notice accepted"
    AGENCY_CHOSEN = "agency_chosen", "Acting agency chosen"
    PERMISSION_CHANGE = "permission_change", "Permission change"
    ACCESS_DENIED = "access_denied", "Access refused"
    EXPORT = "export", "Export"


# detail["basis"] of a consultation made on a reason the user typed rather than a recorded
# relationship to the case ("break glass"). Defined here, not in nominals, because audit sits
# below nominals in the dependency order and its selectors filter on it.
BREAK_GLASS_BASIS = "break_glass"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    action = models.CharField(max_length=32, choices=Action.choices)
    summary = models.CharField(max_length=200, blank=True)

    # Who acted: copied values, not foreign keys (see the module docstring).
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency_id = models.BigIntegerField(null=True, blank=True)
    actor_agency_code = models.CharField(max_length=32, blank=True)
    actor_roles = models.JSONField(default=list, blank=True)

    # What it was about.
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The agency that owns the object: an auditor sees events about their own agency's objects.
    object_agency_id = models.BigIntegerField(null=True, blank=True)
    nominal_id = models.BigIntegerField(null=True, blank=True)

    justification = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)
    # For alterations: the names of the fields changed, never their values.
    changed_fields = models.JSONField(default=list, blank=True)
    # Small facts about the event (e.g. {"factor": "totp"}, an auditor's filters); never personal
    # data about the people MAPPA manages.
    detail = models.JSONField(default=dict, blank=True)

    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        # Django's internal writes use the base manager; make it the refusing one too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["actor_user_id", "sequence"]),
            models.Index(fields=["actor_agency_id", "sequence"]),
            models.Index(fields=["object_agency_id", "sequence"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action", "sequence"]),
            models.Index(fields=["occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="audit_event_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only record_event creates rows; nothing ever updates one.
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditChainHead(models.Model):
    """One row holding the last sequence number and hash.

    Appending locks this row (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers
    itself), so concurrent writers take turns and the chain never forks. It also lets verify
    notice rows removed from the end of the log.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")]

    def __str__(self) -> str:
        return f"audit chain head at #{self.sequence}"
