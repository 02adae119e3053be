"""The plan versions approved with a set of minutes, on the minutes' page (registered in panel.py).

The view has already opened the minutes (and recorded the consultation); this reads only through
the plan selectors, which scope to the user, so a reader of the minutes without RISK_VIEW sees
nothing here.
"""

from django.http import HttpRequest

from mappa.core.panels import Panel
from mappa.meetings.models import Minutes
from mappa.risk_management.selectors_plans import plan_scope


class MinutesPlansPanel:
    order = 10

    def panel(self, request: HttpRequest, minutes: Minutes) -> Panel | None:
        plans = list(plan_scope(fetched_by=request.user).filter(approved_minutes=minutes).order_by("number"))
        if not plans:
            return None
        return Panel("risk_management/minutes_panel.html", {"plans": plans})
