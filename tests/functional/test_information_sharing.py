"""Agency-owned information and lawful sharing (issue 4): a Responsible Authority practitioner
shares with children's services, and a children's services worker asks for what it cannot see.

Two people, two browsers: North Police (the lead agency) and North Children's Services, a
duty-to-co-operate agency that sees a case only while it is involved with it (it holds an
active share about it). Every page either of them passes through, error states included, is
checked with axe-core.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from mappa.agencies.models import Agency, AgencyKind
from mappa.information_sharing.models import AccessRequest, InformationItem, ItemKind, RequestStatus, Share
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.nominals import NominalSetup
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

# Synthetic values: the ethnicity is the one a share must not carry to children's services.
PARTNER = "Jodie Examplename"
ADDRESS = "14 Synthetic Row, Northtown NT1 9ZZ"
ETHNICITY = "Irish Traveller"
ETHNICITY_FIELD = "Their ethnic origin (special category: race or ethnic origin)"


@dataclass
class Sharing:
    setup: NominalSetup
    childrens: Agency
    worker: Any  # a practitioner of North Children's Services

    @property
    def police(self) -> Any:
        return self.setup.practitioner  # North Police, which leads police_nominal


def sharing_setup() -> Sharing:
    """NominalSetup, plus North Children's Services as a party to North's MAPPA agreement."""
    setup = NominalSetup()
    childrens = AgencyFactory(
        name="North Children's Services",
        code="NORTH-CSC",
        kind=AgencyKind.CHILDRENS_SERVICES,
        areas=[setup.area],
    )
    setup.north.agreement.parties.add(childrens)
    return Sharing(setup, childrens, member(["practitioner"], agency=childrens))


def menu(page: Page, name: str) -> None:
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True))


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def summary_row(page: Page, key: str) -> Locator:
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )


def holdings(page: Page) -> Locator:
    return page.get_by_test_id("holdings")


def open_case_from_register(page: Page, name: str, count: str) -> None:
    menu(page, "Nominals")
    expect(heading(page)).to_have_text("Nominal register")
    expect(page.locator("caption")).to_contain_text(count)
    follow(page, page.get_by_role("link", name=name))
    expect(heading(page)).to_have_text(name)


def fill_terms(page: Page) -> None:
    """Purpose MAPPA (already chosen), s.325(4), and the three statements."""
    expect(page.get_by_label("MAPPA risk assessment and management")).to_be_checked()
    page.get_by_label("Criminal Justice Act 2003 s.325(4)").check()
    page.get_by_label("Why is sharing necessary?").fill(
        "Children's services must assess the safety of the partner's children in the household."
    )
    page.get_by_label("Why is it proportionate?").fill(
        "Only the partner's name, relationship and address are shared; nothing else in the item."
    )
    page.get_by_label("Why is it relevant?").fill(
        "The nominal now lives with the partner, and children visit the address at weekends."
    )


def test_police_practitioner_shares_a_relationship_with_childrens_services(page: Page, new_page):
    s = sharing_setup()
    nominal = s.setup.police_nominal
    name = nominal.person.display_name

    # North Police records the relationship, ethnicity included (it is theirs to hold).
    sign_in_to_home(page, s.police.username)
    open_case_from_register(page, name, "2 nominals")
    expect(page.get_by_role("heading", name="Information held")).to_be_visible()
    expect(page.get_by_text("No information has been recorded about this nominal yet.")).to_be_visible()
    follow(page, page.get_by_role("link", name="Add information"))
    expect(heading(page)).to_have_text("Record information")
    page.get_by_label("Relationships", exact=True).check()
    press(page, "Continue")
    expect(heading(page)).to_have_text("Record information")
    page.get_by_label("Summary", exact=True).fill("New partner with children")
    page.get_by_label("Name of the other person").fill(PARTNER)
    page.get_by_label("Relationship to the nominal").fill("Partner since January")
    page.get_by_label("Their address").fill(ADDRESS)
    page.get_by_label("Their ethnic origin", exact=True).fill(ETHNICITY)
    press(page, "Record the item")
    expect(banner(page)).to_contain_text("Item recorded")
    expect(heading(page)).to_have_text("New partner with children")
    item = InformationItem.objects.get(nominal=nominal)
    assert item.attributes["ethnicity"] == ETHNICITY
    expect(page.get_by_text("Not shared with any other agency or meeting.")).to_be_visible()

    # Share information: the item, with its special category field ticked as well.
    follow(page, page.get_by_role("link", name="Back to the case"))
    follow(page, page.get_by_role("link", name="Share information"))
    expect(heading(page)).to_have_text("Which items do you want to share?")
    page.get_by_label("New partner with children").check()
    fields = page.get_by_role("group", name=f"What to include from {item.reference}")
    for label in ("Name of the other person", "Relationship to the nominal", "Their address"):
        expect(fields.get_by_label(label, exact=True)).to_be_checked()
    ethnicity = fields.get_by_label(ETHNICITY_FIELD)
    expect(ethnicity).not_to_be_checked()  # special category: left out unless chosen
    ethnicity.check()
    press(page, "Continue")
    # Special category content without a "strictly necessary" reason is refused at once.
    expect(page).to_have_title(re.compile(r"^Error: "))
    refusal = error_summary(page).get_by_role("link", name=re.compile("You included race or ethnic origin"))
    expect(refusal).to_have_attribute("href", f"#id_strictly_necessary_{item.pk}")
    expect(page.locator(f"#id_strictly_necessary_{item.pk}")).to_be_visible()
    page.get_by_label("Why is the special category information strictly necessary?").fill(
        "Their ethnicity is recorded in the children's services assessment of the household."
    )
    press(page, "Continue")

    # The recipient: first an agency the agreement does not cover, then children's services.
    expect(heading(page)).to_have_text("Which agency do you want to share with?")
    page.get_by_label("North Health Trust").check()
    press(page, "Continue")
    expect(heading(page)).to_have_text("Why and on what terms are you sharing?")
    press(page, "Continue")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Choose the lawful gateway")
    expect(error_summary(page)).to_contain_text("Explain why sharing is necessary")
    fill_terms(page)
    press(page, "Continue")

    expect(heading(page)).to_have_text("Check your answers before sharing")
    expect(page).to_have_title(re.compile(r"^Error: "))
    no_agreement = error_summary(page).get_by_role(
        "link",
        name=re.compile("no active information sharing agreement between North Police and North Health"),
    )
    expect(no_agreement).to_have_attribute("href", re.compile(r"/share/recipient/#id_recipient_0$"))
    expect(page.get_by_role("button", name="Confirm and share")).to_have_count(0)
    follow(page, no_agreement)
    expect(heading(page)).to_have_text("Which agency do you want to share with?")
    page.get_by_label("North Children's Services").check()
    press(page, "Continue")

    # Check your answers warns, in plain words, about the special category field.
    expect(heading(page)).to_have_text("Check your answers before sharing")
    warning = page.locator(".govuk-warning-text")
    expect(warning).to_contain_text("includes race or ethnic origin. This is special category information")
    expect(warning).to_contain_text("North Children's Services cannot do their part without it")
    expect(page.get_by_text("Special category: race or ethnic origin")).to_be_visible()
    expect(page.get_by_text("North MAPPA agreement (NORTH-ISA)")).to_be_visible()

    # Names and addresses are needed; ethnicity is not: back to the items, and leave it out.
    follow(page, page.get_by_role("link", name=f"Change the items and fields shared from {item.reference}"))
    expect(heading(page)).to_have_text("Which items do you want to share?")
    ethnicity = page.get_by_role("group", name=f"What to include from {item.reference}").get_by_label(
        ETHNICITY_FIELD
    )
    expect(ethnicity).to_be_checked()
    ethnicity.uncheck()
    press(page, "Continue")
    expect(heading(page)).to_have_text("Check your answers before sharing")
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    expect(page.get_by_text("No special category information")).to_be_visible()
    included = page.locator(".govuk-summary-list__value", has_text="Includes:")
    expect(included).to_contain_text(
        "Includes: Summary, Name of the other person, Relationship to the nominal, Their address"
    )
    expect(included).not_to_contain_text("ethnic")
    press(page, "Confirm and share")

    share = Share.objects.get(nominal=nominal)
    expect(banner(page)).to_contain_text(
        f"Information shared with North Children's Services: {share.reference}"
    )
    expect(heading(page)).to_have_text(f"{share.reference}: North Police to North Children's Services")
    carried = page.get_by_role("table", name=re.compile("Items in this share"))
    # Exactly the fields chosen (the share lists them in its own order).
    included_fields = carried.locator("tbody tr td").nth(2).inner_text().split(", ")
    assert sorted(included_fields) == [
        "Name of the other person",
        "Relationship to the nominal",
        "Summary",
        "Their address",
    ]
    assert sorted(share.share_items.get().fields) == ["address", "person_name", "relationship"]

    # Children's services, in their own browser: the case is on their register now.
    csc = new_page()
    sign_in_to_home(csc, s.worker.username)
    open_case_from_register(csc, name, "1 nominal")
    expect(csc.locator("caption", has_text="Held by North Police, shared with your agency")).to_be_visible()
    expect(csc.get_by_text("1 field not shared")).to_be_visible()
    assert ETHNICITY not in csc.content()
    follow(csc, csc.get_by_role("link", name="New partner with children"))
    expect(heading(csc)).to_have_text("New partner with children")
    expect(csc.get_by_test_id("shared-basis")).to_contain_text("1 field was not shared with your agency.")
    expect(csc.get_by_text(PARTNER)).to_be_visible()
    expect(csc.get_by_text(ADDRESS)).to_be_visible()
    expect(csc.get_by_text("Their ethnic origin")).to_have_count(0)
    assert ETHNICITY not in csc.content()
    # The share they hold says the same, from their side.
    follow(csc, csc.get_by_test_id("shared-basis").get_by_role("link", name=share.reference))
    expect(heading(csc)).to_have_text(f"{share.reference}: North Police to North Children's Services")
    assert ETHNICITY not in csc.content()


def shared_and_held_back(s: Sharing) -> tuple[InformationItem, InformationItem, Share]:
    """On police_nominal: a relationship item shared with children's services (name and address
    only), and a piece of police intelligence that is not shared."""
    nominal = s.setup.police_nominal
    shared = ItemFactory(
        nominal=nominal,
        kind=ItemKind.RELATIONSHIPS,
        summary="New partner with children",
        detail="",
        attributes={"person_name": PARTNER, "address": ADDRESS, "ethnicity": ETHNICITY},
        author=s.police,
    )
    held_back = ItemFactory(
        nominal=nominal,
        kind=ItemKind.INTELLIGENCE,
        summary="Associates seen near a primary school",
        detail="Synthetic intelligence for the journeys.",
        author=s.police,
    )
    share = share_items([shared], s.childrens, fields=["person_name", "address"], decided_by=s.police)
    return shared, held_back, share


def open_request_access(page: Page) -> None:
    """From the case: North Police holds one item children's services cannot see; ask for it."""
    expect(holdings(page).get_by_role("listitem")).to_have_text(
        re.compile(r"^\s*North Police holds 1 item\.")
    )
    # The link's name says whose information, for a screen reader's list of links.
    ask = holdings(page).get_by_role("link", name="Request access to the information North Police holds")
    follow(page, ask)
    expect(heading(page)).to_have_text("Request access to North Police's information")


def request_access(page: Page, reason: str) -> None:
    open_request_access(page)
    page.get_by_label("Why does your agency need this information?").fill(reason)
    press(page, "Send request")
    expect(banner(page)).to_contain_text("Access requested. North Police will decide whether to share")
    expect(holdings(page)).to_contain_text("Access requested on")


def test_childrens_services_worker_requests_access_and_police_decline_then_share(page: Page, new_page):
    s = sharing_setup()
    _, held_back, _ = shared_and_held_back(s)
    name = s.setup.police_nominal.person.display_name
    need = "A strategy discussion on the children is on Friday; we need to know what the police hold."

    # Children's services see the case through the share, and that North Police holds more.
    sign_in_to_home(page, s.worker.username)
    open_case_from_register(page, name, "1 nominal")
    expect(page.get_by_role("link", name="New partner with children")).to_be_visible()
    expect(page.get_by_text(held_back.summary)).to_have_count(0)
    open_request_access(page)
    press(page, "Send request")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Enter why your agency needs this information")
    assert not AccessRequest.objects.exists()
    page.get_by_label("Why does your agency need this information?").fill(need)
    press(page, "Send request")
    expect(banner(page)).to_contain_text("Access requested. North Police will decide whether to share")
    expect(holdings(page)).to_contain_text("Access requested on")
    first = AccessRequest.objects.get()

    # North Police: the count on the home page, the request, and a refusal with a reason.
    police = new_page()
    sign_in_to_home(police, s.police.username)
    expect(police.get_by_test_id("awaiting-decision")).to_have_text(
        "1 request is waiting for your agency's decision."
    )
    menu(police, "Requests")
    expect(heading(police)).to_have_text("Requests")
    waiting = police.get_by_role("table", name="Oldest first")
    expect(waiting).to_contain_text("North Children's Services")
    follow(police, waiting.get_by_role("link", name=first.reference))
    expect(heading(police)).to_have_text(f"Access request {first.reference}")
    expect(police.get_by_text(need)).to_be_visible()
    follow(police, police.get_by_role("link", name="Decline", exact=True))
    expect(heading(police)).to_have_text("Decline the request")
    press(police, "Decline request")
    expect(police).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(police)).to_contain_text("Enter why you are declining")
    refusal = "The intelligence is part of a live operation; we will share a summary after Friday."
    police.get_by_label("Why are you declining?").fill(refusal)
    press(police, "Decline request")
    expect(banner(police)).to_contain_text("Request declined. North Children's Services can see your reason")
    expect(police.locator(".govuk-tag", has_text="Declined")).to_be_visible()
    assert AccessRequest.objects.get().status == RequestStatus.REFUSED

    # Children's services read the decision and its reason.
    menu(page, "Requests")
    made = page.get_by_role("table", name="Latest first")
    expect(made.get_by_role("row").filter(has_text=first.reference)).to_contain_text("Declined")
    follow(page, made.get_by_role("link", name=first.reference))
    expect(heading(page)).to_have_text(f"Access request {first.reference}")
    expect(summary_row(page, "Decision")).to_contain_text(
        f"Declined by {s.police.get_full_name()} of North Police"
    )
    expect(summary_row(page, "Reason for the decision")).to_contain_text(refusal)

    # After Friday they ask again, and North Police answer by sharing, through the wizard.
    follow(page, page.get_by_role("link", name=name))
    request_access(page, "The strategy discussion has been held; the plan needs the police view.")
    second = AccessRequest.objects.exclude(pk=first.pk).get()
    menu(police, "Home")
    expect(police.get_by_test_id("awaiting-decision")).to_contain_text("1 request is waiting")
    follow(police, police.get_by_test_id("awaiting-decision").get_by_role("link"))
    follow(
        police, police.get_by_role("table", name="Oldest first").get_by_role("link", name=second.reference)
    )
    follow(police, police.get_by_role("link", name="Share information"))
    expect(heading(police)).to_have_text("Which items do you want to share?")
    police.get_by_label(held_back.summary).check()
    press(police, "Continue")
    # The recipient is the agency that asked: no question about it.
    expect(heading(police)).to_have_text("Why and on what terms are you sharing?")
    fill_terms(police)
    police.get_by_label("Why is it proportionate?").fill(
        "A sanitised summary of the intelligence only, with the detail needed for the plan."
    )
    press(police, "Continue")
    expect(heading(police)).to_have_text("Check your answers before sharing")
    expect(police.get_by_text(f"Answering {second.reference}")).to_be_visible()
    expect(police.locator(".govuk-warning-text")).to_contain_text(
        "is police intelligence going outside the Responsible Authority"
    )
    press(police, "Confirm and share")
    second.refresh_from_db()
    assert second.status == RequestStatus.GRANTED and second.share is not None
    expect(banner(police)).to_contain_text(
        f"Information shared with North Children's Services: {second.share.reference}"
    )

    # Children's services now read both items, and North Police holds nothing they cannot see.
    follow(page, page.get_by_role("link", name="Back to the register"))
    follow(page, page.get_by_role("link", name=name))
    expect(page.get_by_role("link", name=held_back.summary)).to_be_visible()
    expect(holdings(page)).to_have_count(0)


def test_police_revoke_a_share_and_childrens_services_lose_the_case(page: Page, new_page):
    s = sharing_setup()
    _, _, share = shared_and_held_back(s)
    nominal = s.setup.police_nominal
    name = nominal.person.display_name

    csc = new_page()
    sign_in_to_home(csc, s.worker.username)
    open_case_from_register(csc, name, "1 nominal")

    sign_in_to_home(page, s.police.username)
    menu(page, "Shares")
    expect(heading(page)).to_have_text("Shares")
    follow(page, page.get_by_role("link", name=share.reference))
    follow(page, page.get_by_role("link", name="Revoke"))
    expect(heading(page)).to_have_text("Revoke the share with North Children's Services")
    press(page, "Revoke the share")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Enter why you are revoking the share")
    reason = "The partner has moved away and no children visit the address any more."
    page.get_by_label("Why are you revoking the share?").fill(reason)
    press(page, "Revoke the share")
    expect(banner(page)).to_contain_text(
        f"{share.reference} revoked. North Children's Services no longer sees it"
    )
    expect(page.get_by_test_id("revoked")).to_contain_text(reason)

    # At once: the case leaves children's services' register, and its page is not found.
    menu(csc, "Nominals")
    expect(csc.get_by_text("No nominals yet.")).to_be_visible()
    expect(csc.get_by_role("link", name=name)).to_have_count(0)
    visit(csc, f"/nominals/{nominal.pk}/")
    expect(heading(csc)).to_have_text("Page not found")
    # They can still read why the share ended, but not what it carried.
    menu(csc, "Shares")
    follow(csc, csc.get_by_role("link", name=re.compile(r"Shared with your agency")))
    row = csc.get_by_role("row").filter(has=csc.get_by_role("link", name=share.reference))
    expect(row).to_contain_text("Revoked")
    follow(csc, row.get_by_role("link", name=share.reference))
    expect(csc.get_by_test_id("revoked")).to_contain_text(reason)
    expect(csc.get_by_test_id("unavailable-count")).to_contain_text("as the share is no longer in force")
    assert ADDRESS not in csc.content() and PARTNER not in csc.content()
