"""The demo data loads through the actions, is deterministic, and is consistent."""

from django.db.models import Sum

from salesops.accounts.demo import load_demo_organisation
from salesops.accounts.models import Role, User
from salesops.catalog.demo import load_demo_catalog
from salesops.catalog.models import PriceListItem, Product
from salesops.customers.credit_code import validate_credit_code
from salesops.customers.demo import load_demo_customers
from salesops.customers.models import Customer
from salesops.inventory.demo import load_demo_stock
from salesops.inventory.models import StockLevel, StockMovement


def test_demo_company_loads_once_and_adds_up(db):
    logins = load_demo_organisation()
    assert {login.role for login in logins} == set(Role.values)
    assert load_demo_customers(per_rep=2) == 2 * User.objects.filter(role=Role.SALES_REP).count()
    assert load_demo_catalog(products_per_line=3) == 24
    assert load_demo_stock() > 0

    # A second run changes nothing
    assert (load_demo_customers(), load_demo_catalog(), load_demo_stock()) == (0, 0, 0)
    assert len(load_demo_organisation()) == len(logins)

    for customer in Customer.objects.all():
        assert validate_credit_code(customer.credit_code) == customer.credit_code
        assert customer.region == customer.office.region
    assert PriceListItem.objects.count() == 2 * Product.objects.count()
    ledger = StockMovement.objects.aggregate(total=Sum("on_hand_change"))["total"]
    assert ledger == StockLevel.objects.aggregate(total=Sum("on_hand"))["total"]
