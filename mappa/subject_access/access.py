"""One request, through its selector: one 404 for missing or hidden; every look logged.

Opening a request is a consultation of the subject's personal data (DPA 2018 s.62): the event is
written before the request is returned, naming the request as the justification.
"""

from django.db import transaction
from django.http import Http404

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.types import AnyUser
from mappa.subject_access.models import SubjectAccessRequest
from mappa.subject_access.selectors import request_list


def access_request(user: AnyUser, pk: int, *, record: bool = True) -> SubjectAccessRequest:
    request = request_list(fetched_by=user).filter(pk=pk).first()
    if request is None:
        raise Http404("No such request")
    if record:
        with transaction.atomic():
            record_event(
                action=Action.CONSULTATION,
                actor=user,
                summary=f"Subject access request consulted: {request.reference}",
                object_type="subject_access_request",
                object_id=request.pk,
                object_agency_id=request.receiving_agency_id,
                justification=(
                    f"Subject access request {request.reference}: subject access officer of "
                    f"{request.receiving_agency.name}, the receiving agency"
                ),
            )
    return request
