"""The demo's information sharing (mappa/demo/information.py): every state a page can show, made
through the services, idempotent, and within the rules."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from mappa.accounts.models import AgencyMembership, User
from mappa.accounts.services import act_as
from mappa.agencies.models import AgencyGroup, AgreementPurpose, InformationSharingAgreement
from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import verify_chain
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.demo import durham, information
from mappa.information_sharing import selectors, services
from mappa.information_sharing.attributes import attributes_for
from mappa.information_sharing.models import (
    AccessRequest,
    InformationItem,
    ItemKind,
    ItemStatus,
    OnwardShareRequest,
    OnwardTerms,
    RequestStatus,
    Share,
    ShareItem,
)
from mappa.nominals.selectors import nominal_list

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The demo, loaded once for this module and rolled back after it (each test still runs in
    its own savepoint): loading it takes a few seconds."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _as(code: str, role: str = "practitioner") -> User:
    user = User.objects.get(username=durham._username(code, role))
    act_as(user, AgencyMembership.objects.get(user=user, agency__code=code))
    return user


def _counts() -> dict[str, int]:
    return {
        "items": InformationItem.objects.count(),
        "shares": Share.objects.count(),
        "share_items": ShareItem.objects.count(),
        "access_requests": AccessRequest.objects.count(),
        "onward_requests": OnwardShareRequest.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def test_demo_information_covers_every_state():
    items = InformationItem.objects.all()
    nominals = set(items.values_list("nominal_id", flat=True))
    assert 35 <= len(nominals) <= 45
    assert items.filter(status=ItemStatus.SUPERSEDED, superseded_by__isnull=False).count() == 1
    assert items.filter(status=ItemStatus.ERASED).exclude(status_reason="").count() == 1
    owners = set(items.values_list("owner_agency__code", flat=True))
    assert {information.POLICE, information.PROBATION, information.CHILDREN} <= owners
    assert {information.HOUSING, information.HEALTH} <= owners
    graded = items.filter(kind=ItemKind.INTELLIGENCE).exclude(source_evaluation="")
    assert graded.exclude(intelligence_assessment="").exclude(handling_code="").exists()
    special_fields = {a.name for a in attributes_for(ItemKind.RELATIONSHIPS) if a.special_category}
    assert any(special_fields & set(i.attributes) for i in items.filter(kind=ItemKind.RELATIONSHIPS))

    shares = Share.objects.all()
    recipients = set(shares.values_list("recipient_agency__code", flat=True))
    assert {
        information.CHILDREN,
        information.HOUSING,
        information.HEALTH,
        information.YOUTH,
        information.JOBCENTRE,
    } <= recipients
    assert shares.filter(revoked_at__isnull=False).exclude(revocation_reason="").count() == 2
    assert shares.filter(expires_on__isnull=False, revoked_at__isnull=True).count() == 1
    named = shares.get(onward_terms=OnwardTerms.NAMED_AGENCIES)
    assert named.onward_agencies.exists()
    assert shares.filter(source_share=named).count() == 1
    assert shares.filter(purpose=AgreementPurpose.SAFEGUARDING_CHILDREN).exists()
    with_special = ShareItem.objects.exclude(special_categories=[])
    assert 1 <= with_special.count() <= 2
    assert not with_special.filter(strictly_necessary="").exists()
    # Some shares leave special category fields out of items that hold them.
    left_out = [
        link
        for link in ShareItem.objects.filter(item__kind=ItemKind.RELATIONSHIPS).select_related("item")
        if special_fields & set(link.item.attributes) and not special_fields & set(link.fields)
    ]
    assert left_out

    requests = AccessRequest.objects.all()
    assert requests.filter(status=RequestStatus.PENDING).count() >= 3
    granted = requests.get(status=RequestStatus.GRANTED)
    assert granted.share is not None and granted.share.recipient_agency_id == granted.requesting_agency_id
    assert requests.filter(status=RequestStatus.REFUSED).exclude(decision_reason="").count() == 2
    onward = OnwardShareRequest.objects.all()
    assert onward.filter(status=RequestStatus.PENDING).count() == 1
    assert onward.filter(status=RequestStatus.REFUSED).exclude(decision_reason="").count() == 1


def test_demo_information_is_idempotent_and_audited():
    before = _counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert _counts() == before
    assert verify_chain().ok
    # Written as the demo users, through the services: each item and share has its event.
    assert AuditEvent.objects.filter(object_type="information_item", action=Action.COLLECTION).count() == (
        InformationItem.objects.count()
    )
    disclosures = AuditEvent.objects.filter(object_type="share", action=Action.DISCLOSURE)
    shared = {str(pk) for pk in Share.objects.values_list("pk", flat=True)}
    assert set(disclosures.values_list("object_id", flat=True)) == shared
    assert not disclosures.filter(actor_username="system:demo").exists()
    assert AuditEvent.objects.filter(object_type=information.MARKER).count() == 1


def test_demo_shares_pass_the_sharing_rules():
    agreement = InformationSharingAgreement.objects.get(reference=durham.AGREEMENT_REFERENCE)
    parties = set(agreement.parties.values_list("pk", flat=True))
    for share in Share.objects.select_related("sharing_agency", "recipient_agency", "decided_by"):
        assert share.agreement_id == agreement.pk
        assert {share.sharing_agency_id, share.recipient_agency_id} <= parties
        assert share.purpose in agreement.purposes
        assert share.gateway in agreement.lawful_bases
        user = share.decided_by
        act_as(user, AgencyMembership.objects.get(user=user, agency=share.sharing_agency))
        selections = [
            services.ItemSelection(link.item, link.fields, link.strictly_necessary)
            for link in share.share_items.select_related("item", "item__owner_agency")
        ]
        for selection, link in zip(selections, share.share_items.all(), strict=True):
            assert link.special_categories == services.special_categories_in(selection.item, link.fields)
        terms = services.ShareTerms(
            recipient=share.recipient_agency,
            purpose=share.purpose,
            gateway=share.gateway,
            necessity=share.necessity,
            proportionality=share.proportionality,
            relevance=share.relevance,
            purpose_detail=share.purpose_detail,
            gateway_detail=share.gateway_detail,
            onward_terms=share.onward_terms,
            onward_agencies=list(share.onward_agencies.all()),
            expires_on=share.expires_on,
        )
        check = services.share_check(selections=selections, terms=terms, by=user)
        assert check.agreement == agreement, share.reference


def test_every_demo_duty_to_cooperate_user_who_may_see_nominals_sees_one():
    dtc_codes = {code for code, _, kind in durham.AGENCIES if kind.group == AgencyGroup.DUTY_TO_COOPERATE}
    seen_by_agency: dict[str, bool] = {}
    for spec in durham.demo_users():
        if spec.agency_code not in dtc_codes:
            continue
        user = _as(spec.agency_code, spec.roles[0])
        if has_permission(user, Permission.NOMINAL_VIEW):
            assert nominal_list(fetched_by=user).exists(), spec.username
            seen_by_agency[spec.agency_code] = True
    assert set(seen_by_agency) == dtc_codes


def test_demo_sign_ins_have_sharing_to_show():
    police = _as(information.POLICE)
    assert selectors.awaiting_decision_count(fetched_by=police) >= 3
    children = _as(information.CHILDREN)
    shared = selectors.item_list(fetched_by=children).exclude(owner_agency__code=information.CHILDREN)
    assert shared.exists()
    # Somewhere children's services can see that police hold more, and have not yet asked.
    holdings = [
        holding
        for nominal in nominal_list(fetched_by=children)
        for holding in selectors.nominal_holdings(nominal=nominal, fetched_by=children)
    ]
    assert any(h.agency.code == information.POLICE and h.pending_request is None for h in holdings)
    assert any(h.pending_request is not None for h in holdings)
