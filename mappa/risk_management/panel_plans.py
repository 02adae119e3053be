"""The risk management plan section of a nominal's overview (registered in panel.py).

The view has already opened the nominal (and recorded the consultation); this section reads
only through selectors_plans, which scope to the user. It shows the plan's state, not its
content: the version in force, when it was approved and is next reviewed, how many quality
warnings it carries and whether a review is being written, with links to the plan's own pages.
"""

from django.http import HttpRequest
from django.utils import timezone

from mappa.core.panels import Panel
from mappa.nominals.models import Nominal
from mappa.risk_management.access import can_view_risk
from mappa.risk_management.selectors_plans import current_plan, draft_plan, plan_warnings


class PlanPanel:
    order = 25

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        user = request.user
        if not can_view_risk(user):
            return None
        current = current_plan(nominal=nominal, fetched_by=user)
        review_date = current.review_date if current is not None else None
        context = {
            "nominal": nominal,
            "current": current,
            "draft": draft_plan(nominal=nominal, fetched_by=user),
            "review_overdue": review_date is not None and review_date < timezone.localdate(),
            "warnings": len(plan_warnings(current)) if current is not None else 0,
        }
        return Panel("risk_management/plan_panel.html", context)
