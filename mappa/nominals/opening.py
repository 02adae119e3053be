"""Opening a nominal from a page: the reason a user gave to "break glass", kept for a while.

A user without a legitimate relationship to a case types a reason before its pages open
(access.ReasonRequired). The reason is kept in their session for REASON_MINUTES so that moving
between the case's pages does not ask again; every page opened in that time still records a
consultation carrying the reason. Signing out forgets it.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mappa.nominals.access import ReasonRequired, access_nominal
from mappa.nominals.models import Nominal

SESSION_KEY = "nominal_reasons"
REASON_MINUTES = 60


def remember_reason(request: HttpRequest, nominal_pk: int, reason: str) -> None:
    reasons = dict(request.session.get(SESSION_KEY, {}))
    until = timezone.now() + timedelta(minutes=REASON_MINUTES)
    reasons[str(nominal_pk)] = {"reason": reason.strip(), "until": until.isoformat()}
    request.session[SESSION_KEY] = reasons


def remembered_reason(request: HttpRequest, nominal_pk: int) -> str:
    entry = request.session.get(SESSION_KEY, {}).get(str(nominal_pk))
    if not entry:
        return ""
    until = parse_datetime(entry.get("until", ""))
    if until is None or until < timezone.now():
        return ""
    return str(entry.get("reason", ""))


def open_nominal(request: HttpRequest, pk: int) -> Nominal:
    """access_nominal for a page: 404 if hidden, ReasonRequired if a reason is still needed."""
    return access_nominal(request.user, pk, reason=remembered_reason(request, pk))


class ReasonRequiredMiddleware:
    """Sends a user who must give a reason to the reason page, then back where they were going."""

    def __init__(self, get_response: "type[HttpResponse] | object") -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[operator]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ReasonRequired):
            return None
        url = reverse("nominals:nominal-reason", args=[exception.nominal.pk])
        following = request.get_full_path() if request.method == "GET" else ""
        return HttpResponseRedirect(f"{url}?{urlencode({'next': following})}" if following else url)
