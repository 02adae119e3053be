from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals import services
from mappa.nominals.models import (
    ChangedField,
    ChangeReason,
    Nominal,
    NominalStatusChange,
    NominalTransfer,
    Status,
    TransferReason,
    TransferStatus,
)
from tests.factories.nominals import NominalSetup, person_of

TODAY = timezone.localdate()


def _events(nominal_id: int, action: Action | None = None) -> int:
    events = AuditEvent.objects.filter(nominal_id=nominal_id)
    return (events.filter(action=action) if action else events).count()


def _create(setup: NominalSetup, by: object, **kwargs: object) -> Nominal:
    values: dict[str, object] = {
        "person": setup.person,
        "area": setup.area,
        "category": 1,
        "level": 1,
        "lead_agency": setup.north.police,
    }
    values.update(kwargs)
    return services.nominal_create(by=by, **values)  # type: ignore[arg-type]


# Create


@pytest.mark.parametrize("who", ["coordinator", "practitioner"])
def test_nominal_create_allowed(setup: NominalSetup, who):
    nominal = _create(setup, setup.user(who), sentence_date=date(2020, 1, 1), release_date=date(2024, 1, 1))
    assert nominal.version == 1
    assert nominal.next_review_date == TODAY + timedelta(weeks=52)
    fields = set(nominal.changes.values_list("field", flat=True))
    assert fields == set(ChangedField.values)
    assert set(nominal.changes.values_list("reason", flat=True)) == {ChangeReason.IDENTIFIED}
    event = AuditEvent.objects.get(nominal_id=nominal.pk, action=Action.COLLECTION)
    assert event.object_type == "nominal"
    assert event.object_agency_id == setup.north.police.pk


@pytest.mark.parametrize(
    "who", ["chair", "senior_manager", "health_practitioner", "auditor", "south_coordinator"]
)
def test_nominal_create_denied(setup: NominalSetup, who):
    with pytest.raises(PermissionDenied):
        _create(setup, setup.user(who))
    assert not Nominal.objects.filter(person=setup.person).exists()


def test_practitioner_cannot_create_for_another_lead_agency(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        _create(setup, setup.practitioner, lead_agency=setup.north.probation)
    assert error.value.field == "lead_agency"


def test_coordinator_can_create_for_another_lead_agency(setup: NominalSetup):
    nominal = _create(setup, setup.coordinator, lead_agency=setup.north.probation)
    assert nominal.lead_agency == setup.north.probation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"category": 3, "level": 1}, "level"),
        ({"category": 9}, "category"),
        ({"category": "x"}, "category"),
        ({"level": 0}, "level"),
        ({"sentence_date": date(2024, 5, 1), "release_date": date(2024, 4, 30)}, "release_date"),
        ({"release_date": date(2024, 5, 1), "licence_end_date": date(2024, 4, 1)}, "licence_end_date"),
        ({"order_start_date": date(2024, 5, 1), "order_end_date": date(2024, 4, 1)}, "order_end_date"),
        ({"sentence_date": date(1900, 1, 1)}, "sentence_date"),
        ({"status": Status.EXITED}, "status"),
        ({"status": "bogus"}, "status"),
        ({"lead_agency": None}, "lead_agency"),
        ({"index_offence": "x" * 2001}, "index_offence"),
    ],
)
def test_nominal_create_refuses_bad_input(setup: NominalSetup, kwargs, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as error:
        _create(setup, setup.coordinator, **kwargs)
    assert error.value.field == field
    assert not Nominal.objects.filter(person=setup.person).exists()
    assert AuditEvent.objects.count() == before


def test_nominal_create_refuses_dtc_lead_other_than_health(setup: NominalSetup):
    # Health may lead (hospital patients); an inactive or non-area agency may not.
    nominal = _create(setup, setup.coordinator, lead_agency=setup.north.health)
    assert nominal.lead_agency == setup.north.health
    with pytest.raises(ApplicationError):
        _create(
            setup, setup.coordinator, person=person_of(setup.north.police), lead_agency=setup.south.police
        )


def test_nominal_create_refuses_person_of_another_area(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        _create(setup, setup.coordinator, person=person_of(setup.south.police))
    assert error.value.field == "person"


def test_nominal_create_refuses_person_already_managed(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        _create(setup, setup.coordinator, person=setup.police_nominal.person)
    assert error.value.field == "person"


def test_nominal_create_checks_case_manager_is_of_lead_agency(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        _create(setup, setup.coordinator, case_manager=setup.probation_practitioner)
    assert error.value.field == "case_manager"
    nominal = _create(setup, setup.coordinator, case_manager=setup.practitioner)
    assert nominal.case_manager == setup.practitioner


# Changes: who may


CHANGES: dict[str, tuple[Any, dict[str, Any]]] = {
    "category": (services.nominal_change_category, {"category": 2, "reason": ChangeReason.NEW_CONVICTION}),
    "level": (services.nominal_change_level, {"level": 2, "reason": ChangeReason.RISK_INCREASED}),
    "status": (
        services.nominal_change_status,
        {"status": Status.IN_CUSTODY, "reason": ChangeReason.RECALLED},
    ),
    "exit": (services.nominal_exit, {"reason": ChangeReason.LICENCE_EXPIRED}),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("coordinator", True),
        ("practitioner", True),
        ("probation_practitioner", False),
        ("chair", False),
        ("health_practitioner", False),
        ("senior_manager", False),
        ("south_coordinator", False),
    ],
)
def test_change_allowed_and_denied(setup: NominalSetup, change, who, allowed):
    service, kwargs = CHANGES[change]
    nominal = setup.police_nominal
    call = lambda: service(  # noqa: E731
        nominal=nominal, effective_date=TODAY, version=nominal.version, by=setup.user(who), **kwargs
    )
    if allowed:
        changed = call()
        assert changed.version == 2
        assert _events(nominal.pk, Action.ALTERATION) == 1
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert Nominal.objects.get(pk=nominal.pk).version == 1
        assert not nominal.changes.exists()
        assert _events(nominal.pk) == 0


def test_probation_practitioner_changes_probation_led_nominal(setup: NominalSetup):
    nominal = services.nominal_change_level(
        nominal=setup.probation_nominal,
        level=2,
        reason=ChangeReason.MEETING_DECISION,
        effective_date=TODAY,
        version=1,
        by=setup.probation_practitioner,
    )
    assert nominal.level == 2


# Changes: history, rules, locking


def test_level_change_writes_history_and_sets_review(setup: NominalSetup):
    effective = TODAY - timedelta(days=7)
    nominal = services.nominal_change_level(
        nominal=setup.police_nominal,
        level=3,
        reason=ChangeReason.SENIOR_OVERSIGHT,
        reason_detail="Media interest",
        effective_date=effective,
        version=1,
        by=setup.coordinator,
    )
    assert nominal.next_review_date == effective + timedelta(weeks=8)
    change = NominalStatusChange.objects.get(nominal=nominal)
    assert (change.field, change.from_value, change.to_value) == ("level", "1", "3")
    assert change.to_label.startswith("Level 3")
    assert change.changed_by == setup.coordinator
    assert change.effective_date == effective
    assert change.reason_detail == "Media interest"
    event = AuditEvent.objects.get(nominal_id=nominal.pk)
    assert event.changed_fields == ["level", "next_review_date"]
    assert "Media" not in str(event.detail) and "Media" not in event.summary


def test_review_weeks_come_from_settings(setup: NominalSetup, settings):
    settings.MAPPA_REVIEW_WEEKS = {2: 4}
    nominal = services.nominal_change_level(
        nominal=setup.police_nominal,
        level=2,
        reason="risk_increased",
        effective_date=TODAY,
        version=1,
        by=setup.coordinator,
    )
    assert nominal.next_review_date == TODAY + timedelta(weeks=4)
    assert services.next_review_date(1, TODAY) is None


def test_category_3_at_level_1_refused_both_ways(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        services.nominal_change_category(
            nominal=setup.police_nominal,
            category=3,
            reason="meeting_decision",
            effective_date=TODAY,
            version=1,
            by=setup.coordinator,
        )
    assert error.value.field == "category"
    nominal = services.nominal_change_level(
        nominal=setup.police_nominal,
        level=2,
        reason="risk_increased",
        effective_date=TODAY,
        version=1,
        by=setup.coordinator,
    )
    nominal = services.nominal_change_category(
        nominal=nominal,
        category=3,
        reason="meeting_decision",
        effective_date=TODAY,
        version=2,
        by=setup.coordinator,
    )
    with pytest.raises(ApplicationError) as error:
        services.nominal_change_level(
            nominal=nominal,
            level=1,
            reason="risk_reduced",
            effective_date=TODAY,
            version=3,
            by=setup.coordinator,
        )
    assert error.value.field == "level"
    assert Nominal.objects.get(pk=nominal.pk).level == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": 1}, "level"),  # unchanged
        ({"level": 7}, "level"),
        ({"reason": "released"}, "reason"),  # a status reason, not a level one
        ({"reason": "other"}, "reason_detail"),
        ({"reason_detail": "x" * 2001}, "reason_detail"),
        ({"effective_date": None}, "effective_date"),
        ({"effective_date": TODAY + timedelta(days=1)}, "effective_date"),
        ({"effective_date": date(1900, 1, 1)}, "effective_date"),
    ],
)
def test_level_change_refuses_bad_input(setup: NominalSetup, kwargs, field):
    values: dict[str, Any] = {"level": 2, "reason": "risk_increased", "effective_date": TODAY, **kwargs}
    with pytest.raises(ApplicationError) as error:
        services.nominal_change_level(nominal=setup.police_nominal, version=1, by=setup.coordinator, **values)
    assert error.value.field == field
    assert not setup.police_nominal.changes.exists()
    assert _events(setup.police_nominal.pk) == 0


def test_stale_version_is_refused(setup: NominalSetup):
    nominal = setup.police_nominal
    services.nominal_change_level(
        nominal=nominal,
        level=2,
        reason="risk_increased",
        effective_date=TODAY,
        version=1,
        by=setup.coordinator,
    )
    with pytest.raises(ApplicationError) as error:
        services.nominal_change_category(
            nominal=nominal,
            category=2,
            reason="new_conviction",
            effective_date=TODAY,
            version=1,
            by=setup.practitioner,
        )
    assert "Someone else changed this nominal" in error.value.message
    assert Nominal.objects.get(pk=nominal.pk).category == 1


def test_lead_agency_change_clears_case_manager_of_old_agency(setup: NominalSetup):
    nominal = services.nominal_change_lead_agency(
        nominal=setup.police_nominal,
        lead_agency=setup.north.probation,
        reason=ChangeReason.SUPERVISION_STARTED,
        effective_date=TODAY,
        version=1,
        by=setup.practitioner,
    )
    assert nominal.lead_agency == setup.north.probation
    assert nominal.case_manager is None
    change = nominal.changes.get()
    assert (change.from_label, change.to_label) == ("North Police", "North Probation")
    assert AuditEvent.objects.get(nominal_id=nominal.pk).changed_fields == ["case_manager", "lead_agency"]
    # The practitioner's agency no longer leads: they can no longer change it.
    with pytest.raises(PermissionDenied):
        services.nominal_change_level(
            nominal=nominal,
            level=2,
            reason="risk_increased",
            effective_date=TODAY,
            version=2,
            by=setup.practitioner,
        )


@pytest.mark.parametrize(
    ("agency", "field"), [("police", "lead_agency"), ("south_police", "lead_agency"), (None, "lead_agency")]
)
def test_lead_agency_change_refuses_bad_agency(setup: NominalSetup, agency, field):
    lead = {"police": setup.north.police, "south_police": setup.south.police, None: None}[agency]
    with pytest.raises(ApplicationError) as error:
        services.nominal_change_lead_agency(
            nominal=setup.police_nominal,
            lead_agency=lead,
            reason="correction",
            effective_date=TODAY,
            version=1,
            by=setup.coordinator,
        )
    assert error.value.field == field


def test_status_change_refuses_exit_and_same_status(setup: NominalSetup):
    for status in (Status.EXITED, Status.IN_COMMUNITY):
        with pytest.raises(ApplicationError) as error:
            services.nominal_change_status(
                nominal=setup.police_nominal,
                status=status,
                reason="correction",
                effective_date=TODAY,
                version=1,
                by=setup.coordinator,
            )
        assert error.value.field == "status"


def test_exit_closes_the_case(setup: NominalSetup):
    nominal = services.nominal_exit(
        nominal=setup.police_nominal,
        reason=ChangeReason.NOTIFICATION_PERIOD_ENDED,
        effective_date=TODAY,
        version=1,
        by=setup.coordinator,
    )
    assert nominal.status == Status.EXITED
    assert nominal.exited_on == TODAY
    assert nominal.next_review_date is None
    change = nominal.changes.get()
    assert (change.field, change.to_value, change.reason) == ("status", "exited", "notification_period_ended")
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        services.nominal_change_level(
            nominal=nominal,
            level=2,
            reason="risk_increased",
            effective_date=TODAY,
            version=2,
            by=setup.coordinator,
        )
    # The person may be managed again, in a new case.
    again = _create(setup, setup.coordinator, person=nominal.person)
    assert again.pk != nominal.pk


def test_exit_refuses_a_level_reason(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        services.nominal_exit(
            nominal=setup.police_nominal,
            reason="risk_increased",
            effective_date=TODAY,
            version=1,
            by=setup.coordinator,
        )
    assert error.value.field == "reason"


def test_exit_in_the_future_is_refused_in_the_words_of_the_question(setup: NominalSetup):
    with pytest.raises(ApplicationError) as error:
        services.nominal_exit(
            nominal=setup.police_nominal,
            reason=ChangeReason.NOTIFICATION_PERIOD_ENDED,
            effective_date=TODAY + timedelta(days=1),
            version=1,
            by=setup.coordinator,
        )
    assert error.value.message == "The date they left MAPPA must be today or in the past"


def test_update_details(setup: NominalSetup):
    values: dict[str, Any] = {
        "case_manager": None,
        "sentence_date": date(2020, 1, 1),
        "release_date": date(2023, 1, 1),
        "licence_end_date": date(2027, 1, 1),
        "notification_end_date": None,
        "order_start_date": None,
        "order_end_date": None,
        "index_offence": "Synthetic offence",
        "restrictive_orders": "",
        "cppc": True,
    }
    nominal = services.nominal_update_details(
        nominal=setup.police_nominal, version=1, by=setup.practitioner, **values
    )
    assert nominal.cppc and nominal.version == 2
    event = AuditEvent.objects.get(nominal_id=nominal.pk)
    assert "Synthetic" not in event.summary
    assert "index_offence" in event.changed_fields
    # Nothing changed, nothing written.
    services.nominal_update_details(nominal=nominal, version=2, by=setup.practitioner, **values)
    assert Nominal.objects.get(pk=nominal.pk).version == 2
    with pytest.raises(ApplicationError) as error:
        services.nominal_update_details(
            nominal=nominal, version=2, by=setup.practitioner, **{**values, "release_date": date(2019, 1, 1)}
        )
    assert error.value.field == "release_date"
    with pytest.raises(PermissionDenied):
        services.nominal_update_details(nominal=nominal, version=2, by=setup.chair, **values)


# Transfers


def _request(setup: NominalSetup, by: object = None) -> NominalTransfer:
    return services.nominal_transfer_request(
        nominal=setup.police_nominal,
        to_area=setup.south.area,
        reason=TransferReason.MOVED_HOME,
        proposed_date=TODAY,
        version=1,
        by=by or setup.practitioner,  # type: ignore[arg-type]
    )


def test_transfer_requested_accepted_effective(setup: NominalSetup):
    transfer = _request(setup)
    assert transfer.status == TransferStatus.REQUESTED
    assert transfer.from_area == setup.area
    # The receiving area sees the nominal while the transfer is open.
    from mappa.nominals.selectors import nominal_list

    assert nominal_list(fetched_by=setup.south_coordinator).filter(pk=setup.police_nominal.pk).exists()
    with pytest.raises(PermissionDenied):
        services.nominal_transfer_accept(transfer=transfer, by=setup.coordinator)  # sending area
    with pytest.raises(PermissionDenied):
        services.nominal_transfer_accept(transfer=transfer, by=setup.south.practitioner)
    with pytest.raises(ApplicationError, match="acknowledge"):
        services.nominal_transfer_make_effective(
            transfer=transfer, effective_date=TODAY, by=setup.practitioner
        )
    transfer = services.nominal_transfer_accept(transfer=transfer, note="Ready", by=setup.south_coordinator)
    assert transfer.status == TransferStatus.ACCEPTED and transfer.accepted_by == setup.south_coordinator
    with pytest.raises(ApplicationError, match="already"):
        services.nominal_transfer_accept(transfer=transfer, by=setup.south_coordinator)
    # North Police does not serve South: the receiving area's lead agency must be named.
    with pytest.raises(ApplicationError) as error:
        services.nominal_transfer_make_effective(
            transfer=transfer, effective_date=TODAY, by=setup.south_coordinator
        )
    assert error.value.field == "lead_agency"
    assert Nominal.objects.get(pk=setup.police_nominal.pk).area == setup.area
    with pytest.raises(ApplicationError, match="active agency of South"):
        services.nominal_transfer_make_effective(
            transfer=transfer,
            effective_date=TODAY,
            lead_agency=setup.north.probation,
            by=setup.south_coordinator,
        )
    transfer = services.nominal_transfer_make_effective(
        transfer=transfer, effective_date=TODAY, lead_agency=setup.south.probation, by=setup.south_coordinator
    )
    nominal = Nominal.objects.get(pk=setup.police_nominal.pk)
    assert nominal.area == setup.south.area
    assert nominal.lead_agency == setup.south.probation and nominal.case_manager is None
    change = nominal.changes.get(field=ChangedField.AREA)
    assert change.reason == ChangeReason.TRANSFERRED
    lead_change = nominal.changes.get(field=ChangedField.LEAD_AGENCY, reason=ChangeReason.TRANSFERRED)
    assert (lead_change.from_label, lead_change.to_label) == ("North Police", "South Probation")
    assert _events(nominal.pk) >= 4
    assert not nominal_list(fetched_by=setup.coordinator).filter(pk=nominal.pk).exists()


def test_transfer_request_denied_and_refused(setup: NominalSetup):
    for who in ("chair", "health_practitioner", "probation_practitioner", "south_coordinator"):
        with pytest.raises(PermissionDenied):
            _request(setup, setup.user(who))
    with pytest.raises(ApplicationError) as error:
        services.nominal_transfer_request(
            nominal=setup.police_nominal,
            to_area=setup.area,
            reason="moved_home",
            proposed_date=TODAY,
            version=1,
            by=setup.coordinator,
        )
    assert error.value.field == "to_area"
    for kwargs, field in (
        ({"to_area": None}, "to_area"),
        ({"reason": "nope"}, "reason"),
        ({"reason": "other"}, "reason_detail"),
        ({"proposed_date": None}, "proposed_date"),
    ):
        values: dict[str, Any] = {
            "to_area": setup.south.area,
            "reason": "moved_home",
            "proposed_date": TODAY,
            **kwargs,
        }
        with pytest.raises(ApplicationError) as error:
            services.nominal_transfer_request(
                nominal=setup.police_nominal, version=1, by=setup.coordinator, **values
            )
        assert error.value.field == field
    assert not NominalTransfer.objects.exists()


def test_one_open_transfer_and_no_exit_during_it(setup: NominalSetup):
    _request(setup)
    with pytest.raises(ApplicationError, match="already has a transfer"):
        services.nominal_transfer_request(
            nominal=setup.police_nominal,
            to_area=setup.south.area,
            reason="moved_home",
            proposed_date=TODAY,
            version=2,
            by=setup.coordinator,
        )
    with pytest.raises(ApplicationError, match="transfer in progress"):
        services.nominal_exit(
            nominal=setup.police_nominal, reason="died", effective_date=TODAY, version=2, by=setup.coordinator
        )


def test_sending_side_can_make_accepted_transfer_effective(setup: NominalSetup):
    transfer = services.nominal_transfer_accept(transfer=_request(setup), by=setup.south_coordinator)
    with pytest.raises(PermissionDenied):
        services.nominal_transfer_make_effective(transfer=transfer, effective_date=TODAY, by=setup.chair)
    with pytest.raises(ApplicationError) as error:
        services.nominal_transfer_make_effective(
            transfer=transfer, effective_date=TODAY - timedelta(days=3), by=setup.practitioner
        )
    assert error.value.field == "effective_date"
    transfer = services.nominal_transfer_make_effective(
        transfer=transfer, effective_date=TODAY, lead_agency=setup.south.police, by=setup.practitioner
    )
    assert transfer.status == TransferStatus.EFFECTIVE
