"""List pages must not run a query per row (N+1): adding rows must not add queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.disclosures.models import Disclosure, DisclosureItem
from mappa.nominals.models import Nominal
from mappa.nominals.opening import SESSION_KEY
from mappa.risk_management.models import FOUR_PILLARS, Pillar, PlanStatus
from tests.conftest import signed_in_client
from tests.factories.accounts import MembershipFactory, member
from tests.factories.disclosures import DecisionWorld, RecipientFactory, decided_to_disclose, prepared
from tests.factories.information_sharing import ItemFactory
from tests.factories.meetings import held_minutes
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.people import make_person
from tests.factories.risk_management import (
    ConsiderationFactory,
    PersonAtRiskFactory,
    PlanActionFactory,
    PlanFactory,
    RiskAssessmentFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    # One request first, so per-session work done once (remembering the accepted notice) is
    # not counted against either side of the comparison.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _with_reason(client: Client, nominal_pk: int) -> Client:
    """The client, having given a reason to open the case ("break glass"), as the reason page
    would remember it."""
    session = client.session
    until = (timezone.now() + timedelta(minutes=30)).isoformat()
    session[SESSION_KEY] = {str(nominal_pk): {"reason": "Query count test: a reason", "until": until}}
    session.save()
    return client


def test_nominal_register_queries_do_not_grow_with_rows():
    setup = NominalSetup()
    client = signed_in_client(setup.coordinator)
    url = reverse("nominals:nominal-list")
    before = _queries(client, url)
    for _ in range(5):
        NominalFactory(lead_agency=setup.north.police, area=setup.north.area)
    assert _queries(client, url) == before


def test_user_list_queries_do_not_grow_with_rows():
    admin = member(["agency_administrator"])
    client = signed_in_client(admin)
    url = reverse("accounts:user-list")
    before = _queries(client, url)
    for _ in range(5):
        MembershipFactory(agency=admin.acting_membership.agency)
    assert _queries(client, url) == before


def test_audit_log_queries_do_not_grow_with_rows():
    auditor = member(["auditor"])
    client = signed_in_client(auditor)
    url = reverse("audit:event-list")
    before = _queries(client, url)
    for n in range(5):
        record_event(action=Action.COLLECTION, actor=auditor, summary=f"event {n}")
    assert _queries(client, url) == before


def test_agency_and_agreement_lists_queries_do_not_grow_with_rows():
    from tests.factories.agencies import AgencyFactory, AgreementFactory, area_setup

    north = area_setup("North")
    client = signed_in_client(north.coordinator)
    for name in ("agencies:agency-list", "agencies:agreement-list"):
        url = reverse(name)
        before = _queries(client, url)
        for _ in range(3):
            agency = AgencyFactory(areas=[north.area])
            AgreementFactory(area=north.area, parties=[agency, north.police])
        assert _queries(client, url) == before, name


# --- disclosures (issue 6) ---------------------------------------------------------------------


def _disclosure_rows(world: DecisionWorld, nominal: Nominal) -> list[Disclosure]:
    """One disclosure in each of the dashboard's lists, with a recipient each, about `nominal`:
    open (a proposal), overdue (prepared, planned for last week), awaiting ratification (an
    emergency decision) and awaiting review (a decision not to disclose)."""
    police = world.north.police
    fields = {"proposing_agency": police, "proposed_by": world.practitioner}
    proposal = world.proposal(nominal=nominal)
    RecipientFactory(disclosure=proposal)
    late = decided_to_disclose(nominal, chair=world.chair, **fields)
    prepared(late, deliverer=world.practitioner, planned=timezone.localdate() - timedelta(days=7))
    emergency = decided_to_disclose(nominal, chair=world.chair, forum="emergency", **fields)
    not_to = decided_to_disclose(nominal, chair=world.chair, outcome="do_not_disclose", **fields)
    return [proposal, late, emergency, not_to]


def test_disclosure_dashboard_and_nominal_list_queries_do_not_grow_with_rows():
    world = DecisionWorld()
    client = signed_in_client(world.practitioner)
    nominal = world.police_nominal
    shown = _disclosure_rows(world, nominal)
    urls = [
        reverse("disclosures:disclosure-dashboard"),
        reverse("disclosures:disclosure-list", args=[nominal.pk]),
    ]
    before = {url: _queries(client, url) for url in urls}
    for url in urls:  # every row is on the page being counted
        body = client.get(url).content.decode()
        assert all(disclosure.reference in body for disclosure in shown), url
    # More of each, about this nominal and about others (the dashboard names each nominal).
    _disclosure_rows(world, nominal)
    for _ in range(2):
        other = NominalFactory(lead_agency=world.north.police, area=world.north.area)
        _disclosure_rows(world, other)
    for url in urls:
        assert _queries(client, url) == before[url], url


def test_disclosure_agreements_queries_do_not_grow_with_rows():
    """North Probation's items that North Police's proposals would disclose: its to-do list."""
    world = DecisionWorld()
    probation = world.north.probation

    def awaiting(nominal: Nominal) -> None:
        item = ItemFactory(nominal=nominal, owner_agency=probation, author=world.probation_practitioner)
        DisclosureItem(disclosure=world.ready(nominal=nominal), item=item, fields=["summary"]).save(
            override=True
        )

    awaiting(world.police_nominal)
    client = signed_in_client(world.probation_practitioner)
    url = reverse("disclosures:disclosure-agreements")
    before = _queries(client, url)
    awaiting(world.police_nominal)
    for _ in range(2):
        awaiting(NominalFactory(lead_agency=world.north.police, area=world.north.area))
    assert _queries(client, url) == before
    assert client.get(url).content.decode().count("DISC-") == 4  # every row is on the page


# --- risk management (issue 6) -----------------------------------------------------------------


def test_risk_lists_queries_do_not_grow_with_rows():
    """The persons at risk (some linked to person records), the assessments, and the plan's
    versions (each approved at a meeting whose minutes the user may or may not read)."""
    setup = NominalSetup()
    nominal = setup.police_nominal
    police, probation = setup.north.police, setup.north.probation

    def rows(n: int) -> None:
        for i in range(n):
            person = make_person(police, forenames=f"Synthia{n}{i}", surname="Atrisk")
            PersonAtRiskFactory(nominal=nominal, person=person, description="")
            PersonAtRiskFactory(nominal=nominal, recorded_by_agency=probation)
            RiskAssessmentFactory(nominal=nominal)
            RiskAssessmentFactory(nominal=nominal, assessing_agency=probation)
            PlanFactory(
                nominal=nominal,
                status=PlanStatus.SUPERSEDED,
                approved_by=setup.chair,
                approved_minutes=held_minutes(nominal, chair=setup.chair),
            )

    rows(1)
    PlanFactory(nominal=nominal, status=PlanStatus.APPROVED, approved_by=setup.chair)
    client = signed_in_client(setup.practitioner)
    urls = [
        reverse(f"risk_management:{name}", args=[nominal.pk])
        for name in ("person-at-risk-list", "assessment-list", "plan-versions")
    ]
    before = {url: _queries(client, url) for url in urls}
    rows(3)
    for url in urls:
        assert _queries(client, url) == before[url], url


def test_plan_detail_queries_do_not_grow_with_actions():
    """A draft under review (its writer sees the task list too): actions under every pillar,
    owned by other agencies and people, and the disclosure decisions for persons at risk."""
    setup = NominalSetup()
    nominal = setup.police_nominal
    plan = PlanFactory(nominal=nominal, author=setup.practitioner)

    def rows() -> None:
        for pillar in (*FOUR_PILLARS, Pillar.CONTINGENCY):
            PlanActionFactory(plan=plan, pillar=pillar, owner=setup.practitioner)
            PlanActionFactory(
                plan=plan, pillar=pillar, owner_agency=setup.north.probation, owner_name="Synthetic Officer"
            )
        ConsiderationFactory(plan=plan, person_at_risk=PersonAtRiskFactory(nominal=nominal))

    rows()
    # Its writer (the lead agency), an agency owning some of its actions (with no standing
    # relationship to the case, so it gives a reason to open it), and the lead agency's chair.
    clients = {
        who: _with_reason(signed_in_client(getattr(setup, who)), nominal.pk)
        for who in ("practitioner", "probation_practitioner", "chair")
    }
    url = reverse("risk_management:plan-detail", args=[plan.pk])
    before = {who: _queries(client, url) for who, client in clients.items()}
    rows()
    rows()
    for who, client in clients.items():
        assert _queries(client, url) == before[who], who


def test_scheme_application_queue_queries_do_not_grow_with_rows():
    from tests.factories.agencies import area_setup
    from tests.factories.disclosure_schemes import received_days_ago, scheme_officer

    police = area_setup("North").police
    officer = scheme_officer(police)
    client = signed_in_client(officer)
    url = reverse("disclosure_schemes:application-queue")
    received_days_ago(0, receiving_agency=police)
    one = _queries(client, url)
    for days in (0, 1, 3):
        received_days_ago(days, receiving_agency=police)
    assert _queries(client, url) == one


def test_subject_access_request_list_queries_do_not_grow_with_rows():
    from mappa.subject_access.models import ClarificationPause
    from tests.factories.agencies import area_setup
    from tests.factories.subject_access import RequestFactory, sar_officer, verified

    police = area_setup("North").police
    officer = sar_officer(police)
    client = signed_in_client(officer)
    url = reverse("subject_access:request-list")
    RequestFactory(receiving_agency=police, recorded_by=officer)
    one = _queries(client, url)
    for days in (3, 20, 50):
        request = verified(
            RequestFactory(
                receiving_agency=police,
                recorded_by=officer,
                received_on=timezone.localdate() - timedelta(days=days),
            )
        )
        ClarificationPause(
            request=request,
            requested_on=request.received_on,
            what_was_asked="Synthetic",
            requested_by=officer,
        ).save(override=True)
    assert _queries(client, url) == one


def test_subject_access_parts_list_and_home_queries_do_not_grow_with_rows():
    from mappa.subject_access.models import ClarificationPause
    from tests.factories.agencies import area_setup
    from tests.factories.subject_access import (
        PartFactory,
        PartItemFactory,
        RequestFactory,
        routed,
        sar_officer,
        verified,
    )

    setup = area_setup("North")
    receiver = sar_officer(setup.police)
    owner = sar_officer(setup.probation)
    client = signed_in_client(owner)

    def part_routed_to_probation(days: int) -> None:
        request = routed(
            verified(
                RequestFactory(
                    receiving_agency=setup.police,
                    recorded_by=receiver,
                    received_on=timezone.localdate() - timedelta(days=days),
                )
            )
        )
        ClarificationPause(
            request=request,
            requested_on=request.received_on,
            what_was_asked="Synthetic",
            requested_by=receiver,
        ).save(override=True)
        part = PartFactory(request=request, agency=setup.probation)
        PartItemFactory(part=part)
        PartItemFactory(part=part)

    part_routed_to_probation(3)
    pages = [reverse("subject_access:part-list"), reverse("web:home")]
    one = [_queries(client, url) for url in pages]
    for days in (5, 20, 50):
        part_routed_to_probation(days)
    assert [_queries(client, url) for url in pages] == one
