"""The "Risk" section of a nominal's overview (registered in panel.py): the latest risk
assessment and the persons at risk, with links to both lists.

The view has already opened the nominal (and recorded the consultation); this section reads
only through the risk management selectors, which scope to the user. It shows what every
reader of the case may see (tool, date, agency, RoSH levels, how many are at risk and whether
a child is among them), never an assessment's factors or scenarios, which are the assessing
agency's detail (access.sees_assessment_detail) and stay on the assessment's own page.
"""

from django.http import HttpRequest
from django.urls import reverse

from mappa.core.panels import Panel
from mappa.nominals.models import Nominal
from mappa.risk_management import selectors
from mappa.risk_management.access import can_record_risk, can_view_risk


class AssessmentsPanel:
    order = 30

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        user = request.user
        if not can_view_risk(user):
            return None
        assessments = selectors.assessment_list(nominal=nominal, fetched_by=user)
        latest = assessments.first()
        active = list(selectors.person_at_risk_list(nominal=nominal, fetched_by=user, active_only=True))
        can_record = can_record_risk(user, nominal)
        context = {
            "nominal": nominal,
            "latest": latest,
            "rosh": selectors.rosh_by_group(latest) if latest is not None else [],
            "assessment_count": assessments.count(),
            "active_count": len(active),
            "child_count": sum(1 for par in active if par.is_child),
            "assessments_url": reverse("risk_management:assessment-list", args=[nominal.pk]),
            "persons_url": reverse("risk_management:person-at-risk-list", args=[nominal.pk]),
            "record_assessment_url": reverse("risk_management:assessment-create", args=[nominal.pk])
            if can_record
            else None,
            "add_person_url": reverse("risk_management:person-at-risk-create", args=[nominal.pk])
            if can_record
            else None,
        }
        return Panel("risk_management/assessments_panel.html", context)
