"""Steps the journeys share. Each step that lands on a new page checks it with axe-core."""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

from tests.factories.accounts import PASSWORD
from tests.functional.axe import assert_accessible


def visit(page: Page, path: str) -> None:
    """Open `path` on the live server and check the page (whatever the status: 404s too)."""
    page.goto(path)
    assert_accessible(page)


def follow(page: Page, target: Locator) -> None:
    """Click something that loads a new document (a button submitting a form, a link), then check it."""
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def press(page: Page, button_name: str) -> None:
    follow(page, page.get_by_role("button", name=button_name, exact=True))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in from the sign-in page; stops wherever the service sends the user next."""
    visit(page, "/sign-in/")
    submit_sign_in(page, username, password)


def submit_sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill in and submit the sign-in form already on the page (after an error, say)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    press(page, "Sign in")


def sign_out(page: Page) -> None:
    press(page, "Sign out")
    expect(heading(page)).to_have_text("You have signed out")


def skip_two_factor(page: Page) -> None:
    expect(page).to_have_url(path_is("/two-factor/set-up/"))
    press(page, "Skip for now (demonstration only)")


def accept_notice(page: Page) -> None:
    expect(heading(page)).to_have_text("Acceptable use and confidentiality")
    page.get_by_label("I have read and accept the acceptable use and confidentiality notice").check()
    press(page, "Accept and continue")


def sign_in_to_home(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in as a user with one agency, an accepted notice and no authenticator (demo skip)."""
    sign_in(page, username, password)
    skip_two_factor(page)
    expect(page).to_have_url(path_is("/"))


def totp_code(secret_shown: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app would show for the key the set-up page displays.

    step_offset=1 gives the next 30-second step's code: django-otp accepts one step of drift
    and refuses a code from a step already used, so a second sign-in within the same 30 seconds
    as the enrolment needs it.
    """
    key = base64.b32decode(secret_shown.replace(" ", ""))
    return f"{totp(key, drift=step_offset):06d}"


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for expect(page).to_have_url(): this path on any host, any query string."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")
