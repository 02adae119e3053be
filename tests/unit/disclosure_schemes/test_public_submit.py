"""The public application service: application_submit, its checks, and the rate limit counter."""

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError
from mappa.disclosure_schemes import services_public as services
from mappa.disclosure_schemes.models import Application, Route, StageRecord
from mappa.disclosure_schemes.schemes import current
from mappa.disclosure_schemes.services_public import Child, SubmittedApplication, application_submit
from tests.factories.agencies import AgencyFactory
from tests.factories.disclosure_schemes import ApplicationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def force() -> Agency:
    return AgencyFactory(name="Synthetic Shire Police", kind=AgencyKind.POLICE)


def csods(force: Agency, **changes: Any) -> SubmittedApplication:
    answers = SubmittedApplication(
        scheme="csods",
        third_party=False,
        receiving_agency_id=force.pk,
        applicant_name="Alex Synthetic-Applicant",
        applicant_date_of_birth=date(1988, 4, 2),
        applicant_address="1 Example Street\nTesttown",
        applicant_postcode="TE1 1ST",
        safe_contact_ways=("phone", "email"),
        applicant_phone="07700 900123",
        applicant_email="alex@example.com",
        safe_contact_times="Weekdays between 9am and 3pm",
        safe_contact_notes="Do not leave a voicemail",
        subject_name="Sam Synthetic-Subject",
        subject_access="He is my new partner and stays three nights a week.",
        concern="Synthetic concern: he will not talk about his past.",
        children=(Child(name="Synthetic Child", age="7"),),
        relationship_to_children="Mother",
    )
    return replace(answers, **changes)


def dvds(force: Agency, **changes: Any) -> SubmittedApplication:
    answers = csods(
        force,
        scheme="dvds",
        third_party=True,
        subject_access="He is my sister's partner of six months.",
        person_at_risk_name="Jo Synthetic-Sister",
        children=(),
        relationship_to_children="",
    )
    return replace(answers, **changes)


def test_submit_creates_the_application_in_its_first_stage(force: Agency) -> None:
    application = application_submit(answers=csods(force), now=NOW)

    edition = current("csods")
    first = edition.stages[0]
    application.refresh_from_db()
    assert application.reference.startswith("CSODS-")
    assert application.scheme == "csods"
    assert application.guidance_version == edition.guidance_version
    assert application.route == Route.RIGHT_TO_ASK
    assert application.receiving_agency == force
    assert application.received_at == NOW
    assert application.stage == first.code
    assert application.subject_name == "Sam Synthetic-Subject"
    assert application.children == [{"name": "Synthetic Child", "age": "7"}]
    assert application.safe_contact_ways == ["phone", "email"]
    assert application.subject_person is None and application.subject_nominal is None
    record = StageRecord.objects.get(application=application)
    assert record.stage == first.code
    assert record.started_at == NOW
    assert record.due_at == NOW + first.target == NOW + timedelta(hours=24)
    assert record.completed_at is None


def test_submit_dvds_third_party_uses_the_current_dvds_edition(force: Agency) -> None:
    application = application_submit(answers=dvds(force), now=NOW)

    assert application.reference.startswith("DVDS-")
    assert application.guidance_version == current("dvds").guidance_version == "2023"
    assert application.person_at_risk_name == "Jo Synthetic-Sister"
    assert application.children == []
    record = StageRecord.objects.get(application=application)
    assert record.due_at == NOW + current("dvds").stages[0].target


def test_submit_records_a_collection_event_without_personal_data(force: Agency) -> None:
    answers = csods(force)
    application = application_submit(answers=answers, now=NOW)

    event = AuditEvent.objects.get()
    assert event.action == Action.COLLECTION
    assert event.actor_username == services.PUBLIC_ACTOR == "public:application"
    assert event.actor_user_id is None
    assert event.object_type == "scheme_application"
    assert event.object_id == str(application.pk)
    assert event.object_agency_id == force.pk
    assert event.detail == {"scheme": "csods", "route": "right_to_ask", "guidance_version": "2023"}
    everything = json.dumps(
        {f.name: str(getattr(event, f.name)) for f in AuditEvent._meta.concrete_fields}, ensure_ascii=False
    )
    for typed in (
        answers.applicant_name,
        answers.subject_name,
        answers.children[0].name,
        answers.applicant_phone,
        answers.applicant_email,
        answers.applicant_postcode,
        "Synthetic",
    ):
        assert typed not in everything


def test_submit_strips_control_characters(force: Agency) -> None:
    application = application_submit(
        answers=csods(
            force,
            applicant_name="Alex\x00 Synthetic\x1b",
            concern="Line one\r\nLine\x07 two\ttabbed",
            applicant_postcode="te1 1st",
        ),
        now=NOW,
    )
    assert application.applicant_name == "Alex Synthetic"
    assert application.concern == "Line one\nLine two tabbed"
    assert application.applicant_postcode == "TE1 1ST"


def test_submit_retries_a_reference_already_taken(force: Agency, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = ApplicationFactory(receiving_agency=force, reference="CSODS-2222-2222")
    drawn = iter(["CSODS-2222-2222", "CSODS-3333-3333"])
    monkeypatch.setattr(services, "new_reference", lambda prefix: next(drawn))

    application = application_submit(answers=csods(force), now=NOW)

    assert application.reference == "CSODS-3333-3333"
    assert Application.objects.filter(reference=taken.reference).count() == 1
    assert StageRecord.objects.filter(application=application).count() == 1


def test_submit_gives_up_after_repeated_collisions(force: Agency, monkeypatch: pytest.MonkeyPatch) -> None:
    ApplicationFactory(receiving_agency=force, reference="CSODS-2222-2222")
    monkeypatch.setattr(services, "new_reference", lambda prefix: "CSODS-2222-2222")
    with pytest.raises(RuntimeError):
        application_submit(answers=csods(force), now=NOW)
    assert Application.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_submit_refuses_an_inactive_force(force: Agency) -> None:
    force.is_active = False
    force.save(override=True)
    with pytest.raises(ApplicationError) as refused:
        application_submit(answers=csods(force), now=NOW)
    assert refused.value.field == "receiving_agency"
    assert not Application.objects.exists()


def test_submit_refuses_an_agency_that_is_not_police() -> None:
    probation = AgencyFactory(kind=AgencyKind.PROBATION)
    with pytest.raises(ApplicationError) as refused:
        application_submit(answers=csods(probation), now=NOW)
    assert refused.value.message == "Select the police force where you live"
    assert not Application.objects.exists()
    assert not StageRecord.objects.exists()
    assert not AuditEvent.objects.exists()


LONG_NAME = "N" * 201
LONG_TEXT = "T" * 5001

CSODS_REFUSALS = [
    ({"scheme": "other"}, "scheme", "Select which scheme you are applying under"),
    ({"third_party": True}, "scheme", "Select which scheme you are applying under"),
    ({"applicant_name": "  "}, "applicant_name", "Enter your full name"),
    ({"applicant_name": LONG_NAME}, "applicant_name", "Your full name must be 200 characters or fewer"),
    ({"applicant_date_of_birth": None}, "applicant_date_of_birth", "Enter your date of birth"),
    (
        {"applicant_date_of_birth": date(2026, 11, 25)},
        "applicant_date_of_birth",
        "Your date of birth must be in the past",
    ),
    ({"applicant_address": ""}, "applicant_address", "Enter your address"),
    ({"applicant_address": "A" * 501}, "applicant_address", "Your address must be 500 characters or fewer"),
    ({"applicant_postcode": ""}, "applicant_postcode", "Enter your postcode"),
    ({"applicant_postcode": "NOT A POSTCODE"}, "applicant_postcode", "Enter a real postcode, like AA1 1AA"),
    ({"safe_contact_ways": ()}, "safe_contact_ways", "Select at least one safe way to contact you"),
    ({"safe_contact_ways": ("pigeon",)}, "safe_contact_ways", "Select at least one safe way to contact you"),
    (
        {"safe_contact_ways": ("text",), "applicant_phone": ""},
        "applicant_phone",
        "Enter a phone number we can safely use",
    ),
    ({"applicant_phone": "call me"}, "applicant_phone", "Enter a phone number, like 07700 900 982"),
    (
        {"safe_contact_ways": ("email",), "applicant_email": ""},
        "applicant_email",
        "Enter an email address we can safely use",
    ),
    (
        {"applicant_email": "not-an-email"},
        "applicant_email",
        "Enter an email address in the correct format, like name@example.com",
    ),
    ({"safe_contact_times": ""}, "safe_contact_times", "Enter when it is safe to contact you"),
    (
        {"safe_contact_notes": "X" * 501},
        "safe_contact_notes",
        "What we must avoid must be 500 characters or fewer",
    ),
    ({"subject_name": ""}, "subject_name", "Enter the name of the person you are concerned about"),
    ({"subject_name": LONG_NAME}, "subject_name", "Their name must be 200 characters or fewer"),
    (
        {"subject_other_names": LONG_NAME},
        "subject_other_names",
        "Other names must be 200 characters or fewer",
    ),
    (
        {"subject_date_of_birth": date(2027, 1, 1)},
        "subject_date_of_birth",
        "Their date of birth must be in the past",
    ),
    ({"subject_age": "A" * 21}, "subject_age", "Their approximate age must be 20 characters or fewer"),
    ({"subject_address": "A" * 501}, "subject_address", "Their address must be 500 characters or fewer"),
    (
        {"subject_description": LONG_TEXT},
        "subject_description",
        "The description must be 5,000 characters or fewer",
    ),
    ({"subject_access": ""}, "subject_access", "Enter how the person has contact with the child or children"),
    ({"subject_access": LONG_TEXT}, "subject_access", "Your answer must be 5,000 characters or fewer"),
    (
        {"person_at_risk_name": "Jo"},
        "person_at_risk_name",
        "Only give the name of a person at risk when you are asking about someone else's partner",
    ),
    ({"children": ()}, "children", "Enter the name and age of at least one child"),
    (
        {"children": tuple(Child("Child", "5") for _ in range(11))},
        "children",
        "You can name up to 10 children",
    ),
    ({"children": (Child("", "5"),)}, "children", "Enter the name of child 1"),
    (
        {"children": (Child("A", "5"), Child("B", "18"))},
        "children",
        "Enter the age of child 2 as a number from 0 to 17",
    ),
    ({"children": (Child("A", "five"),)}, "children", "Enter the age of child 1 as a number from 0 to 17"),
    ({"relationship_to_children": ""}, "relationship_to_children", "Enter your relationship to the children"),
    ({"concern": " \x00 "}, "concern", "Enter why you are concerned"),
    ({"concern": LONG_TEXT}, "concern", "Why you are concerned must be 5,000 characters or fewer"),
]


@pytest.mark.parametrize(("changes", "field", "message"), CSODS_REFUSALS)
def test_submit_refuses_each_missing_or_wrong_answer(
    force: Agency, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        application_submit(answers=csods(force, **changes), now=NOW)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Application.objects.exists()
    assert not StageRecord.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"subject_access": ""},
            "subject_access",
            "Enter the person's relationship to you or to the person at risk",
        ),
        ({"person_at_risk_name": ""}, "person_at_risk_name", "Enter the name of the person at risk"),
        (
            {"person_at_risk_name": LONG_NAME},
            "person_at_risk_name",
            "The name of the person at risk must be 200 characters or fewer",
        ),
    ],
)
def test_submit_refuses_dvds_answers(
    force: Agency, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        application_submit(answers=dvds(force, **changes), now=NOW)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Application.objects.exists()


def test_submit_dvds_needs_no_children_and_no_person_at_risk_for_your_own_partner(force: Agency) -> None:
    application = application_submit(
        answers=dvds(force, third_party=False, person_at_risk_name="", subject_access="My partner"), now=NOW
    )
    assert application.children == []
    assert application.person_at_risk_name == ""


def test_submit_accepts_optional_answers_left_blank(force: Agency) -> None:
    application = application_submit(
        answers=csods(
            force,
            safe_contact_ways=("letter",),
            applicant_phone="",
            applicant_email="",
            safe_contact_notes="",
        ),
        now=NOW,
    )
    assert application.safe_contact_ways == ["letter"]


def test_submit_takes_the_time_now_by_default(force: Agency) -> None:
    before = timezone.now()
    application = application_submit(answers=csods(force))
    assert before <= application.received_at <= timezone.now()


# --- rate limits ----------------------------------------------------------------------------------


@override_settings(MAPPA_APPLY_RATE_PER_HOUR=2, MAPPA_APPLY_RATE_PER_DAY=3)
def test_rate_limit_counts_per_address_and_window() -> None:
    start = 1_800_000_000.0 - (1_800_000_000.0 % 86400)  # the start of a day window
    allowed = [
        services.within_rate_limit(client_address="192.0.2.1", kind="submit", now=start) for _ in range(3)
    ]
    assert allowed == [True, True, False]
    # Another address has its own count.
    assert services.within_rate_limit(client_address="192.0.2.2", kind="submit", now=start)
    # The next hour reopens the hourly limit, but the day's limit (3, with the refused one) holds.
    assert not services.within_rate_limit(client_address="192.0.2.1", kind="submit", now=start + 3600)


@override_settings(MAPPA_APPLY_RATE_ANSWERS_PER_MINUTE=1)
def test_rate_limit_for_answers_and_an_unknown_address() -> None:
    assert services.within_rate_limit(client_address=None, kind="answer", now=60.0)
    assert not services.within_rate_limit(client_address=None, kind="answer", now=61.0)
    assert services.within_rate_limit(client_address=None, kind="answer", now=121.0)


def test_clean_text_keeps_line_breaks_only_in_free_text() -> None:
    assert services.clean_text(" a\nb\x00 ") == "ab"
    assert services.clean_text(" a\r\nb\x00 ", multiline=True) == "a\nb"
