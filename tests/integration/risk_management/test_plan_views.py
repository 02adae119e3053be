"""The risk management plan pages, each allowed and denied from one world, and the plan's section
of the nominal's overview.

NominalSetup's North and South. North Police leads `police_nominal` (level 1) and `level2`; North
Health, a duty-to-co-operate agency, owns an item on both, so its practitioner opens them (and
reads their plans) but writes and approves nothing. The North Police practitioner writes the
plans; `setup.chair` (North Police) approves them. The users here open only cases they have a
basis for (lead agency, co-ordinator, involvement), so no page stops to ask for a reason, except
where a test says so.
"""

import html
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from mappa.audit.models import Action, AuditEvent
from mappa.meetings.models import MinutesStatus
from mappa.nominals.models import Nominal
from mappa.risk_management.models import (
    ConsiderationDecision,
    DisclosureConsideration,
    Pillar,
    PlanAction,
    PlanActionStatus,
    PlanStatus,
    RiskManagementPlan,
)
from mappa.risk_management.panel_plans import PlanPanel
from tests.conftest import signed_in_client
from tests.factories.information_sharing import ItemFactory
from tests.factories.meetings import held_minutes
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.risk_management import (
    ConsiderationFactory,
    PersonAtRiskFactory,
    PlanActionFactory,
    PlanFactory,
    full_plan,
)

pytestmark = pytest.mark.django_db

RATIONALE = "Synthetic: she already knows of the offending; disclosure adds no protection."


@dataclass
class World:
    setup: NominalSetup
    level2: Nominal

    def user(self, who: str) -> Any:
        return self.setup.user(who)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)


@pytest.fixture
def world(db) -> World:
    setup = NominalSetup()
    level2 = NominalFactory(lead_agency=setup.north.police, area=setup.area, level=2)
    for nominal in (setup.police_nominal, level2):
        ItemFactory(nominal=nominal, owner_agency=setup.north.health, author=setup.health_practitioner)
    return World(setup, level2)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(name: str, *args: Any) -> str:
    return reverse(f"risk_management:{name}", args=args)


def _consulted(nominal: Nominal) -> bool:
    return AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal.pk).exists()


def _events(plan: RiskManagementPlan | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="risk_management_plan")
    return events.filter(object_id=str(plan.pk)) if plan is not None else events


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _draft(world: World, nominal: Nominal | None = None, **kwargs: Any) -> RiskManagementPlan:
    kwargs.setdefault("author", world.practitioner)
    return PlanFactory(nominal=nominal or world.police_nominal, **kwargs)


def _approved(world: World, nominal: Nominal | None = None, **kwargs: Any) -> RiskManagementPlan:
    kwargs.setdefault("status", PlanStatus.APPROVED)
    kwargs.setdefault("approved_by", world.chair)
    return _draft(world, nominal, **kwargs)


def _date(prefix: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


# Who may read a North Police case's plan, and what the page answers them.
READERS = [
    ("practitioner", 200),
    ("coordinator", 200),
    ("chair", 200),
    ("health_practitioner", 200),  # involved through its item
    ("senior_manager", 403),  # no RISK_VIEW
    ("auditor", 403),
    ("south_coordinator", 404),  # cannot see the case
]


def _assert_read(world: World, who: str, status: int, response: Any, nominal: Nominal) -> None:
    assert response.status_code == status
    if status == 200:
        assert _consulted(nominal)
    else:
        # Refused before the case was opened: no consultation recorded.
        assert not _consulted(nominal)


# --- plan-current -------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), READERS)
def test_current_page(world: World, who: str, status: int):
    plan = full_plan(_approved(world, licence_conditions="Synthetic: curfew 7pm to 7am."))
    response = signed_in_client(world.user(who)).get(_url("plan-current", world.police_nominal.pk))
    _assert_read(world, who, status, response, world.police_nominal)
    if status == 200:
        body = _text(response)
        assert f"Version {plan.number}" in body
        assert "Synthetic: curfew 7pm to 7am." in body
        assert 'data-testid="plan-warnings"' not in body


def test_current_page_asks_a_user_without_a_basis_for_a_reason(world: World):
    response = signed_in_client(world.probation_practitioner).get(
        _url("plan-current", world.police_nominal.pk)
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("nominals:nominal-reason", args=[world.police_nominal.pk]))
    assert not _consulted(world.police_nominal)


def test_current_page_without_a_plan_offers_a_review_to_writers_only(world: World):
    url = _url("plan-current", world.police_nominal.pk)
    body = _text(signed_in_client(world.practitioner).get(url))
    assert "No plan has been approved yet" in body
    assert _url("plan-start", world.police_nominal.pk) in body
    other = _text(signed_in_client(world.health_practitioner).get(url))
    assert "No plan has been approved yet" in other
    assert _url("plan-start", world.police_nominal.pk) not in other


def test_current_page_shows_the_draft_and_warnings(world: World):
    _approved(world, review_date=timezone.localdate() - timedelta(days=2))
    draft = _draft(world)
    body = _text(signed_in_client(world.practitioner).get(_url("plan-current", world.police_nominal.pk)))
    assert 'data-testid="draft-in-progress"' in body
    assert _url("plan-detail", draft.pk) in body
    assert _url("plan-start", world.police_nominal.pk) not in body  # a draft exists
    assert "govuk-warning-text" in body
    assert "Victim safety planning has no actions" in body
    assert "has passed" in body


# --- plan-versions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), READERS)
def test_versions_page(world: World, who: str, status: int):
    minutes = held_minutes(world.level2, chair=world.chair)
    first = _approved(world, world.level2, status=PlanStatus.SUPERSEDED)
    second = _approved(world, world.level2, approved_minutes=minutes)
    response = signed_in_client(world.user(who)).get(_url("plan-versions", world.level2.pk))
    _assert_read(world, who, status, response, world.level2)
    if status != 200:
        return
    body = _text(response)
    assert body.index(f"Version {second.number}") < body.index(f"Version {first.number}")
    assert "Superseded" in body and "Approved" in body
    meeting = minutes.agenda_item.meeting
    assert meeting.reference in body
    # The minutes are meeting papers: linked only for those who may read them (the chair).
    try:
        minutes_url = reverse("meetings:minutes-detail", args=[minutes.pk])
    except NoReverseMatch:  # pragma: no cover - the meetings app names the page
        minutes_url = ""
    assert (minutes_url in body) == (who == "chair")


# --- plan-detail --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), READERS)
def test_detail_page(world: World, who: str, status: int):
    plan = _draft(world)
    PlanActionFactory(
        plan=plan, pillar=Pillar.VICTIM_SAFETY, description="Synthetic: target hardening at the address"
    )
    ConsiderationFactory(
        plan=plan, person_at_risk=PersonAtRiskFactory(nominal=world.police_nominal, is_child=True)
    )
    response = signed_in_client(world.user(who)).get(_url("plan-detail", plan.pk))
    _assert_read(world, who, status, response, world.police_nominal)
    if status != 200:
        return
    body = _text(response)
    assert "Synthetic: target hardening at the address" in body
    assert 'data-testid="considerations"' in body and "Child" in body
    assert "Supervision has no actions" in body
    writes = who in ("practitioner", "coordinator")
    assert ('data-testid="plan-tasks"' in body) == (writes or who == "chair")
    assert (_url("plan-edit", plan.pk) in body) == writes
    assert (_url("plan-action-add", plan.pk) in body) == writes
    assert (_url("plan-approve", plan.pk) in body) == (who == "chair")


def test_detail_task_list_says_when_the_draft_is_ready(world: World):
    plan = _ready(world, world.level2)
    client = signed_in_client(world.practitioner)
    assert "Ready to approve" in _text(client.get(_url("plan-detail", plan.pk)))
    PersonAtRiskFactory(nominal=world.level2)
    body = _text(client.get(_url("plan-detail", plan.pk)))
    assert "Ready to approve" not in body and "Cannot start yet" in body


def test_detail_missing_and_hidden_look_the_same(world: World):
    hidden = _draft(world, world.south_nominal, author=world.south_coordinator)
    client = signed_in_client(world.practitioner)
    assert client.get(_url("plan-detail", hidden.pk)).status_code == 404
    assert client.get(_url("plan-detail", 10**6)).status_code == 404


def test_detail_flags_overdue_actions(world: World):
    plan = _approved(world)
    PlanActionFactory(plan=plan, due_date=timezone.localdate() - timedelta(days=1))
    body = _text(signed_in_client(world.practitioner).get(_url("plan-detail", plan.pk)))
    assert "Overdue" in body


# --- plan-start ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 302),
        ("coordinator", 302),
        ("health_practitioner", 403),
        ("chair", 403),
        ("south_coordinator", 404),
    ],
)
def test_start_posts(world: World, who: str, status: int):
    response = signed_in_client(world.user(who)).post(_url("plan-start", world.police_nominal.pk))
    assert response.status_code == status
    plans = RiskManagementPlan.objects.filter(nominal=world.police_nominal)
    if status == 302:
        plan = plans.get()
        assert response["Location"] == _url("plan-detail", plan.pk)
        event = _events(plan).get()
        assert (event.action, event.actor_user_id) == (Action.COLLECTION, world.user(who).pk)
    else:
        assert not plans.exists()
        assert not _events().exists()


def test_start_with_a_draft_goes_to_it(world: World):
    draft = _draft(world)
    client = signed_in_client(world.practitioner)
    response = client.post(_url("plan-start", world.police_nominal.pk))
    assert response["Location"] == _url("plan-detail", draft.pk)
    assert "A new version is already being written: continue it" in _text(client.get(response["Location"]))
    assert RiskManagementPlan.objects.count() == 1


def test_start_only_posts(world: World):
    assert (
        signed_in_client(world.practitioner).get(_url("plan-start", world.police_nominal.pk)).status_code
        == 405
    )


# --- plan-edit ----------------------------------------------------------------------------------


def _plan_form(plan: RiskManagementPlan, **overrides: Any) -> dict[str, str]:
    data = {
        "risks_to_manage": "Synthetic: risk to children at the nearby school.",
        "licence_conditions": "Synthetic: reside at the approved premises.",
        "restrictive_orders": "",
        "disclosure_note": "",
        "version": str(plan.version),
        **_date("review_date", timezone.localdate() + timedelta(weeks=10)),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 302),
        ("coordinator", 302),
        ("health_practitioner", 403),
        ("chair", 403),
        ("south_coordinator", 404),
    ],
)
def test_edit_posts(world: World, who: str, status: int):
    plan = _draft(world)
    client = signed_in_client(world.user(who))
    if status == 302:
        assert client.get(_url("plan-edit", plan.pk)).status_code == 200
    response = client.post(_url("plan-edit", plan.pk), _plan_form(plan))
    assert response.status_code == status
    stored = _fresh(plan)
    if status == 302:
        assert response["Location"] == _url("plan-detail", plan.pk)
        assert stored.licence_conditions == "Synthetic: reside at the approved premises."
        assert "licence_conditions" in _events(plan).get().changed_fields
    else:
        assert stored.version == plan.version
        assert not _events(plan).exists()


def test_edit_stale_version_is_refused_on_the_page(world: World):
    plan = _draft(world)
    response = signed_in_client(world.practitioner).post(
        _url("plan-edit", plan.pk), _plan_form(plan, version=str(plan.version - 1))
    )
    assert response.status_code == 200
    assert "Someone else changed this plan" in _text(response)
    assert not _events(plan).exists()


def test_edit_past_review_date_is_shown_on_the_field(world: World):
    plan = _draft(world)
    data = _plan_form(plan, **_date("review_date", timezone.localdate() - timedelta(days=1)))
    response = signed_in_client(world.practitioner).post(_url("plan-edit", plan.pk), data)
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "The review date must be in the future" in body


def test_edit_an_approved_plan_goes_back_to_it(world: World):
    plan = _approved(world)
    response = signed_in_client(world.practitioner).get(_url("plan-edit", plan.pk))
    assert response["Location"] == _url("plan-detail", plan.pk)


# --- actions ------------------------------------------------------------------------------------


def _action_form(plan: RiskManagementPlan, **overrides: Any) -> dict[str, str]:
    data = {
        "pillar": Pillar.MONITORING_CONTROL,
        "description": "Synthetic: check the electronic monitoring reports weekly.",
        "owner_agency": str(plan.owner_agency_id),
        "owner": "",
        "owner_name": "",
        "version": str(plan.version),
        **_date("due_date", timezone.localdate() + timedelta(days=14)),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 302),
        ("coordinator", 302),
        ("probation_practitioner", 403),
        ("health_practitioner", 403),
    ],
)
def test_action_add_posts(world: World, who: str, status: int):
    plan = _draft(world)
    client = signed_in_client(world.user(who))
    if status == 302:
        body = _text(client.get(_url("plan-action-add", plan.pk)))
        assert 'name="pillar"' in body and world.north.health.name in body
    data = _action_form(
        plan, owner=str(world.probation_practitioner.pk), owner_agency=str(world.north.probation.pk)
    )
    response = client.post(_url("plan-action-add", plan.pk), data)
    assert response.status_code == status
    if status == 302:
        action = PlanAction.objects.get()
        assert (action.pillar, action.owner) == (Pillar.MONITORING_CONTROL, world.probation_practitioner)
        assert _events(plan).get().detail["action"] == action.pk
    else:
        assert not PlanAction.objects.exists()
        assert not _events().exists()


def test_action_add_empty_post_shows_every_error(world: World):
    plan = _draft(world)
    response = signed_in_client(world.practitioner).post(_url("plan-action-add", plan.pk), {})
    body = _text(response)
    assert response.status_code == 200
    for message in (
        "Select the part of the plan the action belongs to",
        "Enter what is to be done",
        "Select the agency responsible",
    ):
        assert message in body
    assert not PlanAction.objects.exists()


def test_action_add_refuses_an_agency_of_another_area(world: World):
    plan = _draft(world)
    data = _action_form(plan, owner_agency=str(world.south.police.pk))
    body = _text(signed_in_client(world.practitioner).post(_url("plan-action-add", plan.pk), data))
    assert "Select an agency serving the nominal's area" in body
    assert not PlanAction.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("health_practitioner", 403), ("south_coordinator", 404)]
)
def test_action_edit_posts(world: World, who: str, status: int):
    plan = _draft(world)
    action = PlanActionFactory(plan=plan)
    client = signed_in_client(world.user(who))
    if status == 302:
        assert action.description in _text(client.get(_url("plan-action-edit", action.pk)))
    data = _action_form(plan, pillar=Pillar.CONTINGENCY, description="Synthetic: recall to prison")
    response = client.post(_url("plan-action-edit", action.pk), data)
    assert response.status_code == status
    stored = _fresh(action)
    if status == 302:
        assert (stored.pillar, stored.description) == (Pillar.CONTINGENCY, "Synthetic: recall to prison")
        assert "description" in _events(plan).get().changed_fields
    else:
        assert stored.description == action.description
        assert not _events().exists()


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 302), ("chair", 403), ("health_practitioner", 403)]
)
def test_action_remove_posts(world: World, who: str, status: int):
    plan = _draft(world)
    action = PlanActionFactory(plan=plan)
    client = signed_in_client(world.user(who))
    if status == 302:
        assert "Remove this action?" in _text(client.get(_url("plan-action-remove", action.pk)))
    response = client.post(_url("plan-action-remove", action.pk), {"version": str(plan.version)})
    assert response.status_code == status
    assert PlanAction.objects.exists() == (status != 302)
    if status == 302:
        assert _events(plan).get().action == Action.ERASURE


@pytest.mark.parametrize(
    ("who", "status"),
    [("probation_practitioner", 302), ("practitioner", 302), ("health_practitioner", 403), ("chair", 403)],
)
def test_action_status_posts(world: World, who: str, status: int):
    """Progress on an action of the current plan: its owner agency (North Probation here, whose
    practitioner gives a reason to open the case) or the plan's writers."""
    plan = _approved(world)
    action = PlanActionFactory(plan=plan, owner_agency=world.north.probation)
    client = signed_in_client(world.user(who))
    if who == "probation_practitioner":
        session = client.session
        session["nominal_reasons"] = {
            str(world.police_nominal.pk): {
                "reason": "Synthetic: our action in the plan",
                "until": (timezone.now() + timedelta(minutes=30)).isoformat(),
            }
        }
        session.save()
    if status == 302:
        assert client.get(_url("plan-action-status", action.pk)).status_code == 200
    response = client.post(_url("plan-action-status", action.pk), {"status": PlanActionStatus.IN_PROGRESS})
    assert response.status_code == status
    stored = _fresh(action)
    if status == 302:
        assert stored.status == PlanActionStatus.IN_PROGRESS
        assert _events(plan).get().changed_fields == ["status"]
    else:
        assert stored.status == PlanActionStatus.NOT_STARTED
        assert not _events().exists()


# --- plan-disclosure and plan-consider ----------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), READERS)
def test_disclosure_page(world: World, who: str, status: int):
    plan = _draft(world)
    decided = PersonAtRiskFactory(nominal=world.police_nominal, description="Synthetic: former partner")
    waiting = PersonAtRiskFactory(nominal=world.police_nominal, description="Synthetic: staff of the hostel")
    ConsiderationFactory(plan=plan, person_at_risk=decided, decision=ConsiderationDecision.DISCLOSE)
    response = signed_in_client(world.user(who)).get(_url("plan-disclosure", plan.pk))
    _assert_read(world, who, status, response, world.police_nominal)
    if status != 200:
        return
    body = _text(response)
    assert "Synthetic: former partner" in body and "Synthetic: staff of the hostel" in body
    assert "Not recorded" in body
    records = who in ("practitioner", "coordinator", "chair")
    assert (_url("plan-consider", plan.pk, waiting.pk) in body) == records
    try:
        propose = reverse("disclosures:disclosure-create", args=[world.police_nominal.pk])
    except NoReverseMatch:  # the disclosures part may not be built yet: no link then
        assert "Propose a disclosure to protect them" not in body
    else:
        assert f"{propose}?person_at_risk={decided.pk}&plan={plan.pk}" in body
        assert body.count("Propose a disclosure to protect them") == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 302), ("chair", 302), ("health_practitioner", 403), ("south_coordinator", 404)],
)
def test_consider_posts(world: World, who: str, status: int):
    plan = _draft(world)
    person = PersonAtRiskFactory(nominal=world.police_nominal)
    client = signed_in_client(world.user(who))
    url = _url("plan-consider", plan.pk, person.pk)
    if status == 302:
        assert escape(person.label) in client.get(url).content.decode()
    data = {"decision": ConsiderationDecision.DEFER, "rationale": RATIONALE, "version": str(plan.version)}
    response = client.post(url, data)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == _url("plan-disclosure", plan.pk)
        row = DisclosureConsideration.objects.get()
        assert (row.decision, row.recorded_by) == (ConsiderationDecision.DEFER, world.user(who))
        assert _events(plan).get().detail["person_at_risk"] == person.pk
    else:
        assert not DisclosureConsideration.objects.exists()
        assert not _events().exists()


def test_consider_refuses_a_word_for_a_rationale(world: World):
    plan = _draft(world)
    person = PersonAtRiskFactory(nominal=world.police_nominal)
    response = signed_in_client(world.practitioner).post(
        _url("plan-consider", plan.pk, person.pk),
        {"decision": ConsiderationDecision.DO_NOT_DISCLOSE, "rationale": "No.", "version": str(plan.version)},
    )
    assert response.status_code == 200
    assert "Explain the rationale in a sentence or more" in _text(response)
    assert not DisclosureConsideration.objects.exists()


def test_consider_a_person_at_risk_of_another_case_is_404(world: World):
    plan = _draft(world)
    other = PersonAtRiskFactory(nominal=world.probation_nominal)
    assert (
        signed_in_client(world.practitioner).get(_url("plan-consider", plan.pk, other.pk)).status_code == 404
    )


# --- plan-approve -------------------------------------------------------------------------------


def _ready(world: World, nominal: Nominal | None = None) -> RiskManagementPlan:
    nominal = nominal or world.police_nominal
    plan = full_plan(_draft(world, nominal))
    ConsiderationFactory(plan=plan, person_at_risk=PersonAtRiskFactory(nominal=nominal))
    return plan


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 302), ("practitioner", 403), ("health_practitioner", 403), ("south_coordinator", 404)],
)
def test_approve_level_1_posts(world: World, who: str, status: int):
    previous = _approved(world)
    plan = _ready(world)
    client = signed_in_client(world.user(who))
    if status == 302:
        body = _text(client.get(_url("plan-approve", plan.pk)))
        assert 'data-testid="approval-ready"' in body
        assert "Not at a meeting" in body
    response = client.post(
        _url("plan-approve", plan.pk), {"minutes": "none", "note": "", "version": str(plan.version)}
    )
    assert response.status_code == status
    stored = _fresh(plan)
    if status == 302:
        assert response["Location"] == _url("plan-detail", plan.pk)
        assert (stored.status, stored.approved_by) == (PlanStatus.APPROVED, world.chair)
        assert _fresh(previous).status == PlanStatus.SUPERSEDED
        event = _events(plan).get()
        assert (event.action, event.detail["minutes"]) == (Action.ALTERATION, None)
    else:
        assert stored.status == PlanStatus.DRAFT
        assert not _events(plan).exists()


def test_approve_level_2_with_the_minutes_chosen(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.level2, chair=world.chair, status=MinutesStatus.DRAFT)
    client = signed_in_client(world.chair)
    body = _text(client.get(_url("plan-approve", plan.pk)))
    assert f'value="{minutes.pk}"' in body
    assert 'value="none"' not in body  # level 2: approved at a meeting only
    response = client.post(
        _url("plan-approve", plan.pk), {"minutes": str(minutes.pk), "note": "", "version": str(plan.version)}
    )
    assert response.status_code == 302
    assert _fresh(plan).approved_minutes == minutes
    assert _events(plan).get().detail["minutes_reference"] == minutes.reference


def test_approve_page_lists_every_blocker_and_the_post_is_refused_with_them(world: World):
    plan = _draft(world, world.level2, review_date=None)
    person = PersonAtRiskFactory(nominal=world.level2, description="Synthetic: former partner")
    client = signed_in_client(world.chair)
    body = _text(client.get(_url("plan-approve", plan.pk)))
    blockers = [
        "Enter the date of the next review of the plan",
        "Add at least one action to the plan",
        f"Record a disclosure decision, with its rationale, for {person.label}",
        "you have not chaired one",
    ]
    for blocker in blockers:
        assert blocker in body
    assert 'data-testid="no-minutes"' in body
    response = client.post(_url("plan-approve", plan.pk), {"note": "", "version": str(plan.version)})
    assert response.status_code == 200
    refused = _text(response)
    assert "govuk-error-summary" in refused
    summary = refused[refused.index("govuk-error-summary") :]
    for blocker in blockers:
        assert blocker in summary
    assert _fresh(plan).status == PlanStatus.DRAFT
    assert not _events(plan).exists()


def test_approve_page_shows_warnings(world: World):
    plan = _draft(world)
    PlanActionFactory(plan=plan)
    body = _text(signed_in_client(world.chair).get(_url("plan-approve", plan.pk)))
    assert "Victim safety planning has no actions" in body


def test_approve_an_approved_plan_goes_back_to_it(world: World):
    plan = _approved(world)
    response = signed_in_client(world.chair).get(_url("plan-approve", plan.pk))
    assert response["Location"] == _url("plan-detail", plan.pk)


# --- the panel on the nominal's overview ----------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner", "chair", "health_practitioner"])
def test_panel_on_the_nominal_overview(world: World, who: str):
    current = _approved(world, review_date=timezone.localdate() - timedelta(days=1))
    draft = _draft(world)
    response = signed_in_client(world.user(who)).get(
        reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
    )
    body = _text(response)
    assert response.status_code == 200
    assert 'id="risk-management-plan"' in body
    assert 'data-testid="plan-panel"' in body
    assert f"Version {current.number}, owned by {world.north.police.name}" in body
    assert "Overdue" in body
    assert "6 warnings" in body  # five empty sections and a passed review date
    assert _url("plan-detail", draft.pk) in body
    assert _url("plan-current", world.police_nominal.pk) in body
    assert _url("plan-versions", world.police_nominal.pk) in body


def test_panel_without_a_plan(world: World):
    body = _text(
        signed_in_client(world.practitioner).get(
            reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
        )
    )
    assert 'data-testid="plan-panel-none"' in body


def test_panel_is_absent_without_risk_view(world: World):
    request = RequestFactory().get("/")
    request.user = world.senior_manager
    assert PlanPanel().panel(request, world.police_nominal) is None
    request.user = world.practitioner
    panel = PlanPanel().panel(request, world.police_nominal)
    assert panel is not None and panel.template_name == "risk_management/plan_panel.html"
