"""Shared builders and checks for the information-sharing unit tests."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing.models import (
    AccessRequest,
    InformationItem,
    ItemKind,
    OnwardShareRequest,
    Share,
    ShareItem,
)
from mappa.information_sharing.services import ItemContent, ItemSelection, ShareTerms
from tests.factories.agencies import AgencyFactory
from tests.factories.information_sharing import ItemFactory
from tests.factories.nominals import NominalSetup

NECESSITY = "Probation needs the address to plan the approved premises move."
PROPORTIONALITY = "Only the address and the name of the partner are included."
RELEVANCE = "The partner's children live at the address the nominal proposes."

# Synthetic relationships item: name, relationship and address, plus two special category fields.
RELATIONSHIP = {
    "person_name": "Sam Testperson",
    "relationship": "Partner",
    "address": "1 Example Street, Testtown",
    "children": "Two, aged 6 and 9",
    "ethnicity": "Synthetic ethnicity value",
    "religion": "Synthetic religion value",
}


def content(**kwargs: Any) -> ItemContent:
    values: dict[str, Any] = {"kind": ItemKind.RISK_FACTOR, "summary": "Drinks heavily at weekends"}
    values.update(kwargs)
    return ItemContent(**values)


def terms(recipient: Agency, **kwargs: Any) -> ShareTerms:
    values: dict[str, Any] = {
        "recipient": recipient,
        "purpose": "mappa",
        "gateway": "cja2003_s325",
        "necessity": NECESSITY,
        "proportionality": PROPORTIONALITY,
        "relevance": RELEVANCE,
    }
    values.update(kwargs)
    return ShareTerms(**values)


def pick(item: InformationItem, *fields: str, strictly_necessary: str = "") -> ItemSelection:
    return ItemSelection(item=item, fields=list(fields), strictly_necessary=strictly_necessary)


def relationship_item(setup: NominalSetup, **kwargs: Any) -> InformationItem:
    """A North Police relationships item on the police nominal, with every field filled."""
    values: dict[str, Any] = {
        "nominal": setup.police_nominal,
        "owner_agency": setup.north.police,
        "author": setup.practitioner,
        "kind": ItemKind.RELATIONSHIPS,
        "summary": "New partner with two children",
        "detail": "Met through a dating site in the spring.",
        "attributes": dict(RELATIONSHIP),
    }
    values.update(kwargs)
    return ItemFactory(**values)


def police_item(setup: NominalSetup, **kwargs: Any) -> InformationItem:
    values: dict[str, Any] = {
        "nominal": setup.police_nominal,
        "owner_agency": setup.north.police,
        "author": setup.practitioner,
    }
    values.update(kwargs)
    return ItemFactory(**values)


def add_parties(setup: NominalSetup, *agencies: Agency) -> None:
    setup.north.agreement.parties.add(*agencies)


def associate(setup: NominalSetup, *, party: bool = True) -> Agency:
    """An associate agency of the North area, a party to its agreement unless told otherwise."""
    agency = AgencyFactory(
        name="North Circles of Support", code="NORTH-CIRCLES", kind=AgencyKind.ASSOCIATE, areas=[setup.area]
    )
    if party:
        add_parties(setup, agency)
    return agency


def snapshot() -> dict[str, Any]:
    """Counts of everything a sharing service might write."""
    return {
        "shares": Share.objects.count(),
        "share_items": ShareItem.objects.count(),
        "items": InformationItem.objects.count(),
        "access_requests": AccessRequest.objects.count(),
        "onward_requests": OnwardShareRequest.objects.count(),
        "events": AuditEvent.objects.count(),
        "disclosures": AuditEvent.objects.filter(action=Action.DISCLOSURE).count(),
        "item_versions": sorted(InformationItem.objects.values_list("pk", "version", "status")),
        "revoked": sorted(Share.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)),
        "requests": sorted(AccessRequest.objects.values_list("pk", "status"))
        + sorted(OnwardShareRequest.objects.values_list("pk", "status")),
    }


@contextmanager
def refused(
    exception: type[ApplicationError] | type[PermissionDenied] = ApplicationError,
    *,
    match: str = "",
    field: str | None = None,
) -> Iterator[Any]:
    """The block raises exactly `exception` (whose message contains `match`) and writes nothing.

    Exactly: a subclass raised for the wrong reason would otherwise pass.
    """
    before = snapshot()
    with pytest.raises(exception) as info:
        yield info
    assert type(info.value) is exception, info.value
    assert match in info.value.message
    if field is not None:
        assert info.value.field == field
    assert snapshot() == before


def events(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("sequence"))


def future(days: int) -> date:
    """Today plus `days` (negative for the past), in the local date the services use."""
    return timezone.localdate() + timedelta(days=days)
