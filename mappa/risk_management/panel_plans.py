"""A section of the nominal's overview (registered in panel.py). Placeholder until built."""

from django.http import HttpRequest

from mappa.core.panels import Panel
from mappa.nominals.models import Nominal


class PlanPanel:
    order = 25

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        return None
