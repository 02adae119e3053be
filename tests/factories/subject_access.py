"""Factories for subject access requests, written directly (services are under test)."""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from mappa.subject_access.models import (
    ItemKind,
    PartItem,
    Regime,
    RequestPart,
    RequestStatus,
    SubjectAccessRequest,
    new_reference,
)
from tests.factories.agencies import ServiceWrittenFactory


def sar_officer(agency: Any) -> Any:
    """A subject access request officer of `agency` (any agency kind may have one)."""
    from tests.factories.accounts import member

    return member(["sar_officer"], agency=agency)


class RequestFactory(ServiceWrittenFactory):
    """A request just received, identity not yet verified (pass receiving_agency= and recorded_by=)."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> SubjectAccessRequest: ...

    class Meta:
        model = SubjectAccessRequest

    reference = factory.LazyFunction(new_reference)
    receiving_agency = None  # required
    recorded_by = None  # required
    subject_name = factory.Faker("name")
    subject_date_of_birth = date(1980, 5, 17)
    received_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    scope = "Everything you hold about me."


def verified(
    request: SubjectAccessRequest, *, on: date | None = None, by: Any = None
) -> SubjectAccessRequest:
    request.identity_verified_on = on or request.received_on
    request.identity_verified_by = by or request.recorded_by
    request.identity_evidence = "Synthetic: passport and a utility bill seen."
    request.status = RequestStatus.FINDING
    request.save(override=True)
    return request


class PartFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> RequestPart: ...

    class Meta:
        model = RequestPart

    request = None  # required: a routed request
    agency = None  # required: the owning agency
    regime = Regime.LAW_ENFORCEMENT


class PartItemFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> PartItem: ...

    class Meta:
        model = PartItem

    part = None  # required
    kind = ItemKind.INFORMATION_ITEM
    object_id = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda i: f"ITEM-{i.object_id:06d}")
    content = factory.LazyFunction(
        lambda: [
            {"label": "Summary", "text": "Synthetic: seen near a primary school on two occasions."},
            {"label": "Detail", "text": "Synthetic: reported by a member of staff, Ms Example, on 3 May."},
        ]
    )


def routed(request: SubjectAccessRequest, *, by: Any = None) -> SubjectAccessRequest:
    """Mark a verified request routed (its parts are made with PartFactory)."""
    request.status = RequestStatus.ROUTED
    request.routed_at = timezone.now()
    request.routed_by = by or request.recorded_by
    request.save(override=True)
    return request
