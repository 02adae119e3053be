"""Factories for disclosure records, written directly (services are under test)."""

from typing import TYPE_CHECKING, Any

import factory

from mappa.disclosures.models import Disclosure, DisclosureRecipient, RecipientKind
from tests.factories.agencies import ServiceWrittenFactory
from tests.factories.nominals import NominalFactory


def _proposer(agency: Any) -> Any:
    from tests.factories.accounts import member

    return member(["practitioner"], agency=agency)


class DisclosureFactory(ServiceWrittenFactory):
    """A proposal with nothing else recorded yet."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Disclosure: ...

    class Meta:
        model = Disclosure

    nominal = factory.SubFactory(NominalFactory)
    proposing_agency = factory.LazyAttribute(lambda d: d.nominal.lead_agency)
    proposed_by = factory.LazyAttribute(lambda d: _proposer(d.proposing_agency))
    purpose = "Synthetic: to protect the children of a new partner."
    risk_addressed = "Synthetic: risk of sexual harm to children in the household."


class RecipientFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> DisclosureRecipient: ...

    class Meta:
        model = DisclosureRecipient

    disclosure = factory.SubFactory(DisclosureFactory)
    kind = RecipientKind.NEW_PARTNER
    name = factory.Faker("name")
    relationship = "New partner of the nominal, mother of two children"
    identity_confirmed_how = "Synthetic: passport seen at the police station"
    why_right_person = "Synthetic: best placed to protect her children"


__all__ = ["DisclosureFactory", "RecipientFactory"]
