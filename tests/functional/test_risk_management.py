"""A risk management plan review with disclosure considered (issue 6), in the browser.

A North Police practitioner (the lead agency) records an OASys assessment and two persons at
risk, a child from the people index and a described group, then starts the review and writes
version 1 of the plan, meeting the quality warnings on the way. The chair of the level 2 meeting
that discussed the case cannot approve it until disclosure has been considered for each of them;
once it has, the chair approves it with the meeting's minutes. A second review starts version 2,
which carries the actions over but not the disclosure decisions.

Each person has their own browser context; every page visited is checked with axe-core. Only the
meeting itself (held yesterday, with minutes of the case's agenda item) is set up directly.
"""

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from mappa.audit.models import Action, AuditEvent
from mappa.risk_management.models import (
    ConsiderationDecision,
    DisclosureConsideration,
    PersonAtRisk,
    Pillar,
    PlanAction,
    PlanStatus,
    RiskAssessment,
    RiskManagementPlan,
)
from tests.factories.meetings import held_minutes, statement
from tests.factories.nominals import NominalSetup
from tests.factories.people import make_person
from tests.functional.helpers import error_summary, follow, heading, press, sign_in_to_home, visit

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]

GROUP = "Synthetic: children at the primary school near the home address"
CHILD_RELATION = "Synthetic: daughter of a former partner"


def _fill_date(group: Locator, value: date) -> None:
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def _long(value: date) -> str:
    """A date the GOV.UK way, as the pages show it: 25 November 2026."""
    return f"{value.day} {value:%B %Y}"


def _add_action(page: Page, pillar: str, description: str, due: date) -> None:
    follow(page, page.get_by_role("link", name="Add actions"))
    expect(heading(page)).to_have_text("Add an action")
    page.get_by_role("radio", name=pillar, exact=True).check()
    page.get_by_label("What is to be done").fill(description)
    page.get_by_label("Agency responsible").select_option(label="North Police")
    _fill_date(page.get_by_role("group", name="Due date (optional)"), due)
    press(page, "Add the action")
    expect(heading(page)).to_have_text("Risk management plan version 1")


def _consider(page: Page, who: str, decision: str, rationale: str) -> None:
    follow(page, page.get_by_role("link", name=f"Record a decision for {who}"))
    expect(heading(page)).to_have_text(f"Consider disclosure to protect {who}")
    page.get_by_role("radio", name=decision, exact=True).check()
    page.get_by_label("Rationale").fill(rationale)
    press(page, "Save the decision")
    expect(heading(page)).to_have_text("Disclosure considered")


def _warnings(page: Page) -> Locator:
    return page.get_by_test_id("plan-warnings")


def test_plan_review_with_disclosure_considered_then_approved_at_the_meeting(page: Page, new_page):
    # Browser tests flush the database between tests, losing the migration's statement.
    statement()
    setup = NominalSetup()
    nominal = setup.police_nominal
    nominal.level = 2
    nominal.save(override=True)
    name = nominal.person.display_name
    today = timezone.localdate()
    # A child in the people index, held by the practitioner's own agency so they can link it.
    child = make_person(
        setup.north.police, forenames="Wren", surname="Testchild", dob=(today.year - 9, 3, 14)
    )
    child_label = f"{child.display_name} ({CHILD_RELATION})"
    # The level 2 meeting that discussed the case took place yesterday, chaired by the chair.
    minutes = held_minutes(nominal, chair=setup.chair, level=2, status="approved")
    meeting = minutes.agenda_item.meeting
    review = today + timedelta(weeks=12)

    # --- the practitioner records the assessment and who is at risk ---------------------------
    sign_in_to_home(page, setup.practitioner.username)
    visit(page, reverse("nominals:nominal-detail", args=[nominal.pk]))
    follow(page, page.get_by_role("link", name="Record a risk assessment"))
    expect(heading(page)).to_have_text("Record a risk assessment")
    expect(page.locator(".govuk-caption-l")).to_have_text(name)
    page.get_by_role("radio", name="OASys", exact=True).check()
    _fill_date(page.get_by_role("group", name="Date of the assessment"), today - timedelta(days=3))
    for harmed, level in (("children", "Very high"), ("public", "Medium"), ("known adult", "High")):
        page.get_by_role("group", name=f"Risk of serious harm to {harmed}").get_by_role(
            "radio", name=level, exact=True
        ).check()
    page.get_by_label("Risk factors (optional)").fill("Synthetic: seeks contact with children.")
    page.get_by_label("Scenarios (optional)").fill("Synthetic: grooming a child through a new partner.")
    press(page, "Save assessment")
    expect(heading(page)).to_have_text("OASys risk assessment")
    rosh = page.get_by_test_id("rosh")
    expect(rosh).to_contain_text("Children: Very high")
    expect(rosh).to_contain_text("Known adult: High")
    expect(page.get_by_test_id("assessment-detail")).to_contain_text("seeks contact with children")

    follow(page, page.get_by_role("link", name="Back to risk assessments"))
    follow(page, page.get_by_role("link", name="Persons at risk"))
    expect(heading(page)).to_have_text("Persons at risk")
    follow(page, page.get_by_role("link", name="Add a person or group at risk"))
    page.get_by_role("radio", name="Child", exact=True).check()
    page.get_by_label("Person record number (optional)").fill(str(child.pk))
    page.get_by_label("Description").fill(CHILD_RELATION)
    page.get_by_label("Their address is confidential").check()
    press(page, "Save")
    expect(heading(page)).to_have_text("Persons at risk")
    follow(page, page.get_by_role("link", name="Add a person or group at risk"))
    page.get_by_role("radio", name="Group", exact=True).check()
    page.get_by_label("Description").fill(GROUP)
    press(page, "Save")
    table = page.get_by_test_id("persons-at-risk")
    expect(table).to_contain_text(child.display_name)
    expect(table).to_contain_text(GROUP)
    expect(table.get_by_text("Confidential address")).to_have_count(1)
    expect(table.get_by_text("Child", exact=True)).to_have_count(2)  # the kind and the flag

    # --- the practitioner starts the review and writes version 1 --------------------------------
    follow(page, page.get_by_role("link", name="Back to the case"))
    follow(page, page.get_by_role("link", name="Read the risk management plan"))
    expect(page.get_by_test_id("no-plan")).to_be_visible()
    press(page, "Start a review")
    expect(heading(page)).to_have_text("Risk management plan version 1")
    plan = RiskManagementPlan.objects.get(nominal=nominal)
    follow(page, page.get_by_role("link", name="Write the risks, licence conditions, orders and review date"))
    expect(heading(page)).to_have_text("Change the draft plan")
    page.get_by_label("Risks to manage").fill("Synthetic: sexual harm to children the nominal meets.")
    page.get_by_label("Licence conditions").fill("Synthetic: no unsupervised contact with children.")
    _fill_date(page.get_by_role("group", name="Review date"), review)
    press(page, "Save")
    expect(heading(page)).to_have_text("Risk management plan version 1")

    # Three of the four pillars: interventions stays empty, and there is no contingency yet.
    _add_action(
        page, "Supervision", "Synthetic: weekly home visit by the case manager.", today + timedelta(weeks=2)
    )
    _add_action(
        page, "Monitoring and control", "Synthetic: check the device monthly.", today + timedelta(weeks=4)
    )
    _add_action(
        page, "Victim safety planning", "Synthetic: safety plan with the school.", today + timedelta(weeks=1)
    )
    expect(_warnings(page)).to_contain_text("Interventions and treatment has no actions")
    expect(_warnings(page)).to_contain_text("There are no contingency actions")
    _add_action(
        page,
        "Contingency",
        "Synthetic: recall if contact with a child is reported.",
        today + timedelta(weeks=1),
    )
    expect(_warnings(page)).to_contain_text("Interventions and treatment has no actions")
    expect(_warnings(page)).not_to_contain_text("contingency")

    # The practitioner writes the plan but cannot approve it: no link, and the page refuses.
    tasks = page.get_by_test_id("plan-tasks")
    expect(tasks).to_contain_text("Approve the plan")
    expect(tasks.get_by_role("link", name="Approve the plan")).to_have_count(0)
    visit(page, reverse("risk_management:plan-approve", args=[plan.pk]))
    expect(heading(page)).to_have_text("You do not have permission to view this page")

    # --- the chair opens the approval before disclosure has been considered ----------------------
    chair = new_page()
    sign_in_to_home(chair, setup.chair.username)
    visit(chair, reverse("risk_management:plan-detail", args=[plan.pk]))
    follow(chair, chair.get_by_role("link", name="Approve the plan"))
    expect(heading(chair)).to_have_text("Approve version 1 of the plan")
    blockers = chair.get_by_test_id("approval-blockers")
    expect(blockers).to_contain_text(f"Record a disclosure decision, with its rationale, for {child_label}")
    expect(blockers).to_contain_text(f"Record a disclosure decision, with its rationale, for {GROUP}")
    chair.get_by_role("radio", name=f"Minutes {minutes.reference}").check()
    press(chair, "Approve the plan")
    expect(error_summary(chair)).to_contain_text(
        f"Record a disclosure decision, with its rationale, for {child_label}"
    )
    expect(error_summary(chair)).to_contain_text(
        f"Record a disclosure decision, with its rationale, for {GROUP}"
    )
    assert RiskManagementPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT

    # --- disclosure is considered: the practitioner for the child, the chair for the group ------
    visit(page, reverse("risk_management:plan-detail", args=[plan.pk]))
    follow(page, page.get_by_role("link", name="Disclosure for each person or group at risk"))
    expect(heading(page)).to_have_text("Disclosure considered")
    _consider(
        page,
        child_label,
        "Disclose",
        "Synthetic: the child's mother must know of the risk to protect her daughter.",
    )
    rows = page.get_by_test_id("disclosure-rows")
    expect(rows).to_contain_text("Disclose")
    try:
        propose = reverse("disclosures:disclosure-create", args=[nominal.pk])
    except NoReverseMatch:
        propose = None
    if propose is not None:
        link = page.get_by_test_id("propose-disclosure")
        expect(link).to_have_count(1)  # for the child only: the group has no decision yet
        expect(link).to_have_attribute(
            "href", f"{propose}?person_at_risk={PersonAtRisk.objects.get(person=child).pk}&plan={plan.pk}"
        )

    visit(chair, reverse("risk_management:plan-disclosure", args=[plan.pk]))
    _consider(
        chair,
        GROUP,
        "Defer the decision",
        "Synthetic: defer until the school's safeguarding lead is consulted next week.",
    )
    expect(chair.get_by_test_id("disclosure-rows").get_by_text("Not recorded")).to_have_count(0)

    # --- the chair approves with the meeting's minutes -------------------------------------------
    follow(chair, chair.get_by_role("link", name="Back to the plan"))
    follow(chair, chair.get_by_role("link", name="Approve the plan"))
    expect(chair.get_by_test_id("approval-ready")).to_be_visible()
    chair.get_by_role("radio", name=f"Minutes {minutes.reference}").check()
    chair.get_by_label("Note (optional)").fill(
        "Synthetic: check the school's safety plan at the next review."
    )
    press(chair, "Approve the plan")
    expect(heading(chair)).to_have_text("Risk management plan version 1")
    summary = chair.get_by_test_id("plan-summary")
    expect(summary).to_contain_text("Approved")
    expect(summary).to_contain_text(f"Level 2 meeting {meeting.reference}")
    expect(summary).to_contain_text(f"minutes {minutes.reference}")
    expect(chair.get_by_test_id("considerations")).to_contain_text("Defer the decision")

    visit(page, reverse("nominals:nominal-detail", args=[nominal.pk]))
    panel = page.get_by_test_id("plan-panel")
    expect(panel).to_contain_text("Version 1, owned by North Police")
    expect(panel).to_contain_text(f"at meeting {meeting.reference}")
    expect(panel).to_contain_text(_long(review))

    # --- the next review: version 2 carries the actions, not the decisions -----------------------
    follow(page, page.get_by_role("link", name="Read the risk management plan"))
    press(page, "Start a review")
    expect(heading(page)).to_have_text("Risk management plan version 2")
    expect(page.get_by_test_id("pillar-supervision")).to_contain_text("weekly home visit")
    expect(page.get_by_test_id("considerations-empty")).to_be_visible()
    tasks = page.get_by_test_id("plan-tasks")
    expect(tasks).to_contain_text(f"Consider disclosure to protect {child_label}")
    follow(page, page.get_by_role("link", name="Back to the plan in force"))
    follow(page, page.get_by_role("link", name="All versions of the plan"))
    versions = page.get_by_test_id("plan-versions")
    expect(versions.get_by_role("row")).to_have_count(3)  # the header and two versions
    expect(versions.get_by_role("row").nth(1)).to_contain_text("Version 2")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("Draft")
    expect(versions.get_by_role("row").nth(2)).to_contain_text("Version 1")
    expect(versions.get_by_role("row").nth(2)).to_contain_text("Approved")
    expect(versions.get_by_role("row").nth(2)).to_contain_text(meeting.reference)

    # --- what was stored, and the audit trail -----------------------------------------------------
    assessment = RiskAssessment.objects.get(nominal=nominal)
    assert (assessment.assessing_agency, assessment.rosh_children) == (setup.north.police, "very_high")
    child_at_risk = PersonAtRisk.objects.get(nominal=nominal, person=child)
    assert child_at_risk.is_child and child_at_risk.address_confidential
    group = PersonAtRisk.objects.get(nominal=nominal, person__isnull=True)
    assert (group.description, group.address_confidential) == (GROUP, False)

    first, second = RiskManagementPlan.objects.filter(nominal=nominal).order_by("number")
    assert (first.status, first.approved_by, first.approved_minutes) == (
        PlanStatus.APPROVED,
        setup.chair,
        minutes,
    )
    assert first.review_date == review and first.owner_agency == setup.north.police
    decisions = dict(
        DisclosureConsideration.objects.filter(plan=first).values_list("person_at_risk_id", "decision")
    )
    assert decisions == {
        child_at_risk.pk: ConsiderationDecision.DISCLOSE,
        group.pk: ConsiderationDecision.DEFER,
    }
    assert second.status == PlanStatus.DRAFT and second.author == setup.practitioner
    pillars = sorted(PlanAction.objects.filter(plan=first).values_list("pillar", flat=True))
    assert pillars == sorted(
        [Pillar.SUPERVISION, Pillar.MONITORING_CONTROL, Pillar.VICTIM_SAFETY, Pillar.CONTINGENCY]
    )
    assert sorted(PlanAction.objects.filter(plan=second).values_list("pillar", flat=True)) == pillars
    assert not DisclosureConsideration.objects.filter(plan=second).exists()

    recorded = AuditEvent.objects.filter(action=Action.COLLECTION, actor_user_id=setup.practitioner.pk)
    assert recorded.filter(object_type="risk_assessment", object_id=str(assessment.pk)).exists()
    assert set(recorded.filter(object_type="person_at_risk").values_list("object_id", flat=True)) == {
        str(child_at_risk.pk),
        str(group.pk),
    }
    events = AuditEvent.objects.filter(object_type="risk_management_plan", object_id=str(first.pk))
    approval = events.get(summary=f"Risk management plan version 1 approved at meeting {meeting.reference}")
    assert approval.action == Action.ALTERATION
    assert approval.actor_user_id == setup.chair.pk
    assert approval.nominal_id == nominal.pk
    assert approval.detail["minutes"] == minutes.pk
    assert approval.detail["minutes_reference"] == minutes.reference
    assert "approved_minutes" in approval.changed_fields
    considered = events.filter(summary="Disclosure considered at a risk management plan review")
    # One decision each: the practitioner's for the child, the chair's for the group.
    assert Counter(considered.values_list("actor_user_id", flat=True)) == Counter(
        [setup.practitioner.pk, setup.chair.pk]
    )
    # The events name fields and decisions, never what was written about the people at risk.
    assert all("school" not in json.dumps(event.detail) for event in events)
    assert AuditEvent.objects.filter(
        object_type="risk_management_plan",
        object_id=str(second.pk),
        summary="Risk management plan version 2 started",
        detail__copied_from=1,
    ).exists()
