import pytest

from salesops.customers.tests.fixtures import add_address, add_contact


@pytest.fixture
def contact_a(org):
    """The primary contact of region a's customer."""
    return add_contact(org.a.customer, org.a.user("sales_rep"), is_primary=True)


@pytest.fixture
def contact_b(org):
    return add_contact(org.b.customer, org.b.user("sales_rep"), name="赵强", is_primary=True)


@pytest.fixture
def address_a(org):
    return add_address(org.a.customer, org.a.user("sales_rep"))


@pytest.fixture
def address_b(org):
    return add_address(org.b.customer, org.b.user("sales_rep"), recipient_name="赵强")
