"""Single parts, items, bundles and chair consultations: one 404 for missing or not allowed, and
every look recorded as a consultation (DPA 2018 s.62(2)) naming the request it was for.

The justification is the user's role in answering the request, never typed: only the owning
agency's SAR officers reach a part (selectors_parts says who), and only the consulted chair
reaches a consultation. There is no "break glass" here: nobody else has a reason to read a
response being prepared for someone else's subject access request.
"""

from django.db import transaction
from django.http import Http404

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.types import AnyUser
from mappa.subject_access.models import ChairConsultation, PartItem, RequestPart, ResponseBundle
from mappa.subject_access.selectors_parts import bundle_list, consultation_list, item_list, part_list


def _consulted(
    user: AnyUser, *, summary: str, object_type: str, pk: int, agency_id: int, reference: str
) -> None:
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=user,
            summary=summary,
            object_type=object_type,
            object_id=pk,
            object_agency_id=agency_id,
            justification=f"Answering subject access request {reference} for the owning agency",
            detail={"request": reference},
        )


def access_part(user: AnyUser, pk: int, *, record: bool = True) -> RequestPart:
    part = part_list(fetched_by=user).filter(pk=pk).first()
    if part is None:
        raise Http404("No such part")
    if record:
        _consulted(
            user,
            summary="Subject access request part consulted",
            object_type="sar_part",
            pk=part.pk,
            agency_id=part.agency_id,
            reference=part.request.reference,
        )
    return part


def access_part_item(user: AnyUser, pk: int, *, record: bool = True) -> PartItem:
    item = item_list(fetched_by=user).filter(pk=pk).first()
    if item is None:
        raise Http404("No such item")
    if record:
        _consulted(
            user,
            summary="Subject access request item consulted",
            object_type="sar_part_item",
            pk=item.pk,
            agency_id=item.part.agency_id,
            reference=item.part.request.reference,
        )
    return item


def access_bundle(user: AnyUser, pk: int) -> ResponseBundle:
    """A bundle's page shows its status, not its content: no consultation is recorded here (the
    download is recorded as an export by services_parts.bundle_download)."""
    bundle = bundle_list(fetched_by=user).filter(pk=pk).first()
    if bundle is None:
        raise Http404("No such bundle")
    return bundle


def access_consultation(user: AnyUser, pk: int, *, record: bool = True) -> ChairConsultation:
    consultation = consultation_list(fetched_by=user).filter(pk=pk).first()
    if consultation is None:
        raise Http404("No such consultation")
    if record:
        item = consultation.item
        with transaction.atomic():
            record_event(
                action=Action.CONSULTATION,
                actor=user,
                summary="Minutes entry consulted for a subject access request",
                object_type="sar_chair_consultation",
                object_id=consultation.pk,
                object_agency_id=item.part.agency_id,
                justification=(
                    "Chair consulted on a minutes entry for subject access request "
                    f"{item.part.request.reference}"
                ),
                detail={"request": item.part.request.reference},
            )
    return consultation
