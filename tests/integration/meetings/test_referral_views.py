"""The referral pages, each allowed and denied from one world.

NominalSetup's North and South, plus `health_nominal`, led by North Health (a duty-to-co-operate
agency), whose practitioner refers it. The North Police co-ordinator screens North's referrals;
South's co-ordinator sees none of them. Users open only cases they have a basis for (lead agency,
co-ordinator), so no page here stops to ask for a reason.
"""

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mappa.agencies.models import AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.meetings.models import Referral, ReferralStatus, ReferralStep
from mappa.nominals.models import Nominal, Status
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.information_sharing import ItemFactory
from tests.factories.meetings import MeetingFactory, NominalFactory, ReferralFactory, on_agenda
from tests.factories.nominals import NominalSetup

pytestmark = pytest.mark.django_db

REASONS = "Synthetic: escalating threats towards a former partner and breaches of licence."
GAPS = "Synthetic: police and housing must act together; level 1 cannot co-ordinate that."
DECISION = "Synthetic: the threshold for active multi-agency management is met."


@dataclass
class World:
    setup: NominalSetup
    health_nominal: Nominal
    associate_practitioner: Any

    def user(self, who: str) -> Any:
        return getattr(self, who) if who in ("associate_practitioner",) else self.setup.user(who)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)


@pytest.fixture
def world(db) -> World:
    setup = NominalSetup()
    north = setup.north
    health_nominal = NominalFactory(lead_agency=north.health, area=north.area)
    associate = AgencyFactory(
        name="North Associate", code="NORTH-ASSOC", kind=AgencyKind.ASSOCIATE, areas=[north.area]
    )
    associate_practitioner = member(["practitioner"], agency=associate)
    ItemFactory(nominal=setup.police_nominal, owner_agency=associate, author=associate_practitioner)
    return World(setup, health_nominal, associate_practitioner)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(name: str, *args: Any) -> str:
    return reverse(f"meetings:{name}", args=args)


def _health_referral(world: World, **kwargs: Any) -> Referral:
    return ReferralFactory(
        nominal=world.health_nominal,
        referring_agency=world.north.health,
        referred_by=world.health_practitioner,
        reasons=REASONS,
        **kwargs,
    )


def _referral_events(referral: Referral | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="referral")
    return events.filter(object_id=str(referral.pk)) if referral else events


# --- referral-create ----------------------------------------------------------------------------


def _mappa_a(level: str = "2", **overrides: str) -> dict[str, str]:
    data = {"proposed_level": level, "reasons": REASONS, "risk_summary": "", "current_level_gaps": GAPS}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "nominal", "status"),
    [
        ("practitioner", "police_nominal", 200),
        ("coordinator", "police_nominal", 200),
        ("health_practitioner", "health_nominal", 200),
        ("senior_manager", "police_nominal", 403),  # no permission to refer
        ("chair", "police_nominal", 403),
        ("associate_practitioner", "police_nominal", 403),  # sees the case; associates do not refer
        ("south_coordinator", "police_nominal", 404),  # cannot see the case
        ("health_practitioner", "police_nominal", 404),
    ],
)
def test_create_page(world: World, who: str, nominal: str, status: int):
    pk = getattr(world, nominal).pk
    response = signed_in_client(world.user(who)).get(_url("referral-create", pk))
    assert response.status_code == status
    if status == 200:
        assert 'name="proposed_level"' in _text(response)
        assert AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=pk).exists()
    else:
        # Refused before the case was opened: no consultation recorded.
        assert not AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=pk).exists()


@pytest.mark.parametrize(("who", "status"), [("health_practitioner", 302), ("senior_manager", 403)])
def test_create_posts(world: World, who: str, status: int):
    client = signed_in_client(world.user(who))
    response = client.post(_url("referral-create", world.health_nominal.pk), _mappa_a("3"))
    assert response.status_code == status
    referrals = Referral.objects.filter(nominal=world.health_nominal)
    if status == 302:
        referral = referrals.get()
        assert response["Location"] == _url("referral-detail", referral.pk)
        assert (referral.proposed_level, referral.referring_agency) == (3, world.north.health)
        assert f"Referral {referral.reference} sent" in _text(client.get(response["Location"]))
    else:
        assert not referrals.exists()
        assert not _referral_events().exists()


def test_create_empty_post_shows_every_error(world: World):
    response = signed_in_client(world.practitioner).post(_url("referral-create", world.police_nominal.pk), {})
    body = _text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    for message in (
        "Select the level you are referring them to",
        "Enter why you are referring them",
        "Enter what cannot be managed at their current level",
    ):
        assert message in body
    assert not Referral.objects.exists()


def test_create_service_refusal_is_shown_on_the_field(world: World):
    response = signed_in_client(world.practitioner).post(
        _url("referral-create", world.police_nominal.pk), _mappa_a(reasons="Too short.")
    )
    assert response.status_code == 200
    assert "Explain why you are referring this nominal in a sentence or more" in _text(response)
    assert not Referral.objects.exists()


def test_create_offers_only_levels_above_the_current_one(world: World):
    nominal = NominalFactory(lead_agency=world.north.police, area=world.area, level=2)
    body = _text(signed_in_client(world.practitioner).get(_url("referral-create", nominal.pk)))
    assert 'value="3"' in body and 'value="2"' not in body


@pytest.mark.parametrize("case", ["exited", "level_3", "open"])
def test_create_page_explains_why_no_referral_can_be_made(world: World, case: str):
    kwargs: dict[str, Any] = {"lead_agency": world.north.police, "area": world.area}
    if case == "exited":
        kwargs.update(status=Status.EXITED, exited_on=timezone.localdate())
    if case == "level_3":
        kwargs.update(level=3)
    nominal = NominalFactory(**kwargs)
    if case == "open":
        open_referral = ReferralFactory(nominal=nominal, referring_agency=world.north.probation)
    response = signed_in_client(world.practitioner).get(_url("referral-create", nominal.pk))
    body = _text(response)
    assert 'data-testid="cannot-refer"' in body
    assert 'name="reasons"' not in body
    if case == "open":
        # Named and linked: the practitioner's agency leads the case, so it may read the referral.
        assert open_referral.reference in body
        assert _url("referral-detail", open_referral.pk) in body


def test_create_refused_while_open_even_if_posted(world: World):
    existing = ReferralFactory(nominal=world.police_nominal, referring_agency=world.north.probation)
    response = signed_in_client(world.practitioner).post(
        _url("referral-create", world.police_nominal.pk), _mappa_a()
    )
    assert response.status_code == 200
    assert existing.reference in _text(response)
    assert Referral.objects.count() == 1


# --- referral-list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("practitioner", 200),
        ("health_practitioner", 200),
        ("senior_manager", 403),
        ("chair", 403),
        ("auditor", 403),
    ],
)
def test_list_page(world: World, who: str, status: int):
    referral = _health_referral(world, submitted_at=timezone.now() - timedelta(days=4))
    response = signed_in_client(world.user(who)).get(_url("referral-list"))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        shown = referral.reference in body
        assert shown == (who in ("coordinator", "health_practitioner"))
        assert (">Waiting for screening</h2>" in body) == (who == "coordinator")
        assert "Made by your agency" in body


def test_list_sections_for_the_coordinator(world: World):
    now = timezone.now()
    waiting = _health_referral(world, submitted_at=now - timedelta(days=9))
    asked = ReferralFactory(
        nominal=world.probation_nominal,
        status=ReferralStatus.MORE_INFORMATION,
        submitted_at=now - timedelta(days=2),
    )
    decided = ReferralFactory(
        nominal=world.police_nominal,
        status=ReferralStatus.DECLINED,
        decided_at=now,
        decided_by=world.coordinator,
        decision_reason=DECISION,
    )
    ReferralFactory(nominal=world.south_nominal)
    body = _text(signed_in_client(world.coordinator).get(_url("referral-list")))
    waiting_section = body.split("Waiting for screening")[1].split("More information requested")[0]
    asked_section = body.split("More information requested</h2>")[1].split("Decided</h2>")[0]
    decided_section = body.split("Decided</h2>")[1].split("Made by your agency")[0]
    assert waiting.reference in waiting_section and ">9<" in waiting_section
    assert asked.reference in asked_section
    assert decided.reference in decided_section
    assert world.south_nominal.person.display_name not in body


def test_list_queries_do_not_grow_with_rows(world: World):
    client = signed_in_client(world.coordinator)
    url = _url("referral-list")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_rows() -> None:
        # One of each: waiting, waiting for information, decided, and made by the police.
        for status in (ReferralStatus.SUBMITTED, ReferralStatus.MORE_INFORMATION):
            ReferralFactory(
                nominal=NominalFactory(lead_agency=world.north.police, area=world.area), status=status
            )
        ReferralFactory(
            nominal=NominalFactory(lead_agency=world.north.police, area=world.area),
            status=ReferralStatus.DECLINED,
            decided_at=timezone.now(),
            decided_by=world.coordinator,
            decision_reason=DECISION,
        )

    # Every list has a row first: an empty list skips its prefetch, which is not growth.
    add_rows()
    before = queries()
    for _ in range(3):
        add_rows()
    assert queries() == before


# --- referral-detail ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("health_practitioner", 200),  # the referrer
        ("coordinator", 200),  # screens the area's referrals
        ("practitioner", 404),  # not their agency's referral
        ("south_coordinator", 404),
        ("senior_manager", 404),
    ],
)
def test_detail_page(world: World, who: str, status: int):
    referral = _health_referral(world)
    response = signed_in_client(world.user(who)).get(_url("referral-detail", referral.pk))
    assert response.status_code == status
    consulted = AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=world.health_nominal.pk)
    if status == 200:
        body = _text(response)
        assert REASONS in body
        assert ("Screen the referral" in body) == (who == "coordinator")
        assert ("Withdraw the referral" in body) == (who == "health_practitioner")
        # Reading a referral is reading about the nominal: recorded, with the basis.
        assert consulted.filter(actor_user_id=world.user(who).pk).exists()
    else:
        assert not consulted.exists()


def test_detail_missing_and_hidden_look_the_same(world: World):
    referral = _health_referral(world)
    client = signed_in_client(world.practitioner)
    hidden = client.get(_url("referral-detail", referral.pk))
    missing = client.get(_url("referral-detail", referral.pk + 1000))
    assert hidden.status_code == missing.status_code == 404

    def page(response: Any) -> str:
        # The CSP nonce and CSRF token differ on every page.
        return re.sub(r'(nonce|value)="[^"]*"', "", _text(response))

    assert page(hidden) == page(missing)


def test_detail_shows_the_timeline_timings_and_answer_link(world: World):
    submitted = timezone.now() - timedelta(days=6)
    referral = _health_referral(world, submitted_at=submitted, status=ReferralStatus.MORE_INFORMATION)
    referral.information_request = "Synthetic: which clinic?"
    referral.save(override=True)
    for step, at, by in (
        ("submitted", submitted, world.health_practitioner),
        ("information_requested", submitted + timedelta(days=1), world.coordinator),
    ):
        ReferralStep(referral=referral, step=step, at=at, by=by).save(override=True)
    meeting = MeetingFactory(area=world.area, chair=world.chair, starts_at=submitted + timedelta(days=10))
    on_agenda(meeting, world.health_nominal)
    body = _text(signed_in_client(world.health_practitioner).get(_url("referral-detail", referral.pk)))
    steps = body.split('data-testid="steps"')[1]
    assert steps.index("Referral made") < steps.index("More information requested")
    assert "Not decided yet" in body
    assert "10 days" in body
    assert "Give the information asked for" in body
    assert "Synthetic: which clinic?" in body


# --- referral-screen ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("health_practitioner", 403),  # the referrer sees the referral but does not screen it
        ("practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_screen_page(world: World, who: str, status: int):
    referral = _health_referral(world)
    response = signed_in_client(world.user(who)).get(_url("referral-screen", referral.pk))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        for choice in (
            "Accept at level 2",
            "Accept at level 3",
            "Decline",
            "Ask the referrer for more information",
        ):
            assert choice in body
        # No JavaScript needed: both follow-up questions are on the page.
        assert 'name="reason"' in body and 'name="request_text"' in body


def _screen(world: World, referral: Referral, who: str = "coordinator", **data: Any) -> Any:
    data.setdefault("version", referral.version)
    return signed_in_client(world.user(who)).post(_url("referral-screen", referral.pk), data)


@pytest.mark.parametrize(("who", "status"), [("coordinator", 302), ("health_practitioner", 403)])
def test_screen_accept(world: World, who: str, status: int):
    referral = _health_referral(world)
    response = _screen(world, referral, who, decision="accept_3", reason=DECISION)
    assert response.status_code == status
    nominal = Nominal.objects.get(pk=world.health_nominal.pk)
    stored = Referral.objects.get(pk=referral.pk)
    if status == 302:
        assert response["Location"] == _url("referral-detail", referral.pk)
        assert (stored.status, stored.accepted_level, nominal.level) == (ReferralStatus.ACCEPTED, 3, 3)
    else:
        assert (stored.status, nominal.level) == (ReferralStatus.SUBMITTED, 1)
        assert not _referral_events(referral).exists()


def test_screen_decline(world: World):
    referral = _health_referral(world)
    assert _screen(world, referral, decision="decline", reason=DECISION).status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.decision_reason) == (ReferralStatus.DECLINED, DECISION)
    assert Nominal.objects.get(pk=world.health_nominal.pk).level == 1


def test_screen_ask_for_more_information(world: World):
    referral = _health_referral(world)
    response = _screen(world, referral, decision="more_information", request_text="Synthetic: the care plan.")
    assert response.status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.information_request) == (
        ReferralStatus.MORE_INFORMATION,
        "Synthetic: the care plan.",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "decision", "Select your decision"),
        ({"decision": "accept_2"}, "reason", "Enter why you are accepting"),
        ({"decision": "decline", "request_text": "Ignored."}, "reason", "Enter why you are declining"),
        (
            {"decision": "more_information", "reason": DECISION},
            "request_text",
            "Enter what information you need",
        ),
        ({"decision": "accept_2", "reason": "Fine."}, "reason", "in a sentence or more"),
    ],
)
def test_screen_validates_per_choice(world: World, data: dict[str, str], field: str, message: str):
    referral = _health_referral(world)
    response = _screen(world, referral, **data)
    assert response.status_code == 200
    body = _text(response)
    assert f'id="id_{field}-error"' in body
    assert message in body
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED


def test_screen_on_an_old_version_is_refused(world: World):
    referral = _health_referral(world)
    response = _screen(world, referral, decision="decline", reason=DECISION, version=99)
    assert "Someone else changed this referral" in _text(response)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED


def test_screen_offers_only_levels_above_the_current_one(world: World):
    nominal = NominalFactory(lead_agency=world.north.police, area=world.area, level=2)
    referral = ReferralFactory(nominal=nominal, proposed_level=3)
    body = _text(signed_in_client(world.coordinator).get(_url("referral-screen", referral.pk)))
    assert "Accept at level 2" not in body and "Accept at level 3" in body


def test_screen_page_of_a_decided_referral_has_no_form(world: World):
    referral = _health_referral(
        world,
        status=ReferralStatus.DECLINED,
        decided_at=timezone.now(),
        decided_by=world.coordinator,
        decision_reason=DECISION,
    )
    response = _screen(world, referral, decision="decline", reason=DECISION)
    assert response.status_code == 200
    assert 'data-testid="closed"' in _text(response)
    assert _referral_events(referral).count() == 0


# --- referral-respond ---------------------------------------------------------------------------


def _asked(world: World) -> Referral:
    referral = _health_referral(world, status=ReferralStatus.MORE_INFORMATION)
    referral.information_request = "Synthetic: which clinic?"
    referral.save(override=True)
    return referral


@pytest.mark.parametrize(
    ("who", "status"),
    [("health_practitioner", 200), ("coordinator", 403), ("practitioner", 404), ("south_coordinator", 404)],
)
def test_respond_page(world: World, who: str, status: int):
    referral = _asked(world)
    response = signed_in_client(world.user(who)).get(_url("referral-respond", referral.pk))
    assert response.status_code == status
    if status == 200:
        assert "Synthetic: which clinic?" in _text(response)


@pytest.mark.parametrize(("who", "status"), [("health_practitioner", 302), ("coordinator", 403)])
def test_respond_post(world: World, who: str, status: int):
    referral = _asked(world)
    response = signed_in_client(world.user(who)).post(
        _url("referral-respond", referral.pk), {"response_text": "Synthetic: the north clinic."}
    )
    assert response.status_code == status
    stored = Referral.objects.get(pk=referral.pk)
    if status == 302:
        assert (stored.status, stored.information_response) == (
            ReferralStatus.SUBMITTED,
            "Synthetic: the north clinic.",
        )
    else:
        assert stored.status == ReferralStatus.MORE_INFORMATION


def test_respond_needs_an_answer_and_a_question(world: World):
    client = signed_in_client(world.health_practitioner)
    referral = _asked(world)
    response = client.post(_url("referral-respond", referral.pk), {"response_text": ""})
    assert "Enter the information the co-ordinator asked for" in _text(response)
    not_asked = ReferralFactory(nominal=NominalFactory(lead_agency=world.north.health, area=world.area))
    response = client.get(_url("referral-respond", not_asked.pk))
    assert 'data-testid="not-awaiting"' in _text(response)


# --- referral-withdraw --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("health_practitioner", 302), ("coordinator", 403), ("practitioner", 404), ("south_coordinator", 404)],
)
def test_withdraw(world: World, who: str, status: int):
    referral = _health_referral(world)
    client = signed_in_client(world.user(who))
    assert client.get(_url("referral-withdraw", referral.pk)).status_code == (
        200 if status == 302 else status
    )
    response = client.post(
        _url("referral-withdraw", referral.pk), {"reason": "Synthetic: admitted to hospital."}
    )
    assert response.status_code == status
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status == ReferralStatus.WITHDRAWN) == (status == 302)
    assert _referral_events(referral).exists() == (status == 302)


def test_withdraw_needs_a_reason_and_an_open_referral(world: World):
    client = signed_in_client(world.health_practitioner)
    referral = _health_referral(world)
    assert "Enter why you are withdrawing the referral" in _text(
        client.post(_url("referral-withdraw", referral.pk), {"reason": ""})
    )
    referral.status = ReferralStatus.WITHDRAWN
    referral.save(override=True)
    assert 'data-testid="closed"' in _text(client.get(_url("referral-withdraw", referral.pk)))


def test_pages_ask_for_a_reason_where_the_user_has_no_basis(world: World):
    """North Probation can see the police-led case but has no relationship to it: as on the case's
    own pages, it gives a reason before the referral form opens, and nothing is recorded yet."""
    response = signed_in_client(world.probation_practitioner).get(
        _url("referral-create", world.police_nominal.pk)
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("nominals:nominal-reason", args=[world.police_nominal.pk]))
    consulted = AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=world.police_nominal.pk)
    assert not consulted.exists()
