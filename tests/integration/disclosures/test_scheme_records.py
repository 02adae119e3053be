"""The disclosure pages for a scheme disclosure about someone who is not a nominal (ADR 0017),
each allowed and denied from one world (tests/unit/disclosures/test_scheme_records.py's).

North Police's disclosure scheme officer runs the record: every page they need answers 200, and
names the subject and the scheme without offering a page they cannot open (the nominal's, the
minutes'). The force's practitioner (MAPPA disclosure permissions, no scheme role) and its chair
cannot see the record: 404, as for one that does not exist. South Police's scheme officer holds
no MAPPA disclosure permission, so the pages that refuse without one before opening anything
refuse them (403) for North's record as for a missing one.
"""

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.disclosures.models import Disclosure, DisclosureRecipient, DisclosureStatus, Undertaking
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.disclosure_schemes import ApplicationFactory
from tests.factories.disclosures import prepared
from tests.unit.disclosures.test_scheme_records import World, build_world, fresh, open_record

pytestmark = pytest.mark.django_db

SUBJECT_NAME = "SCHEMESUBJECT, Synthia"
SCHEME = "Child Sex Offender Disclosure Scheme"
NOTE = "Synthetic: she will still protect the children without signing."
# A link to one nominal's pages (the header's link to the register is not one).
NOMINAL_PAGE = re.compile(r'href="/nominals/\d+')


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def record(world: World) -> Disclosure:
    return open_record(world)


def _url(name: str, pk: int) -> str:
    return reverse(f"disclosures:{name}", args=[pk])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _events(disclosure: Disclosure, action: Action) -> Any:
    return AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk), action=action)


def _get(world: World, who: str, url: str) -> Any:
    user = getattr(world, who)
    return signed_in_client(user).get(url)


# --- the record page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("practitioner", 404), ("chair", 404), ("coordinator", 404), ("south_officer", 404)],
)
def test_record_page(world: World, record: Disclosure, who: str, status: int):
    response = _get(world, who, _url("disclosure-detail", record.pk))
    assert response.status_code == status
    assert _events(record, Action.CONSULTATION).exists() == (status == 200)


def test_record_page_names_the_subject_and_the_scheme_and_links_nowhere_closed(
    world: World, record: Disclosure
):
    text = _text(_get(world, "officer", _url("disclosure-detail", record.pk)))
    assert SUBJECT_NAME in text
    assert "(not a MAPPA nominal)" in text
    assert SCHEME in text
    assert 'data-testid="scheme-decision"' in text
    assert "Before the decision" not in text  # its grounds are on the application
    assert not NOMINAL_PAGE.search(text)
    assert "govuk-back-link" not in text  # no application linked, and no dashboard for them
    # The delivery tasks the officer can do now, and the record for the file.
    for name in ("disclosure-prepare", "trigger-add", "disclosure-offender", "disclosure-plan-delivery"):
        assert _url(name, record.pk) in text
    assert _url("disclosure-pdf", record.pk) in text


def test_record_page_leads_back_to_the_application(world: World, record: Disclosure):
    application = ApplicationFactory(receiving_agency=world.north.police, disclosure=record)
    text = _text(_get(world, "officer", _url("disclosure-detail", record.pk)))
    assert reverse("disclosure_schemes:application-detail", args=[application.pk]) in text
    assert "Back to the application" in text


def test_record_about_a_nominal_links_minutes_only_to_their_readers(world: World):
    from tests.factories.meetings import held_minutes

    minutes = held_minutes(world.police_nominal, chair=world.chair)
    disclosure = open_record(world, nominal=world.police_nominal, minutes=minutes)
    minutes_url = reverse("meetings:minutes-detail", args=[minutes.pk])
    officer_text = _text(_get(world, "officer", _url("disclosure-detail", disclosure.pk)))
    assert f"Minutes of {minutes.agenda_item.meeting.reference}" in officer_text
    assert minutes_url not in officer_text
    assert not NOMINAL_PAGE.search(officer_text)
    # The chair of that meeting reads its minutes, and sees the record under the MAPPA rules.
    chair_text = _text(_get(world, "chair", _url("disclosure-detail", disclosure.pk)))
    assert minutes_url in chair_text
    assert reverse("disclosures:disclosure-list", args=[world.police_nominal.pk]) in chair_text


DECISION_PAGES = [
    "disclosure-edit",
    "recipient-add",
    "alternative-add",
    "item-add",
    "disclosure-offender-risk",
    "disclosure-tests",
    "disclosure-youth",
    "consultation-add",
    "disclosure-decide",
    "disclosure-ratify",
    "disclosure-withdraw",
]


@pytest.mark.parametrize("name", DECISION_PAGES)
def test_decision_pages_say_it_was_decided_on_the_application(world: World, record: Disclosure, name: str):
    """Opened already decided, the record is never a proposal: its decision pages show nothing to
    change (and find no items, persons at risk or meetings to offer without a nominal)."""
    response = _get(world, "officer", _url(name, record.pk))
    assert response.status_code == 200
    text = _text(response)
    assert SUBJECT_NAME in text
    if name not in ("disclosure-decide", "disclosure-ratify"):
        assert "decided on its Child Sex Offender Disclosure Scheme application" in text
    assert _get(world, "practitioner", _url(name, record.pk)).status_code == 404


def test_recipient_edit_page(world: World, record: Disclosure):
    (recipient,) = DisclosureRecipient.objects.filter(disclosure=record)
    assert _get(world, "officer", _url("recipient-edit", recipient.pk)).status_code == 200
    assert _get(world, "practitioner", _url("recipient-edit", recipient.pk)).status_code == 404


# --- preparing, delivering, the PDF --------------------------------------------------------------

# The pages that refuse without a permission before opening anything: the force's practitioner
# may prepare records, but not this one (404); South's scheme officer and North's chair may
# prepare no record they could open (403, as for a missing one).
PREPARERS = [("officer", 200), ("practitioner", 404), ("chair", 403), ("south_officer", 403)]


@pytest.mark.parametrize(("who", "status"), PREPARERS)
@pytest.mark.parametrize(
    "name", ["disclosure-prepare", "trigger-add", "disclosure-offender", "disclosure-plan-delivery"]
)
def test_preparation_pages(world: World, record: Disclosure, name: str, who: str, status: int):
    response = _get(world, who, _url(name, record.pk))
    assert response.status_code == status
    if status == 200:
        assert SUBJECT_NAME in _text(response)


def test_a_missing_record_is_refused_as_another_forces(world: World, record: Disclosure):
    missing = _get(world, "south_officer", _url("disclosure-prepare", record.pk + 1000))
    hidden = _get(world, "south_officer", _url("disclosure-prepare", record.pk))
    assert missing.status_code == hidden.status_code == 403


def test_plan_page_offers_only_the_forces_members(world: World, record: Disclosure):
    text = _text(_get(world, "officer", _url("disclosure-plan-delivery", record.pk)))
    assert f'value="{world.officer.pk}"' in text
    assert f'value="{world.practitioner.pk}"' in text
    assert f'value="{world.probation_practitioner.pk}"' not in text
    assert "Someone from North Police" in text


@pytest.mark.parametrize(("who", "status"), PREPARERS)
def test_deliver_page(world: World, record: Disclosure, who: str, status: int):
    prepared(record, deliverer=world.officer)
    response = _get(world, who, _url("disclosure-deliver", record.pk))
    assert response.status_code == status
    if status == 200:
        assert "Synthetic Parent" in _text(response)


@pytest.mark.parametrize(
    ("who", "status"),
    # The chair may download records they can see (DISCLOSURE_DECIDE), but not see this one.
    [("officer", 200), ("practitioner", 404), ("chair", 404), ("south_officer", 403)],
)
def test_pdf_download(world: World, record: Disclosure, who: str, status: int):
    response = _get(world, who, _url("disclosure-pdf", record.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert _events(record, Action.EXPORT).exists() == (status == 200)


def _post(world: World, who: str, name: str, pk: int, data: dict[str, Any]) -> Any:
    return signed_in_client(getattr(world, who)).post(_url(name, pk), data)


def _delivery(disclosure: Disclosure, answer: str) -> dict[str, str]:
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
        "version": str(fresh(disclosure).version),
    }
    for recipient in DisclosureRecipient.objects.filter(disclosure=disclosure):
        if recipient.undertaking != Undertaking.PROCEED_WITHOUT:
            data[f"undertaking_{recipient.pk}"] = answer
    return data


def _prepare_through_the_pages(world: World, record: Disclosure) -> None:
    pk = record.pk
    steps: list[tuple[str, dict[str, Any]]] = [
        (
            "disclosure-prepare",
            {
                "recipient_already_knows": "Synthetic: knows he has been in prison.",
                "confidentiality_understood": "on",
                "how_to_use": "Synthetic: only to keep her children safe.",
                "what_to_report": "Synthetic: any contact with the children, to the police.",
                "contact_and_support": "Synthetic: the force's public protection unit.",
                "breakdown_support": "Synthetic: the local children's services team.",
            },
        ),
        ("trigger-add", {"if_you_see": "Synthetic: him at the gates", "you_need_to": "Synthetic: call 999"}),
        ("disclosure-offender", {"involvement": "informed_before"}),
    ]
    day = timezone.localdate() + timedelta(days=3)
    steps.append(
        (
            "disclosure-plan-delivery",
            {
                "deliverer": str(world.officer.pk),
                "planned_delivery_date_day": str(day.day),
                "planned_delivery_date_month": str(day.month),
                "planned_delivery_date_year": str(day.year),
            },
        )
    )
    steps.append(("disclosure-mark-prepared", {}))
    for name, data in steps:
        response = _post(world, "officer", name, pk, {**data, "version": str(fresh(record).version)})
        assert response.status_code == 302, (name, _text(response))
    assert fresh(record).status == DisclosureStatus.PREPARED


def test_the_officer_prepares_delivers_and_reviews_through_the_pages(world: World, record: Disclosure):
    # Nobody else gets as far as saving anything.
    assert _post(world, "practitioner", "disclosure-prepare", record.pk, {}).status_code == 404
    assert _post(world, "south_officer", "disclosure-prepare", record.pk, {}).status_code == 403
    _prepare_through_the_pages(world, record)
    assert (
        _post(world, "practitioner", "disclosure-deliver", record.pk, _delivery(record, "signed")).status_code
        == 404
    )
    response = _post(world, "officer", "disclosure-deliver", record.pk, _delivery(record, "signed"))
    assert response.status_code == 302
    assert fresh(record).status == DisclosureStatus.DELIVERED
    (event,) = _events(record, Action.DISCLOSURE)
    assert event.recipients == ["Synthetic Parent (Parent, guardian or carer)"]
    text = _text(_get(world, "officer", _url("disclosure-detail", record.pk)))
    assert _url("disclosure-review", record.pk) in text
    response = _post(
        world, "officer", "disclosure-review", record.pk, {"note": NOTE, "version": fresh(record).version}
    )
    assert response.status_code == 302
    assert fresh(record).status == DisclosureStatus.REVIEWED


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 200), ("chair", 404), ("practitioner", 403), ("south_officer", 403)]
)
def test_reconsider_page(world: World, record: Disclosure, who: str, status: int):
    prepared(record, deliverer=world.officer)
    _post(world, "officer", "disclosure-deliver", record.pk, _delivery(record, "refused"))
    assert fresh(record).status == DisclosureStatus.RETURNED
    response = _get(world, who, _url("disclosure-reconsider", record.pk))
    assert response.status_code == status


def test_a_refused_undertaking_goes_back_to_the_officer(world: World, record: Disclosure):
    _prepare_through_the_pages(world, record)
    _post(world, "officer", "disclosure-deliver", record.pk, _delivery(record, "refused"))
    assert fresh(record).status == DisclosureStatus.RETURNED
    assert not _events(record, Action.DISCLOSURE).exists()
    text = _text(_get(world, "officer", _url("disclosure-detail", record.pk)))
    assert _url("disclosure-reconsider", record.pk) in text
    data = {"proceed": "yes", "note": NOTE, "version": fresh(record).version}
    assert _post(world, "chair", "disclosure-reconsider", record.pk, data).status_code == 404
    assert _post(world, "officer", "disclosure-reconsider", record.pk, data).status_code == 302
    assert fresh(record).status == DisclosureStatus.PREPARED
    # The recipient who refused is not asked again: the disclosure goes ahead without it.
    assert (
        _post(world, "officer", "disclosure-deliver", record.pk, _delivery(record, "signed")).status_code
        == 302
    )
    assert fresh(record).status == DisclosureStatus.DELIVERED
    assert _events(record, Action.DISCLOSURE).count() == 1


# --- the dashboard --------------------------------------------------------------------------------


def test_dashboard(world: World, record: Disclosure):
    """A scheme officer alone holds no DISCLOSURE_VIEW: no dashboard. Someone of the force who
    holds both roles sees the record there, named by its subject and scheme, with no more queries
    for more such rows."""
    url = reverse("disclosures:disclosure-dashboard")
    assert _get(world, "officer", url).status_code == 403
    both = member(["practitioner", "disclosure_scheme_officer"], agency=world.north.police)
    client = signed_in_client(both)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        text = _text(client.get(url))
    assert record.reference in text
    assert SUBJECT_NAME in text
    assert SCHEME in text
    for n in range(3):
        from tests.factories.people import make_person

        world.subject = make_person(world.north.police, forenames=f"Synthia{n}", surname="Other")
        open_record(world)
    with CaptureQueriesContext(connection) as after:
        text = _text(client.get(url))
    assert "OTHER, Synthia2" in text
    assert len(after) == len(before)


def test_a_record_about_a_nominal_is_listed_on_the_case(world: World):
    disclosure = open_record(world, nominal=world.police_nominal)
    url = reverse("disclosures:disclosure-list", args=[world.police_nominal.pk])
    text = _text(_get(world, "practitioner", url))
    assert disclosure.reference in text
    assert f"{SCHEME}, opened" in text
    assert "Scheme application" in text  # where it was decided
    # The scheme officer holds no DISCLOSURE_VIEW: the case's list is not theirs.
    assert _get(world, "officer", url).status_code == 403


def test_back_link_only_to_a_nominal_the_reader_can_see(world: World):
    """A North Police user with both roles reads North's scheme disclosure about South's nominal
    (as its scheme officer) but cannot open South's case: the page leads to the dashboard."""
    both = member(["practitioner", "disclosure_scheme_officer"], agency=world.north.police)
    about_south = open_record(world, nominal=world.south_nominal)
    text = _text(signed_in_client(both).get(_url("disclosure-detail", about_south.pk)))
    assert reverse("disclosures:disclosure-list", args=[world.south_nominal.pk]) not in text
    assert f'href="{reverse("disclosures:disclosure-dashboard")}" class="govuk-back-link"' in text
    about_north = open_record(world, nominal=world.police_nominal)
    text = _text(signed_in_client(both).get(_url("disclosure-detail", about_north.pk)))
    assert reverse("disclosures:disclosure-list", args=[world.police_nominal.pk]) in text
