from datetime import date

import pytest
from django.db import IntegrityError, transaction

from mappa.core.exceptions import DirectWriteError
from mappa.nominals.models import Category, Level, Nominal, Status
from tests.factories.nominals import NominalFactory, NominalSetup


def _violates(nominal: Nominal, **changes: object) -> bool:
    for field, value in changes.items():
        setattr(nominal, field, value)
    try:
        with transaction.atomic():
            nominal.save(override=True)
    except IntegrityError:
        return True
    return False


def test_nominal_refuses_direct_save(setup: NominalSetup):
    with pytest.raises(DirectWriteError):
        setup.police_nominal.save()


@pytest.mark.parametrize(
    "changes",
    [
        {"category": 3, "level": 1},
        {"category": 5},
        {"level": 4},
        {"status": "missing"},
        {"sentence_date": date(2020, 5, 1), "release_date": date(2020, 4, 30)},
        {"release_date": date(2020, 5, 1), "licence_end_date": date(2020, 4, 30)},
        {"order_start_date": date(2020, 5, 1), "order_end_date": date(2020, 4, 30)},
        {"status": Status.EXITED, "exited_on": None},
        {"exited_on": date(2024, 1, 1)},
        {"version": 0},
    ],
)
def test_database_refuses_impossible_nominals(setup: NominalSetup, changes):
    assert _violates(setup.police_nominal, **changes)


def test_database_accepts_category_3_at_level_2(setup: NominalSetup):
    assert not _violates(setup.police_nominal, category=3, level=2)


def test_one_open_case_per_person(setup: NominalSetup):
    nominal = setup.police_nominal
    with pytest.raises(IntegrityError), transaction.atomic():
        NominalFactory(person=nominal.person, lead_agency=nominal.lead_agency, area=nominal.area)
    exited = NominalFactory(
        person=nominal.person,
        lead_agency=nominal.lead_agency,
        area=nominal.area,
        status=Status.EXITED,
        exited_on=date(2020, 1, 1),
    )
    assert exited.pk


def test_labels_and_codes(setup: NominalSetup):
    nominal = setup.police_nominal
    assert nominal.category_code == "M1"
    assert str(Category(3).label).startswith("Category 3")
    assert str(Level(2).label).startswith("Level 2")
    assert str(nominal) == f"Nominal {nominal.pk}"
