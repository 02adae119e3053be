"""Factories for nominals, with the synthetic person records they refer to.

Persons are built here with the people models directly (the people app's own factories may
grow alongside): a current name and a date of birth from Faker en_GB, never a real person.
"""

from typing import TYPE_CHECKING, Any

import factory
from faker import Faker

from mappa.agencies.models import Agency
from mappa.nominals.models import Category, Level, Nominal, NominalTransfer, Status, TransferReason
from mappa.people.models import NameKind, Person, PersonDateOfBirth, PersonName
from tests.factories.agencies import AgencyFactory, ServiceWrittenFactory

_fake = Faker("en_GB")
_fake.seed_instance(3)


def person_of(agency: Agency, *, forenames: str | None = None, surname: str | None = None) -> Person:
    """A synthetic person record held by `agency`, with a current name and a date of birth."""
    person = Person(source_agency=agency, source_ref=f"REF-{_fake.unique.random_int(1, 10**8)}")
    person.save(override=True)
    forenames = forenames or _fake.first_name()
    surname = surname or _fake.last_name()
    PersonName.objects.create(
        person=person,
        kind=NameKind.CURRENT,
        forenames=forenames,
        surname=surname,
        forenames_norm=forenames.lower(),
        surname_norm=surname.lower(),
        full_name_norm=f"{surname} {forenames}".lower(),
    )
    born = _fake.date_of_birth(minimum_age=20, maximum_age=70)
    PersonDateOfBirth.objects.create(person=person, year=born.year, month=born.month, day=born.day)
    return person


class NominalFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:
        # factory_boy is untyped: tell mypy that calling the factory returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> Nominal: ...

    class Meta:
        model = Nominal

    lead_agency = factory.SubFactory(AgencyFactory)
    area = factory.LazyAttribute(lambda n: n.lead_agency.areas.first())
    person = factory.LazyAttribute(lambda n: person_of(n.lead_agency))
    category = Category.REGISTERED_SEXUAL_OFFENDER
    level = Level.LEVEL_1
    status = Status.IN_COMMUNITY


class TransferFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> NominalTransfer: ...

    class Meta:
        model = NominalTransfer

    nominal = factory.SubFactory(NominalFactory)
    from_area = factory.LazyAttribute(lambda t: t.nominal.area)
    reason = TransferReason.MOVED_HOME
    requested_by = factory.LazyAttribute(lambda t: t.nominal.case_manager)
    proposed_date = factory.Faker("date_this_year")


class NominalSetup:
    """Two areas (North, South) with users of each kind and nominals in both.

    North: a co-ordinator, a practitioner and a meeting chair of the police; a probation
    practitioner; a health (duty to co-operate) practitioner; a probation senior manager (no
    nominal permissions). `police_nominal` is led by North Police, `probation_nominal` by North
    Probation; `south_nominal` is South's. South has its own co-ordinator.
    """

    def __init__(self) -> None:
        from tests.factories.accounts import member
        from tests.factories.agencies import area_setup

        self.north = area_setup("North")
        self.south = area_setup("South")
        north = self.north
        self.area = north.area
        self.coordinator = north.coordinator
        self.practitioner = north.practitioner
        self.senior_manager = north.senior_manager
        self.chair = member(["meeting_chair"], agency=north.police)
        self.probation_practitioner = member(["practitioner"], agency=north.probation)
        self.health_practitioner = member(["practitioner"], agency=north.health)
        self.auditor = member(["auditor"], agency=north.police)
        self.south_coordinator = self.south.coordinator
        self.police_nominal = NominalFactory(
            lead_agency=north.police, area=north.area, case_manager=self.practitioner
        )
        self.probation_nominal = NominalFactory(lead_agency=north.probation, area=north.area)
        self.south_nominal = NominalFactory(lead_agency=self.south.police, area=self.south.area)
        self.person = person_of(north.police)

    def user(self, who: str) -> Any:
        return getattr(self, who)
