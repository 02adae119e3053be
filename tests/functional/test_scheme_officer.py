"""Disclosure scheme applications (issue 7) in the browser, from the scheme officer's side.

A Sarah's Law application arrives through the public form's service; the North Police disclosure
scheme officer finds it in the queue, triages it, is stopped from moving it past the
face-to-face stage before the applicant's identity is verified, verifies it, makes the checks
(the people index search finds the subject, not a MAPPA nominal), records a decision not to
disclose, records the non-disclosure communicated with support offered, and closes the
application; the report then counts it. A second journey opens a Clare's Law right to know
application and takes it to a referral. A third shows an application past its target: flagged
in the queue and held until a safeguarding plan is recorded. A fourth decides to disclose about
a subject who is not a MAPPA nominal, starts the disclosure from the application, prepares and
delivers it on the disclosure record's pages with the signed undertaking, records the support
offered and closes the application.

Every page visited is checked with axe-core. Only what the browser cannot do is set up directly:
the force, the officer, the person in the people index, the application a member of the public
sent (through the public form's service, so it arrives as it would, at a chosen time) and, in
the shorter journey, the stages the first journey already walks through page by page.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from mappa.accounts.models import User
from mappa.agencies.models import Agency
from mappa.audit.models import Action, AuditEvent
from mappa.disclosure_schemes import services_applications, services_outcome
from mappa.disclosure_schemes.models import (
    ApplicantTold,
    Application,
    ApplicationStatus,
    Route,
    SchemeOutcome,
    StageRecord,
)
from mappa.disclosure_schemes.services_applications import SAFEGUARDING_BLOCKER
from mappa.disclosure_schemes.services_public import Child, SubmittedApplication, application_submit
from tests.factories.agencies import area_setup
from tests.factories.disclosure_schemes import scheme_officer
from tests.factories.people import make_person
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

APPLICANT = "Alex Testapplicant"
SUBJECT_FORENAMES, SUBJECT_SURNAME = "Sam", "Testsubject"
SUBJECT = f"{SUBJECT_FORENAMES} {SUBJECT_SURNAME}"
SUBJECT_BORN = date(1984, 3, 9)
SUBJECT_REF = "SYN-PNC-0001"
CHILD = "Robin Testchild"
IDENTITY_MESSAGE = (
    "Verify the applicant's identity at the face-to-face meeting: anonymous or unverified "
    "applicants receive no disclosure"
)


def _csods_answers(force: Agency) -> SubmittedApplication:
    """What a mother asking about her new partner answered on the public form (all synthetic)."""
    return SubmittedApplication(
        scheme="csods",
        third_party=False,
        receiving_agency_id=force.pk,
        applicant_name=APPLICANT,
        applicant_date_of_birth=date(1988, 4, 2),
        applicant_address="1 Example Street\nTesttown",
        applicant_postcode="TE1 1ST",
        safe_contact_ways=("phone",),
        applicant_phone="07700 900123",  # Ofcom's drama range: never a real number
        applicant_email="",
        safe_contact_times="Weekdays between 9am and 3pm",
        safe_contact_notes="Do not leave a voicemail",
        subject_name=SUBJECT,
        subject_date_of_birth=SUBJECT_BORN,
        subject_access="He is my new partner and stays three nights a week.",
        concern="Synthetic concern: he will not talk about his past.",
        children=(Child(name=CHILD, age="7"),),
        relationship_to_children="Mother",
    )


def _received(force: Agency, *, ago: timedelta) -> Application:
    """An application sent through the public form `ago` before now."""
    return application_submit(answers=_csods_answers(force), now=timezone.now() - ago)


def _detail(page: Page, application: Application) -> None:
    visit(page, f"/applications/{application.pk}/")
    expect(heading(page)).to_have_text(f"Application {application.reference}")


def _banner(page: Page) -> Locator:
    """The success message a completed action leaves on the page it returns to."""
    return page.locator(".govuk-notification-banner__heading")


def _task(page: Page, name: str) -> Locator:
    return page.get_by_role("link", name=name, exact=True)


def _fill_date(group: Locator, value: date) -> None:
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def _complete_stage(page: Page, application: Application, moving_to: str) -> None:
    """From the application page: complete the current stage, landing back on the page."""
    follow(page, page.get_by_role("link", name="Complete this stage"))
    expect(heading(page)).to_have_text("Complete this stage")
    press(page, "Complete this stage")
    expect(heading(page)).to_have_text(f"Application {application.reference}")
    expect(_banner(page)).to_have_text(f"Moved to the next stage: {moving_to}")


def _close(page: Page, application: Application) -> None:
    """From the application page: complete the last stage, which closes the application."""
    follow(page, page.get_by_role("link", name="Complete this stage"))
    expect(page.get_by_test_id("moving")).to_contain_text("the application will be closed")
    press(page, "Close the application")
    expect(_banner(page)).to_have_text(f"Application {application.reference} closed")
    expect(page.get_by_test_id("status")).to_contain_text("Closed")


def _no_names(events: list[AuditEvent], *names: str) -> None:
    for event in events:
        for name in names:
            assert name.lower() not in event.summary.lower(), (event.summary, name)


def test_csods_application_from_triage_to_a_non_disclosure_and_the_report(page: Page) -> None:
    north = area_setup("North")
    officer: User = scheme_officer(north.police)
    # The subject is in the people index as North Police hold him, and is not a MAPPA nominal.
    subject = make_person(
        north.police,
        forenames=SUBJECT_FORENAMES,
        surname=SUBJECT_SURNAME,
        dob=(SUBJECT_BORN.year, SUBJECT_BORN.month, SUBJECT_BORN.day),
        source_ref=SUBJECT_REF,
    )
    application = _received(north.police, ago=timedelta(hours=3))

    # --- 1. the officer finds the application: on the home page and in the queue ------------------
    sign_in_to_home(page, officer.username)
    expect(page.get_by_role("heading", name="Disclosure scheme applications").first).to_be_visible()
    expect(page.get_by_test_id("scheme-open")).to_contain_text("1 open application")
    expect(page.get_by_test_id("scheme-overdue")).to_have_count(0)
    follow(page, page.get_by_test_id("scheme-open").get_by_role("link"))
    expect(heading(page)).to_have_text("Disclosure scheme applications")
    queue = page.get_by_test_id("queue-other")
    expect(queue).to_contain_text(application.reference)
    expect(queue).to_contain_text("Sarah's Law")
    expect(queue).to_contain_text("Initial contact and checks")
    expect(page.get_by_test_id("tag-overdue")).to_have_count(0)

    # --- 2. the application page: the safe ways to make contact come first ------------------------
    follow(page, queue.get_by_role("link", name=application.reference))
    expect(heading(page)).to_have_text(f"Application {application.reference}")
    safe = page.get_by_test_id("safe-contact")
    expect(safe).to_contain_text("Contact only in these ways and at these times")
    expect(safe).to_contain_text("Phone")
    expect(safe).to_contain_text("Weekdays between 9am and 3pm")
    expect(safe).to_contain_text("Do not leave a voicemail")
    expect(page.get_by_test_id("children")).to_contain_text(f"{CHILD}, aged 7")

    # --- 3. triage: no one at immediate risk ------------------------------------------------------
    follow(page, _task(page, "Triage: immediate risk"))
    expect(heading(page)).to_have_text("Triage")
    page.get_by_role("group", name="Is anyone at immediate risk of harm?").get_by_label("No").check()
    press(page, "Save triage")
    expect(_banner(page)).to_have_text("Triage recorded")
    expect(page.get_by_test_id("tag-immediate")).to_have_count(0)

    # --- 4. the first stage needs only the safe contact details the applicant gave -----------------
    _complete_stage(page, application, "Face-to-face meeting and identity verification")

    # --- 5. the face-to-face stage cannot be completed before identity is verified ----------------
    expect(page.get_by_test_id("blocker-list")).to_contain_text(IDENTITY_MESSAGE)
    follow(page, page.get_by_role("link", name="Complete this stage"))
    expect(page.get_by_test_id("blocker-list")).to_contain_text(IDENTITY_MESSAGE)
    press(page, "Complete this stage")
    expect(heading(page)).to_have_text("Complete this stage")
    expect(error_summary(page)).to_contain_text(IDENTITY_MESSAGE)
    follow(page, page.get_by_role("link", name="Back to the application"))

    # --- 6. identity verified: for Sarah's Law, identity, address and relationship to the child ---
    follow(page, _task(page, "Verify the applicant's identity"))
    expect(heading(page)).to_have_text("Verify the applicant's identity")
    # One answer missing: refused, naming what is missing.
    page.get_by_label("Proof of identity").fill("Synthetic: passport seen")
    page.get_by_label("Proof of address").fill("Synthetic: council tax bill seen")
    _fill_date(page.get_by_role("group", name="Date of the face-to-face meeting"), timezone.localdate())
    press(page, "Save identity verification")
    expect(error_summary(page)).to_contain_text("Enter the proof of relationship to the child seen")
    page.get_by_label("Proof of relationship to the child").fill("Synthetic: child's red book seen")
    press(page, "Save identity verification")
    expect(_banner(page)).to_have_text("Identity verification recorded")
    expect(page.get_by_test_id("identity")).to_contain_text("Verified in person")
    expect(page.get_by_test_id("identity")).to_contain_text("Proof of relationship to the child")
    _complete_stage(page, application, "Full risk assessment and police checks")

    # --- 7. the checks: the people index search finds the subject; the officer links him --------
    follow(page, page.get_by_test_id("checks-link"))
    expect(heading(page)).to_have_text("Checks on the subject")
    expect(page.get_by_test_id("search-terms")).to_contain_text("name, date of birth")
    candidates = page.get_by_test_id("candidates")
    expect(candidates).to_contain_text(SUBJECT_REF)
    expect(candidates).not_to_contain_text("MAPPA nominal led by")
    page.get_by_role("radio", name=re.compile(re.escape(f"({SUBJECT_REF})"))).check()
    page.get_by_label("What did the checks find?").fill(
        "Synthetic: one conviction for a non-sexual offence in 2010; no intelligence about children."
    )
    press(page, "Record the checks")
    expect(_banner(page)).to_have_text(f"Checks recorded for {application.reference}.")
    checks = page.get_by_test_id("checks-summary")
    expect(checks).to_contain_text(subject.display_name)
    expect(checks.locator("dd").nth(1)).to_have_text("No")
    _complete_stage(page, application, "Multi-agency decision")

    # --- 8. the decision: not to disclose, by police with partners; the presumption does not apply -
    follow(page, page.get_by_test_id("decision-link"))
    expect(heading(page)).to_have_text("Record the decision")
    page.get_by_role("radio", name="Do not disclose", exact=True).check()
    page.get_by_role("radio", name="Police with partner agencies", exact=True).check()
    page.get_by_label("Rationale").fill(
        "Synthetic: no conviction for a child sexual offence and nothing showing a risk to the child."
    )
    page.get_by_role("group", name="Does the presumption to disclose apply?").get_by_label("No").check()
    page.get_by_role("radio", name="The applicant", exact=True).check()
    page.get_by_role("radio", name="Told the outcome", exact=True).check()
    press(page, "Save the decision")
    expect(_banner(page)).to_have_text(f"Decision recorded for {application.reference}: Do not disclose")
    decision = page.get_by_test_id("decision-summary")
    expect(decision).to_contain_text("Police with partner agencies")
    expect(decision).to_contain_text("Does not apply")
    _complete_stage(page, application, "Disclosure or non-disclosure")

    # --- 9. the non-disclosure, communicated in a safe way, with support offered -----------------
    follow(page, page.get_by_test_id("non-disclosure-link"))
    expect(heading(page)).to_have_text("Record the non-disclosure")
    _fill_date(page.get_by_role("group", name="Date the decision was communicated"), timezone.localdate())
    page.get_by_role("radio", name="By phone", exact=True).check()
    page.get_by_label("Support offered").fill(
        "Synthetic: referred to the local family support service; she accepted."
    )
    press(page, "Save")
    expect(_banner(page)).to_have_text(f"Non-disclosure recorded for {application.reference}")
    expect(page.get_by_test_id("outcome-summary")).to_contain_text("by phone")

    # --- 10. the last stage completed closes the application --------------------------------------
    _close(page, application)
    expect(page.get_by_role("link", name="Complete this stage")).to_have_count(0)

    # --- 11. what was stored ---------------------------------------------------------------------
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED
    assert application.closed_at is not None
    assert application.outcome == SchemeOutcome.DO_NOT_DISCLOSE
    assert application.applicant_told == ApplicantTold.OUTCOME
    assert application.subject_person_id == subject.pk
    assert application.subject_nominal_id is None
    assert application.identity_verified_by_id == officer.pk
    assert application.non_disclosure_how == "phone"
    stages = list(StageRecord.objects.filter(application=application).order_by("started_at", "pk"))
    assert [record.stage for record in stages] == [
        "initial_checks",
        "face_to_face",
        "risk_assessment",
        "decision",
        "outcome",
    ]
    assert all(record.completed_at is not None and record.completed_by_id == officer.pk for record in stages)
    # Every look at the application was a recorded consultation, and the checks search one more;
    # none of their summaries names the applicant, the subject or the child.
    consultations = list(
        AuditEvent.objects.filter(
            object_type="scheme_application", object_id=str(application.pk), action=Action.CONSULTATION
        )
    )
    assert consultations
    assert all(event.actor_user_id == officer.pk for event in consultations)
    searches = list(AuditEvent.objects.filter(object_type="person_search", detail__via="scheme_checks"))
    assert len(searches) >= 1
    assert all(subject.pk in event.detail["person_ids"] for event in searches)
    writes = list(AuditEvent.objects.filter(object_type="scheme_application", object_id=str(application.pk)))
    _no_names([*writes, *searches], APPLICANT, SUBJECT, SUBJECT_SURNAME, CHILD)
    assert {event.summary for event in writes} >= {
        f"Disclosure scheme checks recorded: {application.reference}",
        f"Disclosure scheme decision recorded: {application.reference}",
        f"Disclosure scheme non-disclosure recorded: {application.reference}",
        f"Disclosure scheme application closed: {application.reference}",
    }

    # --- 12. the report counts the closed application, naming no one -----------------------------
    visit(page, "/applications/report/")
    expect(heading(page)).to_have_text("Disclosure schemes report")
    expect(page.get_by_test_id("csods-total")).to_have_text("1 application.")
    expect(page.get_by_test_id("csods-stages-status")).to_contain_text("Disclosure or non-disclosure")
    expect(page.get_by_test_id("csods-stages-status").locator("tbody tr").first).to_contain_text("Closed")
    outcomes = page.get_by_test_id("csods-outcomes")
    expect(outcomes.get_by_role("row", name=re.compile(r"^Do not disclose"))).to_contain_text("1")
    expect(page.get_by_test_id("csods-time").locator(".govuk-summary-list__row").first).to_contain_text("1")
    expect(page.get_by_test_id("dvds-total")).to_have_text("0 applications.")
    for name in (APPLICANT, SUBJECT, CHILD, application.reference):
        expect(page.locator("main")).not_to_contain_text(name)


def test_right_to_know_application_opened_by_the_officer_and_referred(page: Page) -> None:
    north = area_setup("North")
    officer: User = scheme_officer(north.police)

    # --- 1. the officer opens a Clare's Law right to know application from the queue -------------
    sign_in_to_home(page, officer.username)
    visit(page, "/applications/")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    follow(page, page.get_by_role("link", name="Open a right to know application"))
    expect(heading(page)).to_have_text("Open a right to know application")
    page.get_by_label("Where did the information come from?").fill(
        "Police: information from an investigation"
    )
    page.get_by_label("Name of the person at risk").fill("Jo Testpartner")
    page.get_by_label("Name of the person they may be at risk from").fill("Chris Testsubject")
    page.get_by_label("Their relationship to the person at risk").fill("Current partner for six months")
    page.get_by_label("Why may the person be at risk?").fill(
        "Synthetic: a previous partner reported repeated controlling behaviour."
    )
    ways = page.get_by_role("group", name="Safe ways to contact the person at risk")
    ways.get_by_label("Phone", exact=True).check()
    page.get_by_label("When is it safe to make contact?").fill("Weekday mornings")
    # The phone way chosen without a number: refused, naming what is missing.
    press(page, "Open the application")
    expect(error_summary(page)).to_contain_text("Enter a phone number for the person at risk")
    page.get_by_label("Phone number (if phone or text)").fill("07700 900456")
    press(page, "Open the application")
    application = Application.objects.get(route=Route.RIGHT_TO_KNOW)
    expect(heading(page)).to_have_text(f"Application {application.reference}")
    expect(_banner(page)).to_have_text(f"Right to know application {application.reference} opened")
    expect(
        page.get_by_text("Domestic Violence Disclosure Scheme (Clare's Law), right to know")
    ).to_be_visible()
    expect(page.get_by_test_id("safe-contact")).to_contain_text("Weekday mornings")

    # --- 2. the stages the first journey walks through page by page, recorded directly -----------
    application = services_applications.application_advance(
        application=application, version=application.version, by=officer
    )
    application = services_applications.identity_verify(
        application=application,
        version=application.version,
        evidence={"identity": "Synthetic: driving licence", "address": "Synthetic: bank statement"},
        verified_on=timezone.now(),
        by=officer,
    )
    application = services_applications.application_advance(
        application=application, version=application.version, by=officer
    )
    application = services_outcome.checks_record(
        application=application,
        version=application.version,
        subject_person=None,
        summary="Synthetic: no record of the subject was found in the people index.",
        by=officer,
    )
    application = services_applications.application_advance(
        application=application, version=application.version, by=officer
    )
    assert application.stage == "decision"

    # --- 3. the decision: refer, at MARAC (Clare's Law has no presumption to disclose) -----------
    _detail(page, application)
    follow(page, page.get_by_test_id("decision-link"))
    expect(heading(page)).to_have_text("Record the decision")
    expect(page.get_by_role("group", name="Does the presumption to disclose apply?")).to_have_count(0)
    page.get_by_role("radio", name="Refer (for example to children's services)", exact=True).check()
    page.get_by_role("radio", name="MARAC", exact=True).check()
    page.get_by_label("Rationale").fill(
        "Synthetic: nothing to disclose, but the household needs support from children's services."
    )
    page.get_by_role("radio", name="The applicant", exact=True).check()
    page.get_by_role("radio", name="Told the outcome", exact=True).check()
    # A referral must say to whom: refused until it does.
    press(page, "Save the decision")
    expect(error_summary(page)).to_contain_text("Enter who the application is referred to and why")
    page.get_by_label("Who is the application referred to, and why?").fill(
        "Synthetic: North children's services, for an assessment of the two children in the home."
    )
    press(page, "Save the decision")
    expect(_banner(page)).to_contain_text(f"Decision recorded for {application.reference}: Refer")
    _complete_stage(page, application, "Disclosure or non-disclosure")

    # --- 4. the referral and the support offered, then the application closed --------------------
    follow(page, page.get_by_test_id("referral-link"))
    expect(heading(page)).to_have_text("Record the referral")
    page.get_by_label("What was referred, and what support was offered?").fill(
        "Synthetic: the concern was passed to children's services; an IDVA was offered and accepted."
    )
    press(page, "Save")
    expect(_banner(page)).to_have_text(f"Referral recorded for {application.reference}")
    expect(page.get_by_test_id("outcome-summary")).to_contain_text("an IDVA was offered")
    _close(page, application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED
    assert application.scheme == "dvds"
    assert application.outcome == SchemeOutcome.REFER
    assert application.forum == "marac"
    assert StageRecord.objects.filter(application=application, completed_at__isnull=True).count() == 0
    opened = AuditEvent.objects.get(
        object_type="scheme_application",
        object_id=str(application.pk),
        action=Action.COLLECTION,
        summary__startswith="Right to know application opened",
    )
    assert opened.actor_user_id == officer.pk
    writes = list(AuditEvent.objects.filter(object_type="scheme_application", object_id=str(application.pk)))
    _no_names(writes, "Jo Testpartner", "Testpartner", "Chris Testsubject", "Testsubject")

    # --- 5. the report counts the referral under Clare's Law -------------------------------------
    visit(page, "/applications/report/")
    expect(page.get_by_test_id("dvds-total")).to_have_text("1 application.")
    expect(
        page.get_by_test_id("dvds-outcomes").get_by_role("row", name=re.compile(r"^Refer"))
    ).to_contain_text("1")


def test_overdue_application_needs_a_safeguarding_plan_before_it_moves(page: Page) -> None:
    north = area_setup("North")
    officer: User = scheme_officer(north.police)
    # Received two days ago: its first stage (24 hours) is past its target.
    application = _received(north.police, ago=timedelta(days=2))

    # --- 1. the home page warns; the queue lists it as overdue, needing a plan --------------------
    sign_in_to_home(page, officer.username)
    expect(page.get_by_test_id("scheme-overdue")).to_contain_text("1 application past its target")
    follow(page, page.get_by_test_id("scheme-overdue").get_by_role("link"))
    expect(heading(page)).to_have_text("Disclosure scheme applications")
    overdue = page.get_by_test_id("queue-overdue")
    expect(overdue).to_contain_text(application.reference)
    expect(overdue.get_by_test_id("tag-overdue")).to_have_text("Overdue")
    expect(overdue.get_by_test_id("tag-plan")).to_have_text("Safeguarding plan needed")
    expect(page.get_by_test_id("count-overdue")).to_contain_text("1 overdue")

    # --- 2. moving it on is refused until a safeguarding plan is recorded ------------------------
    follow(page, overdue.get_by_role("link", name=application.reference))
    expect(page.get_by_test_id("status")).to_contain_text("Safeguarding plan needed")
    expect(page.get_by_test_id("blocker-list")).to_contain_text(SAFEGUARDING_BLOCKER)
    follow(page, page.get_by_role("link", name="Complete this stage"))
    press(page, "Complete this stage")
    expect(heading(page)).to_have_text("Complete this stage")
    expect(error_summary(page)).to_contain_text(SAFEGUARDING_BLOCKER)
    follow(page, page.get_by_role("link", name="Back to the application"))

    # --- 3. the plan, recorded through its page ---------------------------------------------------
    follow(page, _task(page, "Safeguarding plan"))
    expect(heading(page)).to_have_text("Safeguarding plan")
    expect(page.get_by_test_id("overdue-warning")).to_be_visible()
    press(page, "Save safeguarding plan")
    expect(error_summary(page)).to_contain_text("Enter the safeguarding plan")
    page.get_by_label("Safeguarding plan", exact=True).fill(
        "Synthetic: the neighbourhood team visits weekly; the applicant is phoned every Monday "
        "in her safe hours; risk reviewed again on Friday."
    )
    press(page, "Save safeguarding plan")
    expect(_banner(page)).to_have_text("Safeguarding plan recorded")
    expect(page.get_by_test_id("risk")).to_contain_text("the neighbourhood team visits weekly")
    expect(page.get_by_test_id("tag-plan")).to_have_count(0)

    # --- 4. now it may move on, and is no longer overdue ----------------------------------------
    _complete_stage(page, application, "Face-to-face meeting and identity verification")
    visit(page, "/applications/")
    expect(page.get_by_test_id("queue-overdue")).to_have_count(0)
    expect(page.get_by_test_id("queue-other")).to_contain_text(application.reference)

    application.refresh_from_db()
    assert application.stage == "face_to_face"
    assert application.safeguarding_plan_at is not None
    first = StageRecord.objects.get(application=application, stage="initial_checks")
    # Completed late: the record keeps that it was past its due time.
    assert first.completed_at is not None and first.completed_at > first.due_at
    assert AuditEvent.objects.filter(
        object_type="scheme_application",
        object_id=str(application.pk),
        summary=f"Disclosure scheme safeguarding plan recorded: {application.reference}",
        changed_fields=["safeguarding_plan", "safeguarding_plan_at"],
    ).exists()


def test_csods_decision_to_disclose_started_prepared_and_delivered(page: Page) -> None:
    north = area_setup("North")
    officer: User = scheme_officer(north.police)
    subject = make_person(
        north.police,
        forenames=SUBJECT_FORENAMES,
        surname=SUBJECT_SURNAME,
        dob=(SUBJECT_BORN.year, SUBJECT_BORN.month, SUBJECT_BORN.day),
        source_ref=SUBJECT_REF,
    )
    application = _received(north.police, ago=timedelta(hours=3))

    # --- 1. the stages the first journey walks through page by page, recorded directly -----------
    application = services_applications.triage_record(
        application=application, version=application.version, immediate_risk=False, by=officer
    )
    application = services_applications.application_advance(
        application=application, version=application.version, by=officer
    )
    application = services_applications.identity_verify(
        application=application,
        version=application.version,
        evidence={
            "identity": "Synthetic: passport seen",
            "address": "Synthetic: council tax bill seen",
            "relationship": "Synthetic: child's red book seen",
        },
        verified_on=timezone.now(),
        by=officer,
    )
    application = services_applications.application_advance(
        application=application, version=application.version, by=officer
    )
    application = services_outcome.checks_record(
        application=application,
        version=application.version,
        subject_person=subject,
        summary="Synthetic: a conviction for a sexual offence against a child in 2009; not a MAPPA nominal.",
        by=officer,
    )
    application = services_applications.application_advance(
        application=application, version=application.version, by=officer
    )
    assert application.stage == "decision"

    # --- 2. the decision: disclose, the presumption applies, to the applicant --------------------
    sign_in_to_home(page, officer.username)
    _detail(page, application)
    follow(page, page.get_by_test_id("decision-link"))
    expect(heading(page)).to_have_text("Record the decision")
    page.get_by_role("radio", name="Disclose", exact=True).check()
    page.get_by_role("radio", name="Police with partner agencies", exact=True).check()
    page.get_by_label("Rationale").fill(
        "Synthetic: a conviction for a child sexual offence, access to the child and a pressing need."
    )
    page.get_by_role("group", name="Does the presumption to disclose apply?").get_by_label("Yes").check()
    page.get_by_role("radio", name="The applicant", exact=True).check()
    page.get_by_role("radio", name="Told the outcome", exact=True).check()
    press(page, "Save the decision")
    expect(_banner(page)).to_have_text(f"Decision recorded for {application.reference}: Disclose")
    _complete_stage(page, application, "Disclosure or non-disclosure")

    # --- 3. the last stage waits for the disclosure; the officer starts it ----------------------
    expect(page.get_by_test_id("blocker-list")).to_contain_text(
        "Record the disclosure as delivered to the person it was made to"
    )
    expect(page.get_by_test_id("outcome-summary")).to_contain_text("The disclosure has not been started")
    follow(page, page.get_by_test_id("disclosure-start-link"))
    expect(heading(page)).to_have_text("Start the disclosure")
    # Pre-filled from the application: the applicant, the evidence seen, a parent or guardian.
    expect(page.get_by_label("Recipient's name")).to_have_value(APPLICANT)
    expect(page.get_by_label("How was their identity confirmed?")).to_contain_text("Synthetic: passport seen")
    expect(page.get_by_role("radio", name="Parent, guardian or carer", exact=True)).to_be_checked()
    expect(page.get_by_label("Their relationship to those the disclosure protects")).to_have_value("Mother")
    # What she will be told is missing: refused, naming it.
    page.get_by_label("Why are they best placed to protect?").fill(
        "Synthetic: she is the child's mother and has day-to-day care of her."
    )
    page.get_by_label("What risk does the disclosure pose to the subject?").fill(
        "Synthetic: a risk of harassment if it became known locally, outweighed by the risk to the child."
    )
    press(page, "Start the disclosure")
    expect(error_summary(page)).to_contain_text(
        "Enter what the recipient will be told, in the words to be used"
    )
    page.get_by_label("What will the recipient be told?").fill(
        f"Synthetic: {SUBJECT} has a conviction for a sexual offence against a child, from 2009."
    )
    press(page, "Start the disclosure")
    application.refresh_from_db()
    disclosure = application.disclosure
    assert disclosure is not None
    expect(_banner(page)).to_have_text(
        f"Disclosure {disclosure.reference} started for {application.reference}"
    )
    expect(page.get_by_test_id("disclosure-status")).to_have_text("Decided")
    expect(page.get_by_test_id("disclosure-todo")).to_contain_text("Add at least one key trigger")

    # --- 4. preparation, on the disclosure record's own pages -----------------------------------
    follow(page, page.get_by_test_id("disclosure-link"))
    expect(heading(page)).to_have_text(f"Disclosure {disclosure.reference}")
    follow(page, _task(page, "Prepare the recipient"))
    expect(heading(page)).to_have_text("Prepare the recipient")
    page.get_by_label("What does the recipient already know?").fill(
        "Synthetic: that he has been in trouble with the police, not why."
    )
    page.get_by_label("The recipient understands that the information is confidential and sensitive").check()
    page.get_by_label("How may the recipient use the information?").fill(
        "Synthetic: only to keep her daughter safe."
    )
    page.get_by_label("What should the recipient report if something happens?").fill(
        "Synthetic: any time he is alone with the child, to the police at once."
    )
    page.get_by_label("Whom can the recipient contact, and how do they get support?").fill(
        "Synthetic: the scheme officer, and the local family support service."
    )
    page.get_by_label("What support is there if the arrangement breaks down?").fill(
        "Synthetic: the neighbourhood team and children's services."
    )
    press(page, "Save")
    follow(page, _task(page, "Prepare the recipient"))
    follow(page, page.get_by_role("link", name="Add a key trigger"))
    expect(heading(page)).to_have_text("Add a key trigger")
    page.get_by_label("If the recipient sees", exact=True).fill(
        "Synthetic: him collecting the child from school"
    )
    page.get_by_label("They need to", exact=True).fill("Synthetic: call 999, then the scheme officer")
    press(page, "Add key trigger")
    follow(page, page.get_by_role("link", name="Back to the disclosure"))
    follow(page, _task(page, "The offender's involvement"))
    expect(heading(page)).to_have_text("The offender's involvement")
    page.get_by_role("radio", name="Told afterwards", exact=True).check()
    press(page, "Save")
    follow(page, _task(page, "Plan the delivery"))
    expect(heading(page)).to_have_text("Plan the delivery")
    page.get_by_label("Who will deliver the disclosure?").select_option(str(officer.pk))
    _fill_date(page.get_by_role("group", name="When will it be delivered?"), timezone.localdate())
    press(page, "Save")
    follow(page, _task(page, "Mark as prepared"))
    expect(heading(page)).to_have_text("Mark as prepared")
    press(page, "Mark as prepared")
    expect(page.get_by_test_id("state")).to_contain_text("Prepared")

    # --- 5. delivered in person, the undertaking signed -----------------------------------------
    follow(page, _task(page, "Record the delivery"))
    expect(heading(page)).to_have_text("Record the delivery")
    # This minute: the form takes hours and minutes, and the decision was made minutes ago.
    delivered = timezone.localtime()
    _fill_date(page.get_by_role("group", name="Date the disclosure was made"), delivered.date())
    page.get_by_label("Time", exact=True).fill(f"{delivered:%H:%M}")
    expect(page.get_by_role("radio", name="In person", exact=True)).to_be_checked()
    page.get_by_role(
        "group", name=f"Did {APPLICANT} (Parent, guardian or carer) sign the confidentiality undertaking?"
    ).get_by_role("radio", name="Signed", exact=True).check()
    press(page, "Record the delivery")
    expect(heading(page)).to_have_text(f"Disclosure {disclosure.reference}")
    expect(page.get_by_test_id("state")).to_contain_text("Delivered")

    # --- 6. back on the application: the support offered, then the application closed -----------
    _detail(page, application)
    expect(page.get_by_test_id("disclosure-status")).to_have_text("Delivered")
    expect(page.get_by_test_id("blocker-list")).to_contain_text(
        "Record the support offered with the disclosure"
    )
    follow(page, page.get_by_test_id("disclosure-support-link"))
    expect(heading(page)).to_have_text("Record the support offered")
    press(page, "Save")
    expect(error_summary(page)).to_contain_text(
        "Enter the support offered to the applicant and the person told"
    )
    page.get_by_label("Support offered").fill(
        "Synthetic: referred to the local family support service and given the Stop It Now helpline."
    )
    press(page, "Save")
    expect(_banner(page)).to_have_text(f"Support offered recorded for {application.reference}")
    expect(page.get_by_test_id("outcome-summary")).to_contain_text("Stop It Now helpline")
    _close(page, application)

    # --- 7. what was stored: the s.62 disclosure entry names the recipient, the application none --
    application.refresh_from_db()
    disclosure.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED and application.outcome == SchemeOutcome.DISCLOSE
    assert disclosure.status == "delivered" and disclosure.nominal_id is None
    assert disclosure.subject_id == subject.pk and disclosure.proposing_agency_id == north.police.pk
    (logged,) = AuditEvent.objects.filter(
        object_type="disclosure", object_id=str(disclosure.pk), action=Action.DISCLOSURE
    )
    assert logged.recipients == [f"{APPLICANT} (Parent, guardian or carer)"]
    assert logged.actor_user_id == officer.pk
    writes = list(AuditEvent.objects.filter(object_type="scheme_application", object_id=str(application.pk)))
    _no_names(writes, APPLICANT, SUBJECT, SUBJECT_SURNAME, CHILD)
    assert {event.summary for event in writes} >= {
        f"Disclosure scheme decision recorded: {application.reference}",
        f"Disclosure scheme disclosure started: {application.reference}",
        f"Disclosure scheme support after disclosure recorded: {application.reference}",
        f"Disclosure scheme application closed: {application.reference}",
    }
