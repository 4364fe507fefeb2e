import pytest

from salesops.costs.tests.fixtures import build_sales
from salesops.orders.tests.fixtures import build_shop


@pytest.fixture
def shop(org):
    return build_shop(org)


@pytest.fixture
def sales(shop):
    return build_sales(shop)
