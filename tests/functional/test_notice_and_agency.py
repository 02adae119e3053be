"""The gates after the second factor: the acceptable-use notice and the acting agency."""

import re

import pytest
from playwright.sync_api import Page, expect

from mappa.accounts.models import NoticeAcceptance
from mappa.accounts.notice import NOTICE_VERSION
from mappa.audit.models import Action, AuditEvent
from tests.factories.accounts import MembershipFactory, member
from tests.factories.agencies import AgencyFactory
from tests.functional.helpers import (
    error_summary,
    follow,
    heading,
    path_is,
    press,
    sign_in,
    skip_two_factor,
)

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def test_the_notice_must_be_accepted_and_the_acceptance_is_recorded(page: Page):
    user = member(accepted_notice=False)

    sign_in(page, user.username)
    skip_two_factor(page)
    expect(heading(page)).to_have_text("Acceptable use and confidentiality")
    press(page, "Accept and continue")  # without ticking the box
    expect(page).to_have_title(re.compile(r"^Error: Acceptable use and confidentiality"))
    summary = error_summary(page)
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Confirm that you accept the notice to continue")).to_be_visible()
    assert not NoticeAcceptance.objects.filter(user=user).exists()

    # The summary's link takes the user to the checkbox, as the GOV.UK pattern promises.
    summary.get_by_role("link").click()
    checkbox = page.get_by_label("I have read and accept the acceptable use and confidentiality notice")
    expect(checkbox).to_be_focused()
    checkbox.check()
    press(page, "Accept and continue")

    expect(page).to_have_url(path_is("/"))
    assert NoticeAcceptance.objects.filter(user=user, version=NOTICE_VERSION).count() == 1
    event = AuditEvent.objects.get(action=Action.NOTICE_ACCEPTED)
    assert event.actor_user_id == user.pk
    assert event.detail == {"version": NOTICE_VERSION}


def test_a_member_of_two_agencies_chooses_which_to_act_for(page: Page):
    user = member(agency=AgencyFactory(name="Test probation delivery unit"))
    MembershipFactory(user=user, agency=AgencyFactory(name="Test constabulary"))

    sign_in(page, user.username)
    skip_two_factor(page)
    expect(heading(page)).to_have_text("Choose the agency you are acting for")
    press(page, "Continue")  # nothing chosen
    expect(error_summary(page)).to_contain_text("Select the agency you are acting for")

    page.get_by_label("Test constabulary").check()
    press(page, "Continue")
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_test_id("acting-agency")).to_contain_text("Test constabulary")
    events = AuditEvent.objects.filter(action=Action.AGENCY_CHOSEN, actor_user_id=user.pk)
    assert [e.summary for e in events] == ["Acting for Test constabulary"]

    # The header offers a change of agency to members of more than one.
    follow(page, page.get_by_role("link", name="Change agency"))
    page.get_by_label("Test probation delivery unit").check()
    press(page, "Continue")
    expect(page.get_by_test_id("acting-agency")).to_contain_text("Test probation delivery unit")
    expect(page.get_by_test_id("acting-agency")).not_to_contain_text("Test constabulary")
