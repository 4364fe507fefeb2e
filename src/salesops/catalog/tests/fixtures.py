"""A small catalog built through the actions: one line, three products, a customer group with its own price list
and a default price list."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from salesops.accounts.models import User
from salesops.catalog import actions
from salesops.catalog.models import PriceList, Product, ProductLine
from salesops.customers.models import CustomerGroup

JAN_1 = datetime.date(2026, 1, 1)


@dataclass
class Catalog:
    line: ProductLine
    pump: Product
    valve: Product
    retired: Product
    vip: CustomerGroup
    default_list: PriceList
    vip_list: PriceList


def make_product(admin: User, line: ProductLine, sku: str, **overrides) -> Product:
    values = {
        "sku": sku,
        "name": f"产品 {sku}",
        "line": line,
        "list_price": Decimal("100.00"),
        "standard_cost": Decimal("60.00"),
        **overrides,
    }
    return actions.create_product(actor=admin, **values)


def build_catalog(admin: User) -> Catalog:
    line = actions.create_product_line(actor=admin, code="pumps", name="工业泵")
    pump = make_product(admin, line, "P-100", name="离心泵", list_price=Decimal("1200.00"))
    valve = make_product(admin, line, "V-200", name="球阀", list_price=Decimal("80.50"), standard_cost=Decimal("41.25"))
    retired = make_product(admin, line, "R-300", name="旧型号", is_active=False)
    vip = CustomerGroup.objects.create(code="vip", name="大客户")
    default_list = actions.create_price_list(
        actor=admin,
        name="2026 标准价",
        valid_from=JAN_1,
        items=[{"product": pump, "unit_price": Decimal("1150.00")}],
    )
    vip_list = actions.create_price_list(
        actor=admin,
        name="2026 大客户价",
        customer_group=vip,
        valid_from=JAN_1,
        items=[{"product": pump, "unit_price": Decimal("1080.00")}, {"product": valve, "unit_price": Decimal("72.00")}],
    )
    return Catalog(line, pump, valve, retired, vip, default_list, vip_list)
