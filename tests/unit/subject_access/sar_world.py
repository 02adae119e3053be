"""One setup for the receiving side's tests: a receiving police force with a SAR officer and a
practitioner, another agency's SAR officer, and a data subject held as a nominal."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from mappa.agencies.models import Agency
from mappa.nominals.models import Nominal
from mappa.people.models import Person
from tests.factories.accounts import member
from tests.factories.agencies import area_setup
from tests.factories.nominals import NominalFactory
from tests.factories.people import make_person
from tests.factories.subject_access import sar_officer


@dataclass
class SarWorld:
    police: Agency
    probation: Agency
    health: Agency
    officer: Any  # SAR officer of the receiving agency (police)
    other_officer: Any  # SAR officer of probation
    practitioner: Any  # police practitioner, no SAR role
    person: Person
    nominal: Nominal


def sar_world(prefix: str = "North") -> SarWorld:
    setup = area_setup(prefix)
    person = make_person(setup.probation, forenames="Aldous", surname="Quennell", dob=(1979, 2, 11))
    nominal = NominalFactory(lead_agency=setup.probation, area=setup.area, person=person)
    return SarWorld(
        police=setup.police,
        probation=setup.probation,
        health=setup.health,
        officer=sar_officer(setup.police),
        other_officer=sar_officer(setup.probation),
        practitioner=member(["practitioner"], agency=setup.police),
        person=person,
        nominal=nominal,
    )


def record_kwargs(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "subject_name": "Aldous Quennell",
        "subject_date_of_birth": timezone.localdate().replace(year=1979, month=2, day=11),
        "received_on": timezone.localdate() - timedelta(days=2),
        "scope": "Everything held about me by any agency.",
    }
    values.update(overrides)
    return values
