"""The case's own view of who has looked at it (DPA 2018 s.62 consultations, read back).

The people who work a case are best placed to notice someone looking who should not be: the
lead agency sees every consultation of the case; an agency owning items on it sees the
consultations of the case and of its own items (selectors.case_access_log decides which).
Opening this page is itself a consultation of the case, recorded by open_nominal.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mappa.audit.models import BREAK_GLASS_BASIS, AuditEvent
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.exceptions import PermissionDenied
from mappa.information_sharing import selectors
from mappa.nominals.opening import open_nominal

PAGE_SIZE = 50


@dataclass(frozen=True)
class Look:
    event: AuditEvent
    # What was opened, in words: the case itself, or an item by its reference.
    what: str
    item_id: int | None
    break_glass: bool


def _look(event: AuditEvent) -> Look:
    item_id = None
    if event.object_type == "information_item" and event.object_id.isdigit():
        item_id = int(event.object_id)
        what = f"Information item ITEM-{item_id:06d}"
    elif event.object_type == "nominal":
        what = "The case"
    else:
        what = event.summary
    detail = event.detail if isinstance(event.detail, dict) else {}
    return Look(event, what, item_id, detail.get("basis") == BREAK_GLASS_BASIS)


@require_GET
def case_access_log(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    if not has_permission(request.user, Permission.CASE_ACCESS_LOG_VIEW):
        raise PermissionDenied("You do not have permission to see who has looked at cases")
    nominal = open_nominal(request, nominal_pk)
    if not selectors.can_view_case_access_log(nominal=nominal, fetched_by=request.user):
        raise PermissionDenied(
            "Only the lead agency and agencies holding information on this case can see this"
        )
    membership = acting_membership(request.user)
    is_lead = membership is not None and nominal.lead_agency_id == membership.agency_id
    page = Paginator(selectors.case_access_log(nominal=nominal, fetched_by=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nominal": nominal,
        "page": page,
        "looks": [_look(event) for event in page.object_list],
        "is_lead": is_lead,
    }
    return render(request, "information_sharing/case_access_log.html", context)
