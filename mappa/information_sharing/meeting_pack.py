"""The information shared into a meeting, as a section of its pack page (registered in apps.py).

Meetings sit below this app in the dependency order (DESIGN.md §3): the pack page asks the
panels registry for the sections other apps add, and this is ours. It shows what the owning
agencies shared into the meeting (a Share to the meeting), case by case in agenda order and, in
each case, by the agency that owns the items, because that agency, not MAPPA, stays answerable
for them.

Only a user who signed the meeting's confidentiality statement gets the section: the pack is the
meeting's papers, and selectors.meeting_items returns nothing to anyone else, chair and owners
included. The section lists summaries only; the content opens on the item's page, through
access_item, which records each consultation with the meeting as its basis. Everything comes from
selectors, so the section cannot show what the item page would refuse.
"""

from dataclasses import dataclass, field

from django.http import HttpRequest

from mappa.agencies.models import Agency
from mappa.core.panels import Panel
from mappa.information_sharing import selectors
from mappa.information_sharing.selectors import ItemView
from mappa.meetings.models import Meeting
from mappa.meetings.selectors import agenda
from mappa.nominals.models import Nominal


@dataclass
class OwnerItems:
    """The items one agency shared into the meeting about one case."""

    agency: Agency
    views: list[ItemView] = field(default_factory=list)


@dataclass
class CaseItems:
    """One case on the agenda and what each owning agency shared into the meeting about it."""

    nominal: Nominal
    owners: list[OwnerItems] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(owner.views) for owner in self.owners)


def group_by_case(views: list[ItemView], nominal_order: list[int]) -> list[CaseItems]:
    """Cases in agenda order (any case no longer on it last), owners by name within each case."""
    cases: dict[int, CaseItems] = {}
    owners: dict[tuple[int, int], OwnerItems] = {}
    for view in views:
        item = view.item
        if item.nominal is None:  # the service shares only items about a nominal into a meeting
            continue
        case = cases.setdefault(item.nominal.pk, CaseItems(item.nominal))
        key = (item.nominal.pk, item.owner_agency_id)
        if key not in owners:
            owners[key] = OwnerItems(item.owner_agency)
            case.owners.append(owners[key])
        owners[key].views.append(view)
    position = {pk: index for index, pk in enumerate(nominal_order)}
    ordered = sorted(cases.values(), key=lambda c: (position.get(c.nominal.pk, len(position)), c.nominal.pk))
    for case in ordered:
        case.owners.sort(key=lambda o: o.agency.name)
    return ordered


class MeetingPackPanel:
    # After the meetings app's own papers (the referral, previous minutes and actions).
    order = 30

    def panel(self, request: HttpRequest, meeting: Meeting) -> Panel | None:
        user = request.user
        # The agenda is empty until the user has signed for this meeting (meetings.selectors):
        # then there are no papers to add to, and no section at all.
        nominal_order = list(agenda(meeting=meeting, fetched_by=user).values_list("nominal_id", flat=True))
        if not nominal_order:
            return None
        views = selectors.meeting_items(meeting=meeting, fetched_by=user)
        context = {"meeting": meeting, "cases": group_by_case(views, nominal_order), "count": len(views)}
        return Panel("information_sharing/meeting_pack.html", context)
