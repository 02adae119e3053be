"""The information section of a nominal's overview (registered in apps.py): being written."""

from django.http import HttpRequest

from mappa.nominals.models import Nominal
from mappa.nominals.panels import Panel


class InformationPanel:
    order = 10

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        return None
