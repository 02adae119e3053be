"""The public Sarah's Law and Clare's Law application form, signed out, in a browser.

Every page the journeys load, error states included, is checked with axe-core (`visit`, `press`
and `follow` check each document; the tracker fails the test on any page left unchecked).
"""

import re
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mappa.agencies.models import AgencyKind
from mappa.disclosure_schemes.models import Application, StageRecord
from tests.factories.agencies import AgencyFactory
from tests.functional.helpers import error_summary, follow, heading, path_is, press, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

FORCE = "Synthetic Shire Police"


@pytest.fixture(autouse=True)
def _forces() -> None:
    cache.clear()  # the rate-limit counters live in the live server's (this process's) cache
    AgencyFactory(name=FORCE, kind=AgencyKind.POLICE)
    AgencyFactory(name="Synthetic Vale Police", kind=AgencyKind.POLICE)


def _continue(page: Page, title: str) -> None:
    press(page, "Continue")
    expect(heading(page)).to_have_text(title)


def test_csods_application_with_errors_and_a_change(page: Page) -> None:
    visit(page, "/apply/")
    expect(heading(page)).to_have_text("Ask the police about someone: Sarah's Law and Clare's Law")
    expect(page.get_by_text("call 999").first).to_be_visible()
    follow(page, page.get_by_role("button", name="Start now"))

    # An answer missing: the error summary links to the question.
    expect(heading(page)).to_have_text("What do you want to ask about?")
    press(page, "Continue")
    expect(error_summary(page)).to_contain_text("Select what you want to ask about")
    page.get_by_label("A person who has contact with a child").check()
    _continue(page, "Which police force covers the area where the child lives?")

    page.get_by_label("Which police force covers the area where the child lives?").select_option(label=FORCE)
    _continue(page, "Your details")

    page.get_by_label("Full name").fill("Alex Synthetic-Applicant")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("2")
    dob.get_by_label("Month").fill("4")
    dob.get_by_label("Year").fill("2999")
    page.get_by_label("Address").fill("1 Example Street\nTesttown")
    page.get_by_label("Postcode").fill("not a postcode")
    press(page, "Continue")
    # Two errors at once, each in the summary and by its field.
    expect(error_summary(page)).to_contain_text("Date of birth must be in the past")
    expect(error_summary(page)).to_contain_text("Enter a real postcode, like AA1 1AA")
    expect(page.locator(".govuk-error-message")).to_have_count(2)
    dob.get_by_label("Year").fill("1988")
    page.get_by_label("Postcode").fill("TE1 1ST")
    _continue(page, "How can we contact you safely?")

    # A way chosen needs its detail.
    page.get_by_label("Text message", exact=True).check()
    page.get_by_label("When is it safe to contact you?").fill("Weekdays between 9am and 3pm")
    press(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter a phone number we can safely use")
    page.get_by_label("Phone number (if we can call you or send you a text message)").fill("07700 900123")
    page.get_by_label("Is there anything we must avoid when we contact you? (optional)").fill(
        "Do not leave a voicemail"
    )
    _continue(page, "Who are you concerned about?")

    page.get_by_label("Their full name").fill("Sam Synthetic-Subject")
    page.get_by_label(
        "If you do not know their date of birth, how old do you think they are? (optional)"
    ).fill("about 40")
    _continue(page, "How does this person have contact with the child or children?")

    page.get_by_label("How does this person have contact with the child or children?").fill(
        "He is my new partner and stays three nights a week."
    )
    _continue(page, "Which children are you concerned about?")

    child_1 = page.get_by_role("group", name="Child 1")
    child_1.get_by_label("Full name").fill("Synthetic Child")
    child_1.get_by_label("Age in years").fill("7")
    press(page, "Add another child")
    expect(page.get_by_role("group", name="Child 4")).to_be_visible()
    expect(page.get_by_role("group", name="Child 1").get_by_label("Full name")).to_have_value(
        "Synthetic Child"
    )
    page.get_by_role("group", name="Child 2").get_by_label("Full name").fill("Synthetic Baby")
    page.get_by_role("group", name="Child 2").get_by_label("Age in years").fill("0")
    page.get_by_label("What is your relationship to the children?").fill("Mother")
    _continue(page, "Why are you concerned?")

    page.get_by_label("Why are you concerned?").fill("Synthetic concern: he will not talk about his past.")
    _continue(page, "Check your answers before sending your application")
    expect(page.get_by_text("Synthetic Baby, aged 0")).to_be_visible()

    # Change an answer from the check page, and come straight back to it.
    follow(page, page.get_by_role("link", name="Change their name"))
    expect(heading(page)).to_have_text("Who are you concerned about?")
    page.get_by_label("Their full name").fill("Sam Changed-Subject")
    _continue(page, "Check your answers before sending your application")
    expect(page.get_by_text("Sam Changed-Subject")).to_be_visible()

    press(page, "Send application")
    expect(error_summary(page)).to_contain_text("Confirm that the information you have given is true")
    page.get_by_label(
        "I confirm that the information I have given is true, to the best of my knowledge"
    ).check()
    press(page, "Send application")

    expect(heading(page)).to_have_text("Application sent")
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"CSODS-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
    expect(page.get_by_text("does not mean you will be told anything")).to_be_visible()
    application = Application.objects.get(reference=reference)
    assert application.subject_name == "Sam Changed-Subject"
    assert application.children == [
        {"name": "Synthetic Child", "age": "7"},
        {"name": "Synthetic Baby", "age": "0"},
    ]
    assert StageRecord.objects.filter(application=application).count() == 1

    # The answers went with the application: the check page now starts again.
    visit(page, "/apply/check/")
    expect(page).to_have_url(path_is("/apply/"))


def test_dvds_third_party_application(page: Page) -> None:
    visit(page, "/apply/what-about/")
    page.get_by_label("The partner or ex-partner of someone I know").check()
    _continue(page, "Which police force covers the area where the person at risk lives?")
    page.get_by_label("Which police force covers the area where the person at risk lives?").select_option(
        label=FORCE
    )
    _continue(page, "Your details")
    page.get_by_label("Full name").fill("Pat Synthetic-Friend")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("12")
    dob.get_by_label("Month").fill("10")
    dob.get_by_label("Year").fill("1975")
    page.get_by_label("Address").fill("2 Example Road")
    page.get_by_label("Postcode").fill("TE2 2ST")
    _continue(page, "How can we contact you safely?")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address (if we can email you)").fill("pat@example.com")
    page.get_by_label("When is it safe to contact you?").fill("Any time")
    _continue(page, "Who are you concerned about?")
    page.get_by_label("Their full name").fill("Chris Synthetic-Partner")
    _continue(page, "The person at risk")
    page.get_by_label("What is their relationship to the person at risk?").fill("Partner of six months")
    press(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter the name of the person at risk")
    page.get_by_label("What is the name of the person at risk?").fill("Jo Synthetic-Sister")
    _continue(page, "Are there any children in the household?")
    _continue(page, "Why are you concerned?")
    page.get_by_label("Why are you concerned?").fill("Synthetic: bruises seen twice this month.")
    _continue(page, "Check your answers before sending your application")
    page.get_by_label(
        "I confirm that the information I have given is true, to the best of my knowledge"
    ).check()
    press(page, "Send application")
    expect(heading(page)).to_have_text("Application sent")
    reference = page.get_by_test_id("reference").inner_text()
    assert reference.startswith("DVDS-")
    application = Application.objects.get(reference=reference)
    assert application.person_at_risk_name == "Jo Synthetic-Sister"
    assert application.safe_contact_ways == ["email"]


def test_too_many_answers_page_is_accessible(page: Page, settings: Any) -> None:
    settings.MAPPA_APPLY_RATE_ANSWERS_PER_MINUTE = 0
    visit(page, "/apply/what-about/")
    page.get_by_label("My partner or ex-partner").check()
    press(page, "Continue")
    expect(heading(page)).to_have_text("You have sent too many answers")
    expect(page.get_by_text("call 999")).to_be_visible()
