"""Reads of the audit log. Every read is scoped to what the asking auditor may see."""

from datetime import date, datetime, time

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

# Agencies sit above audit in the dependency order (DESIGN.md §3). This module alone reads them,
# and only their codes and names: the auditor's filter needs names, and events about an object
# store only its agency's id. Nothing in audit's models or services depends on agencies.
from mappa.agencies.models import Agency
from mappa.audit.models import BREAK_GLASS_BASIS, Action, AuditEvent
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser


def event_list(
    *,
    fetched_by: AnyUser,
    username: str = "",
    agency_id: int | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    break_glass: bool = False,
) -> QuerySet[AuditEvent]:
    """Events an auditor may read: those by their agency's users or about their agency's objects.

    Anyone without AUDIT_VIEW sees nothing; s.62(4) limits who may use the log. Each event
    carries `object_agency_code`, looked up from the agency register (events store only the id).
    `break_glass` keeps only consultations made on a reason the user typed (DESIGN.md §5).
    """
    membership = acting_membership(fetched_by)
    if membership is None or not has_permission(fetched_by, Permission.AUDIT_VIEW):
        return AuditEvent.objects.none()
    own = membership.agency_id
    events = AuditEvent.objects.filter(Q(actor_agency_id=own) | Q(object_agency_id=own))
    if username:
        events = events.filter(actor_username__iexact=username.strip())
    if agency_id is not None:
        events = events.filter(Q(actor_agency_id=agency_id) | Q(object_agency_id=agency_id))
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type.strip())
    if object_id:
        events = events.filter(object_id=object_id.strip())
    if break_glass:
        # A JSON key lookup: the same query on SQLite and PostgreSQL.
        events = events.filter(action=Action.CONSULTATION, detail__basis=BREAK_GLASS_BASIS)
    # Dates are the auditor's calendar days in Europe/London, not UTC days.
    tz = timezone.get_current_timezone()
    if date_from is not None:
        events = events.filter(occurred_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to is not None:
        events = events.filter(occurred_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    code = Agency.objects.filter(pk=OuterRef("object_agency_id")).values("code")[:1]
    return events.annotate(object_agency_code=Subquery(code)).order_by("-sequence")


def agency_choices(*, fetched_by: AnyUser) -> list[tuple[int, str]]:
    """Every agency, for the auditor's "agency" filter; nothing for anyone else.

    All agencies, inactive ones too: events outlive an agency's deactivation, and the filter
    still only narrows the auditor's own scope (see event_list), so naming them reveals nothing
    beyond the public register.
    """
    if not has_permission(fetched_by, Permission.AUDIT_VIEW):
        return []
    agencies = Agency.objects.order_by("name").values_list("pk", "name", "code")
    return [(pk, f"{name} ({code})") for pk, name, code in agencies]
