"""List pages must not run a query per row (N+1): adding rows must not add queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mappa.audit.models import Action
from mappa.audit.services import record_event
from tests.conftest import signed_in_client
from tests.factories.accounts import MembershipFactory, member
from tests.factories.nominals import NominalFactory, NominalSetup

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    # One request first, so per-session work done once (remembering the accepted notice) is
    # not counted against either side of the comparison.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


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
