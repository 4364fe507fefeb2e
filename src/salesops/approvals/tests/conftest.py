import datetime

import pytest

from salesops.orders.tests.fixtures import build_shop


@pytest.fixture
def shop(org):
    return build_shop(org, stock="100000")


@pytest.fixture
def tuesday_morning():
    """Tuesday 1 December 2026, 10:00 in Shanghai: a plain working day (02:00 UTC)."""
    return datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)
