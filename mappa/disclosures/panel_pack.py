"""Emergency disclosure decisions to ratify, as a section of a meeting's pack page (registered in
panel.py).

An emergency decision outside a meeting goes to the next level 2 or 3 meeting to be ratified
(disclosure_dp.md §5.1 rule 2). The pack is the meeting's papers: the agenda is empty until the
user has signed the meeting's confidentiality statement (meetings.selectors.agenda), and then
there is no section at all. Of the cases on the agenda, the section lists the decisions awaiting
ratification that were made before the meeting, that the user's agency takes part in
(selectors.disclosure_list), with a link to record the ratification for the meeting's chair.
"""

from django.http import HttpRequest

from mappa.core.panels import Panel
from mappa.disclosures import selectors
from mappa.disclosures.access import can_ratify
from mappa.meetings.models import Meeting
from mappa.meetings.selectors import agenda
from mappa.meetings.selectors_meetings import is_chair


class RatificationPackPanel:
    # After the information shared into the meeting (30).
    order = 40

    def panel(self, request: HttpRequest, meeting: Meeting) -> Panel | None:
        user = request.user
        nominal_ids = list(agenda(meeting=meeting, fetched_by=user).values_list("nominal_id", flat=True))
        if not nominal_ids:
            return None
        disclosures = list(
            selectors.awaiting_ratification(fetched_by=user).filter(
                nominal_id__in=nominal_ids, decided_at__lt=meeting.starts_at
            )
        )
        if not disclosures:
            return None
        chair = is_chair(user, meeting)
        rows = [(disclosure, chair and can_ratify(user, disclosure)) for disclosure in disclosures]
        return Panel("disclosures/panel_pack.html", {"meeting": meeting, "rows": rows})
