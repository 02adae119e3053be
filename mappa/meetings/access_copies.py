"""Single copy registers and permission requests, through their selectors.

A copy register names staff and agencies, not the case, so opening it is not recorded as a
consultation; the copies themselves are recorded as disclosures when issued. Someone who cannot
read the minutes at all gets the same 404 as for minutes that do not exist; someone who can read
them but does not keep the register is refused (403), which reveals nothing they do not know.
"""

from django.http import Http404

from mappa.core.exceptions import PermissionDenied
from mappa.core.types import AnyUser
from mappa.meetings import selectors, selectors_copies
from mappa.meetings.models import CopyRequest, Minutes


def access_copy_register(user: AnyUser, pk: int) -> Minutes:
    minutes = selectors_copies.register_minutes(fetched_by=user).filter(pk=pk).first()
    if minutes is not None:
        return minutes
    if selectors.minutes_list(fetched_by=user).filter(pk=pk).exists():
        raise PermissionDenied(
            "Only the chair, the minute-taker and the area's MAPPA co-ordinators see the copy register"
        )
    raise Http404("No such minutes")


def access_copy_request(user: AnyUser, pk: int) -> CopyRequest:
    copy_request = selectors_copies.copy_request_list(fetched_by=user).filter(pk=pk).first()
    if copy_request is None:
        raise Http404("No such request")
    return copy_request
