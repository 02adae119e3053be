import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from mappa.accounts.models import AgencyMembership, User
from mappa.agencies.models import Agency, AgreementStatus, InformationSharingAgreement
from mappa.audit.services import verify_chain
from mappa.authorization.roles import ROLES
from mappa.demo import durham

pytestmark = pytest.mark.django_db


def _list_users() -> list[dict[str, object]]:
    out = StringIO()
    call_command("demo", list_users=True, json=True, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_demo_loads_durham_and_is_idempotent():
    call_command("demo", stdout=StringIO())
    counts = (Agency.objects.count(), User.objects.count(), AgencyMembership.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert (Agency.objects.count(), User.objects.count(), AgencyMembership.objects.count()) == counts
    assert verify_chain().ok


def test_demo_has_one_user_per_allowed_role_per_agency():
    call_command("demo", stdout=StringIO())
    for code, _, kind in durham.AGENCIES:
        roles_held = {
            role
            for m in AgencyMembership.objects.filter(agency__code=code)
            for role in m.roles
            if len(m.roles) == 1
        }
        expected = {role.code for role in ROLES.values() if role.allowed_in(kind)}
        assert roles_held == expected, code


def test_demo_agreement_is_active_between_all_agencies():
    call_command("demo", stdout=StringIO())
    agreement = InformationSharingAgreement.objects.get(reference=durham.AGREEMENT_REFERENCE)
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.parties.count() == len(durham.AGENCIES)


def test_demo_list_users_json_has_the_documented_keys_and_working_passwords():
    call_command("demo", stdout=StringIO())
    users = _list_users()
    assert {tuple(sorted(u)) for u in users} == {
        ("agency", "agency_code", "agency_kind", "password", "roles", "username")
    }
    sample = users[0]
    request = RequestFactory().post("/sign-in/")
    assert authenticate(request, username=sample["username"], password=sample["password"]) is not None
    multi = next(u for u in users if u["username"] == durham.MULTI_AGENCY_USERNAME)
    assert User.objects.get(username=multi["username"]).memberships.count() == 2


def test_demo_users_have_synthetic_email_addresses():
    call_command("demo", stdout=StringIO())
    assert not User.objects.exclude(email__endswith="@example.invalid").exists()


def test_demo_nominals_follow_the_design_proportions():
    from collections import Counter

    from mappa.nominals.models import Nominal, Status

    call_command("demo", stdout=StringIO())
    nominals = Nominal.objects.all()
    total = nominals.count()
    assert total == durham.NOMINAL_COUNT
    categories = Counter(nominals.values_list("category", flat=True))
    levels = Counter(nominals.values_list("level", flat=True))
    assert 0.72 <= categories[1] / total <= 0.78
    assert 0.21 <= categories[2] / total <= 0.27
    assert 1 <= categories[3] <= 6
    assert levels[1] / total >= 0.95
    assert levels[2] >= 5 and 1 <= levels[3] <= 3
    assert not nominals.filter(category=3, level=1).exists()
    assert not nominals.filter(status=Status.EXITED).exists()
    # Every nominal has its identified history, and the person record has a name.
    assert all(n.changes.exists() and n.person.names.exists() for n in nominals[:20])
    call_command("demo", stdout=StringIO())
    assert Nominal.objects.count() == total
    assert verify_chain().ok
