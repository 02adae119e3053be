from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mappa.audit.services import access_refused
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES
from mappa.authorization.utils import has_permission
from mappa.disclosure_schemes import selectors as scheme_selectors
from mappa.disclosures import selectors as disclosure_selectors
from mappa.disclosures import selectors_delivery
from mappa.information_sharing.selectors import awaiting_decision_count
from mappa.meetings import selectors_minutes
from mappa.subject_access import selectors_parts as sar_parts
from mappa.web.health import health


def home(request: HttpRequest) -> HttpResponse:
    membership = getattr(request.user, "acting_membership", None)
    roles = [ROLES[code] for code in (membership.roles if membership else []) if code in ROLES]
    context: dict[str, Any] = {
        "roles": roles,
        "role_codes": {role.code for role in roles},
        "can_manage_users": has_permission(request.user, Permission.MEMBERSHIP_MANAGE),
        "can_view_audit": has_permission(request.user, Permission.AUDIT_VIEW),
        "can_manage_agencies": has_permission(request.user, Permission.AGENCY_MANAGE),
        "can_manage_agreements": has_permission(request.user, Permission.AGREEMENT_MANAGE),
        # Access and onward-sharing requests only the user's agency can answer.
        "can_decide_requests": has_permission(request.user, Permission.SHARE_CREATE),
        "awaiting_decision": awaiting_decision_count(fetched_by=request.user),
    }
    context.update(_meeting_tasks(request))
    context.update(_disclosure_tasks(request))
    context.update(_scheme_tasks(request))
    context.update(_subject_access_part_tasks(request))
    return render(request, "web/home.html", context)


def _meeting_tasks(request: HttpRequest) -> dict[str, Any]:
    """Actions and minutes waiting for the user: counted only for the roles that act on them."""
    user = request.user
    context: dict[str, Any] = {}
    if any(
        has_permission(user, p)
        for p in (Permission.ACTION_UPDATE, Permission.MINUTES_APPROVE, Permission.MEETING_MANAGE)
    ):
        context["open_actions"] = selectors_minutes.my_open_actions(fetched_by=user).count()
    if selectors_minutes.oversees_actions(user):
        context["overdue_actions"] = selectors_minutes.overdue_meeting_actions(fetched_by=user).count()
    if has_permission(user, Permission.MINUTES_WRITE) or has_permission(user, Permission.MINUTES_APPROVE):
        context["minutes_waiting"] = list(selectors_minutes.minutes_waiting(fetched_by=user)[:10])
        context["minutes_waiting_count"] = selectors_minutes.minutes_waiting(fetched_by=user).count()
    return context


def _disclosure_tasks(request: HttpRequest) -> dict[str, Any]:
    """Third-party disclosures late or waiting for the user's agency (issue 6)."""
    user = request.user
    context: dict[str, Any] = {}
    if has_permission(user, Permission.DISCLOSURE_VIEW):
        context["overdue_deliveries"] = selectors_delivery.overdue_deliveries(fetched_by=user).count()
        context["awaiting_ratification"] = disclosure_selectors.awaiting_ratification(fetched_by=user).count()
    if has_permission(user, Permission.SHARE_CREATE):
        agreements = disclosure_selectors.items_awaiting_agreement(fetched_by=user)
        context["items_awaiting_agreement"] = agreements.count()
    return context


def _scheme_tasks(request: HttpRequest) -> dict[str, Any]:
    """Disclosure scheme applications open and overdue in the scheme officer's force (issue 7)."""
    if not has_permission(request.user, Permission.SCHEME_APPLICATION_VIEW):
        return {}
    counts = scheme_selectors.queue_counts(fetched_by=request.user)
    return {"scheme_open": counts["open"], "scheme_overdue": counts["overdue"]}


def _subject_access_part_tasks(request: HttpRequest) -> dict[str, Any]:
    """Parts of subject access requests the user's agency must answer (SAR officers), and minutes
    entries a chair is asked about (issue 8). Deadlines from deadlines.py, via the selector."""
    user = request.user
    context: dict[str, Any] = {}
    if has_permission(user, Permission.SAR_RESPOND):
        parts = list(sar_parts.parts_to_answer(fetched_by=user)[:10])
        context["sar_parts"] = [(part, sar_parts.part_deadline(part)) for part in parts]
        context["sar_parts_count"] = sar_parts.parts_to_answer(fetched_by=user).count()
    consultations = list(sar_parts.pending_consultations(fetched_by=user)[:10])
    if consultations:
        context["sar_consultations"] = consultations
    return context


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


@login_not_required
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "web/cookies.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503)


# RFC 9116 asks for an expiry under a year ahead; the file is written at each request from the
# deployment's settings, so it is always current and never left to expire unnoticed.
SECURITY_TXT_LIFETIME = timedelta(days=180)


@login_not_required
@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """Where to report a vulnerability in this deployment; 404 until a contact is configured."""
    if not settings.MAPPA_SECURITY_CONTACT:
        raise Http404("No security contact configured")
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).replace(microsecond=0)
    lines = [
        f"Contact: {settings.MAPPA_SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    if settings.MAPPA_SECURITY_POLICY:
        lines.append(f"Policy: {settings.MAPPA_SECURITY_POLICY}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    access_refused(by=request.user, path=request.path, method=request.method or "")
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # 500.html stands alone (no base template, no navigation): rendering it must not depend on
    # the database or anything else that may be what failed. The reference lets the service
    # desk find the request in the logs.
    return render(request, "500.html", {"request_id": getattr(request, "request_id", "")}, status=500)
