"""Factories for information items and shares, written directly (services are under test)."""

from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from mappa.information_sharing.models import (
    Gateway,
    InformationItem,
    ItemKind,
    OnwardTerms,
    Share,
    ShareItem,
)
from tests.factories.agencies import ServiceWrittenFactory
from tests.factories.nominals import NominalFactory


class ItemFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> InformationItem: ...

    class Meta:
        model = InformationItem

    nominal = factory.SubFactory(NominalFactory)
    owner_agency = factory.LazyAttribute(lambda i: i.nominal.lead_agency)
    author = factory.LazyAttribute(lambda i: _author(i.owner_agency))
    kind = ItemKind.RISK_FACTOR
    summary = factory.Sequence(lambda n: f"Synthetic risk factor {n}")
    detail = "Synthetic detail for tests."


def _author(agency: Any) -> Any:
    from tests.factories.accounts import member

    return member(["practitioner"], agency=agency)


def share_items(
    items: list[InformationItem],
    recipient: Any,
    *,
    fields: list[str] | None = None,
    sharer: Any = None,
    decided_by: Any = None,
    onward_terms: str = OnwardTerms.NONE,
    onward_agencies: list[Any] | None = None,
    **kwargs: Any,
) -> Share:
    """A share of `items` (all about one nominal) with `recipient`, made directly.

    `fields` defaults to every field of every item; the agreement is the first of the area's.
    """
    from mappa.information_sharing.attributes import shareable_fields

    first = items[0]
    sharer = sharer or first.owner_agency
    nominal = first.nominal
    agreement = kwargs.pop("agreement", None) or nominal.area.agreements.first()
    share = Share(
        sharing_agency=sharer,
        recipient_agency=recipient,
        nominal=nominal,
        person=first.person,
        purpose="mappa",
        agreement=agreement,
        gateway=Gateway.CJA_2003_S325,
        necessity="Necessary to manage the risk in the community.",
        proportionality="Only the fields the recipient needs are included.",
        relevance="Relevant to the recipient's part of the plan.",
        onward_terms=onward_terms,
        decided_by=decided_by or first.author,
        decided_at=timezone.now(),
        **kwargs,
    )
    share.save(override=True)
    if onward_agencies:
        share.onward_agencies.set(onward_agencies)
    for item in items:
        chosen = list(shareable_fields(item.kind)) if fields is None else fields
        ShareItem(share=share, item=item, fields=chosen).save(override=True)
    return share
