import pytest

from tests.factories.nominals import NominalSetup


@pytest.fixture
def setup(db) -> NominalSetup:
    return NominalSetup()
