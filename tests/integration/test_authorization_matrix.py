"""The authorization matrix: every role of every agency kind, against every page and object.

One scenario, built once per test: a North area with an agency of every kind (and a South police
force outside it), a nominal led by North's police, and information about it:

- POLICE_SHARED: a police item shared with children's services, its name field only (its
  address and its special-category ethnicity field withheld);
- POLICE_PRIVATE: a police item shared with nobody;
- CHILDREN_OWN: an item children's services recorded themselves;
- risk work (ADR 0015): a North Police risk assessment (its outcome, and its factors and
  scenarios), a group at risk, and the approved plan with an action and a disclosure decision;
- a third-party disclosure North Police proposed, drawing on POLICE_PRIVATE, decided at a
  meeting, with North Youth Justice's senior manager consulted on it (its purpose, a recipient's
  name and an alternative considered are markers, and its record's link shows who is told it
  exists).

Each piece of text is a marker that must appear in a response only where an independent oracle
below (written from the rules in DESIGN.md §5 and ADR 0015, not from the selectors) says the user
may see it; each risk and disclosure marker a user may see must also appear on some page they
open. Users are given a remembered "break glass" reason for the case, so wherever the case
itself is visible its overview is rendered: the widest view any user can get, which is where a
leak would show. Status
codes are checked too: a page is either served, or refused as 403 or 404, and each risk page with
the status the oracle expects, as is each disclosure page and the disclosure record's PDF.
"""

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mappa.accounts.models import User
from mappa.agencies.models import Agency, AgencyKind
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES
from mappa.disclosures.models import Disclosure
from mappa.information_sharing.models import InformationItem, ItemKind, Share
from mappa.nominals.models import Nominal
from mappa.nominals.opening import SESSION_KEY
from mappa.risk_management.models import PersonAtRiskKind, PlanStatus, RiskAssessment, RiskManagementPlan
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory, AgreementFactory, MappaAreaFactory
from tests.factories.disclosures import decided_to_disclose
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.nominals import NominalFactory, person_of
from tests.factories.risk_management import (
    ConsiderationFactory,
    PersonAtRiskFactory,
    PlanActionFactory,
    PlanFactory,
    RiskAssessmentFactory,
)

pytestmark = pytest.mark.django_db

NOMINAL_NAME = "Leakcheckova"
SHARED_NAME = "MARKER-SHARED-NAME"
SHARED_ADDRESS = "MARKER-WITHHELD-ADDRESS"
SHARED_ETHNICITY = "MARKER-WITHHELD-ETHNICITY"
SHARED_SUMMARY = "MARKER-SHARED-SUMMARY"
PRIVATE_SUMMARY = "MARKER-PRIVATE-SUMMARY"
PRIVATE_DETAIL = "MARKER-PRIVATE-DETAIL"
CHILDREN_SUMMARY = "MARKER-CHILDREN-SUMMARY"
ASSESSMENT_OUTCOME = "MARKER-ASSESSMENT-OUTCOME"
ASSESSMENT_FACTORS = "MARKER-ASSESSMENT-FACTORS"
ASSESSMENT_SCENARIOS = "MARKER-ASSESSMENT-SCENARIOS"
PERSON_AT_RISK = "MARKER-PERSON-AT-RISK"
PLAN_RISKS = "MARKER-PLAN-RISKS"
PLAN_ACTION = "MARKER-PLAN-ACTION"
DISCLOSURE_PURPOSE = "MARKER-DISCLOSURE-PURPOSE"
RECIPIENT_NAME = "MARKER-RECIPIENT-NAME"
DISCLOSURE_ALTERNATIVE = "MARKER-DISCLOSURE-ALTERNATIVE"
# What every reader of the case's risk work sees, and the assessing agency's working detail.
RISK_MARKERS = (ASSESSMENT_OUTCOME, PERSON_AT_RISK, PLAN_RISKS, PLAN_ACTION)
ASSESSMENT_DETAIL_MARKERS = (ASSESSMENT_FACTORS, ASSESSMENT_SCENARIOS)
# The disclosure record's content: only on the record itself (lists show references and states).
DISCLOSURE_MARKERS = (DISCLOSURE_PURPOSE, RECIPIENT_NAME, DISCLOSURE_ALTERNATIVE)
ALL_MARKERS = (
    NOMINAL_NAME,
    SHARED_NAME,
    SHARED_ADDRESS,
    SHARED_ETHNICITY,
    SHARED_SUMMARY,
    PRIVATE_SUMMARY,
    PRIVATE_DETAIL,
    CHILDREN_SUMMARY,
    *RISK_MARKERS,
    *ASSESSMENT_DETAIL_MARKERS,
    *DISCLOSURE_MARKERS,
)
RA_KINDS = {AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.PRISON}


@dataclass
class Scenario:
    agencies: dict[str, Agency]
    south_police: Agency
    nominal: Nominal
    shared: InformationItem
    private: InformationItem
    children_own: InformationItem
    share: Share
    assessment: RiskAssessment
    plan: RiskManagementPlan
    disclosure: Disclosure


def _scenario() -> Scenario:
    today = timezone.localdate()
    north = MappaAreaFactory(name="Matrix North", code="matrix-north")
    south = MappaAreaFactory(name="Matrix South", code="matrix-south")
    agencies = {
        kind: AgencyFactory(name=f"North {label}", code=f"N-{kind[:20].upper()}", kind=kind, areas=[north])
        for kind, label in AgencyKind.choices
    }
    south_police = AgencyFactory(name="South Police", code="S-POLICE", kind=AgencyKind.POLICE, areas=[south])
    AgreementFactory(
        area=north,
        parties=list(agencies.values()),
        start_date=today - timedelta(days=30),
        review_date=today + timedelta(days=300),
    )
    police = agencies[AgencyKind.POLICE]
    children = agencies[AgencyKind.CHILDRENS_SERVICES]
    nominal = NominalFactory(
        lead_agency=police, area=north, person=person_of(police, forenames="Orla", surname=NOMINAL_NAME)
    )
    shared = ItemFactory(
        nominal=nominal,
        owner_agency=police,
        kind=ItemKind.RELATIONSHIPS,
        summary=SHARED_SUMMARY,
        detail="Detail not shared.",
        attributes={"person_name": SHARED_NAME, "address": SHARED_ADDRESS, "ethnicity": SHARED_ETHNICITY},
    )
    private = ItemFactory(
        nominal=nominal, owner_agency=police, summary=PRIVATE_SUMMARY, detail=PRIVATE_DETAIL
    )
    children_own = ItemFactory(nominal=nominal, owner_agency=children, summary=CHILDREN_SUMMARY)
    share = share_items([shared], children, fields=["person_name"])
    # North Police's assessment, its detail in the fields only the Responsible Authority reads.
    assessment = RiskAssessmentFactory(
        nominal=nominal,
        assessing_agency=police,
        tool_outcome=ASSESSMENT_OUTCOME,
        risk_factors=ASSESSMENT_FACTORS,
        protective_factors=ASSESSMENT_FACTORS,
        scenarios=ASSESSMENT_SCENARIOS,
    )
    at_risk = PersonAtRiskFactory(
        nominal=nominal, kind=PersonAtRiskKind.GROUP, description=PERSON_AT_RISK, recorded_by_agency=police
    )
    plan = PlanFactory(
        nominal=nominal,
        status=PlanStatus.APPROVED,
        approved_by=member(["meeting_chair"], agency=police),
        risks_to_manage=PLAN_RISKS,
    )
    PlanActionFactory(plan=plan, description=PLAN_ACTION)
    # The plan's decision for the group shows who is at risk on the plan's pages too.
    ConsiderationFactory(plan=plan, person_at_risk=at_risk)
    disclosure = _disclosure(nominal, private, youth_justice=agencies[AgencyKind.YOUTH_JUSTICE])
    return Scenario(
        agencies, south_police, nominal, shared, private, children_own, share, assessment, plan, disclosure
    )


def _disclosure(nominal: Nominal, drawn_on: InformationItem, *, youth_justice: Agency) -> Disclosure:
    """North Police's disclosure about the nominal, decided at a meeting, drawing on `drawn_on`
    (its summary and detail), with youth justice's senior manager consulted on it."""
    police = nominal.lead_agency
    disclosure = decided_to_disclose(
        nominal,
        proposing_agency=police,
        proposed_by=member(["practitioner"], agency=police),
        purpose=DISCLOSURE_PURPOSE,
        youth_consultee_name="Synthetic Manager",
        youth_consultee_role="Head of the youth justice service",
        youth_consultee_agency=youth_justice,
        youth_consulted_on=timezone.localdate(),
        youth_consultee_view="Synthetic: agrees the children must be protected.",
    )
    recipient = disclosure.recipients.get()
    recipient.name = RECIPIENT_NAME
    recipient.save(override=True)
    alternative = disclosure.alternatives.get()
    alternative.alternative = DISCLOSURE_ALTERNATIVE
    alternative.save(override=True)
    # The factory draws on an item of its own; draw on the scenario's instead, so that no item
    # beyond the scenario's exists (the existence counts below count them).
    entry = disclosure.items.get()
    own = entry.item
    entry.item, entry.fields = drawn_on, ["summary", "detail"]
    entry.save(override=True)
    own.delete(override=True)
    return disclosure


def _users(scenario: Scenario) -> list[tuple[str, str, User]]:
    """(agency kind, role, user) for every role allowed in every agency kind, and South police."""
    users = []
    for kind, agency in scenario.agencies.items():
        for code, role in ROLES.items():
            if role.allowed_in(kind):
                users.append((kind, code, member([code], agency=agency)))
    for code, role in ROLES.items():
        if role.allowed_in(AgencyKind.POLICE):
            users.append(("south_police", code, member([code], agency=scenario.south_police)))
    return users


# --- the oracle -------------------------------------------------------------------------------


def _perms(role: str) -> frozenset[Permission]:
    return ROLES[role].permissions


def sees_nominal(kind: str, role: str) -> bool:
    """Responsible Authority staff of the area see its register; others only when involved:
    children's services through the items it holds, youth justice through being consulted on
    the disclosure (an agency consulted on a disclosure is involved with its case)."""
    if Permission.NOMINAL_VIEW not in _perms(role):
        return False
    involved = kind in (AgencyKind.POLICE, AgencyKind.CHILDRENS_SERVICES, AgencyKind.YOUTH_JUSTICE)
    return kind in RA_KINDS or involved


def sees_risk(kind: str, role: str) -> bool:
    """The plan is a multi-agency document (MAPPA Guidance §12.2): whoever may read risk work and
    can see the case reads the plan, its actions, the persons at risk, and each assessment's
    tool, date and levels (ADR 0015)."""
    return Permission.RISK_VIEW in _perms(role) and sees_nominal(kind, role)


def sees_assessment_detail(kind: str, role: str) -> bool:
    """An assessment's factors and scenarios are the assessing agency's (North Police) working
    detail, which the area's Responsible Authority also reads (they assess risk jointly, CJA 2003
    s.325); a duty-to-co-operate agency needs a share for them."""
    assessing_agency = kind == AgencyKind.POLICE  # here also a Responsible Authority agency
    return sees_risk(kind, role) and (kind in RA_KINDS or assessing_agency)


def sees_disclosure(kind: str, role: str) -> bool:
    """A disclosure record names victims and partners and what they are told, so it is narrower
    than the case (ADR 0015): DISCLOSURE_VIEW, the case, and an agency that takes part in it.
    Here: every Responsible Authority agency of the area (North Police also leads the case,
    proposed the disclosure and owns the item it draws on) and youth justice, consulted on it.
    Children's services holds items about the case, but takes no part in this disclosure."""
    if Permission.DISCLOSURE_VIEW not in _perms(role) or not sees_nominal(kind, role):
        return False
    return kind in RA_KINDS or kind == AgencyKind.YOUTH_JUSTICE


def visible_markers(kind: str, role: str) -> set[str]:
    """Every marker the user may see anywhere, by the rules, not by the code."""
    markers: set[str] = set()
    if sees_nominal(kind, role):
        markers.add(NOMINAL_NAME)
    if sees_risk(kind, role):
        markers |= set(RISK_MARKERS)
    if sees_assessment_detail(kind, role):
        markers |= set(ASSESSMENT_DETAIL_MARKERS)
    if sees_disclosure(kind, role):
        markers |= set(DISCLOSURE_MARKERS)
    if Permission.ITEM_VIEW not in _perms(role):
        return markers
    if kind == AgencyKind.POLICE:
        # The owner and sharer: its items in full. Shares list the case by name.
        markers |= {NOMINAL_NAME, SHARED_NAME, SHARED_ADDRESS, SHARED_ETHNICITY, SHARED_SUMMARY}
        markers |= {PRIVATE_SUMMARY, PRIVATE_DETAIL}
    if kind == AgencyKind.CHILDRENS_SERVICES:
        # The recipient: the summary and the one field shared, and its own item.
        markers |= {NOMINAL_NAME, SHARED_NAME, SHARED_SUMMARY, CHILDREN_SUMMARY}
    return markers


def _risk_pages(s: Scenario) -> list[str]:
    nominal = [s.nominal.pk]
    return [
        reverse("risk_management:assessment-list", args=nominal),
        reverse("risk_management:assessment-detail", args=[s.assessment.pk]),
        reverse("risk_management:person-at-risk-list", args=nominal),
        reverse("risk_management:plan-current", args=nominal),
        reverse("risk_management:plan-versions", args=nominal),
        reverse("risk_management:plan-detail", args=[s.plan.pk]),
        reverse("risk_management:plan-disclosure", args=[s.plan.pk]),
    ]


def risk_page_status(kind: str, role: str) -> int:
    """Without RISK_VIEW the risk pages refuse (403) before opening anything; with it, a case
    the user cannot see is missing (404), the same as one that does not exist."""
    if Permission.RISK_VIEW not in _perms(role):
        return 403
    return 200 if sees_nominal(kind, role) else 404


def _disclosure_pages(s: Scenario) -> dict[str, str]:
    """The disclosure pages, by URL name: each lists or shows the scenario's disclosure."""
    return {
        "disclosure-list": reverse("disclosures:disclosure-list", args=[s.nominal.pk]),
        "disclosure-detail": reverse("disclosures:disclosure-detail", args=[s.disclosure.pk]),
        "disclosure-dashboard": reverse("disclosures:disclosure-dashboard"),
    }


def disclosure_page_status(name: str, kind: str, role: str) -> int:
    """The nominal's list and the dashboard refuse (403) without DISCLOSURE_VIEW before opening
    anything; the list is then the case's page (404 for a case the user cannot see). The record
    itself is missing (404) to anyone who may not see it, permission or not."""
    viewer = Permission.DISCLOSURE_VIEW in _perms(role)
    if name == "disclosure-detail":
        return 200 if sees_disclosure(kind, role) else 404
    if not viewer:
        return 403
    if name == "disclosure-list" and not sees_nominal(kind, role):
        return 404
    return 200


def pdf_status(kind: str, role: str) -> int:
    """The record as a PDF goes to those who make or decide disclosures (DISCLOSURE_RECORD or
    DISCLOSURE_DECIDE), refused before anything is opened; to them, a record they may not see is
    missing."""
    perms = _perms(role)
    if Permission.DISCLOSURE_RECORD not in perms and Permission.DISCLOSURE_DECIDE not in perms:
        return 403
    return 200 if sees_disclosure(kind, role) else 404


def _pages(s: Scenario) -> list[str]:
    return [
        *_risk_pages(s),
        *_disclosure_pages(s).values(),
        reverse("web:home"),
        reverse("nominals:nominal-list"),
        reverse("nominals:nominal-detail", args=[s.nominal.pk]),
        reverse("information_sharing:item-detail", args=[s.shared.pk]),
        reverse("information_sharing:item-detail", args=[s.private.pk]),
        reverse("information_sharing:item-detail", args=[s.children_own.pk]),
        reverse("information_sharing:share-list"),
        reverse("information_sharing:share-detail", args=[s.share.pk]),
        reverse("information_sharing:request-list"),
        reverse("information_sharing:case-access-log", args=[s.nominal.pk]),
        reverse("people:person-detail", args=[s.nominal.person.pk]),
        reverse("audit:event-list"),
    ]


def _client(user: User, nominal_pk: int) -> Client:
    client = signed_in_client(user)
    session = client.session
    until = (timezone.now() + timedelta(minutes=30)).isoformat()
    session[SESSION_KEY] = {str(nominal_pk): {"reason": "Matrix test: checking what leaks", "until": until}}
    session.save()
    return client


def test_no_role_of_any_agency_kind_sees_more_than_the_rules_allow():
    scenario = _scenario()
    pages = _pages(scenario)
    risk_pages = set(_risk_pages(scenario))
    disclosure_pages = {url: name for name, url in _disclosure_pages(scenario).items()}
    # The record's link says the disclosure exists: on any page, only to those who may see it;
    # and the pages that list disclosures (the nominal's list, the dashboard, the case's
    # section) must list it to each of them.
    record_link = f'href="{reverse("disclosures:disclosure-detail", args=[scenario.disclosure.pk])}"'
    listing_pages = {
        reverse("disclosures:disclosure-list", args=[scenario.nominal.pk]),
        reverse("disclosures:disclosure-dashboard"),
        reverse("nominals:nominal-detail", args=[scenario.nominal.pk]),
    }
    pdf_url = reverse("disclosures:disclosure-pdf", args=[scenario.disclosure.pk])
    failures = []
    seen: dict[str, set[str]] = {}
    listed_to: set[str] = set()
    for kind, role, user in _users(scenario):
        who = f"{kind}/{role}"
        allowed = visible_markers(kind, role)
        client = _client(user, scenario.nominal.pk)
        seen[who] = set()
        for url in pages:
            response = client.get(url)
            if response.status_code not in (200, 302, 403, 404):
                failures.append(f"{who} {url}: status {response.status_code}")
                continue
            if url in risk_pages and response.status_code != (expected := risk_page_status(kind, role)):
                failures.append(f"{who} {url}: status {response.status_code}, expected {expected}")
            if url in disclosure_pages and response.status_code != (
                expected := disclosure_page_status(disclosure_pages[url], kind, role)
            ):
                failures.append(f"{who} {url}: status {response.status_code}, expected {expected}")
            # Names are shown in capitals ("LEAKCHECKOVA, Orla"), so compare without case.
            body = response.content.decode().lower()
            for marker in ALL_MARKERS:
                if marker.lower() in body:
                    seen[who].add(marker)
                    if marker not in allowed:
                        failures.append(f"{who} {url}: shows {marker}")
            listed = record_link.lower() in body
            if listed and not sees_disclosure(kind, role):
                failures.append(f"{who} {url}: links to the disclosure")
            if url in listing_pages and response.status_code == 200 and sees_disclosure(kind, role):
                if listed:
                    listed_to.add(who)
                else:
                    failures.append(f"{who} {url}: does not list the disclosure")
        # The PDF is binary: its status only (the PDF test below reads its text).
        if (status := client.get(pdf_url).status_code) != (expected := pdf_status(kind, role)):
            failures.append(f"{who} {pdf_url}: status {status}, expected {expected}")
        # The risk work and disclosures each user may read must really be shown to them
        # somewhere: a rule that hides too much fails here, as one that shows too much fails above.
        shown_somewhere = set(RISK_MARKERS + ASSESSMENT_DETAIL_MARKERS + DISCLOSURE_MARKERS)
        if missing := (allowed & shown_somewhere) - seen[who]:
            failures.append(f"{who}: never shown {sorted(missing)}")
    assert not failures, "\n".join(failures)
    # Not vacuous: what the rules allow really is shown somewhere, so the test above is not
    # passing merely because pages show nothing at all.
    assert seen["police/practitioner"] >= {NOMINAL_NAME, SHARED_ADDRESS, SHARED_ETHNICITY, PRIVATE_DETAIL}
    assert seen["childrens_services/practitioner"] >= {
        NOMINAL_NAME,
        SHARED_NAME,
        SHARED_SUMMARY,
        CHILDREN_SUMMARY,
    }
    assert seen["probation/practitioner"] >= {NOMINAL_NAME}
    # Risk work: the Responsible Authority reads all of it; the involved duty-to-co-operate agency
    # reads the plan and the levels, not the assessment's detail; no one else reads any of it.
    assert seen["probation/practitioner"] >= {*RISK_MARKERS, *ASSESSMENT_DETAIL_MARKERS}
    assert seen["prison/meeting_chair"] >= {*RISK_MARKERS, *ASSESSMENT_DETAIL_MARKERS}
    assert seen["childrens_services/practitioner"] >= set(RISK_MARKERS)
    assert not seen["childrens_services/practitioner"] & set(ASSESSMENT_DETAIL_MARKERS)
    assert not seen["police/minute_taker"] & {*RISK_MARKERS, *ASSESSMENT_DETAIL_MARKERS}
    assert seen["health/practitioner"] == set()
    assert seen["south_police/practitioner"] == set()
    # Disclosures: the Responsible Authority and the consulted youth justice service read the
    # record; children's services, involved with the case but not with the disclosure, neither
    # reads it nor is told it exists; a police minute-taker (no DISCLOSURE_VIEW) sees none of it.
    assert seen["probation/practitioner"] >= set(DISCLOSURE_MARKERS)
    assert seen["prison/meeting_chair"] >= set(DISCLOSURE_MARKERS)
    assert seen["youth_justice/practitioner"] >= set(DISCLOSURE_MARKERS)
    assert not seen["childrens_services/practitioner"] & set(DISCLOSURE_MARKERS)
    assert not seen["police/minute_taker"] & set(DISCLOSURE_MARKERS)
    assert {"police/practitioner", "probation/mappa_coordinator", "youth_justice/practitioner"} <= listed_to


def test_counts_reveal_existence_only_to_those_who_see_the_case():
    """ "North Police holds 1 item" is existence without content: shown on the case to those who
    may see the case, and nowhere else."""
    scenario = _scenario()
    url = reverse("nominals:nominal-detail", args=[scenario.nominal.pk])
    for kind, role, user in _users(scenario):
        body = _client(user, scenario.nominal.pk).get(url).content.decode()
        if not sees_nominal(kind, role):
            assert not re.search(r"holds \d+ items?", body), f"{kind}/{role}"
    children = member(["practitioner"], agency=scenario.agencies[AgencyKind.CHILDRENS_SERVICES])
    body = _client(children, scenario.nominal.pk).get(url).content.decode()
    assert "North Police holds 1 item" in body


def test_person_search_results_follow_the_people_index_rules():
    """Search results are scoped like the person pages: the police record of the nominal is found
    by the police and by area-wide Responsible Authority staff, never by the duty-to-co-operate
    agency that holds a share about the case, nor by anyone else. Searching by date of birth,
    so the name in the results is not merely the query echoed back."""
    scenario = _scenario()
    born = scenario.nominal.person.dates_of_birth.get()
    query = {"date_of_birth": f"{born.day:02d}/{born.month:02d}/{born.year}"}
    url = reverse("people:person-search")
    found_by = set()
    for kind, role, user in _users(scenario):
        response = _client(user, scenario.nominal.pk).post(url, query)
        assert response.status_code in (200, 403), f"{kind}/{role}"
        if NOMINAL_NAME.lower() in response.content.decode().lower():
            found_by.add(f"{kind}/{role}")
    # The people index's rule: every Responsible Authority agency of the area sees the area's
    # records, to anyone holding PERSON_VIEW there.
    expected = {
        f"{kind}/{role}"
        for kind in RA_KINDS
        for role, spec in ROLES.items()
        if spec.allowed_in(kind) and Permission.PERSON_VIEW in spec.permissions
    }
    assert expected and found_by == expected


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_disclosure_pdf_shows_each_item_only_to_its_readers():
    """The record for the file carries no more than its page: an item the disclosure draws on
    shows its content only to those who may read the item (DESIGN.md §5), so the probation
    service, which makes disclosures with the police but holds no share of POLICE_PRIVATE, has
    the record without the item's words."""
    scenario = _scenario()
    url = reverse("disclosures:disclosure-pdf", args=[scenario.disclosure.pk])
    police = member(["practitioner"], agency=scenario.agencies[AgencyKind.POLICE])
    probation = member(["practitioner"], agency=scenario.agencies[AgencyKind.PROBATION])
    texts = {}
    for who, user in (("police", police), ("probation", probation)):
        response = _client(user, scenario.nominal.pk).get(url)
        assert response.status_code == 200, who
        texts[who] = _pdf_text(response.content)
    assert DISCLOSURE_PURPOSE in texts["police"] and DISCLOSURE_PURPOSE in texts["probation"]
    assert PRIVATE_SUMMARY in texts["police"]
    assert PRIVATE_SUMMARY not in texts["probation"]
    assert PRIVATE_DETAIL not in texts["probation"]
