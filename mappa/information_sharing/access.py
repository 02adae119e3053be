"""Single items, shares and requests, each through its selector: one 404 for missing or hidden.

Opening an item is a consultation (DPA 2018 s.62): the event, with the basis the user has for
reading it (their agency owns it, holds the named shares, or the user signed the confidentiality
statement of a meeting it was shared into), is written before the item is returned, so nothing
is shown without the record of it. Every opening is its own event, so the owner's auditors see
each consultation by each attendee of a meeting, not one for the meeting. An item the user
cannot read is simply not found; that it exists shows only as a count on the case
(selectors.nominal_holdings).
"""

from django.http import Http404

from mappa.core.types import AnyUser
from mappa.information_sharing import selectors
from mappa.information_sharing.models import AccessRequest, OnwardShareRequest, Share
from mappa.information_sharing.selectors import ItemView


def item_basis(view: ItemView) -> str:
    """The justification recorded with a consultation: every route the user reads the item by."""
    if view.is_owner:
        return "Owner of the item"
    parts = []
    if view.agency_shares:
        parts.append(f"Shared with the agency: {', '.join(s.reference for s in view.agency_shares)}")
    # The meeting's reference names the purpose too: a meeting share is for MAPPA risk
    # management only, and the signature is what opened it to this user rather than the agency.
    parts.extend(
        f"Shared into {share.meeting.reference} (confidentiality statement signed): {share.reference}"
        for share in view.meeting_shares
        if share.meeting is not None
    )
    return "; ".join(parts)


def access_item(user: AnyUser, pk: int, *, record: bool = True) -> ItemView:
    """The item as the user may see it; the consultation is recorded unless `record` is False
    (pages that only check ownership before a change, where the change itself is audited)."""
    from mappa.information_sharing.services import item_consulted

    item = selectors.item_list(fetched_by=user).filter(pk=pk).first()
    views = selectors.item_views([item], fetched_by=user) if item is not None else []
    if not views:
        raise Http404("No such item")
    view = views[0]
    if record:
        item_consulted(item=view.item, basis=item_basis(view), by=user)  # type: ignore[arg-type]
    return view


def access_share(user: AnyUser, pk: int) -> Share:
    share = selectors.share_list(fetched_by=user).filter(pk=pk).first()
    if share is None:
        raise Http404("No such share")
    return share


def access_access_request(user: AnyUser, pk: int) -> AccessRequest:
    request = selectors.access_request_list(fetched_by=user).filter(pk=pk).first()
    if request is None:
        raise Http404("No such request")
    return request


def access_onward_request(user: AnyUser, pk: int) -> OnwardShareRequest:
    request = selectors.onward_request_list(fetched_by=user).filter(pk=pk).first()
    if request is None:
        raise Http404("No such request")
    return request
