"""The information section of a nominal's overview (registered in apps.py).

What a user sees here is DESIGN.md §5's visibility rule made visible: their own agency's items,
those shared with it and those shared into meetings the user signed for, grouped by the agency
that owns them; for everything else only which agencies hold how many items, with a way to ask.
Everything comes from the selectors, which scope to the user, so the panel cannot show more than
the item pages would. A fixed number of queries whatever the number of items or agencies
(selectors.nominal_items and nominal_holdings batch their reads).
"""

from dataclasses import dataclass, field

from django.http import HttpRequest

from mappa.agencies.models import Agency
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.panels import Panel
from mappa.information_sharing import selectors
from mappa.information_sharing.models import OnwardTerms
from mappa.information_sharing.selectors import ItemView
from mappa.nominals.models import Nominal
from mappa.people.models import Person


@dataclass
class OwnerGroup:
    """The items one agency owns that the user may read."""

    agency: Agency
    is_own: bool
    views: list[ItemView] = field(default_factory=list)

    @property
    def through_meetings_only(self) -> bool:
        """Whether the user reads all of these only as a meeting's attendee: then they were not
        shared with the user's agency, and the caption must not say so."""
        return not self.is_own and all(not view.agency_shares for view in self.views)


def _groups(views: list[ItemView], own_agency_id: int | None) -> list[OwnerGroup]:
    # The user's own agency first, then the others by name (nominal_items orders by owner name).
    groups: dict[int, OwnerGroup] = {}
    for view in views:
        owner = view.item.owner_agency
        if owner.pk not in groups:
            groups[owner.pk] = OwnerGroup(owner, owner.pk == own_agency_id)
        groups[owner.pk].views.append(view)
    return sorted(groups.values(), key=lambda g: (not g.is_own, g.agency.name))


def _can_share(views: list[ItemView]) -> bool:
    """Whether the agency holds anything it could share: an active item of its own, or one a
    share lets it pass on to named agencies. Whether a given recipient is allowed is the
    wizard's and the service's question; this only decides whether to offer the button."""
    for view in views:
        if not view.item.is_active:
            continue
        if view.is_owner or any(share.onward_terms == OnwardTerms.NAMED_AGENCIES for share in view.shares):
            return True
    return False


class InformationPanel:
    order = 10

    def panel(self, request: HttpRequest, nominal: Nominal) -> Panel | None:
        user = request.user
        if not has_permission(user, Permission.ITEM_VIEW):
            return None
        membership = acting_membership(user)
        own_agency_id = membership.agency_id if membership is not None else None
        views = selectors.nominal_items(nominal=nominal, fetched_by=user)
        context = {
            "nominal": nominal,
            "groups": _groups(views, own_agency_id),
            "holdings": selectors.nominal_holdings(nominal=nominal, fetched_by=user),
            "can_record": has_permission(user, Permission.ITEM_RECORD),
            "can_share": has_permission(user, Permission.SHARE_CREATE) and _can_share(views),
            "can_request": has_permission(user, Permission.SHARE_REQUEST),
            "can_view_log": selectors.can_view_case_access_log(nominal=nominal, fetched_by=user),
        }
        return Panel("information_sharing/panel.html", context)


class PersonInformationPanel:
    """Items about a person in the index who is not (or not only) a nominal: a victim, a
    partner, a household member. Items about a nominal appear on the nominal's page instead."""

    order = 10

    def panel(self, request: HttpRequest, person: Person) -> Panel | None:
        user = request.user
        if not has_permission(user, Permission.ITEM_VIEW):
            return None
        membership = acting_membership(user)
        own_agency_id = membership.agency_id if membership is not None else None
        views = selectors.person_items(person=person, fetched_by=user)
        context = {
            "person": person,
            "groups": _groups(views, own_agency_id),
            "can_record": has_permission(user, Permission.ITEM_RECORD),
        }
        return Panel("information_sharing/person_panel.html", context)
