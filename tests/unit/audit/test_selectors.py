from datetime import UTC, date, datetime
from unittest import mock

import pytest

from mappa.audit.models import BREAK_GLASS_BASIS, Action
from mappa.audit.selectors import agency_choices, event_list
from mappa.audit.services import record_event
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies():
    a = AgencyFactory(code="A-POLICE", name="Agency A")
    b = AgencyFactory(code="B-PROBATION", name="Agency B", kind="probation")
    return a, b


def _summaries(events):
    return [e.summary for e in events]


def test_an_auditor_sees_events_by_their_agency_and_about_its_objects(two_agencies):
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    worker_a = member(["practitioner"], agency=a)
    worker_b = member(["practitioner"], agency=b)
    record_event(action=Action.COLLECTION, actor=worker_a, summary="by A")
    record_event(action=Action.CONSULTATION, actor=worker_b, object_agency_id=a.pk, summary="B reads A's")
    record_event(action=Action.CONSULTATION, actor=worker_b, object_agency_id=b.pk, summary="B reads B's")
    record_event(action=Action.SIGN_IN_FAILED, actor_username="stranger", summary="nobody")
    assert _summaries(event_list(fetched_by=auditor)) == ["B reads A's", "by A"]


def test_newest_first(two_agencies):
    a, _ = two_agencies
    auditor = member(["auditor"], agency=a)
    for n in range(3):
        record_event(action=Action.COLLECTION, actor=auditor, summary=str(n))
    assert _summaries(event_list(fetched_by=auditor)) == ["2", "1", "0"]


@pytest.mark.parametrize("roles", [["practitioner"], ["agency_administrator"], ["senior_manager"]])
def test_anyone_without_audit_view_sees_nothing(two_agencies, roles):
    a, _ = two_agencies
    user = member(roles, agency=a)
    record_event(action=Action.COLLECTION, actor=user, summary="own event")
    assert not event_list(fetched_by=user).exists()
    assert agency_choices(fetched_by=user) == []


def test_an_auditor_acting_for_no_agency_sees_nothing(two_agencies):
    a, _ = two_agencies
    auditor = member(["auditor"], agency=a)
    record_event(action=Action.COLLECTION, actor=auditor)
    auditor.acting_membership = None
    assert not event_list(fetched_by=auditor).exists()


def test_an_auditor_role_in_another_agency_does_not_count(two_agencies):
    # Permissions come from the acting membership only.
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    record_event(action=Action.COLLECTION, actor=auditor)
    assert auditor.acting_membership is not None
    auditor.acting_membership.agency_id = b.pk
    auditor.acting_membership.roles = ["practitioner"]
    assert not event_list(fetched_by=auditor).exists()


def test_filters(two_agencies):
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    alice = member(["practitioner"], agency=a, username="alice")
    bob = member(["practitioner"], agency=b, username="bob")
    record_event(action=Action.COLLECTION, actor=alice, object_type="item", object_id=1, summary="1")
    record_event(action=Action.DISCLOSURE, actor=alice, object_type="item", object_id=2, summary="2")
    record_event(
        action=Action.CONSULTATION,
        actor=bob,
        object_type="plan",
        object_id=1,
        object_agency_id=a.pk,
        summary="3",
    )

    def run(**filters):
        return _summaries(event_list(fetched_by=auditor, **filters))

    assert run(username="ALICE ") == ["2", "1"]
    assert run(action=Action.DISCLOSURE) == ["2"]
    assert run(object_type="item") == ["2", "1"]
    assert run(object_type="item", object_id="1") == ["1"]
    assert run(agency_id=b.pk) == ["3"]
    assert run(agency_id=a.pk) == ["3", "2", "1"]
    assert run(username="nobody") == []


def test_date_filters_use_london_calendar_days(two_agencies):
    a, _ = two_agencies
    auditor = member(["auditor"], agency=a)
    moments = {
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
        "june": datetime(2026, 6, 30, 22, 30, tzinfo=UTC),
        "july1": datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
        "july2": datetime(2026, 7, 2, 12, 0, tzinfo=UTC),
    }
    for summary, moment in moments.items():
        with mock.patch("django.utils.timezone.now", return_value=moment):
            record_event(action=Action.COLLECTION, actor=auditor, summary=summary)

    def run(**filters):
        return _summaries(event_list(fetched_by=auditor, **filters))

    assert run(date_from=date(2026, 7, 1)) == ["july2", "july1"]
    assert run(date_to=date(2026, 6, 30)) == ["june"]
    assert run(date_from=date(2026, 7, 1), date_to=date(2026, 7, 1)) == ["july1"]


def test_events_carry_their_object_agency_code(two_agencies):
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    record_event(action=Action.COLLECTION, actor=auditor, object_agency_id=b.pk, summary="about B")
    record_event(action=Action.COLLECTION, actor=auditor, summary="about nothing")
    codes = {e.summary: e.object_agency_code for e in event_list(fetched_by=auditor)}  # type: ignore[attr-defined]
    assert codes == {"about B": "B-PROBATION", "about nothing": None}


def test_agency_choices_for_an_auditor(two_agencies):
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    choices = agency_choices(fetched_by=auditor)
    assert (a.pk, "Agency A (A-POLICE)") in choices
    assert (b.pk, "Agency B (B-PROBATION)") in choices


def test_break_glass_keeps_only_consultations_on_a_reason_given(two_agencies):
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    worker = member(["practitioner"], agency=a)
    record_event(action=Action.CONSULTATION, actor=worker, object_agency_id=b.pk, summary="on a basis")
    record_event(
        action=Action.CONSULTATION,
        actor=worker,
        object_agency_id=b.pk,
        summary="on a reason",
        justification="Reason given: checking an address before a visit",
        detail={"basis": BREAK_GLASS_BASIS},
    )
    # The same detail on another action is not a consultation on a reason given.
    record_event(
        action=Action.EXPORT, actor=worker, summary="odd export", detail={"basis": BREAK_GLASS_BASIS}
    )
    record_event(action=Action.CONSULTATION, actor=worker, summary="other detail", detail={"basis": "other"})
    assert _summaries(event_list(fetched_by=auditor, break_glass=True)) == ["on a reason"]
    assert len(event_list(fetched_by=auditor, break_glass=False)) == 4


def test_break_glass_stays_within_the_auditors_scope(two_agencies):
    a, b = two_agencies
    auditor = member(["auditor"], agency=a)
    worker_b = member(["practitioner"], agency=b)
    record_event(
        action=Action.CONSULTATION, actor=worker_b, object_agency_id=b.pk, detail={"basis": BREAK_GLASS_BASIS}
    )
    assert not event_list(fetched_by=auditor, break_glass=True).exists()
