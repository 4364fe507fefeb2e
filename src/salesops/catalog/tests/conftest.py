import pytest

from salesops.catalog.tests.fixtures import build_catalog


@pytest.fixture
def catalog(org):
    return build_catalog(org.admin)


@pytest.fixture
def vip_customer(org, catalog):
    """Region A's customer, in the VIP group."""
    customer = org.a.customer
    customer.group = catalog.vip
    customer.save(update_fields=["group"])
    return customer
