"""The referrals and meetings section of a nominal's overview (registered in apps.py).

The view has already opened the nominal (and recorded the consultation); this section reads
only through the meetings selectors, which scope to the user: referrals their agency made (or,
for a co-ordinator, the area's), and meetings they can see with this nominal on the agenda. A
meeting is shown by date, level, kind and status only, never with the other cases on its
agenda, which are papers of that meeting.
"""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.panels import Panel
from mappa.meetings import selectors_meetings as rules
from mappa.meetings import selectors_referrals as referral_rules
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import ra_areas


def _url(name: str, *args: object, query: str = "") -> str | None:
    # The referral pages live in another part of the app; link to them only once they exist.
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


class MeetingsPanel:
    order = 20

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        user = request.user
        can_view = has_permission(user, Permission.MEETING_VIEW)
        can_refer = has_permission(user, Permission.REFERRAL_CREATE)
        if not (can_view or can_refer or has_permission(user, Permission.REFERRAL_SCREEN)):
            return None
        live = not nominal.is_exited
        referrals = [
            (referral, _url("meetings:referral-detail", referral.pk))
            for referral in rules.nominal_referrals(nominal=nominal, fetched_by=user)
        ]
        can_schedule = (
            live
            and has_permission(user, Permission.MEETING_MANAGE)
            and ra_areas(user).filter(pk=nominal.area_id).exists()
        )
        context = {
            "nominal": nominal,
            "referrals": referrals,
            "meetings": list(rules.meetings_of_nominal(nominal=nominal, fetched_by=user)) if can_view else [],
            # Only where a referral could be made: not at level 3, not for an associate agency.
            "refer_url": _url("meetings:referral-create", nominal.pk)
            if can_refer and live and nominal.level < 3 and referral_rules.can_refer(user, nominal)
            else None,
            "schedule_url": _url("meetings:meeting-create", query=f"?nominal={nominal.pk}")
            if can_schedule
            else None,
        }
        return Panel("meetings/panel.html", context)
