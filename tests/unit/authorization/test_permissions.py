from pathlib import Path

import pytest
from django.conf import settings

from mappa.authorization.matrix import permissions_markdown
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES, get_role
from mappa.authorization.utils import has_permission, permissions_of
from tests.factories.accounts import MembershipFactory, member
from tests.factories.agencies import AgencyFactory


def test_permissions_doc_matches_code():
    # docs/permissions.md is generated from the code; regenerate with `make docs`.
    doc = Path(settings.BASE_DIR, "docs", "permissions.md").read_text()
    assert doc == permissions_markdown()


def test_every_permission_is_held_by_some_role():
    held = set().union(*(role.permissions for role in ROLES.values()))
    assert held == set(Permission)


def test_every_role_has_a_description_and_display_name():
    for role in ROLES.values():
        assert role.display_name
        assert len(role.description) > 40


def test_get_role_unknown_raises():
    with pytest.raises(ValueError, match="unknown role"):
        get_role("superhero")


def test_unknown_role_code_grants_nothing():
    class Membership:
        agency_id = 1
        roles = ["superhero"]
        is_active = True

    assert permissions_of(Membership()) == frozenset()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agency_administrator", True), ("practitioner", False), ("auditor", False)],
)
def test_has_permission_follows_roles(role, allowed):
    user = member([role])
    assert has_permission(user, Permission.MEMBERSHIP_MANAGE) is allowed


@pytest.mark.django_db
def test_has_permission_agency_context_requires_acting_for_that_agency():
    user = member(["agency_administrator"])
    own = user.acting_membership.agency
    other = AgencyFactory()
    assert has_permission(user, Permission.MEMBERSHIP_MANAGE, agency=own)
    assert not has_permission(user, Permission.MEMBERSHIP_MANAGE, agency=other)


@pytest.mark.django_db
def test_role_in_one_agency_does_not_apply_while_acting_for_another():
    user = member(["practitioner"])
    admin_elsewhere = MembershipFactory(user=user, roles=["agency_administrator"])
    assert not has_permission(user, Permission.MEMBERSHIP_MANAGE)
    user.acting_membership = admin_elsewhere
    assert has_permission(user, Permission.MEMBERSHIP_MANAGE)


@pytest.mark.django_db
def test_has_permission_denies_without_acting_membership_inactive_membership_or_user():
    user = member(["agency_administrator"])
    membership = user.acting_membership
    user.acting_membership = None
    assert not has_permission(user, Permission.MEMBERSHIP_MANAGE)
    user.acting_membership = membership
    membership.is_active = False
    assert not has_permission(user, Permission.MEMBERSHIP_MANAGE)
    membership.is_active = True
    user.is_active = False
    assert not has_permission(user, Permission.MEMBERSHIP_MANAGE)


def test_has_permission_rejects_unknown_context_and_non_permissions():
    with pytest.raises(TypeError, match="unknown permission context"):
        has_permission(None, Permission.AUDIT_VIEW, agnecy=1)
    with pytest.raises(TypeError, match="not a Permission"):
        has_permission(None, "audit_view")  # type: ignore[arg-type]


def test_anonymous_has_no_permissions():
    from django.contrib.auth.models import AnonymousUser

    assert not has_permission(AnonymousUser(), Permission.AGENCY_VIEW)


@pytest.mark.parametrize(
    ("role", "kind", "allowed"),
    [
        ("disclosure_scheme_officer", "police", True),
        ("disclosure_scheme_officer", "health", False),
        ("meeting_chair", "probation", True),
        ("meeting_chair", "housing_authority", False),
        ("lay_adviser", "associate", True),
        ("lay_adviser", "police", False),
        ("practitioner", "jobcentre_plus", True),
    ],
)
def test_role_allowed_in_agency_kinds(role, kind, allowed):
    assert get_role(role).allowed_in(kind) is allowed
