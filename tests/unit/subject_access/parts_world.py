"""One routed request with a part for each of two agencies, shared by the parts tests.

The request is received by probation; police own the part under test (three information items
and a minutes entry with a chair consultation); probation own the other part. The same setup
gives the allowed user (police's SAR officer) and the refused ones (probation's SAR officer, a
police practitioner, the chair) for every service and page.
"""

from dataclasses import dataclass
from typing import Any

from mappa.agencies.models import AgencyKind
from mappa.subject_access.models import ChairConsultation, ItemKind, PartItem, Regime, RequestPart
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.subject_access import (
    PartFactory,
    PartItemFactory,
    RequestFactory,
    routed,
    sar_officer,
    verified,
)

RELEASED_WORDS = "Synthetic: seen near a primary school on two occasions."
SECRET = "Ms Example"


@dataclass
class PartsWorld:
    police: Any
    probation: Any
    officer: Any  # police SAR officer: owns the part
    receiver: Any  # probation SAR officer: received the request
    practitioner: Any  # police practitioner: no SAR role
    chair: Any
    request: Any
    part: RequestPart
    other_part: RequestPart
    items: list[PartItem]
    minutes_item: PartItem
    consultation: ChairConsultation


def build_parts_world() -> PartsWorld:
    police = AgencyFactory(kind=AgencyKind.POLICE, name="Synthetic Police")
    probation = AgencyFactory(kind=AgencyKind.PROBATION, name="Synthetic Probation")
    officer = sar_officer(police)
    receiver = sar_officer(probation)
    practitioner = member(["practitioner"], agency=police)
    chair = member(["meeting_chair"], agency=police)
    request = routed(
        verified(
            RequestFactory(receiving_agency=probation, recorded_by=receiver, subject_name="Sam Synthetic")
        )
    )
    part = PartFactory(request=request, agency=police, regime=Regime.LAW_ENFORCEMENT)
    other_part = PartFactory(request=request, agency=probation, regime=Regime.LAW_ENFORCEMENT)
    items = [PartItemFactory(part=part) for _ in range(3)]
    PartItemFactory(part=other_part)
    minutes_item = PartItemFactory(
        part=part,
        kind=ItemKind.MINUTES_ENTRY,
        content=[
            {"label": "Minutes entry", "text": "Synthetic: police reported compliance with conditions."}
        ],
    )
    consultation = ChairConsultation(item=minutes_item, chair=chair)
    consultation.save(override=True)
    return PartsWorld(
        police=police,
        probation=probation,
        officer=officer,
        receiver=receiver,
        practitioner=practitioner,
        chair=chair,
        request=request,
        part=part,
        other_part=other_part,
        items=items,
        minutes_item=minutes_item,
        consultation=consultation,
    )
