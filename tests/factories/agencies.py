from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from mappa.agencies.models import (
    Agency,
    AgencyKind,
    AgreementPurpose,
    AgreementStatus,
    DataCategory,
    InformationSharingAgreement,
    LawfulBasis,
    MappaArea,
)


class ServiceWrittenFactory(factory.django.DjangoModelFactory):
    """Factories write ServiceWrittenModels directly: tests set up state, services are under test."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        obj = model_class(*args, **kwargs)
        obj.save(override=True)
        return obj


class MappaAreaFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:
        # factory_boy is untyped: tell mypy that calling the factory returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> MappaArea: ...

    class Meta:
        model = MappaArea

    name = factory.Sequence(lambda n: f"Test area {n}")
    code = factory.Sequence(lambda n: f"area-{n}")


class AgencyFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:
        # factory_boy is untyped: tell mypy that calling the factory returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> Agency: ...

    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test agency {n}")
    code = factory.Sequence(lambda n: f"AGENCY-{n}")
    kind = AgencyKind.POLICE

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        self.areas.set(extracted if extracted is not None else [MappaAreaFactory()])


class AgreementFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:
        # factory_boy is untyped: tell mypy that calling the factory returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> InformationSharingAgreement: ...

    class Meta:
        model = InformationSharingAgreement
        skip_postgeneration_save = True

    area = factory.SubFactory(MappaAreaFactory)
    title = factory.Sequence(lambda n: f"Test agreement {n}")
    reference = factory.Sequence(lambda n: f"ISA-{n}")
    purposes = factory.LazyFunction(lambda: [AgreementPurpose.MAPPA.value])
    lawful_bases = factory.LazyFunction(lambda: [LawfulBasis.CJA_2003_S325.value])
    data_categories = factory.LazyFunction(lambda: [DataCategory.IDENTIFIERS.value, DataCategory.RISK.value])
    start_date = date(2026, 4, 1)
    review_date = date(2027, 3, 31)
    status = AgreementStatus.ACTIVE

    @factory.post_generation
    def parties(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.parties.set(extracted)


@dataclass
class AreaSetup:
    """One MAPPA area with a Responsible Authority core, a duty-to-co-operate agency and users.

    The co-ordinator and the practitioner act for the same police agency, so a test can show the
    same page allowed for one and refused for the other from a single setup.
    """

    area: MappaArea
    police: Agency
    probation: Agency
    health: Agency
    agreement: InformationSharingAgreement
    coordinator: Any
    practitioner: Any
    senior_manager: Any

    def user(self, role: str) -> Any:
        return {
            "mappa_coordinator": self.coordinator,
            "practitioner": self.practitioner,
            "senior_manager": self.senior_manager,
        }[role]


def area_setup(prefix: str = "North") -> AreaSetup:
    # Imported here: the accounts factories import this module.
    from tests.factories.accounts import member

    today = timezone.localdate()
    area = MappaAreaFactory(name=f"{prefix} test area", code=f"{prefix.lower()}-test")
    police = AgencyFactory(
        name=f"{prefix} Police", code=f"{prefix.upper()}-POLICE", kind=AgencyKind.POLICE, areas=[area]
    )
    probation = AgencyFactory(
        name=f"{prefix} Probation",
        code=f"{prefix.upper()}-PROBATION",
        kind=AgencyKind.PROBATION,
        areas=[area],
    )
    health = AgencyFactory(
        name=f"{prefix} Health Trust", code=f"{prefix.upper()}-HEALTH", kind=AgencyKind.HEALTH, areas=[area]
    )
    agreement = AgreementFactory(
        area=area,
        title=f"{prefix} MAPPA agreement",
        reference=f"{prefix.upper()}-ISA",
        parties=[police, probation],
        # Relative to today, so the agreement is current whenever the suite runs.
        start_date=today - timedelta(days=60),
        review_date=today + timedelta(days=300),
    )
    return AreaSetup(
        area=area,
        police=police,
        probation=probation,
        health=health,
        agreement=agreement,
        coordinator=member(["mappa_coordinator"], agency=police),
        practitioner=member(["practitioner"], agency=police),
        senior_manager=member(["senior_manager"], agency=probation),
    )
