"""A practitioner works the nominal register: filter, open a case, change its level with a reason."""

import re

import pytest
from playwright.sync_api import Page, expect

from mappa.audit.models import Action, AuditEvent
from mappa.nominals.models import Nominal
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def test_practitioner_changes_a_nominals_level_and_sees_the_history(page: Page):
    setup = NominalSetup()
    NominalFactory(lead_agency=setup.north.police, area=setup.area, category=2)
    nominal = setup.police_nominal
    name = nominal.person.display_name

    sign_in_to_home(page, setup.practitioner.username)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Nominals"))
    expect(heading(page)).to_have_text("Nominal register")
    expect(page.locator("caption")).to_contain_text("3 nominals")

    page.get_by_label("Category").select_option("1")
    page.get_by_label("Lead agency").select_option(label="North Police")
    press(page, "Apply filters")
    expect(page.locator("caption")).to_contain_text("1 nominal matching the filters")

    follow(page, page.get_by_role("link", name=name))
    expect(heading(page)).to_have_text(name)
    expect(page.get_by_text("No plan has been approved yet")).to_be_visible()
    assert AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal.pk).exists()

    follow(page, page.get_by_role("link", name="Change level"))
    expect(heading(page)).to_have_text("Change level")
    page.get_by_label("Level 2: active multi-agency management", exact=True).check()
    page.get_by_label("Other reason").check()
    press(page, "Save")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Explain the reason")
    page.get_by_label("More about the reason").fill("Agreed with the co-ordinator after new intelligence")
    press(page, "Save")

    expect(heading(page)).to_have_text(name)
    expect(page.get_by_text("Level changed")).to_be_visible()
    history = page.get_by_role("table", name=re.compile("Changes to category"))
    expect(history).to_contain_text("Level 1: ordinary agency management to Level 2")
    expect(history).to_contain_text("Agreed with the co-ordinator after new intelligence")
    assert Nominal.objects.get(pk=nominal.pk).level == 2


def test_practitioner_gives_a_reason_to_open_a_case_another_agency_leads(page: Page):
    setup = NominalSetup()
    nominal = setup.probation_nominal
    name = nominal.person.display_name

    sign_in_to_home(page, setup.practitioner.username)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Nominals"))
    follow(page, page.get_by_role("link", name=name))
    expect(heading(page)).to_have_text("Give a reason to open this case")
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal.pk).exists()

    page.get_by_label("Why do you need to open this case?").fill("Visit")
    press(page, "Open the case")
    expect(error_summary(page)).to_contain_text("Reason must be 10 characters or more")
    page.get_by_label("Why do you need to open this case?").fill("Checking an address before a joint visit")
    press(page, "Open the case")

    expect(heading(page)).to_have_text(name)
    event = AuditEvent.objects.get(action=Action.CONSULTATION, nominal_id=nominal.pk)
    assert event.justification == "Reason given: Checking an address before a joint visit"
