import pytest

from salesops.testing.calendars import make_default_calendar


@pytest.fixture
def calendar(org):
    """A default working calendar of the test's own, with the official holidays of 2026."""
    return make_default_calendar(org.admin)


@pytest.fixture
def admin_client(org, client_for):
    return client_for(org.admin)
