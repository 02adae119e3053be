"""Gates every signed-in request passes: idle timeout, second factor, acting agency, notice.

Both run after Django's authentication and django-otp's middleware. Paths in OPEN_PREFIXES
are the pages a user must be able to reach to get through a gate (and the public pages).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from mappa.accounts import services
from mappa.accounts.models import AgencyMembership, User
from mappa.accounts.notice import NOTICE_VERSION
from mappa.accounts.selectors import active_memberships

SESSION_LAST_ACTIVITY = "mappa_last_activity"
SESSION_SIGNED_IN_AT = "mappa_signed_in_at"
SESSION_NOTICE_VERSION = "mappa_notice_version"
SESSION_ACTING_MEMBERSHIP = "mappa_acting_membership"
SESSION_TWO_FACTOR_SKIPPED = "mappa_two_factor_skipped"

# Always reachable, signed in or not: static files, health check, public information pages.
PUBLIC_PREFIXES = (
    "/static/",
    "/healthz",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/favicon.ico",
)


def _is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


class IdleTimeoutMiddleware:
    """Sign a user out after MAPPA_IDLE_TIMEOUT without a request, or MAPPA_SESSION_MAX_AGE after sign-in.

    The session warning page and its polling do not count as activity: otherwise the warning
    would keep the session alive by being shown.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _is_public(request.path):
            now = time.time()
            last = request.session.get(SESSION_LAST_ACTIVITY)
            started = request.session.setdefault(SESSION_SIGNED_IN_AT, now)
            reason = None
            if last is not None and now - float(last) > settings.MAPPA_IDLE_TIMEOUT.total_seconds():
                reason = "idle"
            elif now - float(started) > settings.MAPPA_SESSION_MAX_AGE.total_seconds():
                reason = "expired"
            if reason is not None:
                request.sign_out_reason = reason  # type: ignore[attr-defined]
                logout(request)
                return HttpResponseRedirect(
                    reverse("accounts:signed-out") + "?" + urlencode({"reason": reason})
                )
            if request.method == "POST" or request.path != reverse("accounts:session-warning"):
                request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or _is_public(request.path):
            return self.get_response(request)
        self._load_acting_membership(request, user)
        redirect = self._gate(request, user)
        if redirect is not None and request.path != redirect and request.path != reverse("accounts:sign-out"):
            return HttpResponseRedirect(redirect)
        return self.get_response(request)

    @staticmethod
    def _load_acting_membership(request: HttpRequest, user: User) -> None:
        # Re-read on every request, so deactivating a membership takes effect at once.
        pk = request.session.get(SESSION_ACTING_MEMBERSHIP)
        membership: AgencyMembership | None = None
        if pk is not None:
            membership = active_memberships(user).filter(pk=pk).first()
            if membership is None:
                del request.session[SESSION_ACTING_MEMBERSHIP]
        services.act_as(user, membership)

    @staticmethod
    def _gate(request: HttpRequest, user: User) -> str | None:
        """Where the user must go before anything else, or None when every gate is passed."""
        from django_otp import user_has_device

        # 1. Second factor: verify it if the user has one; otherwise set one up (or, outside
        #    production, skip it for this session).
        if user_has_device(user):
            if not user.is_verified():  # type: ignore[attr-defined]
                return reverse("accounts:two-factor")
        elif settings.MAPPA_REQUIRE_2FA or not request.session.get(SESSION_TWO_FACTOR_SKIPPED):
            return reverse("accounts:two-factor-setup")
        # 2. Acting agency: chosen automatically when there is only one.
        if user.acting_membership is None:
            memberships = list(active_memberships(user)[:2])
            if not memberships:
                return reverse("accounts:no-access")
            if len(memberships) > 1:
                return reverse("accounts:choose-agency")
            services.acting_agency_choose(user=user, membership=memberships[0])
            request.session[SESSION_ACTING_MEMBERSHIP] = memberships[0].pk
        # 3. The acceptable-use and confidentiality notice, at first sign-in and on each new version.
        # Remembered in the session once seen accepted, so the check costs no query per page;
        # a new NOTICE_VERSION no longer matches what the session remembers.
        if request.session.get(SESSION_NOTICE_VERSION) != NOTICE_VERSION:
            if not services.notice_accepted(user):
                return reverse("accounts:notice")
            request.session[SESSION_NOTICE_VERSION] = NOTICE_VERSION
        return None
