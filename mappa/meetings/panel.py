"""The referrals and meetings section of a nominal's overview: being written."""

from django.http import HttpRequest

from mappa.core.panels import Panel
from mappa.nominals.models import Nominal


class MeetingsPanel:
    order = 20

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        return None
