import pytest

from salesops.orders.tests.fixtures import build_shop


@pytest.fixture
def shop(org):
    return build_shop(org)
