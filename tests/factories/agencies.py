from datetime import date
from typing import Any

import factory

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
    class Meta:
        model = MappaArea

    name = factory.Sequence(lambda n: f"Test area {n}")
    code = factory.Sequence(lambda n: f"area-{n}")


class AgencyFactory(ServiceWrittenFactory):
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
