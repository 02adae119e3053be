"""The owning side's reads: the parts of subject access requests routed to the user's agency,
their items, bundles, and the chair consultations waiting for a chair.

Nothing by default (DESIGN.md §4 rule 2): only a SAR officer (SAR_RESPOND) acting for the part's
agency sees a part or its items. The receiving agency's officers see parts' status through H3's
selectors, never through these, because these carry the content.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.subject_access.models import (
    ChairConsultation,
    ClarificationPause,
    ConsultationStatus,
    PartItem,
    PartStatus,
    RequestPart,
    RequestStatus,
    ResponseBundle,
)

# The deadline every part shares is the request's: one computation (selectors.deadline),
# re-exported for the owning side's pages.
from mappa.subject_access.selectors import part_deadline as part_deadline

# A part exists to be answered once its request has been routed; a withdrawn request's parts
# stay readable to their owner (what was decided before the withdrawal) but are not tasks.
_VISIBLE_REQUEST_STATUSES = (RequestStatus.ROUTED, RequestStatus.CLOSED, RequestStatus.WITHDRAWN)


def _owning_agency_id(user: AnyUser) -> int | None:
    if not has_permission(user, Permission.SAR_RESPOND):
        return None
    membership = acting_membership(user)
    return membership.agency_id if membership is not None else None


def part_list(*, fetched_by: AnyUser) -> QuerySet[RequestPart]:
    """The parts routed to the user's agency, with counts of items decided, newest first."""
    agency_id = _owning_agency_id(fetched_by)
    if agency_id is None:
        return RequestPart.objects.none()
    return (
        RequestPart.objects.filter(agency_id=agency_id, request__status__in=_VISIBLE_REQUEST_STATUSES)
        .select_related("request", "agency")
        .prefetch_related(Prefetch("request__pauses", queryset=ClarificationPause.objects.order_by("id")))
        .annotate(
            items_total=Count("items", distinct=True),
            items_decided=Count("items", filter=~Q(items__decision=""), distinct=True),
        )
        .order_by("status", "request__received_on", "id")
    )


def parts_to_answer(*, fetched_by: AnyUser) -> QuerySet[RequestPart]:
    """The open parts of routed requests: the home page's task list."""
    return part_list(fetched_by=fetched_by).filter(
        status=PartStatus.OPEN, request__status=RequestStatus.ROUTED
    )


def item_list(*, fetched_by: AnyUser, part: RequestPart | None = None) -> QuerySet[PartItem]:
    agency_id = _owning_agency_id(fetched_by)
    if agency_id is None:
        return PartItem.objects.none()
    items = PartItem.objects.filter(
        part__agency_id=agency_id, part__request__status__in=_VISIBLE_REQUEST_STATUSES
    ).select_related("part", "part__request", "decided_by", "chair_consultation", "chair_consultation__chair")
    if part is not None:
        items = items.filter(part_id=part.pk)
    return items.order_by("kind", "object_id", "id")


def bundle_list(*, fetched_by: AnyUser, part: RequestPart | None = None) -> QuerySet[ResponseBundle]:
    agency_id = _owning_agency_id(fetched_by)
    if agency_id is None:
        return ResponseBundle.objects.none()
    bundles = ResponseBundle.objects.filter(
        part__agency_id=agency_id, part__request__status__in=_VISIBLE_REQUEST_STATUSES
    ).select_related("part", "part__request", "requested_by")
    if part is not None:
        bundles = bundles.filter(part_id=part.pk)
    # The pdf column stays in the database until a download asks for it.
    return bundles.defer("pdf").order_by("-created_at", "-id")


def consultation_list(*, fetched_by: AnyUser) -> QuerySet[ChairConsultation]:
    """The consultations the user is the consulted chair of: only theirs, whatever their role.
    A chair sees the one minutes entry they are asked about, never the rest of the part."""
    if not getattr(fetched_by, "is_authenticated", False) or acting_membership(fetched_by) is None:
        return ChairConsultation.objects.none()
    return (
        ChairConsultation.objects.filter(
            chair_id=fetched_by.pk, item__part__request__status__in=_VISIBLE_REQUEST_STATUSES
        )
        .select_related("item", "item__part", "item__part__request", "item__part__agency")
        .order_by("status", "created_at", "id")
    )


def pending_consultations(*, fetched_by: AnyUser) -> QuerySet[ChairConsultation]:
    return consultation_list(fetched_by=fetched_by).filter(
        status=ConsultationStatus.PENDING, item__part__status=PartStatus.OPEN
    )
