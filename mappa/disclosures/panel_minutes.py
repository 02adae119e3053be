"""The disclosures decided or ratified with a set of minutes, on the minutes' page (registered in
panel.py). Read through disclosure_list, so only those the reader takes part in are shown."""

from django.db.models import Q
from django.http import HttpRequest

from mappa.core.panels import Panel
from mappa.disclosures.selectors import disclosure_list
from mappa.meetings.models import Minutes


class MinutesDisclosuresPanel:
    order = 20

    def panel(self, request: HttpRequest, minutes: Minutes) -> Panel | None:
        disclosures = list(
            disclosure_list(fetched_by=request.user).filter(
                Q(decision_minutes=minutes) | Q(ratified_minutes=minutes)
            )
        )
        if not disclosures:
            return None
        return Panel("disclosures/minutes_panel.html", {"disclosures": disclosures, "minutes": minutes})
