"""The register of agencies and the information sharing agreements, as each role sees them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mappa.agencies.models import Agency, AgreementStatus, InformationSharingAgreement, MappaArea
from tests.factories.agencies import area_setup
from tests.functional.axe import assert_accessible
from tests.functional.helpers import error_summary, follow, heading, path_is, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def _menu(page: Page, name: str) -> None:
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name=name))


def _fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_coordinator_keeps_the_register_and_makes_an_agreement(page: Page):
    setup = area_setup()
    today = timezone.localdate()

    sign_in_to_home(page, setup.coordinator.username)

    # Agencies: the list, one agency, and a change (an empty name first, to see the error).
    _menu(page, "Agencies")
    expect(heading(page)).to_have_text("Agencies")
    expect(page.locator("caption")).to_have_text("3 agencies")
    follow(page, page.get_by_role("link", name="North Health Trust"))
    expect(heading(page)).to_have_text("North Health Trust")
    follow(page, page.get_by_role("link", name="Change agency"))
    expect(heading(page)).to_have_text("Change agency")
    page.get_by_label("Agency name").fill("")
    press(page, "Save changes")
    expect(page).to_have_title(re.compile(r"^Error: Change North Health Trust"))
    error_summary(page).get_by_role("link", name="Enter the agency name").click()
    expect(page.get_by_label("Agency name")).to_be_focused()
    page.get_by_label("Agency name").fill("North Health Board")
    press(page, "Save changes")
    expect(heading(page)).to_have_text("North Health Board")
    expect(page.get_by_text("North Health Board updated")).to_be_visible()
    assert Agency.objects.get(pk=setup.health.pk).name == "North Health Board"

    # Areas: the list, one area and a change, then a new area the co-ordinator's agency serves.
    follow(page, page.get_by_role("link", name="Back to agencies"))
    follow(page, page.get_by_role("link", name="MAPPA areas your agency serves"))
    expect(heading(page)).to_have_text("MAPPA areas")
    follow(page, page.get_by_role("link", name="North test area"))
    expect(heading(page)).to_have_text("North test area")
    expect(page.get_by_role("link", name="North MAPPA agreement")).to_be_visible()
    follow(page, page.get_by_role("link", name="Change area"))
    page.get_by_label("Area name").fill("")
    press(page, "Save changes")
    expect(error_summary(page)).to_contain_text("Enter the area name")
    page.get_by_label("Area name").fill("North MAPPA area")
    press(page, "Save changes")
    expect(heading(page)).to_have_text("North MAPPA area")
    expect(page.get_by_text("North MAPPA area updated")).to_be_visible()

    follow(page, page.get_by_role("link", name="Back to MAPPA areas"))
    follow(page, page.get_by_role("link", name="Add a MAPPA area"))
    press(page, "Add area")
    expect(error_summary(page)).to_contain_text("Enter the area code")
    page.get_by_label("Area name").fill("East test area")
    page.get_by_label("Area code").fill("east-test")
    press(page, "Add area")
    expect(heading(page)).to_have_text("East test area")
    assert MappaArea.objects.get(code="east-test").agencies.filter(pk=setup.police.pk).exists()

    # A new agency, from the area's page: nothing filled in first.
    follow(page, page.get_by_role("link", name="Add an agency"))
    expect(heading(page)).to_have_text("Add an agency")
    press(page, "Add agency")
    summary = error_summary(page)
    for message in ("Enter the agency name", "Enter the agency code", "Select the kind of agency"):
        expect(summary).to_contain_text(message)
    page.get_by_label("Agency name").fill("North Youth Justice Service")
    page.get_by_label("Agency code").fill("NORTH-YJS")
    page.get_by_label("Kind of agency").select_option(label="Youth justice")
    page.get_by_label("North MAPPA area").check()
    press(page, "Add agency")
    expect(heading(page)).to_have_text("North Youth Justice Service")
    expect(page.get_by_text("North Youth Justice Service added")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Group")).to_contain_text("Duty to co-operate")

    # Agreements: the list and the existing one.
    _menu(page, "Agreements")
    expect(heading(page)).to_have_text("Information sharing agreements")
    follow(page, page.get_by_role("link", name="North MAPPA agreement"))
    expect(page.locator(".govuk-summary-list__row", has_text="Reference")).to_contain_text("NORTH-ISA")

    # A new agreement. The agency now serves two areas, so the area is asked for first.
    follow(page, page.get_by_role("link", name="Back to agreements"))
    follow(page, page.get_by_role("link", name="Add an agreement"))
    expect(heading(page)).to_have_text("Which area is the agreement for?")
    press(page, "Continue")
    expect(error_summary(page)).to_contain_text("Select the area")
    page.get_by_label("North MAPPA area").check()
    press(page, "Continue")
    expect(heading(page)).to_have_text("Add an information sharing agreement")

    page.get_by_label("Title").fill("North youth justice agreement")
    page.get_by_label("Reference").fill("NORTH-YJS-ISA")
    page.get_by_label("North Police (Responsible Authority)").check()
    page.get_by_label("North Youth Justice Service (Duty to co-operate)").check()
    page.get_by_label("MAPPA risk assessment and management").check()
    page.get_by_label("Criminal Justice Act 2003 s.325(4)").check()
    page.get_by_label("Risk assessments and risk management plans").check()
    _fill_date(page, "Start date", "31", "2", str(today.year))  # no 31 February
    _fill_date(page, "Review date", "1", "4", str(today.year + 2))
    press(page, "Save as draft")
    expect(page).to_have_title(re.compile(r"^Error: Add an information sharing agreement"))
    error_summary(page).get_by_role("link", name="Start date must be a real date").click()
    expect(page.get_by_role("group", name="Start date").get_by_label("Day")).to_be_focused()
    assert not InformationSharingAgreement.objects.filter(reference="NORTH-YJS-ISA").exists()

    start = today - timedelta(days=1)
    _fill_date(page, "Start date", str(start.day), str(start.month), str(start.year))
    press(page, "Save as draft")
    expect(heading(page)).to_have_text("North youth justice agreement")
    expect(page.get_by_text("North youth justice agreement added as a draft")).to_be_visible()
    status = page.locator(".govuk-summary-list__row", has_text="Status")
    expect(status).to_contain_text("Draft")

    # Made active from the status page, then changed.
    follow(page, page.get_by_role("link", name="Change status"))
    expect(heading(page)).to_have_text("Change status")
    page.get_by_label("Active: the parties may share information under it").check()
    press(page, "Change status")
    expect(page.get_by_text("North youth justice agreement is now active")).to_be_visible()
    expect(status).to_contain_text("Active")

    follow(page, page.get_by_role("link", name="Change agreement"))
    expect(heading(page)).to_have_text("Change agreement")
    page.get_by_label("Notes (optional)").fill("Reviewed at the Strategic Management Board.")
    press(page, "Save changes")
    expect(page.get_by_text("North youth justice agreement updated")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Notes")).to_contain_text(
        "Strategic Management Board"
    )

    agreement = InformationSharingAgreement.objects.get(reference="NORTH-YJS-ISA")
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.start_date == start
    assert {party.code for party in agreement.parties.all()} == {"NORTH-POLICE", "NORTH-YJS"}
    assert agreement.version == 3


def test_senior_manager_changes_agreements_only_and_practitioner_only_reads(page: Page, new_page):
    setup = area_setup()

    # A senior manager signs agreements for their agency, so may change them...
    sign_in_to_home(page, setup.senior_manager.username)
    _menu(page, "Agreements")
    expect(page.get_by_role("link", name="Add an agreement")).to_be_visible()
    follow(page, page.get_by_role("link", name="North MAPPA agreement"))
    follow(page, page.get_by_role("link", name="Change agreement"))
    page.get_by_label("Reference").fill("")
    press(page, "Save changes")
    expect(error_summary(page)).to_contain_text("Enter the reference")
    page.get_by_label("Reference").fill("NORTH-ISA-2")
    press(page, "Save changes")
    expect(page.get_by_text("North MAPPA agreement updated")).to_be_visible()
    assert InformationSharingAgreement.objects.get(pk=setup.agreement.pk).reference == "NORTH-ISA-2"

    # ...but keeps no register of agencies: no buttons, and the pages themselves are refused.
    _menu(page, "Agencies")
    expect(page.get_by_role("link", name="Add an agency")).to_have_count(0)
    follow(page, page.get_by_role("link", name="North Probation"))
    expect(heading(page)).to_have_text("North Probation")
    expect(page.get_by_role("link", name=re.compile("Change agency"))).to_have_count(0)
    response = page.goto(f"/agencies/{setup.probation.pk}/edit/")
    assert response is not None and response.status == 403
    assert_accessible(page)
    expect(heading(page)).to_have_text("You do not have permission to view this page")

    # A practitioner reads the register and the agreements, and changes nothing.
    practitioner = new_page()
    sign_in_to_home(practitioner, setup.practitioner.username)
    _menu(practitioner, "Agencies")
    expect(practitioner.locator("caption")).to_have_text("3 agencies")
    expect(practitioner.get_by_role("link", name="Add an agency")).to_have_count(0)
    follow(practitioner, practitioner.get_by_role("link", name="North Police"))
    expect(practitioner.get_by_role("link", name=re.compile("Change agency"))).to_have_count(0)
    follow(practitioner, practitioner.get_by_role("link", name="Back to agencies"))
    follow(practitioner, practitioner.get_by_role("link", name="MAPPA areas your agency serves"))
    follow(practitioner, practitioner.get_by_role("link", name="North test area"))
    expect(practitioner.get_by_role("link", name=re.compile("Change area"))).to_have_count(0)
    _menu(practitioner, "Agreements")
    expect(practitioner.get_by_role("link", name="Add an agreement")).to_have_count(0)
    follow(practitioner, practitioner.get_by_role("link", name="North MAPPA agreement"))
    expect(heading(practitioner)).to_have_text("North MAPPA agreement")
    expect(practitioner.get_by_role("link", name="Change agreement")).to_have_count(0)
    expect(practitioner.get_by_role("link", name="Change status")).to_have_count(0)
    visit(practitioner, f"/agreements/{setup.agreement.pk}/edit/")
    expect(heading(practitioner)).to_have_text("You do not have permission to view this page")
    expect(practitioner).to_have_url(path_is(f"/agreements/{setup.agreement.pk}/edit/"))
