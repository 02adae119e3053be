import pytest

from tests.factories.agencies import AreaSetup, area_setup


@pytest.fixture
def north(db) -> AreaSetup:
    return area_setup("North")


@pytest.fixture
def south(db) -> AreaSetup:
    return area_setup("South")
