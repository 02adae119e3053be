"""The public application form at /apply/, signed out, with Django's test client.

Each page: shown, answered, refused with its message, and guarded (opened before its earlier
pages were answered, it sends the visitor to the start). Then: Change from the check page,
sending (and the session cleared), rate limits, size limits, and the no-leak check: the public
side answers the same, byte for byte but the reference, whoever is named.
"""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.disclosure_schemes.models import Application, StageRecord
from mappa.disclosure_schemes.views_public import SESSION_ANSWERS, SESSION_SENT
from tests.factories.agencies import AgencyFactory
from tests.factories.nominals import NominalFactory

pytestmark = pytest.mark.django_db


def url(name: str) -> str:
    return reverse(f"disclosure_schemes:{name}")


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    # The counters live in the (per-process) cache, which outlives each test's database.
    cache.clear()


@pytest.fixture
def force() -> Agency:
    AgencyFactory(name="Synthetic Closed Police", kind=AgencyKind.POLICE, is_active=False)
    AgencyFactory(name="Synthetic Probation Service", kind=AgencyKind.PROBATION)
    return AgencyFactory(name="Synthetic Shire Police", kind=AgencyKind.POLICE)


def answers(force: Agency, scheme: str = "csods") -> list[tuple[str, dict[str, Any]]]:
    """Valid answers for every page, in order."""
    return [
        ("apply-scheme", {"answer": scheme}),
        ("apply-force", {"receiving_agency": str(force.pk)}),
        (
            "apply-about-you",
            {
                "applicant_name": "Alex Synthetic-Applicant",
                "applicant_date_of_birth_day": "2",
                "applicant_date_of_birth_month": "4",
                "applicant_date_of_birth_year": "1988",
                "applicant_address": "1 Example Street\r\nTesttown",
                "applicant_postcode": "te1 1st",
            },
        ),
        (
            "apply-contact",
            {
                "safe_contact_ways": ["phone", "text"],
                "applicant_phone": "07700 900123",
                "applicant_email": "",
                "safe_contact_times": "Weekdays between 9am and 3pm",
                "safe_contact_notes": "Do not leave a voicemail",
            },
        ),
        (
            "apply-person",
            {
                "subject_name": "Sam Synthetic-Subject",
                "subject_other_names": "",
                "subject_date_of_birth_day": "",
                "subject_date_of_birth_month": "",
                "subject_date_of_birth_year": "",
                "subject_age": "about 40",
                "subject_address": "",
                "subject_description": "Tall, short grey hair",
            },
        ),
        (
            "apply-access",
            {
                "subject_access": "He is my new partner and stays three nights a week.",
                "person_at_risk_name": "Jo Synthetic",
            },
        ),
        (
            "apply-children",
            {
                "rows": "3",
                "child_1_name": "Synthetic Child",
                "child_1_age": "7",
                "relationship_to_children": "Mother",
            },
        ),
        ("apply-concern", {"concern": "Synthetic concern: he will not talk about his past."}),
    ]


def answer_up_to(client: Client, force: Agency, last: str | None = None, scheme: str = "csods") -> None:
    """Answer the pages in order, stopping before `last` (all of them when None)."""
    for name, data in answers(force, scheme):
        if name == last:
            return
        response = client.post(url(name), data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])


def send(client: Client) -> Any:
    return client.post(url("apply-check"), {"declaration": "on"})


# --- the start page and the guards --------------------------------------------------------------


def test_start_page_explains_the_schemes_and_what_happens() -> None:
    response = Client().get(url("apply-start"))
    assert response.status_code == 200
    page = response.content.decode()
    for said in (
        "Sarah's Law",
        "Clare's Law",
        "call 999",
        "within 24 hours",
        "prove who you are",
        "best placed to protect",
        "Applying does not mean you will be told anything",
    ):
        assert said in page
    assert url("apply-scheme") in page
    assert "OFFICIAL-SENSITIVE" not in page


@pytest.mark.parametrize(
    "name",
    [
        "apply-force",
        "apply-about-you",
        "apply-contact",
        "apply-person",
        "apply-access",
        "apply-children",
        "apply-concern",
        "apply-check",
        "apply-confirmation",
    ],
)
def test_skipping_ahead_goes_back_to_the_start(force: Agency, name: str) -> None:
    client = Client()
    assert client.get(url(name))["Location"] == url("apply-start")
    # Posting to a later page without the earlier answers saves nothing either.
    if name != "apply-confirmation":  # a page only shown
        response = client.post(url(name), {"declaration": "on"})
        assert response.status_code == 302 and response["Location"] == url("apply-start")
    assert not Application.objects.exists()


def test_skipping_one_page_in_the_middle_goes_back_to_the_start(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-about-you")
    client.post(url("apply-person"), answers(force)[4][1])
    assert client.get(url("apply-person"))["Location"] == url("apply-start")


# --- each page: shown, answered, refused ---------------------------------------------------------


PAGES = [
    ("apply-scheme", "What do you want to ask about?", "apply-force"),
    ("apply-force", "Which police force covers the area where the child lives?", "apply-about-you"),
    ("apply-about-you", "Your details", "apply-contact"),
    ("apply-contact", "How can we contact you safely?", "apply-person"),
    ("apply-person", "Who are you concerned about?", "apply-access"),
    ("apply-access", "How does this person have contact with the child or children?", "apply-children"),
    ("apply-children", "Which children are you concerned about?", "apply-concern"),
    ("apply-concern", "Why are you concerned?", "apply-check"),
]


@pytest.mark.parametrize(("name", "question", "next_name"), PAGES)
def test_each_page_asks_its_question_and_moves_on(
    force: Agency, name: str, question: str, next_name: str
) -> None:
    client = Client()
    answer_up_to(client, force, name)
    response = client.get(url(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(question) in page
    assert page.count("<h1") == 1
    assert 'class="govuk-back-link"' in page
    data = dict(answers(force))[name]
    response = client.post(url(name), data)
    assert response.status_code == 302
    assert response["Location"] == url(next_name)


def _error(client: Client, name: str, data: dict[str, Any]) -> str:
    response = client.post(url(name), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error: " in page
    return page


INVALID = [
    ("apply-scheme", {"answer": ""}, "Select what you want to ask about"),
    ("apply-scheme", {"answer": "everything"}, "Select what you want to ask about"),
    ("apply-force", {"receiving_agency": ""}, "Select the police force for where the child lives"),
    ("apply-about-you", {"applicant_name": ""}, "Enter your full name"),
    (
        "apply-about-you",
        {
            "applicant_date_of_birth_day": "",
            "applicant_date_of_birth_month": "",
            "applicant_date_of_birth_year": "",
        },
        "Enter your date of birth",
    ),
    ("apply-about-you", {"applicant_date_of_birth_month": ""}, "Date of birth must include a month"),
    ("apply-about-you", {"applicant_date_of_birth_year": "2999"}, "Date of birth must be in the past"),
    ("apply-about-you", {"applicant_postcode": "12345"}, "Enter a real postcode, like AA1 1AA"),
    ("apply-about-you", {"applicant_address": ""}, "Enter your address"),
    ("apply-contact", {"safe_contact_ways": []}, "Select at least one safe way to contact you"),
    ("apply-contact", {"applicant_phone": ""}, "Enter a phone number we can safely use"),
    ("apply-contact", {"applicant_phone": "ring me"}, "Enter a phone number, like 07700 900 982"),
    ("apply-contact", {"safe_contact_ways": ["email"]}, "Enter an email address we can safely use"),
    (
        "apply-contact",
        {"applicant_email": "nope"},
        "Enter an email address in the correct format, like name@example.com",
    ),
    ("apply-contact", {"safe_contact_times": ""}, "Enter when it is safe to contact you"),
    ("apply-person", {"subject_name": ""}, "Enter the name of the person you are concerned about"),
    (
        "apply-person",
        {
            "subject_date_of_birth_day": "31",
            "subject_date_of_birth_month": "2",
            "subject_date_of_birth_year": "1980",
        },
        "Date of birth must be a real date",
    ),
    ("apply-access", {"subject_access": ""}, "Enter how the person has contact with the child or children"),
    (
        "apply-children",
        {"child_1_name": "", "child_1_age": ""},
        "Enter the name and age of at least one child",
    ),
    ("apply-children", {"child_1_age": ""}, "Enter the age of child 1"),
    ("apply-children", {"child_2_age": "4"}, "Enter the name of child 2"),
    ("apply-children", {"child_1_age": "18"}, "Enter the age of child 1 as a number from 0 to 17"),
    ("apply-children", {"relationship_to_children": ""}, "Enter your relationship to the children"),
    ("apply-concern", {"concern": ""}, "Enter why you are concerned"),
]


@pytest.mark.parametrize(("name", "changes", "message"), INVALID)
def test_each_page_refuses_with_its_message(
    force: Agency, name: str, changes: dict[str, Any], message: str
) -> None:
    client = Client()
    answer_up_to(client, force, name)
    data = {**dict(answers(force)).get(name, {}), **changes}
    page = _error(client, name, data)
    assert escape(message) in page
    assert 'class="govuk-error-message"' in page
    assert name not in (client.session.get(SESSION_ANSWERS) or {}).get(name, {})


@pytest.mark.parametrize(
    ("name", "field", "limit", "message"),
    [
        ("apply-about-you", "applicant_name", 200, "Full name must be 200 characters or fewer"),
        ("apply-about-you", "applicant_address", 500, "Address must be 500 characters or fewer"),
        ("apply-person", "subject_description", 5000, "The description must be 5,000 characters or fewer"),
        ("apply-access", "subject_access", 5000, "Your answer must be 5,000 characters or fewer"),
        ("apply-concern", "concern", 5000, "Why you are concerned must be 5,000 characters or fewer"),
    ],
)
def test_over_long_answers_are_refused(
    force: Agency, name: str, field: str, limit: int, message: str
) -> None:
    client = Client()
    answer_up_to(client, force, name)
    data = {**dict(answers(force))[name], field: "x" * (limit + 1)}
    assert message in _error(client, name, data)
    # Exactly at the limit is fine.
    assert client.post(url(name), {**data, field: "x" * limit}).status_code == 302


def test_force_page_lists_only_active_police_forces(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-force")
    page = client.get(url("apply-force")).content.decode()
    assert "Synthetic Shire Police" in page
    assert "Synthetic Closed Police" not in page
    assert "Synthetic Probation Service" not in page
    closed = Agency.objects.get(name="Synthetic Closed Police")
    assert "Select the police force" in _error(client, "apply-force", {"receiving_agency": str(closed.pk)})


def test_answers_are_shown_again_when_going_back(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-contact")
    page = client.get(url("apply-about-you")).content.decode()
    assert 'value="Alex Synthetic-Applicant"' in page
    assert 'value="1988"' in page
    assert "TE1 1ST" in page


def test_children_page_adds_a_row_without_javascript(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-children")
    page = client.get(url("apply-children")).content.decode()
    assert 'name="child_3_name"' in page and 'name="child_4_name"' not in page
    response = client.post(
        url("apply-children"),
        {"rows": "3", "child_1_name": "Synthetic Child", "child_1_age": "7", "add_another": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="child_4_name"' in page
    assert 'value="Synthetic Child"' in page
    assert "There is a problem" not in page  # adding a row judges nothing yet
    assert "children" not in client.session[SESSION_ANSWERS]


def test_children_page_takes_up_to_ten_children(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-children")
    data: dict[str, Any] = {"rows": "10", "relationship_to_children": "Aunt"}
    for n in range(1, 11):
        data[f"child_{n}_name"] = f"Synthetic Child {n}"
        data[f"child_{n}_age"] = str(n)
    response = client.post(url("apply-children"), {**data, "add_another": "1"})
    assert 'name="child_11_name"' not in response.content.decode()
    assert "Add another child" not in response.content.decode()
    assert client.post(url("apply-children"), data).status_code == 302
    assert len(client.session[SESSION_ANSWERS]["children"]["children"]) == 10


# --- check your answers, change, send -------------------------------------------------------------


def test_check_page_shows_every_answer_with_change_links(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    response = client.get(url("apply-check"))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Synthetic Shire Police",
        "Alex Synthetic-Applicant",
        "2 April 1988",
        "1 Example Street<br>Testtown",
        "TE1 1ST",
        "Phone call, Text message",
        "Sam Synthetic-Subject",
        "Synthetic Child, aged 7",
        "Mother",
        "he will not talk about his past",
    ):
        assert escape(shown).replace("&lt;br&gt;", "<br>") in page, shown
    for name, _, _ in PAGES:
        assert f'href="{url(name)}?change=1"' in page
    assert "does not mean you will be told anything" in page


def test_change_link_returns_to_check(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    page = client.get(url("apply-person") + "?change=1").content.decode()
    assert f'href="{url("apply-check")}" class="govuk-back-link"' in page
    data = {**dict(answers(force))["apply-person"], "subject_name": "Changed Synthetic-Name"}
    response = client.post(url("apply-person") + "?change=1", data)
    assert response["Location"] == url("apply-check")
    assert "Changed Synthetic-Name" in client.get(url("apply-check")).content.decode()


def test_changing_the_scheme_asks_the_scheme_questions_again(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    response = client.post(url("apply-scheme") + "?change=1", {"answer": "dvds_other"})
    # The force, the relationship and the children are asked again, each returning to check.
    assert response["Location"] == url("apply-force") + "?change=1"
    assert client.get(url("apply-check"))["Location"] == url("apply-start")
    assert client.post(url("apply-force") + "?change=1", {"receiving_agency": force.pk})["Location"] == (
        url("apply-access") + "?change=1"
    )
    page = client.get(url("apply-access") + "?change=1").content.decode()
    assert "What is their relationship to the person at risk?" in page
    assert "What is the name of the person at risk?" in page
    client.post(
        url("apply-access") + "?change=1", {"subject_access": "Sister's partner", "person_at_risk_name": "Jo"}
    )
    response = client.post(url("apply-children") + "?change=1", {"rows": "3"})
    assert response["Location"] == url("apply-check")
    assert client.get(url("apply-check")).status_code == 200


def test_sending_needs_the_declaration(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    page = _error(client, "apply-check", {})
    assert "Confirm that the information you have given is true" in page
    assert not Application.objects.exists()


def test_sending_creates_the_application_and_clears_the_session(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == url("apply-confirmation")
    application = Application.objects.get()
    assert application.receiving_agency == force
    assert application.applicant_postcode == "TE1 1ST"
    assert application.applicant_address == "1 Example Street\nTesttown"
    assert StageRecord.objects.filter(application=application, stage=application.stage).count() == 1
    assert SESSION_ANSWERS not in client.session
    assert client.session[SESSION_SENT] == {"reference": application.reference, "scheme": "csods"}
    page = client.get(url("apply-confirmation")).content.decode()
    assert application.reference in page
    assert "Application sent" in page
    assert "call 999" in page
    assert "does not mean you will be told anything" in page
    # The answers are gone: the check page and the pages after the first start again.
    assert client.get(url("apply-check"))["Location"] == url("apply-start")
    assert client.get(url("apply-concern"))["Location"] == url("apply-start")
    # Sending again (a double click, the back button) sends nothing more.
    assert send(client)["Location"] == url("apply-start")
    assert Application.objects.count() == 1
    event = AuditEvent.objects.get(action=Action.COLLECTION)
    assert event.actor_username == "public:application"


def test_a_service_refusal_is_shown_on_the_check_page(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    force.is_active = False
    force.save(override=True)
    page = _error(client, "apply-check", {"declaration": "on"})
    assert "Select the police force where you live" in page
    assert not Application.objects.exists()


def test_a_tampered_session_is_validated_again(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force)
    session = client.session
    stored = session[SESSION_ANSWERS]
    stored["children"]["children"] = [{"name": "", "age": "99"}]
    session[SESSION_ANSWERS] = stored
    session.save()
    page = _error(client, "apply-check", {"declaration": "on"})
    assert "Enter the name of child 1" in page
    assert not Application.objects.exists()


def test_dvds_third_party_journey(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-force", scheme="dvds_other")
    page = client.get(url("apply-force")).content.decode()
    assert "where the person at risk lives" in page
    answer_up_to(client, force, "apply-access", scheme="dvds_other")
    page = _error(client, "apply-access", {"subject_access": "Partner"})
    assert "Enter the name of the person at risk" in page
    client.post(
        url("apply-access"), {"subject_access": "My sister's partner", "person_at_risk_name": "Jo Synthetic"}
    )
    page = client.get(url("apply-children")).content.decode()
    assert "Are there any children in the household?" in page
    assert "relationship_to_children" not in page
    assert client.post(url("apply-children"), {"rows": "3"})["Location"] == url("apply-concern")
    client.post(url("apply-concern"), {"concern": "Synthetic: bruises seen twice."})
    assert "Clare's Law application" in client.get(url("apply-check")).content.decode()
    send(client)
    application = Application.objects.get()
    assert application.scheme == "dvds" and application.reference.startswith("DVDS-")
    assert application.person_at_risk_name == "Jo Synthetic"
    assert application.children == []


def test_control_characters_are_removed(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-concern")
    client.post(url("apply-concern"), {"concern": "Synthetic\x1b[31m concern\x07"})
    send(client)
    assert Application.objects.get().concern == "Synthetic[31m concern"


# --- rate limits ----------------------------------------------------------------------------------


@override_settings(MAPPA_APPLY_RATE_PER_HOUR=1)
def test_too_many_applications_from_one_address_are_refused(force: Agency) -> None:
    first = Client()
    answer_up_to(first, force)
    assert send(first).status_code == 302
    second = Client()  # another browser, the same address
    answer_up_to(second, force)
    response = send(second)
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent too many applications" in page
    assert "call 999" in page
    assert Application.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.COLLECTION).count() == 1
    # Another address is not held back.
    third = Client(REMOTE_ADDR="198.51.100.7")
    answer_up_to(third, force)
    assert send(third).status_code == 302


@override_settings(MAPPA_APPLY_RATE_ANSWERS_PER_MINUTE=2)
def test_too_many_answers_a_minute_are_refused(force: Agency) -> None:
    client = Client()
    answer_up_to(client, force, "apply-about-you")
    response = client.post(url("apply-about-you"), dict(answers(force))["apply-about-you"])
    assert response.status_code == 429
    assert "You have sent too many answers" in response.content.decode()
    assert "about-you" not in client.session[SESSION_ANSWERS]
    # Looking at pages is not limited.
    assert client.get(url("apply-about-you")).status_code == 200


# --- the no-leak check ------------------------------------------------------------------------------


_REFERENCE = re.compile(r"(CSODS|DVDS)-[2-9A-Z]{4}-[2-9A-Z]{4}")
_NONCE = re.compile(r'nonce="[^"]+"')
# Differ on every response whatever was sent: the request id, the CSP nonce, and cookies. The
# length follows the body, compared below (the check page repeats the name typed).
_VARYING_HEADERS = {"X-Request-ID", "Content-Security-Policy", "Set-Cookie", "Content-Length"}


def _comparable(response: Any) -> tuple[int, dict[str, str], str]:
    headers = {k: v for k, v in response.headers.items() if k not in _VARYING_HEADERS}
    csp = response.headers.get("Content-Security-Policy", "")
    headers["Content-Security-Policy"] = re.sub(r"'nonce-[^']+'", "'nonce-*'", csp)
    body = _NONCE.sub('nonce="*"', _REFERENCE.sub("REFERENCE", response.content.decode()))
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="*"', body)
    return response.status_code, headers, body


def _journey(force: Agency, subject_name: str) -> list[tuple[int, dict[str, str], str]]:
    """Every response of a whole application naming `subject_name`, made comparable."""
    client = Client()
    seen = [_comparable(client.get(url("apply-start")))]
    for name, data in answers(force):
        if name == "apply-person":
            data = {**data, "subject_name": subject_name}
        seen.append(_comparable(client.get(url(name))))
        seen.append(_comparable(client.post(url(name), data)))
    seen.append(_comparable(client.get(url("apply-check"), follow=False)))
    seen.append(_comparable(send(client)))
    seen.append(_comparable(client.get(url("apply-confirmation"))))
    return seen


def test_the_public_side_never_reveals_whether_someone_is_known(
    force: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    nominal = NominalFactory(lead_agency=force)
    current = nominal.person.names.get(kind="current")
    known = f"{current.forenames} {current.surname}"
    unknown = "Synthetic Unknown-Person"

    # Nothing on the public side may search the people index or the nominal register.
    def no_search(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the public form searched for a person")

    monkeypatch.setattr("mappa.people.selectors.person_list", no_search)
    monkeypatch.setattr("mappa.nominals.selectors.nominal_list", no_search)
    before = AuditEvent.objects.count()

    with_known = _journey(force, known)
    cache.clear()  # the same rate-limit standing for both journeys
    with_unknown = _journey(force, unknown)

    assert len(with_known) == len(with_unknown)
    for step, (a, b) in enumerate(zip(with_known, with_unknown, strict=True)):
        assert a[0] == b[0], step
        assert a[1] == b[1], step
        # The check page shows what was typed; every other response must be byte-identical.
        assert a[2].replace(escape(known), "NAME") == b[2].replace(escape(unknown), "NAME"), step
    events = AuditEvent.objects.filter(pk__gt=0).order_by("sequence")[before:]
    assert [e.action for e in events] == [Action.COLLECTION, Action.COLLECTION]
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION).exists()
    assert {e.actor_username for e in events} == {"public:application"}
    applications = Application.objects.order_by("id")
    assert [a.subject_name for a in applications] == [known, unknown]
    assert all(a.subject_person_id is None and a.subject_nominal_id is None for a in applications)


def test_the_header_takes_a_signed_out_applicant_to_the_start_of_the_form(client: Client) -> None:
    # Home would send them to sign in, which an applicant has no account for.
    start = reverse("disclosure_schemes:apply-start")
    body = client.get(start).content.decode()
    assert f'href="{start}" class="govuk-generic-header__homepage-link"' in body
