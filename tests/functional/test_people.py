"""The people index as a police co-ordinator uses it: search, add, open, change, link and unlink."""

import pytest
from playwright.sync_api import Page, expect

from mappa.audit.models import AuditEvent
from mappa.people.models import Person, PersonLink
from tests.factories.agencies import area_setup
from tests.factories.people import make_person
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def test_coordinator_searches_adds_and_links_a_person(page: Page):
    setup = area_setup()
    held = make_person(setup.probation, "William", "Smith", dob=(1980, 5, 17), source_ref="PROB-1")

    sign_in_to_home(page, setup.coordinator.username)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="People"))
    expect(heading(page)).to_have_text("Search for a person")

    # An empty search says what to enter.
    press(page, "Search")
    expect(error_summary(page)).to_contain_text("Enter a name, date of birth, postcode or PNC number")

    # A nickname and a sound-alike surname still find the probation record.
    page.get_by_label("Name").fill("Bill Smyth")
    page.get_by_label("Date of birth").fill("17/05/1980")
    press(page, "Search")
    expect(page.locator("caption")).to_have_text("1 possible match, best first")
    expect(page.get_by_role("cell", name="forename is a nickname of", exact=False)).to_be_visible()
    assert "Smyth" not in page.url

    # Add the police's own record of the same man.
    follow(page, page.get_by_role("link", name="Add a person"))
    expect(heading(page)).to_have_text("Add a person")
    page.get_by_label("Your agency's reference").fill("POL-77")
    page.get_by_label("Forenames").fill("Bill")
    page.get_by_label("Surname", exact=True).fill("Smith")
    page.get_by_label("Date of birth").fill("31/02/1980")
    press(page, "Add person")
    expect(error_summary(page)).to_contain_text("Enter a date of birth like")
    page.get_by_label("Date of birth").fill("17/05/1980")
    press(page, "Add person")
    expect(heading(page)).to_have_text("SMITH, Bill")
    created = Person.objects.get(source_ref="POL-77")

    # Correct the record: a bad date of birth is explained, then the forename is changed.
    follow(page, page.get_by_role("link", name="Change this record"))
    expect(heading(page)).to_have_text("Change this record")
    expect(page.get_by_label("Date of birth")).to_have_value("17/05/1980")
    page.get_by_label("Forenames").fill("William")
    page.get_by_label("Date of birth").fill("17/13/1980")
    press(page, "Save changes")
    expect(error_summary(page)).to_contain_text("Enter a date of birth like")
    page.get_by_label("Date of birth").fill("17/05/1980")
    press(page, "Save changes")
    expect(page.get_by_text("Person record POL-77 saved")).to_be_visible()
    expect(heading(page)).to_have_text("SMITH, William")
    assert AuditEvent.objects.get(object_type="person", action="alteration").changed_fields == ["names"]

    # Record that the two records are the same person, then revoke the decision.
    follow(page, page.get_by_role("link", name="Record a link decision"))
    page.get_by_label("Record number of the other record").fill(str(held.pk))
    page.get_by_label("Same person", exact=True).check()
    press(page, "Record decision")
    expect(error_summary(page)).to_contain_text("Enter the reason for your decision")
    page.get_by_label("Reason for your decision").fill("Same date of birth and address history")
    press(page, "Record decision")
    expect(page.get_by_text("Link decision recorded")).to_be_visible()
    expect(page.get_by_text("Standing")).to_be_visible()

    follow(page, page.get_by_role("link", name=f"Revoke decision about record {held.pk}"))
    expect(heading(page)).to_have_text("Revoke a link decision")
    page.get_by_label("Reason for revoking this decision").fill("Recorded against the wrong record")
    press(page, "Revoke decision")
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()

    link = PersonLink.objects.get()
    assert (link.person_a_id, link.person_b_id) == (held.pk, created.pk)
    assert link.revoked_at is not None
    assert AuditEvent.objects.filter(object_type="person", action="consultation").exists()
    # The empty search was refused by the form; only the real one is recorded.
    assert AuditEvent.objects.filter(object_type="person_search", action="consultation").count() == 1
