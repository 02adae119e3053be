"""Reads of information items, shares and requests, always as the asking user (default deny).

The one rule (DESIGN.md §5): a user sees an item's content if their acting agency owns it, or an
active share grants it to their agency, or an active share put it into a MAPPA meeting the user
has signed the confidentiality statement for; and then only the fields those shares carry.
Everything else about a nominal is *existence*: which agencies hold how many active items, never
what they say. Every page, count and search goes through these functions, so a list can never
show what the single-object page would refuse.

The two routes differ in who holds them. A share to an agency is held by the agency: every
member with ITEM_VIEW reads it. A share into a meeting is held by no agency: it reaches only the
people who signed that meeting's statement (MAPPA D binds each of them, not their employer), and
only while the meeting has a purpose to serve (not cancelled). So the meeting route is decided
per user, and gives nothing to pass on: `held_share_links`, the basis of onward sharing, follows
the agency route alone.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from mappa.agencies.models import Agency
from mappa.audit.models import Action, AuditEvent
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.information_sharing.attributes import shareable_fields
from mappa.information_sharing.models import (
    AccessRequest,
    InformationItem,
    ItemStatus,
    OnwardShareRequest,
    OnwardTerms,
    RequestStatus,
    Share,
    ShareItem,
    active_share_q,
)
from mappa.meetings.models import Meeting, MeetingStatus
from mappa.meetings.selectors import agenda, signed_meeting_ids
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency, nominal_list
from mappa.people.models import Person


def _agency_id(user: AnyUser, permission: Permission = Permission.ITEM_VIEW) -> int | None:
    """The user's acting agency's id if they hold `permission` there; None means see nothing."""
    if not has_permission(user, permission):
        return None
    agency = acting_agency(user)
    return agency.pk if agency is not None else None


def _received_links(agency_id: int) -> QuerySet[ShareItem]:
    """Active links of shares to the agency: the agency route (and all it may pass on)."""
    return ShareItem.objects.filter(active_share_q("share__"), share__recipient_agency_id=agency_id)


def _meeting_scope(user: AnyUser) -> Q | None:
    """Shares into the meetings whose papers the user may read, as a Share filter; None if none.

    MEETING_VIEW, not ITEM_VIEW, is the permission here: what is shared into a meeting is one of
    its papers, and the meetings app opens papers to holders of MEETING_VIEW who have signed
    (meetings.selectors.agenda), the minute-taker included, who minutes what was shared. An
    acting agency is still needed, so that each consultation's audit event names one.
    A cancelled meeting serves no purpose any more, so what was shared into it is closed again.
    """
    if not has_permission(user, Permission.MEETING_VIEW) or acting_agency(user) is None:
        return None
    return Q(meeting_id__in=signed_meeting_ids(user=user)) & ~Q(meeting__status=MeetingStatus.CANCELLED)


def _readable_links(agency_id: int | None, meetings: Q | None) -> QuerySet[ShareItem]:
    """Active links a user reads through: their agency's shares, and those into their meetings."""
    scope = Q()
    if agency_id is not None:
        scope |= Q(share__recipient_agency_id=agency_id)
    if meetings is not None:
        scope |= Q(share__in=Share.objects.filter(meetings).values("pk"))
    if not scope:
        return ShareItem.objects.none()
    return ShareItem.objects.filter(active_share_q("share__"), scope)


def item_list(*, fetched_by: AnyUser) -> QuerySet[InformationItem]:
    """Items whose content the user may read: their agency's own, those shared with it, and
    those shared into meetings the user has signed for.

    Erased items keep no content; only their owner sees that they existed (the tombstone).
    """
    agency_id = _agency_id(fetched_by)
    meetings = _meeting_scope(fetched_by)
    if agency_id is None and meetings is None:
        return InformationItem.objects.none()
    links = _readable_links(agency_id, meetings)
    visible = Q(pk__in=links.values("item_id")) & ~Q(status=ItemStatus.ERASED)
    if agency_id is not None:
        visible |= Q(owner_agency_id=agency_id)
    return InformationItem.objects.filter(visible).select_related(
        "owner_agency", "author", "nominal", "person", "superseded_by"
    )


@dataclass
class ItemView:
    """An item as one user may see it: the fields they may read, and through which shares."""

    item: InformationItem
    # None: every field (the owner). Otherwise the union of the fields of the active shares the
    # user reads it through, to their agency and into their meetings alike.
    fields: frozenset[str] | None
    shares: list[Share] = field(default_factory=list)

    @property
    def is_owner(self) -> bool:
        return self.fields is None

    @property
    def agency_shares(self) -> list[Share]:
        return [share for share in self.shares if share.meeting_id is None]

    @property
    def meeting_shares(self) -> list[Share]:
        return [share for share in self.shares if share.meeting_id is not None]

    def shows(self, name: str) -> bool:
        return self.fields is None or name in self.fields

    @property
    def shown_attributes(self) -> list[tuple[str, str]]:
        from mappa.information_sharing.attributes import attributes_for

        return [
            (a.label, self.item.attributes.get(a.name, ""))
            for a in attributes_for(self.item.kind)
            if self.shows(a.name) and self.item.attributes.get(a.name)
        ]

    @property
    def withheld_count(self) -> int:
        """How many of the item's filled fields the share leaves out: shown, never their content."""
        if self.fields is None:
            return 0
        filled = [
            name
            for name in shareable_fields(self.item.kind)
            if (self.item.detail if name == "detail" else self.item.attributes.get(name))
        ]
        return sum(1 for name in filled if name not in self.fields)


def item_views(items: list[InformationItem], *, fetched_by: AnyUser) -> list[ItemView]:
    """ItemViews for items already fetched through item_list (one query for every share link)."""
    agency_id = _agency_id(fetched_by)
    meetings = _meeting_scope(fetched_by)
    if agency_id is None and meetings is None:
        return []
    # Owner only through ITEM_VIEW (agency_id): a minute-taker reads even their own agency's
    # items as the meeting's attendee, with the fields the share into the meeting carries.
    foreign = [item.pk for item in items if item.owner_agency_id != agency_id]
    links: dict[int, list[ShareItem]] = defaultdict(list)
    if foreign:
        for link in (
            _readable_links(agency_id, meetings)
            .filter(item_id__in=foreign)
            .select_related("share", "share__sharing_agency", "share__meeting")
            .order_by("share_id")
        ):
            links[link.item_id].append(link)
    views = []
    for item in items:
        if item.owner_agency_id == agency_id:
            views.append(ItemView(item, None))
        elif links.get(item.pk):
            fields = frozenset(name for link in links[item.pk] for name in link.fields)
            views.append(ItemView(item, fields, [link.share for link in links[item.pk]]))
    return views


def nominal_items(*, nominal: Nominal, fetched_by: AnyUser) -> list[ItemView]:
    items = list(
        item_list(fetched_by=fetched_by).filter(nominal=nominal).order_by("owner_agency__name", "-id")
    )
    return item_views(items, fetched_by=fetched_by)


def person_items(*, person: Person, fetched_by: AnyUser) -> list[ItemView]:
    items = list(item_list(fetched_by=fetched_by).filter(person=person).order_by("owner_agency__name", "-id"))
    return item_views(items, fetched_by=fetched_by)


def meeting_items(*, meeting: Meeting, fetched_by: AnyUser) -> list[ItemView]:
    """The items shared into a meeting, for its pack: only for a user who signed its statement.

    Nothing before signing, whoever the user is (the chair and the items' owner included): the
    pack is the meeting's papers, and its rule is the meetings app's (`agenda` is empty until
    signed). Nothing for a cancelled meeting, whose shares no longer open anything.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        return []
    if not agenda(meeting=meeting, fetched_by=fetched_by).exists():
        return []
    into = ShareItem.objects.filter(active_share_q("share__"), share__meeting=meeting).values("item_id")
    items = list(
        item_list(fetched_by=fetched_by)
        .filter(pk__in=into)
        .select_related("nominal__person")
        .prefetch_related("nominal__person__names")
        .order_by("owner_agency__name", "-id")
    )
    return item_views(items, fetched_by=fetched_by)


@dataclass(frozen=True)
class Holding:
    """Existence without content: an agency holds `count` active items the user cannot read."""

    agency: Agency
    count: int
    pending_request: AccessRequest | None


def nominal_holdings(*, nominal: Nominal, fetched_by: AnyUser) -> list[Holding]:
    """Other agencies' active items on a nominal the user may see, counted by owner."""
    agency_id = _agency_id(fetched_by)
    if agency_id is None or not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return []
    readable = item_list(fetched_by=fetched_by).values("pk")
    counts = (
        InformationItem.objects.filter(nominal=nominal, status=ItemStatus.ACTIVE)
        .exclude(pk__in=readable)
        .values("owner_agency_id")
        .annotate(count=Count("pk"))
    )
    by_agency = {row["owner_agency_id"]: row["count"] for row in counts}
    if not by_agency:
        return []
    agencies = Agency.objects.in_bulk(list(by_agency))
    pending = {
        r.owner_agency_id: r
        for r in AccessRequest.objects.filter(
            nominal=nominal, requesting_agency_id=agency_id, status=RequestStatus.PENDING
        )
    }
    return sorted(
        (Holding(agencies[pk], count, pending.get(pk)) for pk, count in by_agency.items()),
        key=lambda h: h.agency.name,
    )


def _share_scope(user: AnyUser, agency_id: int | None) -> Q | None:
    """Shares a user may see: those their agency made or received, and those of items it owns;
    and every share into a meeting they signed for, in any state, as the record of what the
    meeting was given (its items still close when the share ends). None: no share at all."""
    scope = Q()
    if agency_id is not None:
        owned = ShareItem.objects.filter(share=OuterRef("pk"), item__owner_agency_id=agency_id)
        scope |= Q(sharing_agency_id=agency_id) | Q(recipient_agency_id=agency_id) | Q(Exists(owned))
    if has_permission(user, Permission.MEETING_VIEW) and acting_agency(user) is not None:
        scope |= Q(meeting_id__in=signed_meeting_ids(user=user))
    return scope or None


def share_list(*, fetched_by: AnyUser) -> QuerySet[Share]:
    scope = _share_scope(fetched_by, _agency_id(fetched_by))
    if scope is None:
        return Share.objects.none()
    return (
        Share.objects.filter(scope)
        .select_related(
            "sharing_agency", "recipient_agency", "meeting", "nominal", "person", "decided_by", "agreement"
        )
        .annotate(item_count=Count("share_items"))
        .order_by("-decided_at", "-id")
    )


def shares_made(*, fetched_by: AnyUser) -> QuerySet[Share]:
    """Shares the user's agency made, to agencies and into meetings."""
    agency_id = _agency_id(fetched_by)
    return share_list(fetched_by=fetched_by).filter(sharing_agency_id=agency_id)


def shares_received(*, fetched_by: AnyUser) -> QuerySet[Share]:
    """Shares to the user's agency. Shares into meetings are not the agency's: see below."""
    agency_id = _agency_id(fetched_by)
    return share_list(fetched_by=fetched_by).filter(recipient_agency_id=agency_id)


def shares_into_meetings(*, fetched_by: AnyUser) -> QuerySet[Share]:
    """Shares into the meetings the user has signed the confidentiality statement for."""
    return share_list(fetched_by=fetched_by).filter(meeting_id__in=signed_meeting_ids(user=fetched_by))


def shares_passed_on(*, fetched_by: AnyUser) -> QuerySet[Share]:
    """Shares of the agency's items made by others: the agencies it shared them with, passing
    them on. A share into a meeting never qualifies (only the owner shares into a meeting), so
    the meeting route of share_list is left out, not listed here as if it were onward sharing."""
    agency_id = _agency_id(fetched_by)
    if agency_id is None:
        return Share.objects.none()
    return (
        share_list(fetched_by=fetched_by)
        .filter(meeting__isnull=True)
        .exclude(sharing_agency_id=agency_id)
        .exclude(recipient_agency_id=agency_id)
    )


def share_items(*, share: Share, fetched_by: AnyUser) -> list[ItemView]:
    """The items of a share the user may read, as they may read them (erased ones drop out)."""
    readable = item_list(fetched_by=fetched_by).filter(share_links__share=share).distinct()
    return item_views(list(readable), fetched_by=fetched_by)


def held_share_links(*, item_ids: list[int], fetched_by: AnyUser) -> QuerySet[ShareItem]:
    """The user's agency's active share links for these items: what it may pass on, and how."""
    agency_id = _agency_id(fetched_by)
    if agency_id is None:
        return ShareItem.objects.none()
    return _received_links(agency_id).filter(item_id__in=item_ids).select_related("share")


def onward_allowed(link: ShareItem, recipient: Agency) -> bool:
    """Whether a held share lets its recipient pass the item on to `recipient` itself."""
    share = link.share
    if share.onward_terms != OnwardTerms.NAMED_AGENCIES:
        return False
    return share.onward_agencies.filter(pk=recipient.pk).exists()


def access_request_list(*, fetched_by: AnyUser) -> QuerySet[AccessRequest]:
    """Requests the user's agency made or must decide."""
    agency_id = _agency_id(fetched_by)
    if agency_id is None:
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(Q(owner_agency_id=agency_id) | Q(requesting_agency_id=agency_id))
        .select_related("nominal", "owner_agency", "requesting_agency", "requested_by", "decided_by", "share")
        .order_by("-created_at", "-id")
    )


def onward_request_list(*, fetched_by: AnyUser) -> QuerySet[OnwardShareRequest]:
    agency_id = _agency_id(fetched_by)
    if agency_id is None:
        return OnwardShareRequest.objects.none()
    return (
        OnwardShareRequest.objects.filter(Q(owner_agency_id=agency_id) | Q(requesting_agency_id=agency_id))
        .select_related(
            "source_share",
            "source_share__nominal",
            "owner_agency",
            "requesting_agency",
            "target_agency",
            "requested_by",
            "decided_by",
            "share",
        )
        .prefetch_related("items")
        .order_by("-created_at", "-id")
    )


def awaiting_decision_count(*, fetched_by: AnyUser) -> int:
    """Access and onward-sharing requests waiting for the user's agency to decide: the dashboard."""
    agency_id = _agency_id(fetched_by, Permission.SHARE_CREATE)
    if agency_id is None:
        return 0
    pending = {"owner_agency_id": agency_id, "status": RequestStatus.PENDING}
    return (
        AccessRequest.objects.filter(**pending).count() + OnwardShareRequest.objects.filter(**pending).count()
    )


def owner_agency_ids(*, nominal: Nominal) -> set[int]:
    return set(
        InformationItem.objects.filter(nominal=nominal)
        .exclude(status=ItemStatus.ERASED)
        .values_list("owner_agency_id", flat=True)
    )


def case_access_log(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[AuditEvent]:
    """Who has looked at a case: for its lead agency, every consultation of it; for an agency
    owning items on it, consultations of the case page and of its own items.

    The case's own view of the s.62 log: the people who work a case are best placed to notice
    someone looking who should not be.
    """
    agency_id = _agency_id(fetched_by, Permission.CASE_ACCESS_LOG_VIEW)
    if agency_id is None or not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(nominal_id=nominal.pk, action=Action.CONSULTATION)
    if nominal.lead_agency_id == agency_id:
        return events.order_by("-sequence")
    if agency_id in owner_agency_ids(nominal=nominal):
        return events.filter(Q(object_type="nominal") | Q(object_agency_id=agency_id)).order_by("-sequence")
    return AuditEvent.objects.none()


def can_view_case_access_log(*, nominal: Nominal, fetched_by: AnyUser) -> bool:
    agency_id = _agency_id(fetched_by, Permission.CASE_ACCESS_LOG_VIEW)
    if agency_id is None:
        return False
    return nominal.lead_agency_id == agency_id or agency_id in owner_agency_ids(nominal=nominal)
