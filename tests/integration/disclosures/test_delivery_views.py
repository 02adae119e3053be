"""The preparation, delivery and review pages, the record's PDF and the dashboard, each allowed
and denied from one world (tests/unit/disclosures/test_delivery.py's).

North Police proposed the disclosure of `police_nominal`, which it leads, so its practitioner,
co-ordinator and chair open the record on that basis and no page stops to ask for a reason. The
chair decides but does not prepare or deliver; the senior manager holds no disclosure
permission; the health practitioner (duty to co-operate, not involved) and South's co-ordinator
cannot see the record at all, and get the same 404 as for one that does not exist.
"""

import html
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.disclosures.models import (
    Disclosure,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureTrigger,
    Outcome,
    Undertaking,
)
from mappa.disclosures.views_delivery import delivery_context
from tests.conftest import signed_in_client
from tests.factories.disclosures import prepared
from tests.unit.disclosures.test_delivery import NOTE, World, build_world, decided, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return build_world()


def _url(name: str, pk: int) -> str:
    return reverse(f"disclosures:{name}", args=[pk])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _events(disclosure: Disclosure, action: Action | None = None) -> Any:
    found = AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk))
    return found.filter(action=action) if action else found


def _consulted(disclosure: Disclosure) -> bool:
    return bool(_events(disclosure, Action.CONSULTATION).exists())


def _writes(disclosure: Disclosure) -> Any:
    return _events(disclosure).exclude(action=Action.CONSULTATION)


def _record(disclosure: Disclosure) -> str:
    return reverse("disclosures:disclosure-detail", args=[disclosure.pk])


# Who asks, and what they get, for every page that prepares, delivers or reviews.
RECORDERS = [
    ("practitioner", 200),
    ("coordinator", 200),
    ("chair", 403),  # decides; does not prepare or deliver
    ("senior_manager", 403),  # no disclosure permission
    ("health_practitioner", 404),  # cannot see the record
    ("south_coordinator", 404),
]


def _check_get(world: World, who: str, status: int, url: str, marker: str) -> None:
    response = signed_in_client(world.setup.user(who)).get(url)
    assert response.status_code == status
    if status == 200:
        assert marker in _text(response)
        assert _consulted(world.disclosure)
    else:
        # Refused before the record was opened: no consultation recorded.
        assert not _consulted(world.disclosure)


def test_missing_and_hidden_look_the_same(world: World):
    client = signed_in_client(world.south_coordinator)
    hidden = client.get(_url("disclosure-prepare", world.disclosure.pk))
    missing = client.get(_url("disclosure-prepare", world.disclosure.pk + 1000))
    assert hidden.status_code == missing.status_code == 404


# --- preparation --------------------------------------------------------------------------------


def _preparation(version: int, **overrides: str) -> dict[str, Any]:
    data = {
        "recipient_already_knows": "Synthetic: knows of a conviction.",
        "confidentiality_understood": "on",
        "how_to_use": "Synthetic: only to protect her children.",
        "what_to_report": "",
        "contact_and_support": "",
        "breakdown_support": "",
        "version": str(version),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_prepare_page(world: World, who: str, status: int):
    _check_get(world, who, status, _url("disclosure-prepare", world.disclosure.pk), 'name="how_to_use"')


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_prepare_saved(world: World, who: str, status: int):
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-prepare", world.disclosure.pk), _preparation(world.disclosure.version)
    )
    assert response.status_code == status
    stored = fresh(world.disclosure)
    if status == 302:
        assert response["Location"] == _record(world.disclosure)
        assert stored.how_to_use == "Synthetic: only to protect her children."
        assert stored.confidentiality_understood
        (event,) = _writes(world.disclosure)
        assert "how_to_use" in event.changed_fields
    else:
        assert stored.how_to_use == ""
        assert not _writes(world.disclosure).exists()


def test_prepare_stale_version_shown_on_the_form(world: World):
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-prepare", world.disclosure.pk), _preparation(world.disclosure.version - 1)
    )
    assert response.status_code == 200
    assert "Someone else changed this disclosure record" in _text(response)
    assert fresh(world.disclosure).how_to_use == ""


def test_prepare_page_lists_what_is_missing_and_the_triggers(world: World):
    prepared(world.disclosure, deliverer=world.practitioner, mark=False, how_to_use="")
    text = _text(signed_in_client(world.practitioner).get(_url("disclosure-prepare", world.disclosure.pk)))
    assert "Record how the recipient may use the information" in text
    assert "Synthetic: him near the school gates" in text
    assert "<caption" in text


def test_prepare_page_of_a_delivered_disclosure_says_why_not(world: World):
    Disclosure.objects.filter(pk=world.disclosure.pk).update(
        status=DisclosureStatus.DELIVERED, delivered_at=timezone.now(), delivered_by=world.practitioner
    )
    response = signed_in_client(world.practitioner).get(_url("disclosure-prepare", world.disclosure.pk))
    assert 'data-testid="not-open"' in _text(response)
    assert 'name="how_to_use"' not in _text(response)


# --- marking as prepared ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_mark_prepared_page(world: World, who: str, status: int):
    _check_get(world, who, status, _url("disclosure-mark-prepared", world.disclosure.pk), "Mark as prepared")


def test_mark_prepared_page_shows_the_blockers(world: World):
    text = _text(
        signed_in_client(world.practitioner).get(_url("disclosure-mark-prepared", world.disclosure.pk))
    )
    assert "Record what the recipient already knows" in text
    assert "Add at least one key trigger" in text


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("health_practitioner", 404)]
)
def test_mark_prepared(world: World, who: str, status: int):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, mark=False)
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-mark-prepared", disclosure.pk), {"version": disclosure.version}
    )
    assert response.status_code == status
    expected = DisclosureStatus.PREPARED if status == 302 else DisclosureStatus.DECIDED
    assert fresh(disclosure).status == expected
    assert _writes(disclosure).exists() == (status == 302)


def test_mark_prepared_refused_with_the_blockers(world: World):
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-mark-prepared", world.disclosure.pk), {"version": world.disclosure.version}
    )
    assert response.status_code == 200
    assert "cannot be marked as prepared yet" in _text(response)
    assert fresh(world.disclosure).status == DisclosureStatus.DECIDED


# --- key triggers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_trigger_add_page(world: World, who: str, status: int):
    _check_get(world, who, status, _url("trigger-add", world.disclosure.pk), 'name="if_you_see"')


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_trigger_added(world: World, who: str, status: int):
    data = {
        "if_you_see": "Synthetic: him at the gate",
        "you_need_to": "Synthetic: call 999",
        "version": str(world.disclosure.version),
    }
    response = signed_in_client(world.setup.user(who)).post(_url("trigger-add", world.disclosure.pk), data)
    assert response.status_code == status
    assert DisclosureTrigger.objects.filter(disclosure=world.disclosure).exists() == (status == 302)
    if status == 302:
        assert response["Location"] == _url("disclosure-prepare", world.disclosure.pk)
        assert _writes(world.disclosure).get().action == Action.COLLECTION


def test_trigger_needs_what_to_do(world: World):
    data = {
        "if_you_see": "Synthetic: him at the gate",
        "you_need_to": "",
        "version": str(world.disclosure.version),
    }
    response = signed_in_client(world.practitioner).post(_url("trigger-add", world.disclosure.pk), data)
    assert "Enter what the recipient needs to do if they see it" in _text(response)
    assert not DisclosureTrigger.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 302), ("chair", 403), ("senior_manager", 403), ("south_coordinator", 404)],
)
def test_trigger_removed(world: World, who: str, status: int):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, mark=False)
    trigger = DisclosureTrigger.objects.get(disclosure=disclosure)
    client = signed_in_client(world.setup.user(who))
    page = client.get(_url("trigger-remove", trigger.pk))
    assert page.status_code == (200 if status == 302 else status)
    response = client.post(_url("trigger-remove", trigger.pk), {"version": disclosure.version})
    assert response.status_code == status
    assert DisclosureTrigger.objects.filter(pk=trigger.pk).exists() == (status != 302)
    if status == 302:
        assert _writes(disclosure).get().action == Action.ERASURE


def test_trigger_remove_missing_is_404(world: World):
    response = signed_in_client(world.practitioner).get(_url("trigger-remove", 9999))
    assert response.status_code == 404


# --- the offender's involvement -----------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_offender_page(world: World, who: str, status: int):
    _check_get(world, who, status, _url("disclosure-offender", world.disclosure.pk), 'name="involvement"')


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("health_practitioner", 404)]
)
def test_offender_involvement_recorded(world: World, who: str, status: int):
    data = {
        "involvement": "not_informed",
        "not_informed_reason": "increase_risk",
        "not_informed_detail": "Synthetic: he has threatened her.",
        "version": str(world.disclosure.version),
    }
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-offender", world.disclosure.pk), data
    )
    assert response.status_code == status
    assert (fresh(world.disclosure).offender_involvement == "not_informed") == (status == 302)


def test_offender_not_informed_needs_a_reason(world: World):
    data = {
        "involvement": "not_informed",
        "not_informed_reason": "",
        "not_informed_detail": "",
        "version": str(world.disclosure.version),
    }
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-offender", world.disclosure.pk), data
    )
    text = _text(response)
    assert "Select why the offender will not be told" in text
    assert "Explain why the offender will not be told" in text
    assert fresh(world.disclosure).offender_involvement == ""


# --- telling a recipient the offender does not know ---------------------------------------------


@pytest.mark.parametrize(("who", "status"), [*RECORDERS[:2], ("chair", 403), ("south_coordinator", 404)])
def test_recipient_told(world: World, who: str, status: int):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    recipient = world.recipients[0]
    client = signed_in_client(world.setup.user(who))
    page = client.get(_url("recipient-told", recipient.pk))
    assert page.status_code == status
    if status == 200:
        assert html.escape(recipient.name) in page.content.decode()
    response = client.post(
        _url("recipient-told", recipient.pk), {"confirmed": "on", "version": disclosure.version}
    )
    assert response.status_code == (302 if status == 200 else status)
    assert DisclosureRecipient.objects.get(pk=recipient.pk).told_offender_unaware == (status == 200)


def test_recipient_told_needs_the_box_ticked(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    response = signed_in_client(world.practitioner).post(
        _url("recipient-told", world.recipients[0].pk), {"version": disclosure.version}
    )
    assert "Confirm that the recipient was told" in _text(response)


# --- the delivery plan --------------------------------------------------------------------------


def _plan(world: World, day: Any, who: Any = None) -> dict[str, Any]:
    return {
        "deliverer": str((who or world.probation_practitioner).pk),
        "planned_delivery_date_day": str(day.day),
        "planned_delivery_date_month": str(day.month),
        "planned_delivery_date_year": str(day.year),
        "version": str(world.disclosure.version),
    }


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_plan_page(world: World, who: str, status: int):
    _check_get(world, who, status, _url("disclosure-plan-delivery", world.disclosure.pk), 'name="deliverer"')


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_delivery_planned(world: World, who: str, status: int):
    day = timezone.localdate() + timedelta(days=5)
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-plan-delivery", world.disclosure.pk), _plan(world, day)
    )
    assert response.status_code == status
    assert (fresh(world.disclosure).planned_delivery_date == day) == (status == 302)


def test_delivery_plan_in_the_past_refused(world: World):
    day = timezone.localdate() - timedelta(days=1)
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-plan-delivery", world.disclosure.pk), _plan(world, day)
    )
    assert "must be today or in the future" in _text(response)
    assert fresh(world.disclosure).planned_delivery_date is None


def test_plan_page_offers_only_who_may_deliver_and_flags_overdue(world: World):
    Disclosure.objects.filter(pk=world.disclosure.pk).update(
        planned_delivery_date=timezone.localdate() - timedelta(days=2)
    )
    text = _text(
        signed_in_client(world.practitioner).get(_url("disclosure-plan-delivery", world.disclosure.pk))
    )
    assert f'value="{world.probation_practitioner.pk}"' in text
    assert f'value="{world.health_practitioner.pk}"' not in text
    assert 'data-testid="overdue"' in text


# --- delivery -----------------------------------------------------------------------------------


def _delivery(world: World, answers: dict[int, str] | None = None, **overrides: str) -> dict[str, str]:
    at = timezone.localtime(timezone.now() - timedelta(hours=1))
    data = {
        "date_day": str(at.day),
        "date_month": str(at.month),
        "date_year": str(at.year),
        "time": f"{at:%H:%M}",
        "method": "in_person",
        "method_reason": "",
        "delivered_with": "",
        "note": "",
        "version": str(fresh(world.disclosure).version),
    }
    for pk, answer in (
        answers if answers is not None else {r.pk: "signed" for r in world.recipients}
    ).items():
        data[f"undertaking_{pk}"] = answer
    data.update(overrides)
    return data


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_deliver_page(world: World, who: str, status: int):
    prepared(world.disclosure, deliverer=world.practitioner)
    _check_get(
        world, who, status, _url("disclosure-deliver", world.disclosure.pk), "writes the disclosure log"
    )


def test_deliver_page_asks_each_recipient_for_the_undertaking(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    content = (
        signed_in_client(world.practitioner).get(_url("disclosure-deliver", world.disclosure.pk)).content
    )
    for recipient in world.recipients:
        assert f'name="undertaking_{recipient.pk}"' in content.decode()
        assert html.escape(recipient.name) in content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("health_practitioner", 404)]
)
def test_delivery_recorded_writes_the_disclosure_log(world: World, who: str, status: int):
    prepared(world.disclosure, deliverer=world.practitioner)
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-deliver", world.disclosure.pk), _delivery(world)
    )
    assert response.status_code == status
    logged = _events(world.disclosure, Action.DISCLOSURE)
    if status == 302:
        assert fresh(world.disclosure).status == DisclosureStatus.DELIVERED
        (event,) = logged
        assert event.recipients == [f"{r.name} ({r.get_kind_display()})" for r in world.recipients]
    else:
        assert fresh(world.disclosure).status == DisclosureStatus.PREPARED
        assert not logged.exists()


def test_delivery_refused_undertaking_returns_it(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    first, second = world.recipients
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-deliver", world.disclosure.pk),
        _delivery(world, {first.pk: "signed", second.pk: "refused"}),
    )
    assert response.status_code == 302
    assert fresh(world.disclosure).status == DisclosureStatus.RETURNED
    assert not _events(world.disclosure, Action.DISCLOSURE).exists()


def test_delivery_errors_shown_on_their_fields(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    first, second = world.recipients
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-deliver", world.disclosure.pk),
        _delivery(world, {first.pk: "signed"}, method="writing"),
    )
    text = _text(response)
    assert response.status_code == 200
    assert "Explain why the disclosure was not made in person" in text
    assert f"Select whether {second.name} signed the confidentiality undertaking or refused" in text
    assert f'href="#id_undertaking_{second.pk}_0"' in text
    assert fresh(world.disclosure).status == DisclosureStatus.PREPARED


def test_delivery_in_the_future_refused(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    later = timezone.localtime(timezone.now() + timedelta(days=2))
    data = _delivery(world, date_day=str(later.day), date_month=str(later.month), date_year=str(later.year))
    response = signed_in_client(world.practitioner).post(
        _url("disclosure-deliver", world.disclosure.pk), data
    )
    assert "must be in the past" in _text(response)
    assert 'href="#id_date"' in _text(response)


def test_deliver_page_before_preparation_says_why_not(world: World):
    response = signed_in_client(world.practitioner).get(_url("disclosure-deliver", world.disclosure.pk))
    assert 'data-testid="not-open"' in _text(response)


# --- reconsidering after a refused undertaking --------------------------------------------------


def _returned(world: World) -> Disclosure:
    prepared(world.disclosure, deliverer=world.practitioner)
    first, second = world.recipients
    first.undertaking, second.undertaking = Undertaking.SIGNED, Undertaking.REFUSED
    first.save(override=True)
    second.save(override=True)
    disclosure = fresh(world.disclosure)
    disclosure.status = DisclosureStatus.RETURNED
    disclosure.returned_at = timezone.now()
    disclosure.return_reason = f"{second.name} refuses to sign the confidentiality undertaking"
    disclosure.save(override=True)
    return disclosure


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("practitioner", 403), ("senior_manager", 403), ("south_coordinator", 403)],
)
def test_reconsider_page(world: World, who: str, status: int):
    _returned(world)
    _check_get(world, who, status, _url("disclosure-reconsider", world.disclosure.pk), 'name="proceed"')


@pytest.mark.parametrize(("who", "status"), [("chair", 302), ("practitioner", 403), ("coordinator", 403)])
def test_reconsider_proceed(world: World, who: str, status: int):
    disclosure = _returned(world)
    data = {"proceed": "yes", "note": NOTE, "version": disclosure.version}
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-reconsider", disclosure.pk), data
    )
    assert response.status_code == status
    expected = DisclosureStatus.PREPARED if status == 302 else DisclosureStatus.RETURNED
    assert fresh(disclosure).status == expected


def test_reconsider_not_proceed(world: World):
    disclosure = _returned(world)
    data = {"proceed": "no", "note": NOTE, "version": disclosure.version}
    signed_in_client(world.chair).post(_url("disclosure-reconsider", disclosure.pk), data)
    stored = fresh(disclosure)
    assert (stored.outcome, stored.status) == (Outcome.DO_NOT_DISCLOSE, DisclosureStatus.DECIDED)


def test_reconsider_needs_a_full_reason(world: World):
    disclosure = _returned(world)
    data = {"proceed": "yes", "note": "Short", "version": disclosure.version}
    response = signed_in_client(world.chair).post(_url("disclosure-reconsider", disclosure.pk), data)
    assert "20 characters or more" in _text(response)


# --- review -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), RECORDERS)
def test_review_page(db, who: str, status: int):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    _check_get(
        world,
        who,
        status,
        _url("disclosure-review", world.disclosure.pk),
        "Review the decision not to disclose",
    )


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_review_recorded(db, who: str, status: int):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    response = signed_in_client(world.setup.user(who)).post(
        _url("disclosure-review", world.disclosure.pk),
        {"note": NOTE, "version": str(world.disclosure.version)},
    )
    assert response.status_code == status
    expected = DisclosureStatus.REVIEWED if status == 302 else DisclosureStatus.DECIDED
    assert fresh(world.disclosure).status == expected
    assert _writes(world.disclosure).exists() == (status == 302)


def test_review_page_before_delivery_says_why_not(world: World):
    response = signed_in_client(world.practitioner).get(_url("disclosure-review", world.disclosure.pk))
    assert 'data-testid="not-open"' in _text(response)


# --- the PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("chair", 200),  # decides disclosures: may have the record
        ("senior_manager", 403),
        ("auditor", 403),
        ("south_coordinator", 404),
        ("health_practitioner", 404),
    ],
)
def test_pdf(world: World, who: str, status: int):
    response = signed_in_client(world.setup.user(who)).get(_url("disclosure-pdf", world.disclosure.pk))
    assert response.status_code == status
    exports = _events(world.disclosure, Action.EXPORT)
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="{world.disclosure.reference}-record.pdf"'
        )
        assert "no-store" in response["Cache-Control"]
        assert response.content.startswith(b"%PDF")
        (event,) = exports
        assert event.justification == "Disclosure record downloaded"
        assert event.actor_username == world.setup.user(who).username
    else:
        assert not exports.exists()
        assert not _consulted(world.disclosure)


def test_pdf_without_the_libraries_says_so(world: World, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = signed_in_client(world.practitioner).get(_url("disclosure-pdf", world.disclosure.pk))
    assert response.status_code == 503
    assert "cannot make PDF copies" in _text(response)
    assert not _events(world.disclosure, Action.EXPORT).exists()


# --- the dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("chair", 200),
        ("health_practitioner", 200),
        ("senior_manager", 403),
        ("auditor", 403),
    ],
)
def test_dashboard(world: World, who: str, status: int):
    response = signed_in_client(world.setup.user(who)).get(reverse("disclosures:disclosure-dashboard"))
    assert response.status_code == status


def test_dashboard_lists_overdue_open_ratification_and_review(world: World):
    setup = world.setup
    Disclosure.objects.filter(pk=world.disclosure.pk).update(
        planned_delivery_date=timezone.localdate() - timedelta(days=3)
    )
    emergency = decided(setup, forum="emergency", ratification="pending")
    to_review = decided(setup, outcome=Outcome.DO_NOT_DISCLOSE)

    text = _text(signed_in_client(setup.practitioner).get(reverse("disclosures:disclosure-dashboard")))
    assert 'govuk-tag--red">Overdue' in text
    for disclosure in (world.disclosure, emergency, to_review):
        assert disclosure.reference in text
    assert text.count("<caption") == 4
    # A list of references and states is not a look at any record: nothing is consulted.
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION, object_type="disclosure").exists()


def test_dashboard_empty_states(world: World):
    text = _text(signed_in_client(world.south_coordinator).get(reverse("disclosures:disclosure-dashboard")))
    assert world.disclosure.reference not in text
    assert "No deliveries are overdue." in text
    assert "There are no open disclosures." in text
    assert "Nothing is awaiting review." in text
    assert "No emergency decisions are awaiting ratification." in text


# --- the task list on the record page -----------------------------------------------------------


def _context(world: World, user: Any) -> dict[str, Any]:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return delivery_context(request, fresh(world.disclosure))


def _statuses(context: dict[str, Any]) -> dict[str, str]:
    return {task.key: task.status for section in context["delivery_sections"] for task in section.tasks}


def test_task_list_after_a_decision_to_disclose(world: World):
    context = _context(world, world.practitioner)
    assert [s.heading for s in context["delivery_sections"]] == [
        "Preparing the recipient",
        "Delivery",
        "Review",
    ]
    assert _statuses(context) == {
        "prepare": "incomplete",
        "triggers": "incomplete",
        "offender": "incomplete",
        "plan": "incomplete",
        "mark-prepared": "cannot_start",
        "deliver": "cannot_start",
        "review": "cannot_start",
    }
    assert "Record what the recipient already knows" in context["delivery_blockers"]
    assert context["delivery_can_download"]


def test_task_list_when_prepared_and_the_offender_not_told(world: World):
    prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    context = _context(world, world.practitioner)
    statuses = _statuses(context)
    assert statuses["mark-prepared"] == "completed"
    assert statuses["deliver"] == "incomplete"
    first, second = world.recipients
    assert statuses[f"told-{first.pk}"] == statuses[f"told-{second.pk}"] == "incomplete"
    assert len(context["delivery_blockers"]) == 2
    # The chair sees the same states, with no links: preparing is not theirs.
    chair = _context(world, world.chair)
    assert _statuses(chair) == statuses
    assert all(not task.url for section in chair["delivery_sections"] for task in section.tasks)


def test_task_list_of_a_decision_not_to_disclose_is_the_review_only(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    context = _context(world, world.practitioner)
    assert [s.heading for s in context["delivery_sections"]] == ["Review"]
    (task,) = context["delivery_sections"][0].tasks
    assert (task.status, task.url) == ("incomplete", _url("disclosure-review", world.disclosure.pk))


def test_task_list_partial_renders_as_a_govuk_task_list(world: World):
    from django.template.loader import render_to_string

    Disclosure.objects.filter(pk=world.disclosure.pk).update(
        planned_delivery_date=timezone.localdate() - timedelta(days=1)
    )
    context = _context(world, world.practitioner)
    rendered = render_to_string(
        "disclosures/delivery/_tasks.html", {**context, "disclosure": world.disclosure}
    )
    for heading in ("Preparing the recipient", "Delivery", "Review"):
        assert f'<h2 class="govuk-heading-m">{heading}</h2>' in rendered
    assert rendered.count('class="govuk-task-list"') == 3
    assert "Cannot start yet" in rendered and "Incomplete" in rendered
    assert 'govuk-tag--red">Overdue' in rendered
    assert "Download the disclosure record (PDF)" in rendered
    assert _url("disclosure-pdf", world.disclosure.pk) in rendered


def test_record_page_includes_the_task_list(world: World):
    response = signed_in_client(world.practitioner).get(_record(world.disclosure))
    assert response.status_code == 200
    text = _text(response)
    assert "Preparing the recipient" in text
    assert "Download the disclosure record (PDF)" in text


def test_deliver_page_links_to_telling_each_recipient(world: World):
    prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    first, second = world.recipients
    DisclosureRecipient.objects.filter(pk=first.pk).update(told_offender_unaware=True)
    text = _text(signed_in_client(world.practitioner).get(_url("disclosure-deliver", world.disclosure.pk)))
    assert _url("recipient-told", second.pk) in text
    assert _url("recipient-told", first.pk) not in text


def test_page_asks_for_a_reason_without_a_basis(world: World):
    """North Probation may prepare the disclosure but has no relationship to the case: like the
    case's own pages, the record opens only once a reason is given, and nothing is recorded
    before."""
    response = signed_in_client(world.probation_practitioner).get(
        _url("disclosure-prepare", world.disclosure.pk)
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("nominals:nominal-reason", args=[world.police_nominal.pk]))
    assert not _consulted(world.disclosure)


def test_reconsider_by_a_chair_of_another_area_is_404(world: World):
    from tests.factories.accounts import member

    _returned(world)
    south_chair = member(["meeting_chair"], agency=world.south.police)
    response = signed_in_client(south_chair).get(_url("disclosure-reconsider", world.disclosure.pk))
    assert response.status_code == 404
    assert not _consulted(world.disclosure)


def test_dashboard_queries_do_not_grow_with_rows(world: World):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(world.practitioner)
    url = reverse("disclosures:disclosure-dashboard")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    yesterday = timezone.localdate() - timedelta(days=1)

    def one_of_each() -> None:
        decided(world.setup, planned_delivery_date=yesterday)
        decided(world.setup, outcome=Outcome.DO_NOT_DISCLOSE)
        decided(world.setup, ratification="pending")

    # One row in every list first: an empty list runs no query for its names.
    one_of_each()
    before = queries()
    for _ in range(3):
        one_of_each()
    assert queries() == before
