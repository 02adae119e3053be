"""Signing in: the demonstration skip, enrolling an authenticator, the second factor, lock-out."""

import time
from datetime import timedelta

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.factories.accounts import PASSWORD, UserFactory, member
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
    sign_out,
    skip_two_factor,
    submit_sign_in,
    totp_code,
    visit,
)

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "granite lantern orchard velvet"


def test_first_sign_in_without_two_factor_accepts_the_notice_and_signs_out(page: Page):
    user = member(agency=AgencyFactory(name="Test constabulary"), accepted_notice=False)

    sign_in(page, user.username)
    expect(heading(page)).to_have_text("Set up two-factor authentication")
    skip_two_factor(page)
    accept_notice(page)

    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_test_id("acting-agency")).to_contain_text("Test constabulary")
    expect(page.get_by_role("region", name="Protective marking", exact=True)).to_have_text(
        "OFFICIAL-SENSITIVE"
    )

    sign_out(page)
    expect(page.get_by_text("OFFICIAL-SENSITIVE")).to_have_count(0)
    # The session is gone: the home page asks for a sign-in again.
    visit(page, "/")
    expect(heading(page)).to_have_text("Sign in to mappa")


def test_enrol_an_authenticator_then_sign_in_with_it(page: Page):
    user = member()

    sign_in(page, user.username)
    expect(heading(page)).to_have_text("Set up two-factor authentication")
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_be_visible()
    assert_accessible(page)  # again, with the details open
    # What the user would type into their authenticator app; the test plays the app from here on.
    app_key = secret.inner_text()
    page.get_by_label("Code from your authenticator app").fill(totp_code(app_key))
    press(page, "Confirm and continue")
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_text("Two-factor authentication is set up")).to_be_visible()
    assert TOTPDevice.objects.get(user=user).confirmed

    sign_out(page)
    sign_in(page, user.username)
    expect(page).to_have_url(path_is("/two-factor/"))
    expect(heading(page)).to_have_text("Enter your security code")
    # Nothing but the code page is reachable before the second factor.
    visit(page, "/users/")
    expect(page).to_have_url(path_is("/two-factor/"))

    valid = {totp_code(app_key, step_offset=n) for n in (-1, 0, 1, 2)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    page.get_by_label("Code from your authenticator app").fill(wrong)
    press(page, "Continue")
    expect(error_summary(page)).to_contain_text("The code is not correct")
    expect(page).to_have_url(path_is("/two-factor/"))

    # django-otp refuses any code for a second after a wrong one (it doubles with each failure).
    time.sleep(1.1)
    # The next step's code: the current one was used at enrolment and django-otp refuses reuse.
    page.get_by_label("Code from your authenticator app").fill(totp_code(app_key, step_offset=1))
    press(page, "Continue")
    expect(page).to_have_url(path_is("/"))
    expect(heading(page)).to_contain_text("Welcome")


def test_skip_is_not_offered_when_two_factor_is_required(page: Page, settings):
    settings.MAPPA_REQUIRE_2FA = True
    user = member()

    sign_in(page, user.username)
    expect(heading(page)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("button", name="Skip for now (demonstration only)")).to_have_count(0)
    visit(page, "/")
    expect(page).to_have_url(path_is("/two-factor/set-up/"))


def test_five_wrong_passwords_lock_the_account(page: Page, settings):
    # Fixed here, not read from the environment (MAPPA_LOCKOUT_*). django-axes keeps its attempts
    # in the database, which the transactional test empties afterwards: no axes reset is needed.
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    user = member()

    sign_in(page, user.username, "not the password")
    for _ in range(3):  # failures 2 to 4, from the page showing the error
        expect(error_summary(page)).to_contain_text("Enter a correct username and password")
        # The password is never echoed back into the form.
        expect(page.get_by_label("Password")).to_have_value("")
        submit_sign_in(page, user.username, "not the password")
    expect(error_summary(page)).to_contain_text("Enter a correct username and password")

    submit_sign_in(page, user.username, "not the password")  # the fifth
    expect(heading(page)).to_have_text("Your account is locked")
    expect(page.get_by_text("it is locked for 15 minutes")).to_be_visible()

    sign_in(page, user.username)  # the right password, still refused
    expect(heading(page)).to_have_text("Your account is locked")
    visit(page, "/")
    expect(heading(page)).to_have_text("Sign in to mappa")


def test_change_password_then_sign_in_with_the_new_one(page: Page):
    user = member()

    sign_in_to_home(page, user.username)
    follow(page, page.get_by_role("link", name="Change your password"))
    expect(heading(page)).to_have_text("Change your password")
    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    press(page, "Change password")
    expect(error_summary(page)).to_contain_text("Your current password is not correct")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    press(page, "Change password")
    expect(page.get_by_text("Your password has been changed")).to_be_visible()

    sign_out(page)
    sign_in(page, user.username, PASSWORD)
    expect(error_summary(page)).to_contain_text("Enter a correct username and password")
    submit_sign_in(page, user.username, NEW_PASSWORD)
    skip_two_factor(page)
    expect(page).to_have_url(path_is("/"))


def test_a_user_with_no_active_membership_has_no_access(page: Page):
    user = UserFactory()  # a user with no membership at all

    sign_in(page, user.username)
    skip_two_factor(page)
    expect(heading(page)).to_have_text("You do not have access to mappa")
    # No agency, so no navigation, but the way out is there.
    sign_out(page)
