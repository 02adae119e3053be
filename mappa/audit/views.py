"""The auditor's pages: the log, one event, and a CSV export. Each read is itself audited."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from mappa.audit import selectors, services
from mappa.audit.access import access_event
from mappa.audit.csv_export import csv_lines
from mappa.audit.forms import EventFilterForm
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import PermissionDenied
from mappa.core.types import AnyUser

PAGE_SIZE = 50


def _require_audit_view(user: AnyUser) -> None:
    if not has_permission(user, Permission.AUDIT_VIEW):
        raise PermissionDenied("You do not have permission to read the audit log")


def _filter_form(request: HttpRequest) -> EventFilterForm:
    # Always bound: every filter is optional, so an empty query is a valid "no filters".
    return EventFilterForm(selectors.agency_choices(fetched_by=request.user), data=request.GET)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def event_list(request: HttpRequest) -> HttpResponse:
    _require_audit_view(request.user)
    form = _filter_form(request)
    page = None
    if form.is_valid():
        events = selectors.event_list(fetched_by=request.user, **form.selector_kwargs())
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        # The rows are read before the consultation is written, so they agree with the count
        # (the new event would otherwise push one row off the page). Nothing is shown unless
        # the write succeeds: if it fails, the exception ends the request.
        page.object_list = list(page.object_list)
        services.audit_log_consulted(by=request.user, filters=form.filters(), page=page.number)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "filtered": bool(form.is_valid() and form.filters()),
    }
    return render(request, "audit/event_list.html", context)


def event_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    _require_audit_view(request.user)
    event = access_event(request.user, sequence)
    context = {
        "event": event,
        "role_names": [ROLES[code].display_name if code in ROLES else code for code in event.actor_roles],
        "detail_rows": _detail_rows(event.detail),
    }
    return render(request, "audit/event_detail.html", context)


def event_export(request: HttpRequest) -> HttpResponseBase:
    _require_audit_view(request.user)
    form = _filter_form(request)
    if not form.is_valid():
        # The list page shows the same form with its errors.
        return redirect(f"{reverse('audit:event-list')}?{_query_without_page(request)}")
    export = services.audit_log_exported(by=request.user, filters=form.filters())
    # Bounded by the export's own event, which records the filters: the file is reproducible.
    events = selectors.event_list(fetched_by=request.user, **form.selector_kwargs()).filter(
        sequence__lt=export.sequence
    )
    response = StreamingHttpResponse(csv_lines(events.iterator(chunk_size=1000)), content_type="text/csv")
    stamp = timezone.localtime(export.occurred_at).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


def _detail_rows(detail: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """`detail` as (name, value) rows, nested names joined with a dot, for the summary list."""
    rows: list[tuple[str, str]] = []
    for key in sorted(detail):
        value = detail[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_detail_rows(value, f"{name}.") if value else [(name, "none")])
        else:
            rows.append((name, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    return rows
