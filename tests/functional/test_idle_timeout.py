"""Idle sign-out: the warning page (with JavaScript) and the server's own timeout (without)."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.factories.accounts import member
from tests.functional.axe import assert_accessible
from tests.functional.helpers import heading, path_is, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

# The short timeouts are set only once the user is signed in: otherwise the warning could
# interrupt the sign-in pages themselves. The settings fixture reaches the live server: same process.
IDLE_TIMEOUT = timedelta(seconds=5)
IDLE_WARNING = timedelta(seconds=3)
# app.mjs goes to the warning page at timeout - warning; give a slow machine some slack.
WAIT_MS = 10_000


def test_warning_page_keeps_the_user_signed_in_or_signs_them_out(page: Page, settings):
    user = member()
    sign_in_to_home(page, user.username)
    settings.MAPPA_IDLE_TIMEOUT = IDLE_TIMEOUT
    settings.MAPPA_IDLE_WARNING = IDLE_WARNING

    visit(page, "/")  # the page now carries the short timeout
    expect(page).to_have_url(path_is("/session/"), timeout=WAIT_MS)
    assert_accessible(page)
    expect(heading(page)).to_have_text("You will be signed out soon")
    press(page, "Stay signed in")
    expect(page).to_have_url(path_is("/"))
    expect(heading(page)).to_contain_text("Welcome")

    # This time the user does nothing: the countdown ends on the signed-out page.
    expect(page).to_have_url(path_is("/session/"), timeout=WAIT_MS)
    assert_accessible(page)
    expect(heading(page)).to_have_text("You have been signed out", timeout=WAIT_MS)
    expect(page).to_have_url(path_is("/signed-out/"))
    assert_accessible(page)
    expect(page.get_by_text("OFFICIAL-SENSITIVE")).to_have_count(0)


def test_server_signs_out_an_idle_session_without_javascript(page: Page, settings):
    # As if the script never arrived: only the server's own timeout can end the session.
    page.route("**/static/js/app.mjs", lambda route: route.abort())
    user = member()
    sign_in_to_home(page, user.username)
    settings.MAPPA_IDLE_TIMEOUT = timedelta(seconds=2)

    visit(page, "/")
    time.sleep(2.5)
    page.reload()
    assert_accessible(page)
    expect(page).to_have_url(path_is("/signed-out/"))
    expect(heading(page)).to_have_text("You have been signed out")
    visit(page, "/")
    expect(heading(page)).to_have_text("Sign in to mappa")
