"""The minutes and actions pages, each allowed and refused from one setup (MinutesSetup, shared
with the service tests: a held North meeting about `police_nominal`, minuted by a police
minute-taker and chaired by the police chair, the practitioner present and signed)."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.meetings import services_minutes as services
from mappa.meetings.models import Action, ActionStatus, Minutes, MinutesEntry, MinutesStatus
from tests.conftest import signed_in_client
from tests.factories.meetings import MeetingFactory
from tests.unit.meetings.test_minutes import (
    RISK,
    TODAY,
    MinutesSetup,
    add_action,
    agenda_item,
    approved,
    complete,
    fresh,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ms(db: Any) -> MinutesSetup:
    return MinutesSetup()


def _date(prefix: str, value: Any) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _draft(ms: MinutesSetup) -> Minutes:
    return services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)


def _submitted(ms: MinutesSetup) -> Minutes:
    minutes = complete(ms, _draft(ms))
    return services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)


def _get(ms: MinutesSetup, who: str, name: str, *args: Any) -> Any:
    return signed_in_client(getattr(ms, who)).get(reverse(f"meetings:{name}", args=args))


def _post(ms: MinutesSetup, who: str, name: str, args: tuple[Any, ...], data: dict[str, Any]) -> Any:
    return signed_in_client(getattr(ms, who)).post(reverse(f"meetings:{name}", args=args), data)


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("minute_taker", 200),
        ("chair", 200),
        ("practitioner", 404),
        ("other_minute_taker", 404),
        ("south_coordinator", 404),
    ],
)
def test_draft_detail(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    response = _get(ms, who, "minutes-detail", minutes.pk)
    assert response.status_code == status
    consulted = AuditEvent.objects.filter(object_type="minutes", action=AuditAction.CONSULTATION)
    assert consulted.exists() == (status == 200)
    if status == 200:
        body = response.content.decode()
        assert "OFFICIAL-SENSITIVE" in body
        assert "Version 1" in body and "Draft" in body
        assert f"Pre-filled from the referral {ms.referral.reference}" in body
        assert (reverse("meetings:minutes-edit", args=[minutes.pk]) in body) == (who == "minute_taker")
        assert reverse("meetings:minutes-approve", args=[minutes.pk]) not in body


def test_detail_shows_every_mappa_c_section_in_order(ms: MinutesSetup):
    minutes = _draft(ms)
    services.minutes_entry_add(
        minutes=minutes, agency=ms.north.health, text="Synthetic: GP.", by=ms.minute_taker
    )
    services.minutes_decision_add(
        minutes=minutes,
        text="Synthetic decision.",
        rationale="Synthetic why.",
        dissent="Synthetic no.",
        by=ms.minute_taker,
    )
    add_action(ms, minutes)
    body = _get(ms, "minute_taker", "minutes-detail", minutes.pk).content.decode()
    headings = [
        "Attendance",
        "Confidentiality statement",
        "Purpose of the meeting",
        "Review of previous actions",
        "Information shared",
        "Risk assessment summary",
        "Risk management plan",
        "Disclosure considered",
        "Level decision",
        "Decisions",
        "Actions",
        "Next review date",
    ]
    positions = [body.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "North Health Trust" in body and "Synthetic: GP." in body
    assert "Synthetic why." in body and "Synthetic no." in body
    assert "Read out for this case" in body
    assert "Signed version 1" in body


@pytest.mark.parametrize(("who", "status"), [("practitioner", 200), ("probation_practitioner", 404)])
def test_approved_detail_for_signed_attendees_only(ms: MinutesSetup, who, status):
    minutes = approved(ms)
    response = _get(ms, who, "minutes-detail", minutes.pk)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Approved" in body
        assert reverse("meetings:minutes-correct", args=[minutes.pk]) not in body
        event = AuditEvent.objects.get(object_type="minutes", action=AuditAction.CONSULTATION)
        assert event.justification == f"Signed the confidentiality statement for {ms.meeting.reference}"


def test_detail_links_by_role(ms: MinutesSetup):
    minutes = _submitted(ms)
    chair_body = _get(ms, "chair", "minutes-detail", minutes.pk).content.decode()
    assert reverse("meetings:minutes-approve", args=[minutes.pk]) in chair_body
    assert reverse("meetings:minutes-return", args=[minutes.pk]) in chair_body
    writer_body = _get(ms, "minute_taker", "minutes-detail", minutes.pk).content.decode()
    assert reverse("meetings:minutes-edit", args=[minutes.pk]) not in writer_body
    minutes = services.minutes_approve(minutes=minutes, version=minutes.version, by=ms.chair)
    for who in ("chair", "minute_taker"):
        body = _get(ms, who, "minutes-detail", minutes.pk).content.decode()
        assert reverse("meetings:minutes-correct", args=[minutes.pk]) in body
        assert reverse("meetings:minutes-approve", args=[minutes.pk]) not in body


# --- start ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("minute_taker", 302), ("chair", 403), ("practitioner", 403), ("south_coordinator", 404)],
)
def test_start(ms: MinutesSetup, who, status):
    response = _post(ms, who, "minutes-start", (ms.meeting.pk, ms.item.pk), {})
    assert response.status_code == status
    assert Minutes.objects.exists() == (status == 302)
    if status == 302:
        assert response.url == reverse("meetings:minutes-edit", args=[Minutes.objects.get().pk])


def test_start_twice_goes_to_the_draft(ms: MinutesSetup):
    minutes = _draft(ms)
    response = _post(ms, "minute_taker", "minutes-start", (ms.meeting.pk, ms.item.pk), {})
    assert response.url == reverse("meetings:minutes-detail", args=[minutes.pk])
    assert Minutes.objects.count() == 1


def test_start_is_post_only_and_needs_an_item_of_the_meeting(ms: MinutesSetup):
    assert _get(ms, "minute_taker", "minutes-start", ms.meeting.pk, ms.item.pk).status_code == 405
    other = MeetingFactory(area=ms.area, chair=ms.chair, minute_taker=ms.minute_taker)
    assert _post(ms, "minute_taker", "minutes-start", (other.pk, ms.item.pk), {}).status_code == 404


# --- edit -----------------------------------------------------------------------------------


def _edit_data(minutes: Minutes, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": minutes.version,
        "purpose": minutes.purpose,
        "risk_assessment": minutes.risk_assessment,
        "level_decision": "2",
        **_date("next_review_date", TODAY + timedelta(weeks=16)),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 200), ("chair", 403), ("practitioner", 404)])
def test_edit_page(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    response = _get(ms, who, "minutes-edit", minutes.pk)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert f"Pre-filled from the referral {ms.referral.reference} — is this still current?" in body
        assert 'name="confirm_purpose"' in body and 'name="confirm_rmp_supervision"' not in body


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 302), ("chair", 403)])
def test_edit_saves_and_confirms(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    data = _edit_data(minutes, confirm_purpose="on", risk_assessment="Synthetic: rewritten.")
    response = _post(ms, who, "minutes-edit", (minutes.pk,), data)
    assert response.status_code == status
    stored = fresh(minutes)
    if status == 302:
        assert (stored.level_decision, stored.risk_assessment) == (2, "Synthetic: rewritten.")
        assert sorted(stored.confirmed_sections) == ["purpose", "risk_assessment"]
    else:
        assert stored.version == 1
        assert not AuditEvent.objects.filter(object_type="minutes", action=AuditAction.ALTERATION).exists()


def test_edit_conflict_shows_the_stored_text_and_keeps_yours(ms: MinutesSetup):
    minutes = _draft(ms)
    services.minutes_update(
        minutes=minutes, version=1, sections={"purpose": "Synthetic: theirs."}, by=ms.minute_taker
    )
    data = _edit_data(minutes, version=1, purpose="Synthetic: mine.")
    response = _post(ms, "minute_taker", "minutes-edit", (minutes.pk,), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed these minutes" in body
    assert "Synthetic: theirs." in body and "Synthetic: mine." in body
    assert 'name="version" value="2"' in body
    assert fresh(minutes).purpose == "Synthetic: theirs."
    # Saving again, having seen their version, goes through.
    response = _post(
        ms, "minute_taker", "minutes-edit", (minutes.pk,), _edit_data(fresh(minutes), purpose="Both.")
    )
    assert response.status_code == 302
    assert fresh(minutes).purpose == "Both."


def test_edit_of_approved_minutes_goes_back_with_a_message(ms: MinutesSetup):
    minutes = approved(ms)
    response = _post(ms, "minute_taker", "minutes-edit", (minutes.pk,), _edit_data(minutes, purpose="X"))
    assert response.status_code == 302
    assert response.url == reverse("meetings:minutes-detail", args=[minutes.pk])
    assert fresh(minutes).purpose != "X"


def test_edit_validation_errors_show_on_the_form(ms: MinutesSetup):
    minutes = _draft(ms)
    meeting_day = timezone.localdate(ms.meeting.starts_at)
    response = _post(
        ms,
        "minute_taker",
        "minutes-edit",
        (minutes.pk,),
        _edit_data(minutes, **_date("next_review_date", meeting_day)),
    )
    assert response.status_code == 200
    assert "The next review date must be after the meeting" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 302), ("chair", 403)])
def test_confirm_button(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    response = _post(ms, who, "minutes-confirm", (minutes.pk, "purpose"), {})
    assert response.status_code == status
    assert fresh(minutes).confirmed_sections == (["purpose"] if status == 302 else [])


# --- entries, decisions, actions ------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 200), ("chair", 403), ("practitioner", 404)])
def test_entries_page(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    assert _get(ms, who, "minutes-entries", minutes.pk).status_code == status


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 302), ("chair", 403)])
def test_add_entry_decision_and_action(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    forms = [
        {"form": "entry", "entry-agency": ms.north.health.pk, "entry-text": "Synthetic: GP."},
        {"form": "decision", "decision-text": "D.", "decision-rationale": "R.", "decision-dissent": ""},
        {
            "form": "action",
            "action-description": "Synthetic: visit.",
            "action-owner_agency": ms.north.police.pk,
            "action-owner": ms.practitioner.pk,
            **_date("action-due_date", TODAY + timedelta(days=7)),
        },
    ]
    for data in forms:
        assert _post(ms, who, "minutes-entries", (minutes.pk,), data).status_code == status
    counts = (minutes.entries.count(), minutes.decisions.count(), minutes.actions.count())
    assert counts == ((1, 1, 1) if status == 302 else (0, 0, 0))
    if status == 302:
        assert minutes.actions.get().owner == ms.practitioner


def test_entry_errors_show_on_their_own_form(ms: MinutesSetup):
    minutes = _draft(ms)
    response = _post(
        ms, "minute_taker", "minutes-entries", (minutes.pk,), {"form": "decision", "decision-text": "D."}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the reasons for the decision" in body
    assert "<title>Error:" in body
    past = _date("action-due_date", TODAY - timedelta(days=1))
    data = {"form": "action", "action-description": "X", "action-owner_agency": ms.north.police.pk, **past}
    response = _post(ms, "minute_taker", "minutes-entries", (minutes.pk,), data)
    assert "The due date must be today or in the future" in response.content.decode()
    assert not minutes.actions.exists()


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 302), ("chair", 403)])
def test_remove_a_row(ms: MinutesSetup, who, status):
    minutes = _draft(ms)
    entry = services.minutes_entry_add(minutes=minutes, agency=ms.north.health, text="E.", by=ms.minute_taker)
    response = _post(ms, who, "minutes-row-remove", (minutes.pk, "entry", entry.pk), {})
    assert response.status_code == status
    assert MinutesEntry.objects.exists() == (status != 302)


# --- review of previous actions -------------------------------------------------------------


def _review_draft(ms: MinutesSetup) -> tuple[Minutes, Action]:
    first = _draft(ms)
    action = add_action(ms, first)
    first = complete(ms, fresh(first))
    first = services.minutes_submit(minutes=first, version=first.version, by=ms.minute_taker)
    services.minutes_approve(minutes=first, version=first.version, by=ms.chair)
    review = MeetingFactory(area=ms.area, chair=ms.chair, minute_taker=ms.minute_taker)
    draft = services.minutes_start(agenda_item=agenda_item(review, ms.nominal, ms.chair), by=ms.minute_taker)
    return draft, fresh(action)


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 302), ("chair", 403)])
def test_review_previous_action(ms: MinutesSetup, who, status):
    draft, action = _review_draft(ms)
    body = _get(ms, "minute_taker", "minutes-detail", draft.pk).content.decode()
    url = reverse("meetings:minutes-action-review", args=[draft.pk, action.pk])
    assert url in body
    response = _post(
        ms,
        who,
        "minutes-action-review",
        (draft.pk, action.pk),
        {"status": "not_done", "outcome_note": "No access."},
    )
    assert response.status_code == status
    assert fresh(action).status == (ActionStatus.NOT_DONE if status == 302 else ActionStatus.OPEN)


def test_review_not_done_needs_why(ms: MinutesSetup):
    draft, action = _review_draft(ms)
    response = _post(
        ms, "minute_taker", "minutes-action-review", (draft.pk, action.pk), {"status": "not_done"}
    )
    assert response.status_code == 200
    assert "Say why the action was not done" in response.content.decode()


# --- submit, return, approve, correct -------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("minute_taker", 302), ("chair", 403), ("practitioner", 404)])
def test_submit(ms: MinutesSetup, who, status):
    minutes = complete(ms, _draft(ms))
    assert _get(ms, "minute_taker", "minutes-submit", minutes.pk).status_code == 200
    response = _post(ms, who, "minutes-submit", (minutes.pk,), {"version": minutes.version})
    assert response.status_code == status
    assert fresh(minutes).status == (MinutesStatus.SUBMITTED if status == 302 else MinutesStatus.DRAFT)


def test_submit_page_lists_what_is_missing(ms: MinutesSetup):
    minutes = _draft(ms)
    body = _get(ms, "minute_taker", "minutes-submit", minutes.pk).content.decode()
    assert "Confirm that the pre-filled purpose of the meeting is still current" in body
    assert "Select the level the meeting decided" in body
    response = _post(ms, "minute_taker", "minutes-submit", (minutes.pk,), {"version": minutes.version})
    assert response.status_code == 200
    assert fresh(minutes).status == MinutesStatus.DRAFT


@pytest.mark.parametrize(("who", "status"), [("chair", 302), ("minute_taker", 403), ("other_chair", 404)])
def test_return(ms: MinutesSetup, who, status):
    minutes = _submitted(ms)
    response = _post(ms, who, "minutes-return", (minutes.pk,), {"reason": "Synthetic: add dissent."})
    assert response.status_code == status
    assert fresh(minutes).status == (MinutesStatus.DRAFT if status == 302 else MinutesStatus.SUBMITTED)


@pytest.mark.parametrize(("who", "status"), [("chair", 200), ("minute_taker", 403), ("other_chair", 404)])
def test_approve_page(ms: MinutesSetup, who, status):
    minutes = _submitted(ms)
    response = _get(ms, who, "minutes-approve", minutes.pk)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "they are locked" in body
        assert "signed the confidentiality statement" in body
        assert "level changes from level 1 to level 2" in body


@pytest.mark.parametrize(("who", "status"), [("chair", 302), ("minute_taker", 403)])
def test_approve(ms: MinutesSetup, who, status):
    minutes = _submitted(ms)
    response = _post(ms, who, "minutes-approve", (minutes.pk,), {"version": minutes.version})
    assert response.status_code == status
    assert fresh(minutes).status == (MinutesStatus.APPROVED if status == 302 else MinutesStatus.SUBMITTED)


def test_approve_on_a_stale_version_is_refused_on_the_form(ms: MinutesSetup):
    minutes = _submitted(ms)
    response = _post(ms, "chair", "minutes-approve", (minutes.pk,), {"version": minutes.version - 1})
    assert response.status_code == 200
    assert "Someone else changed these minutes" in response.content.decode()
    assert fresh(minutes).status == MinutesStatus.SUBMITTED


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 302), ("minute_taker", 302), ("practitioner", 403), ("probation_practitioner", 404)],
)
def test_correct(ms: MinutesSetup, who, status):
    minutes = approved(ms)
    response = _post(ms, who, "minutes-correct", (minutes.pk,), {"reason": "Synthetic: wrong date."})
    assert response.status_code == status
    assert Minutes.objects.count() == (2 if status == 302 else 1)
    if status == 302:
        correction = Minutes.objects.get(number=2)
        assert response.url == reverse("meetings:minutes-detail", args=[correction.pk])
        body = _get(ms, "minute_taker", "minutes-detail", correction.pk).content.decode()
        assert "Synthetic: wrong date." in body


def test_correct_needs_a_reason(ms: MinutesSetup):
    minutes = approved(ms)
    response = _post(ms, "chair", "minutes-correct", (minutes.pk,), {"reason": ""})
    assert response.status_code == 200
    assert "Enter the reason for the correction" in response.content.decode()


# --- actions --------------------------------------------------------------------------------


def _approved_action(ms: MinutesSetup, **kwargs: Any) -> Action:
    minutes = _draft(ms)
    action = add_action(ms, minutes, **kwargs)
    minutes = complete(ms, fresh(minutes))
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    services.minutes_approve(minutes=minutes, version=minutes.version, by=ms.chair)
    return Action.objects.get(pk=action.pk)


@pytest.mark.parametrize(("who", "status"), [("practitioner", 200), ("chair", 200), ("senior_manager", 403)])
def test_action_list(ms: MinutesSetup, who, status):
    action = _approved_action(ms)
    response = _get(ms, who, "action-list")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert action.description in body
        assert ("Overdue actions from your meetings" in body) == (who == "chair")
        event = AuditEvent.objects.get(object_type="action_list")
        assert event.detail["action_ids"] == [action.pk]


def test_action_list_flags_overdue(ms: MinutesSetup):
    action = _approved_action(ms, due_date=TODAY)
    Action.objects.filter(pk=action.pk).update(due_date=TODAY - timedelta(days=2))  # time passes
    body = _get(ms, "chair", "action-list").content.decode()
    assert "govuk-tag--red" in body and "Overdue" in body
    assert "1 action is past its due date" in body
    mine = _get(ms, "practitioner", "action-list").content.decode()
    assert "govuk-tag--red" in mine


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        ("practitioner", 200, 302),
        ("coordinator", 200, 302),
        ("chair", 200, 302),
        ("other_chair", 200, 403),
        ("probation_practitioner", 404, 404),
    ],
)
def test_action_update(ms: MinutesSetup, who, get, post):
    action = _approved_action(ms)
    response = _get(ms, who, "action-update", action.pk)
    assert response.status_code == get
    if get == 200:
        assert ('data-testid="read-only"' in response.content.decode()) == (post == 403)
    response = _post(ms, who, "action-update", (action.pk,), {"status": "done", "outcome_note": "Visited."})
    assert response.status_code == post
    assert fresh(action).status == (ActionStatus.DONE if post == 302 else ActionStatus.OPEN)


def test_action_page_view_is_a_consultation(ms: MinutesSetup):
    action = _approved_action(ms)
    _get(ms, "practitioner", "action-update", action.pk)
    event = AuditEvent.objects.get(object_type="action", action=AuditAction.CONSULTATION)
    assert (event.object_id, event.justification) == (str(action.pk), "Owner of the action")


def test_action_update_not_done_needs_why(ms: MinutesSetup):
    action = _approved_action(ms)
    response = _post(
        ms, "practitioner", "action-update", (action.pk,), {"status": "not_done", "outcome_note": ""}
    )
    assert response.status_code == 200
    assert "Say why the action was not done" in response.content.decode()


# --- home -----------------------------------------------------------------------------------


def test_home_counts(ms: MinutesSetup):
    action = _approved_action(ms)
    Action.objects.filter(pk=action.pk).update(due_date=TODAY - timedelta(days=1))
    practitioner = signed_in_client(ms.practitioner).get(reverse("web:home")).content.decode()
    assert "1 open action for you" in practitioner
    assert "overdue action" not in practitioner
    chair = signed_in_client(ms.chair).get(reverse("web:home")).content.decode()
    assert "0 open actions for you" in chair
    assert "1 overdue action from your meetings" in chair and "govuk-warning-text" in chair
    assert "0 minutes waiting for you" in chair
    # A minute-taker sees their draft waiting.
    other = MeetingFactory(area=ms.area, chair=ms.chair, minute_taker=ms.minute_taker)
    draft = services.minutes_start(
        agenda_item=agenda_item(other, ms.probation_nominal, ms.chair), by=ms.minute_taker
    )
    writer = signed_in_client(ms.minute_taker).get(reverse("web:home")).content.decode()
    assert "1 minutes waiting for you" in writer
    assert reverse("meetings:minutes-detail", args=[draft.pk]) in writer
    senior = signed_in_client(ms.senior_manager).get(reverse("web:home")).content.decode()
    assert "open action" not in senior and "minutes waiting" not in senior


def test_risk_text_is_not_in_any_audit_summary(ms: MinutesSetup):
    approved(ms)
    assert not AuditEvent.objects.filter(summary__contains=RISK).exists()


def test_this_meetings_own_actions_are_not_offered_for_review(ms: MinutesSetup):
    minutes = _draft(ms)
    action = add_action(ms, minutes)
    body = _get(ms, "minute_taker", "minutes-detail", minutes.pk).content.decode()
    assert action.description in body
    assert f"/minutes/{minutes.pk}/previous-actions/" not in body
