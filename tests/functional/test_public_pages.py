"""Pages anyone can open, signed out: each passes axe-core."""

import pytest
from playwright.sync_api import Page, expect

from tests.functional.helpers import error_summary, heading, press, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/sign-in/", "Sign in to mappa"),
        ("/accessibility/", None),
        ("/privacy/", None),
        ("/cookies/", None),
        ("/invitation/MQ/not-a-token/", "This link has expired or has already been used"),
        ("/no-such-page/", "Page not found"),
    ],
)
def test_public_page_is_accessible(page: Page, path: str, title: str | None):
    visit(page, path)
    if title:
        expect(heading(page)).to_have_text(title)
    # Signed out, no page carries the protective marking: none holds personal data.
    expect(page.get_by_text("OFFICIAL-SENSITIVE")).to_have_count(0)


def test_sign_in_errors_are_accessible(page: Page):
    visit(page, "/sign-in/")
    press(page, "Sign in")
    expect(error_summary(page)).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-message")).to_have_count(2)


def test_home_sends_a_signed_out_visitor_to_sign_in(page: Page):
    visit(page, "/")
    expect(heading(page)).to_have_text("Sign in to mappa")
