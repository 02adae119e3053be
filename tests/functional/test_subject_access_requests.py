"""Subject access requests (issue 8) in the browser, from the receiving agency's side.

North Police's SAR officer records a request, verifies the subject's identity, searches the whole
system for the subject's records (held by North Probation, which the police cannot otherwise
see), confirms the record, checks which agencies will get a part and routes the request, then
sees each part's status: never its content. Every page visited is checked with axe-core. Only
what the browser cannot do is set up directly: the agencies, the officer, the person record and
the probation item about them.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from mappa.subject_access.models import RequestStatus, SubjectAccessRequest
from tests.factories.agencies import area_setup
from tests.factories.information_sharing import ItemFactory
from tests.factories.nominals import NominalFactory
from tests.factories.people import make_person
from tests.factories.subject_access import sar_officer
from tests.functional.helpers import follow, heading, press, sign_in_to_home

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

SECRET = "Synthetic: attends a support group on Thursday evenings"


def _fill_date(group: Locator, value: date) -> None:
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def test_record_verify_search_confirm_route_and_see_statuses(page: Page) -> None:
    north = area_setup("North")
    person = make_person(north.probation, forenames="Aldous", surname="Quennell", dob=(1979, 2, 11))
    nominal = NominalFactory(lead_agency=north.probation, area=north.area, person=person)
    ItemFactory(nominal=nominal, owner_agency=north.probation, detail=SECRET)
    officer = sar_officer(north.police)

    sign_in_to_home(page, officer.username)
    follow(page, page.get_by_role("link", name="Subject access", exact=True))
    expect(heading(page)).to_have_text("Subject access requests")
    follow(page, page.get_by_role("link", name="Record a request"))

    # Submitted empty: the error summary names what is missing.
    press(page, "Record the request")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the data subject's full name")
    page.get_by_label("Data subject's full name").fill("Aldous Quennell")
    _fill_date(page.get_by_role("group", name="Data subject's date of birth"), date(1979, 2, 11))
    page.get_by_role("group", name="Who made the request?").get_by_label("The data subject").check()
    received = timezone.localdate() - timedelta(days=2)
    _fill_date(page.get_by_role("group", name="Date the request was received"), received)
    page.get_by_label("What the request asks for").fill("Everything any agency holds about me.")
    press(page, "Record the request")
    sar = SubjectAccessRequest.objects.get()
    expect(heading(page)).to_have_text(sar.reference)
    expect(page.get_by_test_id("deadline")).to_contain_text("provisional until identity is verified")

    follow(page, page.get_by_role("link", name="Verify the data subject's identity"))
    page.get_by_label("Evidence of identity seen").fill("Synthetic: passport and a council tax bill seen")
    _fill_date(page.get_by_role("group", name="Date identity was verified"), timezone.localdate())
    press(page, "Record identity verified")
    expect(page.get_by_test_id("deadline")).to_contain_text("when identity was verified")

    follow(page, page.get_by_role("link", name="Find and confirm the data subject's records"))
    candidate = page.get_by_test_id("candidate")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text(person.source_ref)
    # The item, and probation's person record and nominal record of the subject.
    expect(candidate).to_contain_text(f"{north.probation.name}, 3 records")
    expect(page.locator("main")).not_to_contain_text(SECRET)
    candidate.get_by_role("checkbox").check()
    page.get_by_label("Why you are satisfied these are the subject's records").fill(
        "Name, date of birth and address match the request"
    )
    press(page, "Confirm these records")
    expect(page.get_by_test_id("records")).to_contain_text(person.source_ref)

    follow(page, page.get_by_role("link", name="Send the request to the agencies that hold records"))
    expect(page.get_by_test_id("plan")).to_contain_text(north.probation.name)
    expect(page.get_by_test_id("plan")).to_contain_text("3 records")
    press(page, "Send the request on")

    row = page.get_by_test_id("part-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(north.probation.name)
    expect(row).to_contain_text("Open")
    expect(page.locator("main")).not_to_contain_text(SECRET)
    sar.refresh_from_db()
    assert sar.status == RequestStatus.ROUTED
