from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from mappa.accounts.models import User
from mappa.accounts.selectors import active_memberships
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission

# The service navigation: (label, url name, permission needed or None, url prefix for "current").
_NAVIGATION = (
    ("Home", "web:home", None, "/"),
    ("Nominals", "nominals:nominal-list", Permission.NOMINAL_VIEW, "/nominals/"),
    ("People", "people:person-search", Permission.PERSON_VIEW, "/people/"),
    ("Meetings", "meetings:meeting-list", Permission.MEETING_VIEW, "/meetings/"),
    ("Referrals", "meetings:referral-list", Permission.REFERRAL_CREATE, "/referrals/"),
    ("Actions", "meetings:action-list", Permission.ACTION_UPDATE, "/actions/"),
    ("Disclosures", "disclosures:disclosure-dashboard", Permission.DISCLOSURE_VIEW, "/disclosures/"),
    (
        "Applications",
        "disclosure_schemes:application-queue",
        Permission.SCHEME_APPLICATION_VIEW,
        "/applications/",
    ),
    ("Subject access", "subject_access:request-list", Permission.SAR_MANAGE, "/subject-access/requests/"),
    ("Requests", "information_sharing:request-list", Permission.SHARE_REQUEST, "/requests/"),
    ("Shares", "information_sharing:share-list", Permission.ITEM_VIEW, "/shares/"),
    ("Agencies", "agencies:agency-list", Permission.AGENCY_VIEW, "/agencies/"),
    ("Agreements", "agencies:agreement-list", Permission.AGREEMENT_VIEW, "/agreements/"),
    ("Users", "accounts:user-list", Permission.MEMBERSHIP_MANAGE, "/users/"),
    ("Audit log", "audit:event-list", Permission.AUDIT_VIEW, "/audit/"),
)


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    membership = getattr(user, "acting_membership", None) if user is not None else None
    navigation = []
    if membership is not None:
        for text, name, permission, prefix in _NAVIGATION:
            if permission is None or has_permission(user, permission):
                current = request.path == prefix if prefix == "/" else request.path.startswith(prefix)
                # Areas are administered from the agencies pages.
                current = current or (prefix == "/agencies/" and request.path.startswith("/areas/"))
                navigation.append({"text": text, "href": reverse(name), "current": current})
    signed_in = bool(user is not None and user.is_authenticated)
    # Only someone with another *active* membership can switch; one query, on signed-in pages only.
    can_change_agency = (
        isinstance(user, User)
        and membership is not None
        and active_memberships(user).exclude(pk=membership.pk).exists()
    )
    return {
        "service_name": settings.MAPPA_SERVICE_NAME,
        "service_phase": settings.MAPPA_PHASE,
        "production": settings.PRODUCTION,
        "acting_membership": membership,
        "navigation": navigation,
        "can_change_agency": can_change_agency,
        # The home page links to the nominal register for those who may see it.
        "can_view_nominals": membership is not None and has_permission(user, Permission.NOMINAL_VIEW),
        # Every page a signed-in user sees may hold personal data, so all carry the marking.
        "marking": "OFFICIAL-SENSITIVE" if signed_in else "",
        "idle_timeout_seconds": int(settings.MAPPA_IDLE_TIMEOUT.total_seconds()),
        "idle_warning_seconds": int(settings.MAPPA_IDLE_WARNING.total_seconds()),
        "idle_timeout_minutes": int(settings.MAPPA_IDLE_TIMEOUT.total_seconds() // 60),
        "session_max_hours": int(settings.MAPPA_SESSION_MAX_AGE.total_seconds() // 3600),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
