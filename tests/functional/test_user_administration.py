"""An agency administrator manages their agency's users; the invited user joins."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mappa.accounts.models import AgencyMembership
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.functional.axe import assert_accessible
from tests.functional.helpers import (
    accept_notice,
    error_summary,
    follow,
    heading,
    path_is,
    press,
    sign_in,
    sign_in_to_home,
    skip_two_factor,
    submit_sign_in,
    visit,
)

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "granite lantern orchard velvet"


def test_administrator_adds_changes_deactivates_and_reactivates_a_user(page: Page, new_page):
    agency = AgencyFactory(name="Test constabulary")
    admin = member(["agency_administrator"], agency=agency)
    other_admin = member(["agency_administrator"], agency=AgencyFactory(name="Test youth justice service"))

    sign_in_to_home(page, admin.username)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users"))
    expect(heading(page)).to_have_text("Users of Test constabulary")
    follow(page, page.get_by_role("link", name="Add a user"))
    expect(heading(page)).to_have_text("Add a user to Test constabulary")

    press(page, "Add user")  # nothing filled in
    expect(error_summary(page)).to_contain_text("Select at least one role")
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Sample")
    page.get_by_label("Work email address").fill("casey.sample@example.invalid")
    page.get_by_label("Username", exact=True).fill("casey.sample")
    page.get_by_label("Practitioner").check()
    press(page, "Add user")

    expect(heading(page)).to_have_text("Casey Sample")
    invitation_url = page.get_by_test_id("invitation-url").inner_text().strip()
    assert "/invitation/" in invitation_url
    membership = AgencyMembership.objects.get(user__username="casey.sample")
    expect(page).to_have_url(path_is(f"/users/{membership.pk}/"))

    follow(page, page.get_by_role("link", name="Change roles"))
    page.get_by_label("Meeting chair").check()
    press(page, "Save roles")
    expect(page.get_by_text("Roles updated for")).to_be_visible()
    roles = page.locator(".govuk-summary-list__row", has_text="Roles")
    expect(roles).to_contain_text("Meeting chair")
    expect(roles).to_contain_text("Practitioner")

    follow(page, page.get_by_role("link", name="Deactivate"))
    expect(heading(page)).to_have_text("Deactivate Casey Sample?")
    press(page, "Deactivate")
    expect(page.locator(".govuk-tag", has_text="Deactivated")).to_be_visible()
    assert not AgencyMembership.objects.get(pk=membership.pk).is_active

    follow(page, page.get_by_role("link", name="Reactivate"))
    press(page, "Reactivate")
    expect(page.locator(".govuk-tag", has_text="Active")).to_be_visible()
    assert AgencyMembership.objects.get(pk=membership.pk).is_active

    # Another agency's administrator cannot see the user, nor tell that they exist.
    elsewhere = new_page()
    sign_in_to_home(elsewhere, other_admin.username)
    visit(elsewhere, f"/users/{membership.pk}/")
    expect(heading(elsewhere)).to_have_text("Page not found")
    visit(elsewhere, "/users/")
    expect(elsewhere.get_by_text("Casey Sample")).to_have_count(0)

    # The new user, in their own browser, follows the invitation.
    invited = new_page()
    visit(invited, invitation_url)
    expect(heading(invited)).to_have_text("Create your password")
    invited.get_by_label("New password").fill("too short")
    invited.get_by_label("Confirm your password").fill("too short")
    press(invited, "Create password")
    expect(error_summary(invited)).to_contain_text("This password is too short")
    invited.get_by_label("New password").fill(NEW_PASSWORD)
    invited.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    press(invited, "Create password")

    expect(invited).to_have_url(path_is("/sign-in/"))
    expect(invited.get_by_text("Your password is set. Sign in to continue")).to_be_visible()
    submit_sign_in(invited, "casey.sample", NEW_PASSWORD)
    skip_two_factor(invited)
    accept_notice(invited)
    expect(invited).to_have_url(path_is("/"))
    expect(invited.get_by_test_id("acting-agency")).to_contain_text("Test constabulary")

    # The link worked once.
    visit(invited, invitation_url)
    expect(heading(invited)).to_have_text("This link has expired or has already been used")


def test_administrator_resets_a_lost_authenticator(page: Page, new_page):
    agency = AgencyFactory(name="Test constabulary")
    admin = member(["agency_administrator"], agency=agency)
    colleague = member(["practitioner"], agency=agency, first_name="Robin", last_name="Example")
    TOTPDevice.objects.create(user=colleague, name="Authenticator app", confirmed=True)
    membership = colleague.memberships.get()

    sign_in_to_home(page, admin.username)
    visit(page, f"/users/{membership.pk}/")
    two_factor = page.locator(".govuk-summary-list__row", has_text="Two-factor authentication")
    expect(two_factor).to_contain_text("Set up")
    follow(page, page.get_by_role("link", name="Reset two-factor authentication"))
    expect(heading(page)).to_have_text("Reset two-factor authentication for Robin Example?")
    press(page, "Reset two-factor authentication")
    expect(page.get_by_text("Robin Example will set up two-factor authentication")).to_be_visible()
    expect(two_factor).to_contain_text("Not set up")
    assert not TOTPDevice.objects.filter(user=colleague).exists()

    # Signing them out everywhere: the confirmation page, then back on their record.
    follow(page, page.get_by_role("link", name="Sign out everywhere"))
    expect(heading(page)).to_have_text("Sign Robin Example out everywhere?")
    press(page, "Sign out everywhere")
    expect(page.get_by_text("Robin Example has been signed out on every device")).to_be_visible()

    # Roles cannot be emptied: the error state of the roles page.
    follow(page, page.get_by_role("link", name="Change roles"))
    page.get_by_label("Practitioner").uncheck()
    press(page, "Save roles")
    expect(error_summary(page)).to_contain_text("Select at least one role")

    # At their next sign-in the colleague is asked to set up a new app, not for a code.
    theirs = new_page()
    sign_in(theirs, colleague.username)
    expect(heading(theirs)).to_have_text("Set up two-factor authentication")


def test_users_page_is_refused_to_a_practitioner(page: Page):
    practitioner = member(["practitioner"])

    sign_in_to_home(page, practitioner.username)
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users")).to_have_count(0)
    response = page.goto("/users/")
    assert response is not None and response.status == 403
    assert_accessible(page)
