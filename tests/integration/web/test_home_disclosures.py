"""The home page's "Disclosures to third parties" tasks (mappa/web/views.py `_disclosure_tasks`).

Three counts, each a link to the page that lists what is counted:
- deliveries not made by their planned date, to anyone who sees disclosures (DISCLOSURE_VIEW),
  with a sentence saying so when there are none;
- emergency decisions awaiting ratification, to the same people, shown only when there are some;
- items of the user's agency that another agency's proposal would disclose, to those who may
  share their agency's information (SHARE_CREATE), shown only when there are some.

Each count is scoped to the disclosures the user's agency takes part in, so another area's
co-ordinator, or a duty-to-co-operate agency with no part in them, counts none. Without either
permission the section is not there at all.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.disclosures.models import Disclosure, DisclosureItem
from tests.conftest import signed_in_client
from tests.factories.disclosures import DecisionWorld, decided_to_disclose, prepared
from tests.factories.information_sharing import ItemFactory

pytestmark = pytest.mark.django_db

SECTION = "Disclosures to third parties"
OVERDUE = "overdue-deliveries"
RATIFICATION = "awaiting-ratification"
AGREEMENT = "items-awaiting-agreement"
DASHBOARD = reverse("disclosures:disclosure-dashboard")
AGREEMENTS = reverse("disclosures:disclosure-agreements")


@dataclass
class Task:
    """One element of the home page marked with a data-testid: its words and its links."""

    text: str = ""
    links: list[str] = field(default_factory=list)


class _Tasks(HTMLParser):
    """Collects each element carrying a data-testid, with the text and links inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, Task] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, testid) of each open element

    def _current(self) -> list[Task]:
        return [self.found[testid] for _, testid in self._open if testid is not None]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a":
            for task in self._current():
                task.links.append(values.get("href") or "")
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        testid = values.get("data-testid")
        if testid is not None:
            self.found[testid] = Task()
        self._open.append((tag, testid))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element (the page is well formed; this tolerates a stray tag).
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for task in self._current():
            task.text += data


@dataclass
class Home:
    body: str
    tasks: dict[str, Task]

    @property
    def has_section(self) -> bool:
        return SECTION in self.body

    def words(self, testid: str) -> str:
        return " ".join(self.tasks[testid].text.split())


def _home(user: Any) -> Home:
    response = signed_in_client(user).get(reverse("web:home"))
    assert response.status_code == 200
    body = response.content.decode()
    parser = _Tasks()
    parser.feed(body)
    return Home(body, parser.found)


@pytest.fixture
def world() -> DecisionWorld:
    return DecisionWorld()


def _police(world: DecisionWorld, **fields: Any) -> dict[str, Any]:
    """A disclosure about police_nominal, proposed by North Police's practitioner."""
    return {
        "proposing_agency": world.north.police,
        "proposed_by": world.practitioner,
        "chair": world.chair,
        **fields,
    }


def _overdue(world: DecisionWorld, *, days: int = 3) -> Disclosure:
    decided = decided_to_disclose(world.police_nominal, **_police(world))
    return prepared(
        decided, deliverer=world.practitioner, planned=timezone.localdate() - timedelta(days=days)
    )


def _emergency(world: DecisionWorld) -> Disclosure:
    return decided_to_disclose(world.police_nominal, **_police(world, forum="emergency"))


def _probation_item_proposed(world: DecisionWorld) -> DisclosureItem:
    """North Police proposes to disclose an item North Probation owns: probation must agree."""
    item = ItemFactory(
        nominal=world.police_nominal, owner_agency=world.north.probation, author=world.probation_practitioner
    )
    entry = DisclosureItem(disclosure=world.ready(), item=item, fields=["summary"])
    entry.save(override=True)
    return entry


# --- overdue deliveries ------------------------------------------------------------------------


def test_overdue_deliveries_counted_and_linked_to_the_dashboard(world: DecisionWorld):
    late = [_overdue(world), _overdue(world, days=10)]
    # Not counted: planned for next week, and a decision still to be prepared with no date.
    prepared(decided_to_disclose(world.police_nominal, **_police(world)), deliverer=world.practitioner)
    decided_to_disclose(world.police_nominal, **_police(world))
    for who in ("practitioner", "chair", "probation_practitioner", "coordinator"):
        home = _home(world.user(who))
        assert home.words(OVERDUE) == "! Warning 2 disclosures not made by the planned date", who
        assert home.tasks[OVERDUE].links == [DASHBOARD], who
    # The link leads to the list of what was counted.
    dashboard = signed_in_client(world.practitioner).get(DASHBOARD).content.decode()
    assert all(disclosure.reference in dashboard for disclosure in late)


def test_one_overdue_delivery_is_singular(world: DecisionWorld):
    _overdue(world)
    home = _home(world.practitioner)
    assert home.words(OVERDUE) == "! Warning 1 disclosure not made by the planned date"


def test_overdue_deliveries_not_shown_without_permission_to_see_disclosures(world: DecisionWorld):
    _overdue(world)
    for who in ("no_view", "senior_manager", "auditor"):
        home = _home(world.user(who))
        assert not home.has_section, who
        assert OVERDUE not in home.tasks and DASHBOARD not in home.body, who


def test_overdue_deliveries_counted_only_where_the_agency_takes_part(world: DecisionWorld):
    _overdue(world)
    # Another area's co-ordinator, and a duty-to-co-operate agency with no part in it: none.
    for who in ("south_coordinator", "health_practitioner"):
        home = _home(world.user(who))
        assert home.words(OVERDUE).startswith("No disclosure is past its planned delivery date"), who


def test_overdue_deliveries_empty_state(world: DecisionWorld):
    home = _home(world.practitioner)
    assert home.has_section
    assert home.words(OVERDUE) == "No disclosure is past its planned delivery date. See all disclosures."
    assert home.tasks[OVERDUE].links == [DASHBOARD]
    assert "govuk-warning-text" not in home.body


# --- emergency decisions awaiting ratification ----------------------------------------------------


def test_awaiting_ratification_counted_and_linked_to_the_dashboard(world: DecisionWorld):
    pending = [_emergency(world), _emergency(world)]
    ratified = _emergency(world)
    ratified.ratification = "ratified"
    ratified.save(override=True)
    for who in ("practitioner", "chair", "probation_chair", "coordinator"):
        home = _home(world.user(who))
        assert home.words(RATIFICATION) == (
            "2 emergency decisions are waiting to be ratified at a level 2 or 3 meeting."
        ), who
        assert home.tasks[RATIFICATION].links == [DASHBOARD], who
    dashboard = signed_in_client(world.chair).get(DASHBOARD).content.decode()
    assert all(disclosure.reference in dashboard for disclosure in pending)


def test_one_decision_awaiting_ratification_is_singular(world: DecisionWorld):
    _emergency(world)
    home = _home(world.chair)
    assert home.words(RATIFICATION) == (
        "1 emergency decision is waiting to be ratified at a level 2 or 3 meeting."
    )


def test_awaiting_ratification_not_shown_without_permission_to_see_disclosures(world: DecisionWorld):
    _emergency(world)
    for who in ("no_view", "senior_manager"):
        home = _home(world.user(who))
        assert not home.has_section and RATIFICATION not in home.tasks, who


def test_awaiting_ratification_empty_state(world: DecisionWorld):
    # Nothing pending: the line is left out, the section stays.
    home = _home(world.practitioner)
    assert home.has_section and RATIFICATION not in home.tasks
    assert "waiting to be ratified" not in home.body
    # Nothing pending where the user's agency takes part: the same.
    _emergency(world)
    for who in ("south_chair", "health_practitioner"):
        home = _home(world.user(who))
        assert home.has_section and RATIFICATION not in home.tasks, who


# --- items awaiting the agency's agreement ------------------------------------------------------


def test_items_awaiting_agreement_counted_for_the_owning_agency(world: DecisionWorld):
    waiting = [_probation_item_proposed(world), _probation_item_proposed(world)]
    # Not counted: one probation has already agreed to.
    agreed = _probation_item_proposed(world)
    agreed.owner_agreed_by, agreed.owner_agreed_at = world.probation_practitioner, timezone.now()
    agreed.save(override=True)
    home = _home(world.probation_practitioner)
    assert home.words(AGREEMENT) == (
        "2 proposed disclosures of your agency's information need your agency's agreement."
    )
    assert home.tasks[AGREEMENT].links == [AGREEMENTS]
    page = signed_in_client(world.probation_practitioner).get(AGREEMENTS).content.decode()
    assert all(reverse("disclosures:item-agree", args=[entry.pk]) in page for entry in waiting)
    assert reverse("disclosures:item-agree", args=[agreed.pk]) not in page


def test_one_item_awaiting_agreement_is_singular(world: DecisionWorld):
    _probation_item_proposed(world)
    home = _home(world.probation_practitioner)
    assert home.words(AGREEMENT) == (
        "1 proposed disclosure of your agency's information needs your agency's agreement."
    )


def test_items_awaiting_agreement_not_shown_without_permission_to_share(world: DecisionWorld):
    _probation_item_proposed(world)
    # A probation chair sees disclosures but does not share the agency's information: the
    # section, without this line. Without either permission, no section at all.
    chair = _home(world.probation_chair)
    assert chair.has_section and AGREEMENT not in chair.tasks
    for who in ("no_view", "senior_manager"):
        home = _home(world.user(who))
        assert not home.has_section and AGREEMENT not in home.tasks, who


def test_items_awaiting_agreement_empty_state(world: DecisionWorld):
    _probation_item_proposed(world)
    # The proposing agency (its own items need no agreement) and another area: nothing waiting.
    for who in ("practitioner", "south_coordinator"):
        home = _home(world.user(who))
        assert home.has_section and AGREEMENT not in home.tasks, who
        assert "need your agency's agreement" not in home.body and "needs your agency's" not in home.body
