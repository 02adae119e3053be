"""Third-party disclosures (issue 6) in the browser: an emergency disclosure to a new partner
with children, from proposal to review, and a decision not to disclose made at a meeting.

A North Police practitioner proposes the disclosure from the case page and fills in the task
list; North Probation agrees to its information being disclosed; the chair, after one refused
attempt, decides in an emergency; the practitioner prepares the partner, is stopped from
recording the delivery until she has been told the offender does not know, and records it; the
record downloads as a PDF; the next level 2 meeting ratifies the decision from its pack, and
the practitioner closes the record with the review.

Each person has their own browser context; every page visited is checked with axe-core. Only
what the browser cannot do is set up directly: the people, agencies, information items and the
share of probation's item, the meeting with the case on its agenda and, once it has taken place,
its minutes, and the clock (the decision is moved back to the Friday evening it stands for, and
the meeting to the morning it was held).
"""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from mappa.audit.models import Action, AuditEvent
from mappa.disclosures.models import (
    Disclosure,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureStep,
    Forum,
    OffenderInvolvement,
    Outcome,
    RatificationStatus,
    RecipientKind,
    Undertaking,
)
from mappa.information_sharing.models import InformationItem, ItemKind
from mappa.meetings.models import Meeting, Minutes, MinutesStatus
from mappa.risk_management.models import PersonAtRiskKind
from tests.factories.disclosures import DecisionWorld
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.meetings import MeetingFactory, held_minutes, on_agenda, statement
from tests.factories.people import make_person
from tests.factories.risk_management import PersonAtRiskFactory
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

PARTNER = "Morgan Testpartner"
CHILD_RELATION = "Synthetic: the new partner's younger child"
PURPOSE = "Synthetic: to let his new partner protect her two young children from sexual harm."


def _fill_date(group: Locator, value: date) -> None:
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def _fill_when(page: Page, group: str, time: str, when: datetime) -> None:
    """A date group and the time box after it, as the consultation and delivery forms ask."""
    _fill_date(page.get_by_role("group", name=group), when.date())
    page.get_by_label(time, exact=True).fill(f"{when:%H:%M}")


def _task(page: Page, name: str) -> Locator:
    return page.get_by_role("link", name=name, exact=True)


def _table(page: Page, caption: str) -> Locator:
    return page.locator("table", has=page.locator("caption", has_text=caption))


def _pdf_text(content: bytes) -> str:
    # Whitespace collapsed: a long line may wrap in the footer.
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)


def _item_label(item: InformationItem) -> str:
    return (
        f"{item.summary} ({item.reference}, {item.get_kind_display().lower()}, "
        f"owned by {item.owner_agency.name})"
    )


def _disclosure_events(disclosure: Disclosure, action: Action) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk), action=action)
    )


def test_emergency_disclosure_to_a_new_partner_with_children(page: Page, new_page):
    # Browser tests flush the database between tests, losing the migration's statement.
    statement()
    world = DecisionWorld()  # NominalSetup, with North's youth justice and children's services
    setup = world.setup
    north = setup.north
    nominal = setup.police_nominal
    nominal.level = 2
    nominal.save(override=True)
    name = nominal.person.display_name
    today = timezone.localdate()
    # The younger of the partner's children, recorded as at risk on the case.
    child = make_person(north.police, forenames="Ash", surname="Testchild", dob=(today.year - 4, 6, 2))
    at_risk = PersonAtRiskFactory(
        nominal=nominal, kind=PersonAtRiskKind.CHILD, is_child=True, person=child, description=CHILD_RELATION
    )
    # What police know about the relationship, with a special category field to leave out.
    police_item = ItemFactory(
        nominal=nominal,
        owner_agency=north.police,
        author=setup.practitioner,
        kind=ItemKind.RELATIONSHIPS,
        summary="Synthetic: new relationship reported on Friday",
        attributes={
            "person_name": PARTNER,
            "relationship": "Partner, living together since Friday",
            "children": "Two children, aged 4 and 6",
            "ethnicity": "Synthetic ethnic origin",
        },
    )
    # Probation's item, shared with North Police, so the practitioner can read and propose it.
    probation_item = ItemFactory(
        nominal=nominal,
        owner_agency=north.probation,
        author=setup.probation_practitioner,
        summary="Synthetic: previous conviction for offences against a child",
    )
    share_items([probation_item], north.police)
    # The next level 2 meeting, in a week, with the case on its agenda.
    meeting = MeetingFactory(area=north.area, level=2, chair=setup.chair)
    agenda_item = on_agenda(meeting, nominal)

    # --- 1. the practitioner proposes the disclosure from the case page ------------------------
    sign_in_to_home(page, setup.practitioner.username)
    visit(page, f"/nominals/{nominal.pk}/")
    follow(page, page.get_by_role("link", name="Propose a disclosure"))
    expect(heading(page)).to_have_text("Propose a disclosure")
    page.get_by_label("What is the purpose of the disclosure?").fill(PURPOSE)
    page.get_by_label("Who does it protect? (optional)").select_option(label=f"Child: {at_risk.label}")
    press(page, "Propose the disclosure")
    disclosure = Disclosure.objects.get(nominal=nominal)
    expect(heading(page)).to_have_text(f"Disclosure {disclosure.reference}")
    tasks = page.get_by_test_id("tasks")
    # A child is at risk: the task list asks for the youth consultation, and says why.
    expect(tasks).to_contain_text("Youth consultation")
    expect(tasks).to_contain_text("Required because the person it protects is a child")

    follow(page, _task(page, "Purpose and what will be said"))
    expect(heading(page)).to_have_text("Purpose and what will be said")
    page.get_by_label("What will the recipients be told?").fill(
        "Synthetic: he has a conviction for sexual offences against a child, and must not be left "
        "alone with your children."
    )
    press(page, "Save and return to the disclosure")

    # The new partner, identified.
    follow(page, _task(page, "Recipients"))
    expect(heading(page)).to_have_text("Add a recipient")
    page.get_by_role("radio", name="New or current partner", exact=True).check()
    page.get_by_label("Their name").fill(PARTNER)
    page.get_by_label("Their role, or their relationship to those the disclosure protects").fill(
        "New partner of the nominal, mother of the two children"
    )
    page.get_by_label("How was their identity confirmed?").fill(
        "Synthetic: driving licence seen at her home by the police officer."
    )
    page.get_by_label("Why are they the right person to tell?").fill(
        "Synthetic: she is the children's mother and decides who cares for them."
    )
    press(page, "Add the recipient")
    expect(page.get_by_test_id("recipients")).to_contain_text(PARTNER)

    follow(page, _task(page, "Alternatives considered"))
    expect(heading(page)).to_have_text("Alternatives considered")
    page.get_by_label("What alternative to disclosure was considered?").fill(
        "Synthetic: more unannounced home visits by the police."
    )
    page.get_by_label("Why is it not enough on its own?").fill(
        "Synthetic: visits cannot cover the evenings he spends alone with the children."
    )
    press(page, "Add the alternative")

    # Police's own item, its special category field left out; then probation's.
    follow(page, _task(page, "Information to disclose"))
    expect(heading(page)).to_have_text("Information to disclose")
    page.get_by_role("radio", name=_item_label(police_item), exact=True).check()
    press(page, "Continue")
    expect(heading(page)).to_have_text(f"Which parts of {police_item.reference}?")
    special = page.get_by_role("checkbox", name=re.compile(r"^Their ethnic origin \(special category"))
    expect(special).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Children in the household", exact=True)).to_be_checked()
    page.get_by_role("checkbox", name="Detail", exact=True).uncheck()
    press(page, "Add this information")
    follow(page, _task(page, "Information to disclose"))
    page.get_by_role("radio", name=_item_label(probation_item), exact=True).check()
    press(page, "Continue")
    expect(page.get_by_test_id("chosen-item")).to_contain_text("It must agree before this can be disclosed")
    press(page, "Add this information")
    expect(tasks).to_contain_text("1 item awaiting the owning agency's agreement")

    follow(page, _task(page, "Risk to the offender"))
    expect(heading(page)).to_have_text("Risk to the offender")
    page.get_by_label("What risk would the disclosure pose to the offender?").fill(
        "Synthetic: her family may confront him; police will warn him and check on him."
    )
    page.get_by_label("The risk to the offender does not outweigh the risk to others").check()
    press(page, "Save and return to the disclosure")

    follow(page, _task(page, "The four tests and joint disclosure"))
    expect(heading(page)).to_have_text("The four tests and joint disclosure")
    page.get_by_role("radio", name="Common law police powers", exact=True).check()
    page.get_by_label("Necessary: why is disclosure needed?").fill(
        "Synthetic: he is living with two young children from tonight."
    )
    page.get_by_label("Proportionate: why would less intrusive options not work?").fill(
        "Synthetic: only their mother can stop him being alone with them."
    )
    page.get_by_label("Relevant: why is this information relevant?").fill(
        "Synthetic: the conviction shows the risk to children of their age."
    )
    page.get_by_role("radio", name="Jointly (for example police and probation together)", exact=True).check()
    page.get_by_label("Why?", exact=True).fill(
        "Synthetic: police and probation together, so she can ask both."
    )
    press(page, "Save and return to the disclosure")

    follow(page, _task(page, "Youth consultation"))
    expect(heading(page)).to_have_text(
        "Consultation of a senior youth justice or children's services manager"
    )
    expect(page.get_by_test_id("youth-reasons")).to_have_text(
        "Required because the person it protects is a child."
    )
    page.get_by_label("Name of the senior manager consulted").fill("Synthetic Manager")
    page.get_by_label("Their role").fill("Head of children's social care")
    page.get_by_label("Their agency").select_option(label=world.childrens.name)
    _fill_date(page.get_by_role("group", name="Date they were consulted"), today)
    page.get_by_label("Their view on the disclosure").fill(
        "Synthetic: supports telling the mother tonight; a social worker will visit on Monday."
    )
    press(page, "Save and return to the disclosure")

    # The agencies consulted on the emergency: probation and children's services.
    consulted = timezone.localtime() - timedelta(minutes=30)
    for agency, person, role in (
        (north.probation, "Synthetic Probation Officer", "Senior probation officer"),
        (world.childrens, "Synthetic Social Worker", "Duty team manager"),
    ):
        follow(page, _task(page, "Agencies consulted"))
        expect(heading(page)).to_have_text("Agencies consulted on an emergency decision")
        page.get_by_label("Agency consulted").select_option(label=agency.name)
        page.get_by_label("Name of the person consulted").fill(person)
        page.get_by_label("Their role").fill(role)
        _fill_when(page, "Date consulted", "Time consulted", consulted)
        page.get_by_label("Their view on the disclosure").fill("Synthetic: agrees it cannot wait.")
        press(page, "Add the consultation")
    expect(tasks).to_contain_text("2 agencies so far")
    # Only probation's agreement is missing now, for either outcome's list.
    blockers = page.get_by_test_id("disclose-blockers").get_by_role("listitem")
    expect(blockers).to_have_count(1)
    expect(blockers).to_have_text(
        f"North Probation has not yet agreed to {probation_item.reference} being disclosed"
    )

    # --- 2. the chair tries to decide before probation has agreed: refused --------------------
    chair = new_page()
    sign_in_to_home(chair, setup.chair.username)
    visit(chair, f"/disclosures/{disclosure.pk}/")
    follow(chair, chair.get_by_test_id("decision").get_by_role("link", name="Record the decision"))
    expect(heading(chair)).to_have_text("Record the decision")
    expect(chair.get_by_test_id("agency-count")).to_contain_text("3 agencies taking part")
    chair.get_by_role("radio", name="Disclose", exact=True).check()
    chair.get_by_role("radio", name="An emergency decision outside a meeting", exact=True).check()
    emergency_reason = "Synthetic: he moved in on Friday and is alone with the children this weekend."
    rationale = "Synthetic: the risk of sexual harm to the children outweighs his privacy."
    chair.get_by_label("If in an emergency: why could it not wait for a level 2 or 3 meeting?").fill(
        emergency_reason
    )
    chair.get_by_label("Reasons for the decision").fill(rationale)
    version = Disclosure.objects.get(pk=disclosure.pk).version
    press(chair, "Record the decision")
    expect(error_summary(chair)).to_contain_text(
        f"North Probation has not yet agreed to {probation_item.reference} being disclosed"
    )
    stored = Disclosure.objects.get(pk=disclosure.pk)
    assert (stored.status, stored.version, stored.decided_at) == (DisclosureStatus.PROPOSED, version, None)
    assert not stored.steps.filter(step="decided").exists()

    # --- 3. probation agrees to its item being disclosed ---------------------------------------
    probation = new_page()
    sign_in_to_home(probation, setup.probation_practitioner.username)
    waiting = probation.get_by_test_id("items-awaiting-agreement")
    expect(waiting).to_contain_text("1 proposed disclosure of your agency's information needs your agency's")
    follow(probation, waiting.get_by_role("link"))
    expect(heading(probation)).to_have_text("Disclosures waiting for your agency's agreement")
    follow(probation, probation.get_by_role("link", name=probation_item.summary))
    expect(heading(probation)).to_have_text(
        f"Does your agency agree to {probation_item.reference} being disclosed?"
    )
    expect(probation.get_by_test_id("recipients")).to_contain_text("New or current partner")
    probation.get_by_role("radio", name="Yes, it may be disclosed as proposed").check()
    press(probation, "Record your agency's answer")
    expect(probation.get_by_test_id("none-awaiting")).to_be_visible()
    entry = DisclosureItem.objects.get(disclosure=disclosure, item=probation_item)
    assert entry.owner_agreed_by == setup.probation_practitioner

    # --- 4. the chair sees it ready and decides in an emergency --------------------------------
    visit(chair, f"/disclosures/{disclosure.pk}/")
    expect(chair.get_by_test_id("disclose-blockers")).to_contain_text("Nothing else is needed")
    follow(chair, chair.get_by_test_id("decision").get_by_role("link", name="Record the decision"))
    chair.get_by_role("radio", name="Disclose", exact=True).check()
    chair.get_by_role("radio", name="An emergency decision outside a meeting", exact=True).check()
    chair.get_by_label("If in an emergency: why could it not wait for a level 2 or 3 meeting?").fill(
        emergency_reason
    )
    # A blank rationale first: the form names it, and nothing is recorded.
    press(chair, "Record the decision")
    expect(error_summary(chair)).to_contain_text("Enter the reasons for the decision")
    assert Disclosure.objects.get(pk=disclosure.pk).status == DisclosureStatus.PROPOSED
    chair.get_by_label("Reasons for the decision").fill(rationale)
    press(chair, "Record the decision")
    expect(heading(chair)).to_have_text(f"Disclosure {disclosure.reference}")
    decision = chair.locator("dl[data-testid=decision]")  # the task list shares the test id
    expect(decision).to_contain_text("An emergency decision outside a meeting")
    expect(decision).to_contain_text(emergency_reason)
    expect(chair.get_by_test_id("ratification")).to_have_text("Awaiting ratification")
    expect(chair.get_by_test_id("single-agency")).to_have_count(0)
    disclosure.refresh_from_db()
    assert (disclosure.outcome, disclosure.forum, disclosure.ratification, disclosure.single_agency) == (
        Outcome.DISCLOSE,
        Forum.EMERGENCY,
        RatificationStatus.PENDING,
        False,
    )
    # Time passes: the decision was made on Friday evening, two days before the meeting.
    friday = timezone.now() - timedelta(days=2)
    Disclosure.objects.filter(pk=disclosure.pk).update(decided_at=friday)
    DisclosureStep.objects.filter(disclosure=disclosure, step="decided").update(at=friday)

    # The dashboard and the home page show it awaiting ratification.
    visit(page, "/disclosures/")
    expect(heading(page)).to_have_text("Disclosures")
    awaiting = _table(page, "Emergency decisions the next level 2 or 3 meeting must ratify")
    expect(awaiting).to_contain_text(disclosure.reference)
    visit(chair, "/")
    expect(chair.get_by_test_id("awaiting-ratification")).to_contain_text(
        "1 emergency decision is waiting to be ratified at a level 2 or 3 meeting"
    )

    # --- 5. the practitioner prepares the partner -------------------------------------------------
    visit(page, f"/disclosures/{disclosure.pk}/")
    follow(page, _task(page, "Prepare the recipient"))
    expect(heading(page)).to_have_text("Prepare the recipient")
    page.get_by_label("What does the recipient already know?").fill(
        "Synthetic: that he has been in prison, not why."
    )
    page.get_by_label("The recipient understands that the information is confidential and sensitive").check()
    page.get_by_label("How may the recipient use the information?").fill(
        "Synthetic: only to keep her children safe."
    )
    page.get_by_label("What should the recipient report if something happens?").fill(
        "Synthetic: any time he is alone with the children, to the police at once."
    )
    page.get_by_label("Whom can the recipient contact, and how do they get support?").fill(
        "Synthetic: the public protection unit, and the local victims' service."
    )
    page.get_by_label("What support is there if the arrangement breaks down?").fill(
        "Synthetic: refuge places for her, approved premises for him."
    )
    press(page, "Save")
    follow(page, _task(page, "Prepare the recipient"))
    follow(page, page.get_by_role("link", name="Add a key trigger"))
    expect(heading(page)).to_have_text("Add a key trigger")
    page.get_by_label("If the recipient sees", exact=True).fill(
        "Synthetic: him collecting the children from school"
    )
    page.get_by_label("They need to", exact=True).fill("Synthetic: call 999, then the offender manager")
    press(page, "Add key trigger")
    expect(_table(page, "Key triggers agreed with the recipient")).to_contain_text("collecting the children")

    follow(page, page.get_by_role("link", name="Back to the disclosure"))
    follow(page, _task(page, "The offender's involvement"))
    expect(heading(page)).to_have_text("The offender's involvement")
    page.get_by_role("radio", name="Not told", exact=True).check()
    page.get_by_role("radio", name="Telling them would increase the risk to the victim or others").check()
    page.get_by_label("Explain why they will not be told").fill(
        "Synthetic: he has threatened a former partner who challenged him."
    )
    press(page, "Save")

    follow(page, _task(page, "Plan the delivery"))
    expect(heading(page)).to_have_text("Plan the delivery")
    page.get_by_label("Who will deliver the disclosure?").select_option(str(setup.practitioner.pk))
    _fill_date(page.get_by_role("group", name="When will it be delivered?"), timezone.localdate())
    press(page, "Save")

    follow(page, _task(page, "Mark as prepared"))
    expect(heading(page)).to_have_text("Mark as prepared")
    press(page, "Mark as prepared")
    expect(page.get_by_test_id("state")).to_contain_text("Prepared")

    # --- 6. delivery is refused until she is told the offender does not know -------------------
    follow(page, _task(page, "Record the delivery"))
    expect(heading(page)).to_have_text("Record the delivery")
    expect(page.get_by_test_id("blockers")).to_contain_text(PARTNER)
    delivered = timezone.localtime() - timedelta(minutes=1)
    _fill_when(page, "Date the disclosure was made", "Time", delivered)
    expect(page.get_by_role("radio", name="In person", exact=True)).to_be_checked()
    page.get_by_label("Who made the disclosure with you? (optional)").fill("Synthetic Probation Officer")
    page.get_by_role(
        "group", name=f"Did {PARTNER} (New or current partner) sign the confidentiality undertaking?"
    ).get_by_role("radio", name="Signed", exact=True).check()
    press(page, "Record the delivery")
    expect(error_summary(page)).to_contain_text(
        f"Record that {PARTNER} was told the offender does not know about the disclosure"
    )
    assert Disclosure.objects.get(pk=disclosure.pk).status == DisclosureStatus.PREPARED
    assert _disclosure_events(disclosure, Action.DISCLOSURE) == []

    follow(page, page.get_by_test_id("blockers").get_by_role("link", name=PARTNER))
    expect(heading(page)).to_have_text(f"Tell {PARTNER} the offender does not know")
    page.get_by_label("The recipient was told that the offender does not know about the disclosure").check()
    press(page, "Confirm")
    follow(page, _task(page, "Record the delivery"))
    expect(page.get_by_test_id("blockers")).to_have_count(0)
    _fill_when(page, "Date the disclosure was made", "Time", delivered)
    page.get_by_label("Who made the disclosure with you? (optional)").fill("Synthetic Probation Officer")
    page.get_by_role(
        "group", name=f"Did {PARTNER} (New or current partner) sign the confidentiality undertaking?"
    ).get_by_role("radio", name="Signed", exact=True).check()
    press(page, "Record the delivery")
    expect(heading(page)).to_have_text(f"Disclosure {disclosure.reference}")
    expect(page.get_by_test_id("state")).to_contain_text("Delivered")

    # --- 7. the disclosure log is written now, once, naming the partner --------------------------
    disclosure.refresh_from_db()
    assert disclosure.status == DisclosureStatus.DELIVERED
    assert disclosure.offender_involvement == OffenderInvolvement.NOT_INFORMED
    recipient = DisclosureRecipient.objects.get(disclosure=disclosure)
    assert (recipient.kind, recipient.undertaking, recipient.told_offender_unaware) == (
        RecipientKind.NEW_PARTNER,
        Undertaking.SIGNED,
        True,
    )
    (logged,) = _disclosure_events(disclosure, Action.DISCLOSURE)
    assert logged.recipients == [f"{PARTNER} (New or current partner)"]
    assert logged.actor_user_id == setup.practitioner.pk
    assert logged.detail["items"] == [police_item.pk, probation_item.pk]
    assert "ethnicity" not in logged.detail["fields"][str(police_item.pk)]

    # --- 8. the record as a PDF, through the page's link -----------------------------------------
    link = page.get_by_test_id("disclosure-pdf")
    expect(link).to_have_text("Download the disclosure record (PDF)")
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    assert "OFFICIAL-SENSITIVE" in text
    assert PARTNER in text
    (export,) = _disclosure_events(disclosure, Action.EXPORT)
    assert export.actor_user_id == setup.practitioner.pk

    # --- 9. the meeting takes place and its chair ratifies the decision from the pack ------------
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    minutes = Minutes(
        agenda_item=agenda_item,
        status=MinutesStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=setup.chair,
    )
    minutes.save(override=True)
    visit(chair, f"/meetings/{meeting.pk}/pack/")
    expect(heading(chair)).to_have_text("Sign the confidentiality statement")
    press(chair, "I agree and sign")
    expect(heading(chair)).to_have_text(f"Papers for meeting {meeting.reference}")
    pack = chair.get_by_test_id("for-ratification")
    expect(pack).to_contain_text(disclosure.reference)
    expect(pack).to_contain_text(name)
    follow(chair, pack.get_by_role("link", name=f"Record the ratification of {disclosure.reference}"))
    expect(heading(chair)).to_have_text("Ratify the emergency decision")
    chair.get_by_role("radio", name=re.compile(rf"^{meeting.reference}, level 2 meeting")).check()
    chair.get_by_role("radio", name="Yes, ratified", exact=True).check()
    chair.get_by_label("Notes").fill("Synthetic: the meeting agreed the disclosure was needed that night.")
    press(chair, "Record the ratification")
    expect(chair.get_by_test_id("ratification")).to_contain_text("Ratified")
    expect(chair.get_by_test_id("ratification")).to_contain_text(f"minutes of {meeting.reference}")
    disclosure.refresh_from_db()
    assert (disclosure.ratification, disclosure.ratified_minutes, disclosure.ratified_by) == (
        RatificationStatus.RATIFIED,
        minutes,
        setup.chair,
    )

    # --- 10. the practitioner reviews the disclosure, which closes the record --------------------
    visit(page, "/disclosures/")
    expect(_table(page, "Emergency decisions the next level 2 or 3 meeting must ratify")).to_have_count(0)
    expect(_table(page, "Disclosures made, and decisions not to disclose, to be reviewed")).to_contain_text(
        disclosure.reference
    )
    visit(page, f"/disclosures/{disclosure.pk}/")
    follow(page, _task(page, "Review the disclosure"))
    expect(heading(page)).to_have_text("Review the disclosure")
    page.get_by_label("Review", exact=True).fill(
        "Synthetic: she has kept him away from the children; he has moved to approved premises."
    )
    press(page, "Save review")
    expect(page.get_by_test_id("state")).to_contain_text("Reviewed")
    disclosure.refresh_from_db()
    assert (disclosure.status, disclosure.reviewed_by) == (DisclosureStatus.REVIEWED, setup.practitioner)
    # Still one disclosure event: only delivering writes the log.
    assert len(_disclosure_events(disclosure, Action.DISCLOSURE)) == 1
    assert set(
        DisclosureConsultation.objects.filter(disclosure=disclosure).values_list("agency", flat=True)
    ) == {
        north.probation.pk,
        world.childrens.pk,
    }


def test_decision_not_to_disclose_at_a_meeting_then_reviewed(page: Page, new_page):
    statement()
    setup = DecisionWorld().setup
    nominal = setup.police_nominal
    nominal.level = 2
    nominal.save(override=True)
    # The level 2 meeting that discussed the case yesterday, chaired by the chair.
    minutes = held_minutes(nominal, chair=setup.chair, level=2, status="approved")
    meeting = minutes.agenda_item.meeting

    # The practitioner proposes telling the nominal's employer, and fills in what a decision
    # not to disclose needs: the recipient, what will be done instead, the risk to the offender.
    sign_in_to_home(page, setup.practitioner.username)
    visit(page, f"/nominals/{nominal.pk}/")
    follow(page, page.get_by_role("link", name="Propose a disclosure"))
    page.get_by_label("What is the purpose of the disclosure?").fill(
        "Synthetic: to let his employer keep him away from young customers."
    )
    press(page, "Propose the disclosure")
    disclosure = Disclosure.objects.get(nominal=nominal)
    expect(page.get_by_test_id("tasks")).not_to_contain_text("Youth consultation")
    follow(page, _task(page, "Recipients"))
    page.get_by_role("radio", name="Employer", exact=True).check()
    page.get_by_label("Their name").fill("Synthetic Employer")
    page.get_by_label("Their role, or their relationship to those the disclosure protects").fill(
        "Store manager at his workplace"
    )
    page.get_by_label("How was their identity confirmed?").fill("Synthetic: met at the store by the officer.")
    page.get_by_label("Why are they the right person to tell?").fill("Synthetic: she sets his shifts.")
    press(page, "Add the recipient")
    follow(page, _task(page, "Alternatives considered"))
    page.get_by_label("What alternative to disclosure was considered?").fill(
        "Synthetic: a licence condition to work only in the warehouse."
    )
    page.get_by_label("Why is it not enough on its own?").fill(
        "Synthetic: it manages the risk without telling anyone, and he has agreed to it."
    )
    press(page, "Add the alternative")
    follow(page, _task(page, "Risk to the offender"))
    page.get_by_label("What risk would the disclosure pose to the offender?").fill(
        "Synthetic: he would lose his job, which keeps him stable."
    )
    press(page, "Save and return to the disclosure")
    expect(page.get_by_test_id("do-not-disclose-blockers")).to_contain_text("Nothing else is needed")

    # The chair records the meeting's decision not to disclose, with its minutes.
    chair = new_page()
    sign_in_to_home(chair, setup.chair.username)
    visit(chair, f"/disclosures/{disclosure.pk}/")
    follow(chair, chair.get_by_test_id("decision").get_by_role("link", name="Record the decision"))
    chair.get_by_role("radio", name="Do not disclose", exact=True).check()
    chair.get_by_role("radio", name="At a level 2 or 3 MAPPA meeting", exact=True).check()
    chair.get_by_role("radio", name=re.compile(rf"^{meeting.reference}, level 2 meeting")).check()
    chair.get_by_label("Reasons for the decision").fill(
        "Synthetic: the licence condition manages the risk; telling his employer is not necessary."
    )
    press(chair, "Record the decision")
    decision = chair.locator("dl[data-testid=decision]")  # the task list shares the test id
    expect(decision).to_contain_text("Do not disclose")
    expect(decision).to_contain_text(f"Minutes of {meeting.reference}")
    disclosure.refresh_from_db()
    assert (disclosure.status, disclosure.outcome, disclosure.decision_minutes, disclosure.ratification) == (
        DisclosureStatus.DECIDED,
        Outcome.DO_NOT_DISCLOSE,
        minutes,
        RatificationStatus.NOT_NEEDED,
    )

    # The practitioner finds it awaiting review, and reviews the decision with the same care.
    visit(page, "/disclosures/")
    expect(_table(page, "Disclosures made, and decisions not to disclose, to be reviewed")).to_contain_text(
        disclosure.reference
    )
    follow(page, page.get_by_role("link", name=disclosure.reference).first)
    expect(page.get_by_role("link", name="Prepare the recipient")).to_have_count(0)
    follow(page, _task(page, "Review the decision not to disclose"))
    expect(heading(page)).to_have_text("Review the decision not to disclose")
    page.get_by_label("Review", exact=True).fill("Synthetic: he kept to the condition; no concerns raised.")
    press(page, "Save review")
    expect(page.get_by_test_id("state")).to_contain_text("Reviewed")
    disclosure.refresh_from_db()
    assert disclosure.status == DisclosureStatus.REVIEWED
    # Nobody was told anything: no disclosure log entry.
    assert _disclosure_events(disclosure, Action.DISCLOSURE) == []
