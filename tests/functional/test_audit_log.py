"""An auditor reads, filters and exports their agency's audit log; nobody else may."""

import csv
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mappa.audit.models import Action, AuditEvent
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.functional.axe import assert_accessible
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def test_auditor_filters_reads_and_exports_the_log_that_a_practitioner_cannot_open(page: Page, new_page):
    agency = AgencyFactory(name="Test constabulary", code="TEST-POLICE")
    auditor = member(["auditor"], agency=agency, first_name="Casey", last_name="Sample")
    practitioner = member(["practitioner"], agency=agency, first_name="Robin", last_name="Example")
    today = timezone.localdate()

    # A practitioner of the same agency has no link to the log, and the page itself is refused.
    theirs = new_page()
    sign_in_to_home(theirs, practitioner.username)
    expect(theirs.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log")).to_have_count(
        0
    )
    response = theirs.goto("/audit/")
    assert response is not None and response.status == 403
    assert_accessible(theirs)
    expect(heading(theirs)).to_have_text("You do not have permission to view this page")

    # The auditor sees both sign-ins, and the refusal.
    sign_in_to_home(page, auditor.username)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log"))
    expect(heading(page)).to_have_text("Audit log")
    table = page.locator("table")
    expect(table.locator("tbody tr", has_text="Signed in")).to_have_count(2)
    expect(table).to_contain_text(practitioner.username)
    expect(table).to_contain_text("Access refused")

    # Filtered by action.
    page.get_by_label("Action").select_option(label="Access refused")
    press(page, "Apply filters")
    expect(page.locator("caption")).to_have_text("1 event matching the filters, newest first")
    refusal = table.locator("tbody tr")
    expect(refusal).to_contain_text(practitioner.username)
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()

    # A date range that ends before it starts is refused, and the summary leads to the field.
    page.get_by_label("Date from").fill(f"{today.day}/{today.month}/{today.year}")
    yesterday = today - timedelta(days=1)
    page.get_by_label("Date to").fill(f"{yesterday.day}/{yesterday.month}/{yesterday.year}")
    press(page, "Apply filters")
    expect(page).to_have_title(re.compile(r"^Error: Audit log"))
    error_summary(page).get_by_role("link", name="Date to must be the same as or after date from").click()
    expect(page.get_by_label("Date to")).to_be_focused()
    expect(page.locator("table")).to_have_count(0)

    page.get_by_label("Date to").fill(f"{today.day}/{today.month}/{today.year}")
    press(page, "Apply filters")
    expect(page.locator("caption")).to_have_text("1 event matching the filters, newest first")

    # One event in full.
    refused = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    follow(page, refusal.get_by_role("link", name=f"Event #{refused.sequence}"))
    expect(heading(page)).to_have_text(f"Event #{refused.sequence}: Access refused")
    expect(page.locator(".govuk-summary-list__row", has_text="Username")).to_contain_text(
        practitioner.username
    )
    expect(page.locator(".govuk-summary-list__row", has_text="Detail")).to_contain_text("path: /audit/")

    # The filtered events as CSV: a download, not a page, so nothing to check with axe.
    page.go_back()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download these events as CSV")).click()
    download = download_info.value
    assert re.fullmatch(r"audit-log-\d{8}-\d{6}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(Path(download.path()).read_text(encoding="utf-8").splitlines()))
    assert [(row["sequence"], row["action"], row["actor_username"]) for row in rows] == [
        (str(refused.sequence), "access_denied", practitioner.username)
    ]
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor_username == auditor.username
    assert export.detail["filters"]["action"] == "access_denied"
