from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from mappa.audit.models import AuditEvent
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
) -> QuerySet[AuditEvent]:
    """Events an auditor may read: those by their agency's users or about their agency's objects.

    Anyone without AUDIT_VIEW sees nothing; s.62(4) limits who may use the log.
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
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id.strip())
    tz = timezone.get_current_timezone()
    if date_from is not None:
        events = events.filter(occurred_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to is not None:
        events = events.filter(occurred_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events.order_by("-sequence")
