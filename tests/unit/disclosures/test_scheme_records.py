"""Scheme disclosures (ADR 0017): a disclosure record opened already decided on a CSODS or DVDS
application (services_scheme.scheme_disclosure_open), about a person who need not be a nominal,
run by the receiving force's disclosure scheme officers.

One world, from NominalSetup: North Police is the receiving force, and its scheme officer opens
the record about a person from the people index. South Police's scheme officer runs South's
applications, not North's. North Police's practitioner (a police public protection officer, with
the MAPPA disclosure permissions but no scheme permission) and its meeting chair take part in
North's MAPPA disclosures only. Each rule is tested allowed and denied from that one setup, with
the record about a non-nominal and, where the MAPPA rules then apply too, about `police_nominal`.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import pdf, selectors_delivery
from mappa.disclosures import services_delivery as delivery
from mappa.disclosures.access import (
    access_disclosure,
    can_decide,
    can_record,
    runs_scheme_disclosure,
    runs_scheme_disclosure_pk,
)
from mappa.disclosures.models import (
    Disclosure,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureStep,
    Outcome,
    Scheme,
    Undertaking,
)
from mappa.disclosures.selectors import (
    decision_minutes_choices,
    disclosure_list,
    scheme_application_id,
    scheme_disclosures,
)
from mappa.disclosures.services_decision import (
    decision_blockers,
    record_refusal,
    youth_consultation_reasons,
)
from mappa.disclosures.services_scheme import (
    STEP_SCHEME_DECIDED,
    SchemeDecision,
    SchemeRecipient,
    scheme_disclosure_open,
)
from mappa.nominals.models import Nominal
from mappa.people.models import Person
from tests.factories.accounts import member
from tests.factories.disclosure_schemes import scheme_officer
from tests.factories.nominals import NominalSetup
from tests.factories.people import make_person

pytestmark = pytest.mark.django_db

REFERENCE = "CSODS-SYNTH-0001"
SUMMARY = "Synthetic: he has a conviction for a sexual offence against a child."
RISK = "Synthetic: a risk of reprisals against him; the risk to the children outweighs it."
RATIONALE = "Synthetic: the presumption to disclose applies and is not rebutted."


@dataclass
class World:
    setup: NominalSetup
    officer: Any  # North Police's disclosure scheme officer: receives and runs the application
    south_officer: Any
    subject: Person  # not a nominal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)


def build_world() -> World:
    setup = NominalSetup()
    return World(
        setup=setup,
        officer=scheme_officer(setup.north.police),
        south_officer=scheme_officer(setup.south.police),
        subject=make_person(setup.north.police, forenames="Synthia", surname="Schemesubject"),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def decision(world: World, *, nominal: Nominal | None = None, **overrides: Any) -> SchemeDecision:
    values: dict[str, Any] = {
        "scheme": Scheme.CSODS,
        "reference": REFERENCE,
        "receiving_agency": world.north.police,
        "subject": nominal.person if nominal is not None else world.subject,
        "nominal": nominal,
        "rationale": RATIONALE,
        "decided_by": world.officer,
        # A day ago, so that a delivery an hour ago came after it.
        "decided_at": timezone.now() - timedelta(days=1),
        "minutes": None,
    }
    values.update(overrides)
    return SchemeDecision(**values)


def recipient(**overrides: str) -> SchemeRecipient:
    values = {
        "kind": "parent_guardian",
        "name": "Synthetic Parent",
        "relationship": "Mother of the two children he has access to",
        "identity_confirmed_how": "Synthetic: passport seen at the police station",
        "why_right_person": "Synthetic: she looks after the children",
    }
    values.update(overrides)
    return SchemeRecipient(**values)


def open_record(world: World, *, nominal: Nominal | None = None, **overrides: Any) -> Disclosure:
    return scheme_disclosure_open(
        decision=decision(world, nominal=nominal, **overrides),
        recipient=recipient(),
        information_summary=SUMMARY,
        offender_risk=RISK,
        by=world.officer,
    )


def fresh(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.get(pk=disclosure.pk)


def events(disclosure: Disclosure, action: Action | None = None) -> Any:
    found = AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk))
    return found.filter(action=action) if action else found


# --- opening the record -------------------------------------------------------------------------


def test_open_creates_a_decided_record_with_its_recipient_step_and_event(world: World):
    disclosure = open_record(world)
    stored = fresh(disclosure)
    assert (stored.status, stored.outcome, stored.scheme) == (
        DisclosureStatus.DECIDED,
        Outcome.DISCLOSE,
        Scheme.CSODS,
    )
    assert stored.nominal is None
    assert stored.subject == world.subject
    assert stored.about == world.subject
    assert stored.is_scheme
    assert stored.proposing_agency == world.north.police
    assert (stored.decided_by, stored.decision_rationale) == (world.officer, RATIONALE)
    assert (stored.information_summary, stored.offender_risk) == (SUMMARY, RISK)
    assert REFERENCE in stored.purpose
    assert stored.gateway == "common_law_police"
    assert stored.forum == ""  # not decided at a MAPPA meeting
    (only,) = DisclosureRecipient.objects.filter(disclosure=stored)
    assert (only.kind, only.name) == ("parent_guardian", "Synthetic Parent")
    (step,) = DisclosureStep.objects.filter(disclosure=stored)
    assert (step.step, step.by, step.note) == (STEP_SCHEME_DECIDED, world.officer, f"Application {REFERENCE}")
    (event,) = events(stored)
    assert event.action == Action.COLLECTION
    assert event.nominal_id is None
    assert event.object_agency_id == world.north.police.pk
    assert event.detail == {"scheme": "csods", "application": REFERENCE}


def test_open_at_a_meeting_records_the_forum(world: World):
    from tests.factories.meetings import held_minutes

    minutes = held_minutes(world.police_nominal, chair=world.chair)
    disclosure = open_record(world, nominal=world.police_nominal, minutes=minutes)
    assert (disclosure.forum, disclosure.decision_minutes) == ("meeting", minutes)
    assert disclosure.about == world.police_nominal.person


@pytest.mark.parametrize(
    ("texts", "recipient_fields", "field"),
    [
        ({"information_summary": " "}, {}, "information_summary"),
        ({"offender_risk": ""}, {}, "offender_risk"),
        ({}, {"name": ""}, "recipient_name"),
        ({}, {"relationship": " "}, "recipient_relationship"),
        ({}, {"identity_confirmed_how": ""}, "identity_confirmed_how"),
        ({}, {"why_right_person": ""}, "why_right_person"),
        ({}, {"kind": "stranger"}, "recipient_kind"),
        ({}, {}, None),  # all present: allowed
    ],
)
def test_open_refuses_each_missing_text(
    world: World, texts: dict[str, str], recipient_fields: dict[str, str], field: str | None
):
    values = {"information_summary": SUMMARY, "offender_risk": RISK, **texts}

    def call() -> Disclosure:
        return scheme_disclosure_open(
            decision=decision(world), recipient=recipient(**recipient_fields), by=world.officer, **values
        )

    if field is None:
        assert call().pk
        return
    with pytest.raises(ApplicationError) as refused:
        call()
    assert refused.value.field == field
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(object_type="disclosure").exists()


def test_open_refuses_a_mappa_scheme(world: World):
    with pytest.raises(ValueError, match="Not a disclosure scheme"):
        open_record(world, scheme=Scheme.MAPPA)
    assert not Disclosure.objects.exists()


def test_the_database_refuses_a_mappa_disclosure_without_a_nominal(world: World):
    def row(scheme: str) -> Disclosure:
        return Disclosure(
            subject=world.subject,
            nominal=None,
            scheme=scheme,
            proposing_agency=world.north.police,
            proposed_by=world.practitioner,
            purpose="Synthetic: to protect a child.",
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        row(Scheme.MAPPA).save(override=True)
    row(Scheme.DVDS).save(override=True)  # a scheme's may be about anyone
    assert Disclosure.objects.filter(nominal__isnull=True).count() == 1


# --- who sees it ----------------------------------------------------------------------------------


def test_only_the_receiving_forces_scheme_officers_see_a_record_about_a_non_nominal(world: World):
    disclosure = open_record(world)
    assert list(disclosure_list(fetched_by=world.officer)) == [disclosure]
    assert list(scheme_disclosures(world.north.police)) == [disclosure]
    for other in (world.south_officer, world.practitioner, world.chair, world.coordinator):
        assert not disclosure_list(fetched_by=other).exists()
        with pytest.raises(Http404):
            access_disclosure(other, disclosure.pk)
    assert not events(disclosure, Action.CONSULTATION).exists()
    access_disclosure(world.officer, disclosure.pk)
    (event,) = events(disclosure, Action.CONSULTATION)
    assert event.justification == f"Proposing agency of {disclosure.reference}"
    assert event.nominal_id is None


def test_a_record_about_a_nominal_is_also_seen_under_the_mappa_rules(world: World):
    disclosure = open_record(world, nominal=world.police_nominal)
    # The scheme officers of the receiving force, and North's MAPPA staff as for any disclosure
    # about the nominal; neither South's scheme officer nor an agency not involved.
    for user in (world.officer, world.practitioner, world.chair, world.probation_practitioner):
        assert disclosure_list(fetched_by=user).filter(pk=disclosure.pk).exists()
    for user in (world.south_officer, world.health_practitioner, world.south_coordinator):
        assert not disclosure_list(fetched_by=user).filter(pk=disclosure.pk).exists()


def test_a_scheme_officer_sees_no_mappa_disclosure(world: World):
    from tests.factories.disclosures import decided_to_disclose

    mappa = decided_to_disclose(world.police_nominal, chair=world.chair, proposing_agency=world.north.police)
    assert not disclosure_list(fetched_by=world.officer).filter(pk=mappa.pk).exists()
    assert not runs_scheme_disclosure(world.officer, mappa)
    assert not runs_scheme_disclosure_pk(world.officer, mappa.pk)


# --- who runs it ----------------------------------------------------------------------------------


def test_can_record_and_decide_a_record_about_a_non_nominal(world: World):
    disclosure = open_record(world)
    assert can_record(world.officer, disclosure)
    assert can_decide(world.officer, disclosure)
    assert runs_scheme_disclosure_pk(world.officer, disclosure.pk)
    for user in (world.south_officer, world.practitioner, world.chair, world.coordinator):
        assert not can_record(user, disclosure)
        assert not can_decide(user, disclosure)
        assert not runs_scheme_disclosure_pk(user, disclosure.pk)
    assert not runs_scheme_disclosure_pk(world.officer, disclosure.pk + 1000)


def test_can_record_and_decide_a_record_about_a_nominal(world: World):
    disclosure = open_record(world, nominal=world.police_nominal)
    assert can_record(world.officer, disclosure) and can_decide(world.officer, disclosure)
    # The MAPPA rules apply too: the lead agency's practitioner fills in, its chair decides.
    assert can_record(world.practitioner, disclosure)
    assert not can_decide(world.practitioner, disclosure)
    assert can_decide(world.chair, disclosure)
    assert not can_record(world.south_officer, disclosure)
    assert not can_decide(world.south_officer, disclosure)


def test_refusals_name_who_may_act(world: World):
    about_non_nominal = open_record(world)
    about_nominal = open_record(world, nominal=world.police_nominal)
    assert delivery.record_refused(about_non_nominal) == (
        "Only the disclosure scheme officers of North Police can prepare, deliver or review this disclosure"
    )
    assert "nominal's area" in delivery.record_refused(about_nominal)
    assert "North Police" in delivery.record_refused(about_nominal)
    assert "nominal" not in delivery.decide_refused(about_non_nominal)
    assert "nominal" not in record_refusal(about_non_nominal)
    with pytest.raises(PermissionDenied, match="scheme officers of North Police"):
        delivery.disclosure_review(
            disclosure=about_non_nominal, version=about_non_nominal.version, note="x", by=world.practitioner
        )


def test_the_decision_phase_has_nothing_to_draw_on_without_a_nominal(world: World):
    disclosure = open_record(world)
    child = DisclosureRecipient.objects.get(disclosure=disclosure)
    child.is_under_18 = True
    child.save(override=True)
    assert youth_consultation_reasons(fresh(disclosure)) == ["a recipient is under 18"]
    chair = member(["meeting_chair"], agency=world.north.police)
    assert not decision_minutes_choices(disclosure=disclosure, fetched_by=chair).exists()
    blockers = decision_blockers(fresh(disclosure), outcome=Outcome.DISCLOSE, forum=None)
    assert "Choose at least one item of information to disclose" in blockers
    assert scheme_application_id(disclosure) is None


# --- the delivery path, by the scheme officer -------------------------------------------------------


def _prepare(world: World, disclosure: Disclosure) -> Disclosure:
    by = world.officer
    row = delivery.preparation_record(
        disclosure=disclosure,
        version=disclosure.version,
        recipient_already_knows="Synthetic: knows he has been in prison.",
        confidentiality_understood=True,
        how_to_use="Synthetic: only to keep her children safe.",
        what_to_report="Synthetic: any contact with the children, to the police.",
        contact_and_support="Synthetic: the force's public protection unit.",
        breakdown_support="Synthetic: the local children's services team.",
        by=by,
    )
    delivery.trigger_add(
        disclosure=row,
        version=fresh(row).version,
        if_you_see="Synthetic: him at the school gates",
        you_need_to="Synthetic: call 999",
        by=by,
    )
    row = delivery.offender_involvement_record(
        disclosure=row, version=fresh(row).version, involvement="informed_before", by=by
    )
    # The deliverer comes from the receiving force only: there is no nominal's area.
    choices = set(selectors_delivery.deliverer_choices(disclosure=row))
    assert {world.officer, world.practitioner, world.chair} <= choices
    assert world.probation_practitioner not in choices
    assert world.south_officer not in choices
    with pytest.raises(ApplicationError, match="Choose someone from North Police"):
        delivery.delivery_plan(
            disclosure=row,
            version=fresh(row).version,
            deliverer=world.probation_practitioner,
            planned_delivery_date=timezone.localdate() + timedelta(days=3),
            by=by,
        )
    row = delivery.delivery_plan(
        disclosure=row,
        version=fresh(row).version,
        deliverer=world.officer,
        planned_delivery_date=timezone.localdate() + timedelta(days=3),
        by=by,
    )
    assert delivery.preparation_blockers(fresh(row)) == []
    return delivery.disclosure_mark_prepared(disclosure=row, version=fresh(row).version, by=by)


def _deliver(world: World, disclosure: Disclosure, answer: str) -> Disclosure:
    (only,) = DisclosureRecipient.objects.filter(disclosure=disclosure)
    asked = {} if only.undertaking == Undertaking.PROCEED_WITHOUT else {only.pk: answer}
    return delivery.disclosure_deliver(
        disclosure=disclosure,
        version=fresh(disclosure).version,
        delivered_at=timezone.now() - timedelta(hours=1),
        method="in_person",
        undertakings=asked,
        by=world.officer,
    )


def test_the_scheme_officer_prepares_delivers_and_reviews(world: World):
    disclosure = _prepare(world, open_record(world))
    assert fresh(disclosure).status == DisclosureStatus.PREPARED
    # Nobody else can deliver it: not the force's MAPPA practitioner, nor another force's officer.
    for other in (world.practitioner, world.south_officer):
        with pytest.raises(PermissionDenied):
            delivery.disclosure_deliver(
                disclosure=disclosure,
                version=fresh(disclosure).version,
                delivered_at=timezone.now() - timedelta(hours=1),
                method="in_person",
                undertakings={},
                by=other,
            )
    assert not events(disclosure, Action.DISCLOSURE).exists()
    done = _deliver(world, disclosure, Undertaking.SIGNED)
    assert fresh(done).status == DisclosureStatus.DELIVERED
    (event,) = events(disclosure, Action.DISCLOSURE)
    assert event.recipients == ["Synthetic Parent (Parent, guardian or carer)"]
    assert event.nominal_id is None
    assert REFERENCE in event.justification
    assert "Common law police powers" in event.justification
    assert "Child Sex Offender Disclosure Scheme" in event.justification
    assert event.detail["items"] == [] and event.detail["fields"] == {}
    # No item says what was disclosed, nor a nominal about whom: the event says both itself.
    assert event.detail["information_summary"] == SUMMARY
    assert event.detail["subject_person_id"] == world.subject.pk
    assert event.detail["scheme"] == "csods"
    reviewed = delivery.disclosure_review(
        disclosure=done,
        version=fresh(done).version,
        note="Synthetic: she has kept the children safe.",
        by=world.officer,
    )
    assert fresh(reviewed).status == DisclosureStatus.REVIEWED


def test_a_refused_undertaking_returns_it_to_the_scheme_officer(world: World):
    disclosure = _prepare(world, open_record(world))
    returned = _deliver(world, disclosure, Undertaking.REFUSED)
    assert fresh(returned).status == DisclosureStatus.RETURNED
    assert not events(disclosure, Action.DISCLOSURE).exists()
    note = "Synthetic: she will still protect the children without signing."
    for other in (world.practitioner, world.chair, world.south_officer):
        with pytest.raises(PermissionDenied):
            delivery.disclosure_reconsider(
                disclosure=returned, version=fresh(returned).version, proceed=True, note=note, by=other
            )
    again = delivery.disclosure_reconsider(
        disclosure=returned, version=fresh(returned).version, proceed=True, note=note, by=world.officer
    )
    assert fresh(again).status == DisclosureStatus.PREPARED
    delivered = _deliver(world, again, Undertaking.SIGNED)
    assert fresh(delivered).status == DisclosureStatus.DELIVERED
    (event,) = events(disclosure, Action.DISCLOSURE)
    assert event.recipients == ["Synthetic Parent (Parent, guardian or carer)"]


def test_reconsidered_not_to_disclose_is_reviewed(world: World):
    disclosure = _prepare(world, open_record(world))
    returned = _deliver(world, disclosure, Undertaking.REFUSED)
    decided = delivery.disclosure_reconsider(
        disclosure=returned,
        version=fresh(returned).version,
        proceed=False,
        note="Synthetic: without the undertaking the risk of it spreading is too high.",
        by=world.officer,
    )
    stored = fresh(decided)
    assert (stored.status, stored.outcome, stored.decided_by) == (
        DisclosureStatus.DECIDED,
        Outcome.DO_NOT_DISCLOSE,
        world.officer,
    )
    assert RATIONALE in stored.decision_rationale
    reviewed = delivery.disclosure_review(
        disclosure=stored,
        version=stored.version,
        note="Synthetic: children's services told.",
        by=world.officer,
    )
    assert fresh(reviewed).status == DisclosureStatus.REVIEWED


# --- the record for the file ----------------------------------------------------------------------


def test_the_pdf_names_the_subject_and_the_scheme(world: World):
    import io

    from pypdf import PdfReader

    disclosure = open_record(world)
    content = pdf.disclosure_record_pdf(disclosure, issued_to=world.officer)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    assert "SCHEMESUBJECT, Synthia" in text
    assert "not a MAPPA nominal" in text
    assert "Child Sex Offender Disclosure Scheme" in text
    assert "On the scheme application" in text
    assert "Synthetic Parent" in text


def test_only_those_who_run_it_download_the_record(world: World):
    disclosure = open_record(world)
    assert delivery.can_download(world.officer, disclosure)
    assert not delivery.can_download(world.south_officer, disclosure)
    with pytest.raises(PermissionDenied):
        delivery.disclosure_record_export(disclosure=disclosure, by=world.south_officer)
    # The force's practitioner may download records, but cannot see this one.
    with pytest.raises(PermissionDenied):
        delivery.disclosure_record_export(disclosure=disclosure, by=world.practitioner)
    assert not events(disclosure, Action.EXPORT).exists()
    assert delivery.disclosure_record_export(disclosure=disclosure, by=world.officer).startswith(b"%PDF")
    (event,) = events(disclosure, Action.EXPORT)
    assert event.actor_username == world.officer.username
