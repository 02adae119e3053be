from django.http import Http404

from mappa.audit.models import AuditEvent
from mappa.audit.selectors import event_list
from mappa.audit.services import audit_event_consulted
from mappa.core.types import AnyUser


def access_event(user: AnyUser, sequence: int) -> AuditEvent:
    """One audit event the user may read, or 404 whether it is missing or not theirs to see.

    Going through event_list applies the list page's scoping (an auditor, acting for the agency
    that acted or whose object it is), so the detail page can never show more than the list.
    Opening it is logged: the consultation event is written before the event is returned.
    """
    event = event_list(fetched_by=user).filter(sequence=sequence).first()
    if event is None:
        raise Http404("No such audit event")
    audit_event_consulted(by=user, event=event)
    return event
