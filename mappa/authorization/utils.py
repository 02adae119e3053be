"""has_permission: the one place role-based permissions are decided.

Permissions come from the roles of the user's *acting* membership only: someone who works for
two agencies acts for one at a time (DESIGN.md §5), so a role held in agency A never authorises
an action while acting for agency B. Object-level rules (ownership, shares, attendance) live in
each app's access.py and selectors.py and are built on this.
"""

from typing import Any, Protocol

from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES


class _Agency(Protocol):
    pk: Any


class ActingMembership(Protocol):
    agency_id: Any
    roles: list[str]
    is_active: bool


_CONTEXT_KEYS = frozenset({"agency"})


def acting_membership(user: Any) -> ActingMembership | None:
    """The membership the user is acting under, if any (set at sign-in or by `act_as`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    membership = getattr(user, "acting_membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership  # type: ignore[no-any-return]


def permissions_of(membership: ActingMembership | None) -> frozenset[Permission]:
    if membership is None:
        return frozenset()
    granted: set[Permission] = set()
    for code in membership.roles:
        role = ROLES.get(code)
        # An unknown role code (e.g. a role removed from the code) grants nothing.
        if role is not None:
            granted |= role.permissions
    return frozenset(granted)


def has_permission(user: Any, permission: Permission, **context: Any) -> bool:
    """Whether `user`, acting for their current agency, holds `permission`.

    `agency=` narrows the check to acting *for that agency*: an agency administrator may manage
    their own agency's users and nobody else's. Unknown context keys raise, so a typo cannot
    turn into a silent denial (or a silent grant).
    """
    unknown = set(context) - _CONTEXT_KEYS
    if unknown:
        raise TypeError(f"unknown permission context: {sorted(unknown)}")
    if not isinstance(permission, Permission):
        raise TypeError(f"not a Permission: {permission!r}")
    membership = acting_membership(user)
    if membership is None:
        return False
    agency: _Agency | None = context.get("agency")
    if agency is not None and membership.agency_id != agency.pk:
        return False
    return permission in permissions_of(membership)
