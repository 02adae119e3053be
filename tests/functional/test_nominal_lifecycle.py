"""A nominal's life under MAPPA: recorded, changed, transferred to another area, and exited.

Each journey meets at least one refusal on the way (a form error or a domain rule from the
services), and every page it passes through, error states included, is checked with axe-core.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from mappa.nominals.models import Nominal, NominalTransfer, Status, TransferStatus
from mappa.web.templatetags.govuk import govuk_date
from tests.factories.nominals import NominalSetup, person_of
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def fill_date(page: Page, legend: str, value: date) -> None:
    """Type a date into the GOV.UK date input (day, month, year boxes) under `legend`."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def summary_row(page: Page, key: str) -> Locator:
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )


def history(page: Page) -> Locator:
    return page.get_by_role("table", name=re.compile("Changes to category"))


def expect_saved(page: Page, message: str, name: str) -> None:
    """Back on the case overview, with the success banner."""
    expect(heading(page)).to_have_text(name)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(message)


def test_coordinator_records_a_nominal_then_changes_its_details_category_and_lead_agency(page: Page):
    setup = NominalSetup()
    person = person_of(setup.north.police, forenames="Ashdown", surname="Testcase")
    name = person.display_name
    manager = setup.practitioner.get_full_name()

    sign_in_to_home(page, setup.coordinator.username)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Nominals"))
    follow(page, page.get_by_role("link", name="Record a nominal"))
    expect(heading(page)).to_have_text("Record a nominal")

    # An unknown record number, then the real one with a category the level cannot have.
    page.get_by_label("Person record").fill("REF-NOT-KNOWN")
    page.get_by_label("Category 3: other dangerous offender").check()
    page.get_by_label("Level 1: ordinary agency management").check()
    page.get_by_label("Lead agency").select_option(label="North Police")
    page.get_by_label("In the community").check()
    press(page, "Record nominal")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("No person record of the area has that number or reference")

    page.get_by_label("Person record").fill(person.source_ref)
    press(page, "Record nominal")
    expect(error_summary(page)).to_contain_text("A category 3 nominal cannot be managed at level 1")
    assert not Nominal.objects.filter(person=person).exists()

    page.get_by_label("Level 2: active multi-agency management", exact=True).check()
    press(page, "Record nominal")
    expect_saved(page, "Nominal recorded", name)
    nominal = Nominal.objects.get(person=person)
    expect(summary_row(page, "Category")).to_contain_text("Category 3: other dangerous offender")
    expect(summary_row(page, "Lead agency")).to_contain_text("North Police")
    expect(history(page)).to_contain_text("Identified as eligible for MAPPA management")

    # Key dates: a release before the sentence is refused; then the CPPC flag and a case manager.
    follow(page, page.get_by_role("link", name="Change dates and orders"))
    expect(heading(page)).to_have_text("Change case details")
    fill_date(page, "Sentence date", date(2021, 3, 10))
    fill_date(page, "Release date", date(2020, 1, 6))
    press(page, "Save")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("The release date cannot be before the sentence date")

    fill_date(page, "Release date", date(2024, 9, 12))
    page.get_by_label("Critical public protection case (CPPC)").check()
    page.get_by_label("Case manager").select_option(label=manager)
    press(page, "Save")
    expect_saved(page, "Details saved", name)
    expect(page.locator(".govuk-tag", has_text="CPPC")).to_be_visible()
    expect(summary_row(page, "Case manager")).to_contain_text(manager)
    expect(summary_row(page, "Sentence date")).to_contain_text("10 March 2021")
    expect(summary_row(page, "Release date")).to_contain_text("12 September 2024")

    # Category: choosing the one it is already in is refused; then a real change.
    follow(page, page.get_by_role("link", name="Change category"))
    expect(heading(page)).to_have_text("Change category")
    page.get_by_label("Category 3: other dangerous offender").check()
    page.get_by_label("Decided at a MAPPA meeting").check()
    press(page, "Save")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Select a different category")
    page.get_by_label("Category 2: violent offender").check()
    press(page, "Save")
    expect_saved(page, "Category changed", name)
    expect(history(page)).to_contain_text(
        "Category 3: other dangerous offender to Category 2: violent offender"
    )

    # Lead agency: the police case manager is not a member of probation, so is cleared.
    follow(page, page.get_by_role("link", name="Change lead agency"))
    expect(heading(page)).to_have_text("Change lead agency")
    page.get_by_label("New lead agency").select_option(label="North Probation")
    page.get_by_label("Statutory supervision started").check()
    press(page, "Save")
    expect_saved(page, "Lead agency changed", name)
    expect(summary_row(page, "Lead agency")).to_contain_text("North Probation")
    expect(summary_row(page, "Case manager")).to_contain_text("None named")
    expect(history(page)).to_contain_text("North Police to North Probation")
    expect(history(page)).to_contain_text("Statutory supervision started")

    nominal.refresh_from_db()
    assert (nominal.category, nominal.level, nominal.lead_agency, nominal.case_manager) == (
        2,
        2,
        setup.north.probation,
        None,
    )
    assert nominal.cppc and nominal.release_date == date(2024, 9, 12)


def test_transfer_is_requested_acknowledged_by_the_receiving_area_and_takes_effect(page: Page, new_page):
    setup = NominalSetup()
    nominal = setup.police_nominal
    name = nominal.person.display_name
    today = timezone.localdate()

    sign_in_to_home(page, setup.coordinator.username)
    visit(page, f"/nominals/{nominal.pk}/")
    follow(page, page.get_by_role("link", name="Transfer to another area"))
    expect(heading(page)).to_have_text("Transfer to another area")
    press(page, "Save")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Select the area the nominal is moving to")
    expect(error_summary(page)).to_contain_text("Enter the proposed transfer date")

    page.get_by_label("Area the nominal is moving to").select_option(label="South test area")
    page.get_by_label("Moved to live in the receiving area").check()
    fill_date(page, "Proposed transfer date", today + timedelta(days=14))
    press(page, "Save")
    expect_saved(page, "Transfer requested", name)
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Transfer requested: from North test area to South test area"
    )
    # The sending side cannot acknowledge its own request.
    expect(page.get_by_role("link", name="Acknowledge the transfer")).to_have_count(0)

    # South's co-ordinator, in their own browser, finds the incoming nominal on their register.
    south = new_page()
    sign_in_to_home(south, setup.south_coordinator.username)
    follow(south, south.get_by_role("navigation", name="Menu").get_by_role("link", name="Nominals"))
    follow(south, south.get_by_role("link", name=name))
    expect(heading(south)).to_have_text(name)
    follow(south, south.get_by_role("link", name="Acknowledge the transfer"))
    expect(heading(south)).to_have_text("Acknowledge the transfer")
    south.get_by_label("Note for the sending area (optional)").fill("Approved premises place confirmed")
    press(south, "Save")
    expect_saved(south, "Transfer acknowledged", name)
    expect(south.locator(".govuk-inset-text")).to_contain_text("Transfer acknowledged by the receiving area")

    # The sending co-ordinator records it taking effect; the case leaves North's register.
    visit(page, f"/nominals/{nominal.pk}/")
    follow(page, page.get_by_role("link", name="Record the transfer taking effect"))
    expect(heading(page)).to_have_text("Record the transfer taking effect")
    fill_date(page, "Date the transfer took effect", today)
    # North Police does not serve South: the case needs a lead agency there.
    page.get_by_label("Lead agency in the receiving area").select_option(label="South Probation")
    press(page, "Save")
    expect(heading(page)).to_have_text("Nominal register")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Transfer completed")
    expect(page.get_by_role("link", name=name)).to_have_count(0)

    # South now holds the case, with the move in its history.
    visit(south, f"/nominals/{nominal.pk}/")
    expect(south.locator(".govuk-caption-l")).to_have_text("South test area")
    expect(history(south)).to_contain_text("North test area to South test area")
    expect(history(south)).to_contain_text("Transferred between MAPPA areas")
    expect(
        south.get_by_role("listitem").filter(has_text="North test area to South test area")
    ).to_contain_text(f"Effective (moved to live in the receiving area), effective {govuk_date(today)}")
    transfer = NominalTransfer.objects.get(nominal=nominal)
    assert transfer.status == TransferStatus.EFFECTIVE
    assert transfer.acceptance_note == "Approved premises place confirmed"
    assert Nominal.objects.get(pk=nominal.pk).area == setup.south.area


def test_coordinator_exits_a_nominal_which_leaves_the_active_register(page: Page):
    setup = NominalSetup()
    nominal = setup.police_nominal
    name = nominal.person.display_name
    today = timezone.localdate()

    sign_in_to_home(page, setup.coordinator.username)
    visit(page, f"/nominals/{nominal.pk}/")
    follow(page, page.get_by_role("link", name="Record exit from MAPPA"))
    expect(heading(page)).to_have_text("Record exit from MAPPA")
    page.get_by_label("Notification period ended").check()
    fill_date(page, "Date they left MAPPA", today + timedelta(days=1))
    press(page, "Save")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("must be today or in the past")
    assert Nominal.objects.get(pk=nominal.pk).status != Status.EXITED

    fill_date(page, "Date they left MAPPA", today)
    press(page, "Save")
    expect_saved(page, "Exit from MAPPA recorded", name)
    expect(page.locator(".govuk-tag", has_text="Exited MAPPA")).to_be_visible()
    expect(summary_row(page, "Status")).to_contain_text(f"Exited MAPPA on {govuk_date(today)}")
    expect(history(page)).to_contain_text("In the community to Exited MAPPA")
    expect(history(page)).to_contain_text("Notification period ended")
    # A closed case offers no changes.
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    expect(page.get_by_role("link", name="Record exit from MAPPA")).to_have_count(0)

    # The register (managed under MAPPA now, by default) no longer lists it ...
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Nominals"))
    expect(page.locator("caption")).to_contain_text("1 nominal,")
    expect(page.get_by_role("link", name=name)).to_have_count(0)
    # ... but it is still there, as exited, for anyone who asks.
    page.get_by_label("Status").select_option(label="Exited MAPPA")
    press(page, "Apply filters")
    expect(page.locator("caption")).to_contain_text("1 nominal matching the filters")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name))
    expect(row).to_contain_text("Exited MAPPA")
    assert Nominal.objects.get(pk=nominal.pk).exited_on == today
