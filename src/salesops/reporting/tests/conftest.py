import pytest

from salesops.orders.tests.fixtures import build_shop
from salesops.reporting.tests.fixtures import build_history


@pytest.fixture
def shop(org):
    return build_shop(org, stock="100000")


@pytest.fixture
def history(shop):
    return build_history(shop)
