"""The decision pages, each allowed and denied from one world.

tests.factories.disclosures.DecisionWorld: NominalSetup's North and South, with North's youth
justice and children's services. North Health owns an item on `police_nominal` (led by North
Police), so it is involved with the case but takes no part in its disclosures: it sees the case
and none of them (404). The North Police practitioner (the case manager) fills in proposals; the
North Police meeting chair decides; South sees nothing. Allowed pages record the consultation;
refusals (403) record `access_denied` and no consultation, and write nothing.
"""

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mappa.audit.models import Action, AuditEvent
from mappa.disclosures.models import (
    Disclosure,
    DisclosureAlternative,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    Forum,
    Outcome,
    RatificationStatus,
)
from mappa.information_sharing.models import ItemKind
from tests.conftest import signed_in_client
from tests.factories.disclosures import DecisionWorld, decided_to_disclose
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.meetings import held_minutes, signed
from tests.factories.nominals import NominalFactory
from tests.factories.risk_management import PersonAtRiskFactory, PlanFactory

pytestmark = pytest.mark.django_db

RATIONALE = "Synthetic: the risk to her children outweighs his right to privacy."


@pytest.fixture
def world(db) -> DecisionWorld:
    world = DecisionWorld()
    ItemFactory(
        nominal=world.police_nominal, owner_agency=world.north.health, author=world.health_practitioner
    )
    return world


def _url(name: str, *args: Any) -> str:
    return reverse(f"disclosures:{name}", args=args)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _consulted(disclosure: Disclosure) -> bool:
    return AuditEvent.objects.filter(
        action=Action.CONSULTATION, object_type="disclosure", object_id=str(disclosure.pk)
    ).exists()


def _writes(disclosure: Disclosure) -> Any:
    return AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk)).exclude(
        action=Action.CONSULTATION
    )


def _denied() -> bool:
    return AuditEvent.objects.filter(action=Action.ACCESS_DENIED).exists()


# --- disclosure-list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "listed"),
    [
        ("practitioner", 200, True),
        ("coordinator", 200, True),
        ("chair", 200, True),
        ("health_practitioner", 200, False),  # opens the case; sees none of its disclosures
        ("no_view", 403, False),
        ("south_coordinator", 404, False),
    ],
)
def test_list_page(world: DecisionWorld, who: str, status: int, listed: bool):
    disclosure = world.proposal()
    nominal = world.police_nominal
    response = signed_in_client(world.user(who)).get(_url("disclosure-list", nominal.pk))
    assert response.status_code == status
    opened = AuditEvent.objects.filter(
        action=Action.CONSULTATION, object_type="nominal", object_id=str(nominal.pk)
    )
    if status == 200:
        assert (disclosure.reference in _text(response)) is listed
        assert opened.exists()
    else:
        assert not opened.exists()
    if status == 403:
        assert _denied()


def test_list_page_shows_flags_and_the_propose_button(world: DecisionWorld):
    today = timezone.localdate()
    single = decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        forum="emergency",
        proposing_agency=world.north.police,
        single_agency=True,
        planned_delivery_date=today - timedelta(days=2),
    )
    body = _text(signed_in_client(world.practitioner).get(_url("disclosure-list", world.police_nominal.pk)))
    assert single.reference in body
    for flag in ("Single agency", "Awaiting ratification", "Delivery overdue", "New or current partner"):
        assert flag in body
    assert "Propose a disclosure" in body
    chair_body = _text(signed_in_client(world.chair).get(_url("disclosure-list", world.police_nominal.pk)))
    assert "Propose a disclosure" not in chair_body


# --- disclosure-create ------------------------------------------------------------------------------


PURPOSE = "Synthetic: to let a new partner protect her two children."


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 200), ("chair", 403), ("south_coordinator", 404)]
)
def test_create_page(world: DecisionWorld, who: str, status: int):
    response = signed_in_client(world.user(who)).get(_url("disclosure-create", world.police_nominal.pk))
    assert response.status_code == status
    if status == 200:
        assert 'name="purpose"' in _text(response)


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("health_practitioner", 302)]
)
def test_create_posts(world: DecisionWorld, who: str, status: int):
    client = signed_in_client(world.user(who))
    response = client.post(_url("disclosure-create", world.police_nominal.pk), {"purpose": PURPOSE})
    assert response.status_code == status
    disclosures = Disclosure.objects.filter(nominal=world.police_nominal)
    if status == 302:
        disclosure = disclosures.get()
        assert response["Location"] == _url("disclosure-detail", disclosure.pk)
        assert disclosure.proposing_agency == world.user(who).acting_membership.agency
        assert _writes(disclosure).get().action == Action.COLLECTION
        assert f"Disclosure {disclosure.reference} proposed" in _text(client.get(response["Location"]))
    else:
        assert not disclosures.exists()
        assert _denied()


def test_create_empty_post_shows_the_error(world: DecisionWorld):
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-create", world.police_nominal.pk), {}
    )
    assert response.status_code == 200
    assert "Enter the purpose of the disclosure" in _text(response)
    assert not Disclosure.objects.exists()


def test_create_prefills_the_link_from_the_query_only_for_this_nominal(world: DecisionWorld):
    person = PersonAtRiskFactory(nominal=world.police_nominal)
    plan = PlanFactory(nominal=world.police_nominal)
    other = PersonAtRiskFactory(nominal=world.probation_nominal)
    client = signed_in_client(world.practitioner)
    url = _url("disclosure-create", world.police_nominal.pk)
    body = _text(client.get(f"{url}?person_at_risk={person.pk}&plan={plan.pk}"))
    assert f'<option value="{person.pk}" selected>' in body
    assert f'<option value="{plan.pk}" selected>' in body
    body = _text(client.get(f"{url}?person_at_risk={other.pk}"))
    assert f'value="{other.pk}"' not in body
    response = client.post(url, {"purpose": PURPOSE, "person_at_risk": str(person.pk), "plan": str(plan.pk)})
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert (disclosure.person_at_risk, disclosure.plan) == (person, plan)


def test_create_refused_for_an_exited_nominal(world: DecisionWorld):
    nominal = NominalFactory(
        lead_agency=world.north.police, area=world.area, status="exited", exited_on=timezone.localdate()
    )
    client = signed_in_client(world.practitioner)
    assert "has exited MAPPA" in _text(client.get(_url("disclosure-create", nominal.pk)))
    client.post(_url("disclosure-create", nominal.pk), {"purpose": PURPOSE})
    assert not Disclosure.objects.exists()


# --- disclosure-detail ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("coordinator", 200),
        ("chair", 200),
        ("probation_practitioner", 302),  # sees it, but must give a reason to open the case
        ("health_practitioner", 404),
        ("youth_practitioner", 404),
        ("south_coordinator", 404),
        ("no_view", 404),
    ],
)
def test_detail_page(world: DecisionWorld, who: str, status: int):
    disclosure = world.ready()
    response = signed_in_client(world.user(who)).get(_url("disclosure-detail", disclosure.pk))
    assert response.status_code == status
    assert _consulted(disclosure) is (status == 200)
    if status == 302:
        assert response["Location"].startswith(
            reverse("nominals:nominal-reason", args=[world.police_nominal.pk])
        )
    if status == 200:
        body = _text(response)
        assert "Before the decision" in body
        assert escape(disclosure.recipients.get().name) in response.content.decode()


def test_detail_missing_and_hidden_look_the_same(world: DecisionWorld):
    disclosure = world.proposal()
    client = signed_in_client(world.south_coordinator)
    hidden = client.get(_url("disclosure-detail", disclosure.pk))
    missing = client.get(_url("disclosure-detail", disclosure.pk + 1000))
    assert hidden.status_code == missing.status_code == 404


def test_detail_task_list_for_a_new_proposal(world: DecisionWorld):
    disclosure = world.proposal()
    body = _text(signed_in_client(world.practitioner).get(_url("disclosure-detail", disclosure.pk)))
    for task in (
        "Purpose and what will be said",
        "Recipients",
        "Alternatives considered",
        "Information to disclose",
        "Risk to the offender",
        "The four tests and joint disclosure",
        "Agencies consulted",
    ):
        assert task in body
    assert "Youth consultation" not in body  # not needed for an adult nominal and recipients
    assert _url("recipient-add", disclosure.pk) in body
    assert "Add at least one recipient" in body
    assert "Cannot start yet" in body
    assert "Record the decision</a>" not in body  # the practitioner does not decide
    assert _url("disclosure-withdraw", disclosure.pk) in body


def test_detail_for_the_chair_offers_the_decision_and_no_task_links(world: DecisionWorld):
    disclosure = world.ready()
    body = _text(signed_in_client(world.chair).get(_url("disclosure-detail", disclosure.pk)))
    assert _url("disclosure-decide", disclosure.pk) in body
    assert _url("recipient-add", disclosure.pk) not in body
    assert "Nothing else is needed before this decision" in body


def test_detail_marks_the_youth_consultation_required(world: DecisionWorld):
    disclosure = world.ready()
    recipient = disclosure.recipients.get()
    recipient.is_under_18 = True
    recipient.save(override=True)
    body = _text(signed_in_client(world.practitioner).get(_url("disclosure-detail", disclosure.pk)))
    assert "Youth consultation" in body
    assert "Required because a recipient is under 18" in body
    assert _url("disclosure-youth", disclosure.pk) in body


def test_detail_of_a_single_agency_emergency_decision(world: DecisionWorld):
    disclosure = decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        forum="emergency",
        proposing_agency=world.north.police,
        single_agency=True,
        single_agency_reason="Synthetic: nobody else could be reached",
    )
    body = _text(signed_in_client(world.chair).get(_url("disclosure-detail", disclosure.pk)))
    assert "made by one agency alone" in body
    assert "Awaiting ratification" in body
    assert "Synthetic: nobody else could be reached" in body
    assert _url("disclosure-ratify", disclosure.pk) in body
    assert _url("disclosure-decide", disclosure.pk) not in body


def test_detail_of_a_meeting_decision_links_its_minutes(world: DecisionWorld):
    disclosure = decided_to_disclose(
        world.police_nominal, chair=world.chair, proposing_agency=world.north.police
    )
    body = _text(signed_in_client(world.practitioner).get(_url("disclosure-detail", disclosure.pk)))
    assert reverse("meetings:minutes-detail", args=[disclosure.decision_minutes_id]) in body
    assert RATIONALE.split(":")[0] in body
    assert "Decision recorded" in body  # the history


def test_detail_of_a_withdrawn_proposal(world: DecisionWorld):
    disclosure = world.proposal(
        status=DisclosureStatus.WITHDRAWN, withdrawn_reason="Synthetic: he moved away"
    )
    body = _text(signed_in_client(world.practitioner).get(_url("disclosure-detail", disclosure.pk)))
    assert "This proposal was withdrawn: Synthetic: he moved away" in body
    assert _url("recipient-add", disclosure.pk) not in body


def test_detail_shows_an_item_the_user_cannot_read_by_reference_only(world: DecisionWorld):
    disclosure = world.proposal()
    item = ItemFactory(
        nominal=world.police_nominal, owner_agency=world.north.health, summary="Synthetic secret"
    )
    DisclosureItem(disclosure=disclosure, item=item, fields=["summary"]).save(override=True)
    body = _text(signed_in_client(world.coordinator).get(_url("disclosure-detail", disclosure.pk)))
    assert item.reference in body
    assert "Synthetic secret" not in body
    assert "Awaiting agreement" in body


def test_detail_renders_without_the_delivery_part(world: DecisionWorld, monkeypatch: pytest.MonkeyPatch):
    """The record page merges the delivery part's context and includes its partial only when they
    exist (views_decision._delivery_context), so it renders before that part is built."""
    import importlib.util

    from mappa.disclosures import views_decision

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "mappa.disclosures.views_delivery" else real(name, *args),
    )
    monkeypatch.setattr(views_decision, "DELIVERY_TASKS_TEMPLATE", "disclosures/delivery/_missing.html")
    disclosure = decided_to_disclose(
        world.police_nominal, chair=world.chair, proposing_agency=world.north.police
    )
    response = signed_in_client(world.practitioner).get(_url("disclosure-detail", disclosure.pk))
    assert response.status_code == 200
    assert "delivery-section" not in _text(response)
    assert "History" in _text(response)


# --- the task pages: each allowed and denied -----------------------------------------------------------


@dataclass
class Task:
    """One task page: the object its URL names, the answers posted, and the change they make."""

    name: str
    target: Callable[[DecisionWorld, Disclosure], Any]
    data: Callable[[DecisionWorld, Disclosure, Any], dict[str, Any]]
    done: Callable[[DecisionWorld, Disclosure, Any], bool]
    query: Callable[[Any], str] = lambda target: ""


def _disclosure(w: DecisionWorld, d: Disclosure) -> Disclosure:
    return d


def _recipient(w: DecisionWorld, d: Disclosure) -> DisclosureRecipient:
    return d.recipients.get()


def _alternative(w: DecisionWorld, d: Disclosure) -> DisclosureAlternative:
    return d.alternatives.get()


def _entry(w: DecisionWorld, d: Disclosure) -> DisclosureItem:
    return d.items.get()


def _consultation(w: DecisionWorld, d: Disclosure) -> DisclosureConsultation:
    consultation = DisclosureConsultation(
        disclosure=d,
        agency=w.north.probation,
        person_name="Synthetic Officer",
        person_role="Senior officer",
        consulted_at=timezone.now(),
        view="Synthetic",
    )
    consultation.save(override=True)
    return consultation


def _new_item(w: DecisionWorld, d: Disclosure) -> Any:
    return ItemFactory(nominal=d.nominal, owner_agency=w.north.police)


def _version(d: Disclosure) -> dict[str, Any]:
    return {"version": str(_fresh(d).version)}


def _recipient_answers(name: str) -> dict[str, Any]:
    return {
        "kind": "employer",
        "name": name,
        "relationship": "Line manager",
        "organisation": "Synthetic Ltd",
        "identity_confirmed_how": "Synthetic: staff pass",
        "why_right_person": "Synthetic: supervises him",
        "person": "",
    }


TODAY = timezone.localdate()

TASKS = [
    Task(
        "disclosure-edit",
        _disclosure,
        lambda w, d, t: {
            "purpose": d.purpose,
            "risk_addressed": "",
            "information_summary": "Synthetic: the words",
            **_version(d),
        },
        lambda w, d, t: _fresh(d).information_summary == "Synthetic: the words",
    ),
    Task(
        "recipient-add",
        _disclosure,
        lambda w, d, t: {**_recipient_answers("Synthetic Employer"), **_version(d)},
        lambda w, d, t: d.recipients.filter(name="Synthetic Employer").exists(),
    ),
    Task(
        "recipient-edit",
        _recipient,
        lambda w, d, t: {**_recipient_answers("Synthetic Renamed"), **_version(d)},
        lambda w, d, t: _fresh(t).name == "Synthetic Renamed",
    ),
    Task(
        "recipient-remove",
        _recipient,
        lambda w, d, t: _version(d),
        lambda w, d, t: not DisclosureRecipient.objects.filter(pk=t.pk).exists(),
    ),
    Task(
        "alternative-add",
        _disclosure,
        lambda w, d, t: {
            "alternative": "Synthetic: curfew",
            "why_rejected": "Synthetic: not enough",
            **_version(d),
        },
        lambda w, d, t: d.alternatives.count() == 2,
    ),
    Task(
        "alternative-remove",
        _alternative,
        lambda w, d, t: _version(d),
        lambda w, d, t: not d.alternatives.exists(),
    ),
    Task(
        "item-remove",
        _entry,
        lambda w, d, t: _version(d),
        lambda w, d, t: not d.items.exists(),
    ),
    Task(
        "disclosure-offender-risk",
        _disclosure,
        lambda w, d, t: {"offender_risk": "Synthetic: reprisals", **_version(d)},
        lambda w, d, t: (
            (_fresh(d).offender_risk, _fresh(d).offender_risk_outweighed) == ("Synthetic: reprisals", False)
        ),
    ),
    Task(
        "disclosure-tests",
        _disclosure,
        lambda w, d, t: {
            "gateway": "other",
            "gateway_detail": "Synthetic Act s.1",
            "necessary": "Synthetic: necessary",
            "proportionate": "Synthetic: proportionate",
            "relevant": "Synthetic: relevant",
            "joint_disclosure": "single",
            "joint_disclosure_reason": "Synthetic: police alone",
            **_version(d),
        },
        lambda w, d, t: (_fresh(d).gateway, _fresh(d).joint_disclosure) == ("other", "single"),
    ),
    Task(
        "disclosure-youth",
        _disclosure,
        lambda w, d, t: {
            "name": "Synthetic Manager",
            "role": "Head of service",
            "agency": str(w.youth_justice.pk),
            "consulted_on_day": str(TODAY.day),
            "consulted_on_month": str(TODAY.month),
            "consulted_on_year": str(TODAY.year),
            "view": "Synthetic: supports it",
            **_version(d),
        },
        lambda w, d, t: _fresh(d).youth_consultee_agency == w.youth_justice,
    ),
    Task(
        "consultation-add",
        _disclosure,
        lambda w, d, t: {
            "agency": str(w.north.probation.pk),
            "person_name": "Synthetic Officer",
            "person_role": "Senior probation officer",
            "date_day": str(TODAY.day),
            "date_month": str(TODAY.month),
            "date_year": str(TODAY.year),
            "time": "00:01",
            "view": "Synthetic: agrees",
            **_version(d),
        },
        lambda w, d, t: d.consultations.filter(agency=w.north.probation).exists(),
    ),
    Task(
        "consultation-remove",
        _consultation,
        lambda w, d, t: _version(d),
        lambda w, d, t: not d.consultations.exists(),
    ),
    Task(
        "item-add",
        _new_item,
        lambda w, d, t: {"fields": ["summary"], "strictly_necessary": "", **_version(d)},
        lambda w, d, t: d.items.filter(item=t).exists(),
    ),
    Task(
        "disclosure-withdraw",
        _disclosure,
        lambda w, d, t: {"reason": "Synthetic: he moved away", **_version(d)},
        lambda w, d, t: _fresh(d).status == DisclosureStatus.WITHDRAWN,
    ),
]


def _task_url(task: Task, disclosure: Disclosure, target: Any) -> str:
    if task.name == "item-add":
        return f"{_url('item-add', disclosure.pk)}?item={target.pk}"
    return _url(task.name, target.pk)


@pytest.mark.parametrize("task", TASKS, ids=[task.name for task in TASKS])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("coordinator", 200),
        ("chair", 403),  # sees the record, does not fill it in
        ("health_practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_task_page(world: DecisionWorld, task: Task, who: str, status: int):
    disclosure = world.ready()
    target = task.target(world, disclosure)
    response = signed_in_client(world.user(who)).get(_task_url(task, disclosure, target))
    assert response.status_code == status
    assert _consulted(disclosure) is (status == 200)
    if status == 200:
        assert 'name="version"' in _text(response)
    if status == 403:
        assert _denied()


@pytest.mark.parametrize("task", TASKS, ids=[task.name for task in TASKS])
@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_task_post(world: DecisionWorld, task: Task, who: str, status: int):
    disclosure = world.ready()
    target = task.target(world, disclosure)
    data = task.data(world, disclosure, target)
    before = _writes(disclosure).count()
    client = signed_in_client(world.user(who))
    response = client.post(_task_url(task, disclosure, target), data)
    assert response.status_code == status, _text(response)[:3000]
    if status == 302:
        assert response["Location"] == _url("disclosure-detail", disclosure.pk)
        assert task.done(world, disclosure, target)
        assert _writes(disclosure).count() == before + 1
    else:
        assert not task.done(world, disclosure, target)
        assert _writes(disclosure).count() == before


@pytest.mark.parametrize("task", [t for t in TASKS if t.name != "item-add"], ids=lambda t: t.name)
def test_task_post_with_a_stale_version_changes_nothing(world: DecisionWorld, task: Task):
    disclosure = world.ready()
    target = task.target(world, disclosure)
    data = task.data(world, disclosure, target)
    data["version"] = str(int(data["version"]) - 1)
    response = signed_in_client(world.practitioner).post(_task_url(task, disclosure, target), data)
    assert response.status_code == 200
    assert "Someone else changed this disclosure record" in _text(response)
    assert not task.done(world, disclosure, target)


@pytest.mark.parametrize("task", TASKS, ids=[task.name for task in TASKS])
def test_task_page_once_decided_offers_no_form(world: DecisionWorld, task: Task):
    disclosure = decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        proposing_agency=world.north.police,
        proposed_by=world.practitioner,
    )
    target = task.target(world, disclosure)
    client = signed_in_client(world.practitioner)
    response = client.get(_task_url(task, disclosure, target))
    assert response.status_code == 200
    assert "so this can no longer be changed" in _text(response)
    client.post(_task_url(task, disclosure, target), task.data(world, disclosure, target))
    assert not task.done(world, disclosure, target)


# --- item-add in two steps ------------------------------------------------------------------------------


def test_item_add_first_lists_the_items_then_their_parts(world: DecisionWorld):
    disclosure = world.proposal()
    item = ItemFactory(
        nominal=world.police_nominal,
        owner_agency=world.north.police,
        kind=ItemKind.RELATIONSHIPS,
        attributes={"person_name": "Synthetic Partner", "ethnicity": "Synthetic"},
    )
    client = signed_in_client(world.practitioner)
    first = _text(client.get(_url("item-add", disclosure.pk)))
    assert item.summary in first
    assert 'method="get"' in first
    second = _text(client.get(f"{_url('item-add', disclosure.pk)}?item={item.pk}"))
    assert "Their ethnic origin (special category: race or ethnic origin)" in second
    # Special category parts are unticked to begin with; the others ticked.
    assert 'value="person_name" id="id_fields_2" class="govuk-checkboxes__input" checked>' in second
    assert 'value="ethnicity" id="id_fields_3" class="govuk-checkboxes__input">' in second
    response = client.post(
        f"{_url('item-add', disclosure.pk)}?item={item.pk}",
        {
            "fields": ["person_name", "ethnicity"],
            "strictly_necessary": "",
            "version": str(disclosure.version),
        },
    )
    assert response.status_code == 200
    assert "which is special category information" in _text(response)
    assert not DisclosureItem.objects.exists()


def test_item_add_does_not_offer_an_unreadable_item(world: DecisionWorld):
    disclosure = world.proposal()
    health = world.police_nominal.information_items.get(owner_agency=world.north.health)
    client = signed_in_client(world.practitioner)
    assert health.summary not in _text(client.get(_url("item-add", disclosure.pk)))
    response = client.get(f"{_url('item-add', disclosure.pk)}?item={health.pk}")
    assert "Choose from the list" in _text(response)
    response = client.post(
        f"{_url('item-add', disclosure.pk)}?item={health.pk}", {"fields": ["summary"], "version": "1"}
    )
    assert response.status_code == 404
    assert not DisclosureItem.objects.exists()


# --- the owning agency's agreement ------------------------------------------------------------------------


def _awaiting(world: DecisionWorld) -> DisclosureItem:
    disclosure = world.ready()
    item = ItemFactory(
        nominal=world.police_nominal, owner_agency=world.north.health, summary="Synthetic clinic note"
    )
    share_items([item], world.north.police)
    entry = DisclosureItem(disclosure=disclosure, item=item, fields=["summary"])
    entry.save(override=True)
    return entry


@pytest.mark.parametrize(
    ("who", "status", "listed"),
    [("health_practitioner", 200, True), ("practitioner", 200, False), ("chair", 403, False)],
)
def test_agreements_page(world: DecisionWorld, who: str, status: int, listed: bool):
    entry = _awaiting(world)
    response = signed_in_client(world.user(who)).get(_url("disclosure-agreements"))
    assert response.status_code == status
    if status == 200:
        assert (_url("item-agree", entry.pk) in _text(response)) is listed


@pytest.mark.parametrize(
    ("who", "status"),
    [("health_practitioner", 200), ("practitioner", 403), ("coordinator", 403), ("south_coordinator", 404)],
)
def test_item_agree_page(world: DecisionWorld, who: str, status: int):
    entry = _awaiting(world)
    response = signed_in_client(world.user(who)).get(_url("item-agree", entry.pk))
    assert response.status_code == status
    assert _consulted(entry.disclosure) is (status == 200)
    if status == 200:
        body = _text(response)
        assert entry.disclosure.purpose in body
        assert "Synthetic clinic note" in body
        recipient = entry.disclosure.recipients.get()
        # Recipients by kind and relationship only.
        assert recipient.relationship in body
        assert escape(recipient.name) not in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("health_practitioner", 302), ("practitioner", 403)])
def test_item_agree_posts(world: DecisionWorld, who: str, status: int):
    entry = _awaiting(world)
    response = signed_in_client(world.user(who)).post(
        _url("item-agree", entry.pk), {"agree": "yes", "note": "", "version": str(entry.disclosure.version)}
    )
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == _url("disclosure-agreements")
        assert _fresh(entry).owner_agreed_by == world.health_practitioner
        assert _writes(entry.disclosure).get().detail == {"item": entry.item_id, "agreed": True}
    else:
        assert _fresh(entry).owner_agreed_by is None
        assert not _writes(entry.disclosure).exists()


def test_item_agree_refusal_needs_a_reason(world: DecisionWorld):
    entry = _awaiting(world)
    client = signed_in_client(world.health_practitioner)
    response = client.post(_url("item-agree", entry.pk), {"agree": "no", "note": "", "version": "1"})
    assert "Explain why your agency does not agree" in _text(response)
    client.post(_url("item-agree", entry.pk), {"agree": "no", "note": "Synthetic: clinical", "version": "1"})
    assert _fresh(entry).owner_refused


# --- disclosure-decide ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("chair", 200),
        ("probation_chair", 302),
        ("practitioner", 403),
        ("coordinator", 403),
        ("south_chair", 404),
    ],
)
def test_decide_page(world: DecisionWorld, who: str, status: int):
    disclosure = world.ready()
    held_minutes(world.police_nominal, chair=world.chair)
    response = signed_in_client(world.user(who)).get(_url("disclosure-decide", disclosure.pk))
    assert response.status_code == status
    assert _consulted(disclosure) is (status == 200)
    if status == 200:
        body = _text(response)
        assert 'name="outcome"' in body and 'name="minutes"' in body
        assert "Still needed for a decision to disclose" in body
    if status == 403:
        assert _denied()


def _decision(disclosure: Disclosure, **overrides: Any) -> dict[str, Any]:
    data = {
        "outcome": Outcome.DISCLOSE,
        "forum": Forum.MEETING,
        "minutes": "",
        "rationale": RATIONALE,
        "emergency_reason": "",
        "single_agency_reason": "",
        "version": str(_fresh(disclosure).version),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("who", "status"), [("chair", 302), ("practitioner", 403)])
def test_decide_posts(world: DecisionWorld, who: str, status: int):
    disclosure = world.ready()
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    response = signed_in_client(world.user(who)).post(
        _url("disclosure-decide", disclosure.pk), _decision(disclosure, minutes=str(minutes.pk))
    )
    assert response.status_code == status
    decided = _fresh(disclosure)
    if status == 302:
        assert (decided.status, decided.decision_minutes) == (DisclosureStatus.DECIDED, minutes)
        assert _writes(disclosure).get().detail["minutes"] == minutes.pk
    else:
        assert decided.status == DisclosureStatus.PROPOSED
        assert not _writes(disclosure).exists()


def test_decide_refused_shows_every_blocker(world: DecisionWorld):
    disclosure = world.proposal()
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    response = signed_in_client(world.chair).post(
        _url("disclosure-decide", disclosure.pk), _decision(disclosure, minutes=str(minutes.pk))
    )
    body = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Add at least one recipient" in body
    assert "Choose at least one item of information to disclose" in body
    assert _fresh(disclosure).status == DisclosureStatus.PROPOSED


def test_decide_in_an_emergency_with_a_single_agency_reason(world: DecisionWorld):
    disclosure = world.ready()
    client = signed_in_client(world.chair)
    refused = client.post(
        _url("disclosure-decide", disclosure.pk),
        _decision(disclosure, forum=Forum.EMERGENCY, emergency_reason="Synthetic: tonight"),
    )
    assert "Record at least two agencies consulted" in _text(refused)
    response = client.post(
        _url("disclosure-decide", disclosure.pk),
        _decision(
            disclosure,
            forum=Forum.EMERGENCY,
            emergency_reason="Synthetic: tonight",
            single_agency_reason="Synthetic: nobody else answered",
        ),
    )
    assert response.status_code == 302
    decided = _fresh(disclosure)
    assert decided.single_agency and decided.ratification == RatificationStatus.PENDING


# --- disclosure-ratify -------------------------------------------------------------------------------------


def _emergency(world: DecisionWorld) -> Disclosure:
    return decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        forum="emergency",
        proposing_agency=world.north.police,
        proposed_by=world.practitioner,
    )


@pytest.mark.parametrize(("who", "status"), [("chair", 200), ("practitioner", 403), ("south_chair", 404)])
def test_ratify_page(world: DecisionWorld, who: str, status: int):
    disclosure = _emergency(world)
    held_minutes(world.police_nominal, chair=world.chair, days_ago=0)
    response = signed_in_client(world.user(who)).get(_url("disclosure-ratify", disclosure.pk))
    assert response.status_code == status
    assert _consulted(disclosure) is (status == 200)
    if status == 200:
        assert 'name="ratified"' in _text(response)


@pytest.mark.parametrize(("who", "status"), [("chair", 302), ("practitioner", 403)])
def test_ratify_posts(world: DecisionWorld, who: str, status: int):
    disclosure = _emergency(world)
    minutes = held_minutes(world.police_nominal, chair=world.chair, days_ago=0)
    response = signed_in_client(world.user(who)).post(
        _url("disclosure-ratify", disclosure.pk),
        {"minutes": str(minutes.pk), "ratified": "yes", "note": "", "version": str(disclosure.version)},
    )
    assert response.status_code == status
    expected = RatificationStatus.RATIFIED if status == 302 else RatificationStatus.PENDING
    assert _fresh(disclosure).ratification == expected


def test_ratify_page_without_later_minutes_explains(world: DecisionWorld):
    disclosure = _emergency(world)
    body = _text(signed_in_client(world.chair).get(_url("disclosure-ratify", disclosure.pk)))
    assert "There are no minutes of a level 2 or 3 meeting" in body


def test_ratify_page_of_a_meeting_decision(world: DecisionWorld):
    disclosure = decided_to_disclose(
        world.police_nominal, chair=world.chair, proposing_agency=world.north.police
    )
    body = _text(signed_in_client(world.chair).get(_url("disclosure-ratify", disclosure.pk)))
    assert "This decision is not awaiting ratification" in body


# --- the panels --------------------------------------------------------------------------------------------


def test_nominal_page_lists_the_disclosures(world: DecisionWorld):
    disclosure = world.proposal()
    body = _text(
        signed_in_client(world.practitioner).get(
            reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
        )
    )
    assert "Disclosures to third parties" in body
    assert _url("disclosure-detail", disclosure.pk) in body
    assert _url("disclosure-create", world.police_nominal.pk) in body
    health = _text(
        signed_in_client(world.health_practitioner).get(
            reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
        )
    )
    assert disclosure.reference not in health


def test_nominal_page_points_the_owner_to_what_awaits_its_agreement(world: DecisionWorld):
    _awaiting(world)
    body = _text(
        signed_in_client(world.health_practitioner).get(
            reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
        )
    )
    assert "waiting for its agreement" in body
    assert _url("disclosure-agreements") in body


def test_meeting_pack_lists_what_to_ratify_for_the_signed_chair(world: DecisionWorld):
    disclosure = _emergency(world)
    minutes = held_minutes(world.police_nominal, chair=world.chair, days_ago=0)
    meeting = minutes.agenda_item.meeting
    url = reverse("meetings:meeting-pack", args=[meeting.pk])
    signed(meeting, world.chair)
    body = _text(signed_in_client(world.chair).get(url))
    assert "For ratification at this meeting" in body
    assert _url("disclosure-ratify", disclosure.pk) in body
    signed(meeting, world.coordinator)
    body = _text(signed_in_client(world.coordinator).get(url))
    assert disclosure.reference in body
    assert _url("disclosure-ratify", disclosure.pk) not in body


def test_meeting_pack_has_no_ratification_section_without_any(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair, days_ago=0)
    meeting = minutes.agenda_item.meeting
    signed(meeting, world.chair)
    body = _text(signed_in_client(world.chair).get(reverse("meetings:meeting-pack", args=[meeting.pk])))
    assert "For ratification at this meeting" not in body
