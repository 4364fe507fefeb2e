"""Order test helpers: a stocked product, credit for the test customers, and orders built through the actions."""

from dataclasses import dataclass
from decimal import Decimal

from salesops.catalog.models import DiscountLimit, Product
from salesops.customers.actions import set_credit_status, set_credit_terms
from salesops.inventory.actions import receive_stock
from salesops.inventory.models import Warehouse
from salesops.orders.actions import create_order
from salesops.orders.models import SalesOrder
from salesops.testing.org import Org
from salesops.testing.stock import make_product, make_warehouse

CREDIT = Decimal("1000000.00")


@dataclass
class Shop:
    org: Org
    product: Product
    warehouse: Warehouse
    warehouse_b: Warehouse


def build_shop(org: Org, *, stock: str = "10", price: str = "100.00") -> Shop:
    """One product (list price `price`, VAT 13 %) with `stock` units in region a's warehouse, a warehouse in
    region b, credit for both regions' customers and discount limits for the selling roles."""
    product = make_product(price=price)
    warehouse = make_warehouse(org.a.region, "wh-a")
    warehouse_b = make_warehouse(org.b.region, "wh-b")
    receive_stock(product=product, warehouse=warehouse, quantity=stock, actor=org.admin)
    receive_stock(product=product, warehouse=warehouse_b, quantity=stock, actor=org.admin)
    for region in (org.a, org.b):
        set_credit_terms(region.customer, actor=org.admin, credit_limit=CREDIT)
        region.customer.refresh_from_db()
    for role, limit in (("sales_rep", "10"), ("sales_manager", "20"), ("regional_director", "30")):
        DiscountLimit.objects.create(role=role, max_discount_percent=Decimal(limit))
    return Shop(org, product, warehouse, warehouse_b)


def draft(
    shop: Shop,
    *,
    actor=None,
    customer=None,
    warehouse=None,
    quantity="1",
    discount="0",
    order_discount="0",
    product=None,
):
    org = shop.org
    return create_order(
        actor=actor or org.a.user("sales_rep"),
        customer=customer or org.a.customer,
        warehouse=warehouse or shop.warehouse,
        lines=[{"product": product or shop.product, "quantity": quantity, "discount_percent": discount}],
        discount_percent=order_discount,
    )


def reload(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.get(pk=order.pk)


def freeze(customer, org: Org, status: str = "frozen", reason: str = "逾期未付款"):
    return set_credit_status(customer, actor=org.admin, status=status, reason=reason)
