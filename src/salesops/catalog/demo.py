"""Deterministic demo catalog: 8 product lines, 200 products, a default price list and a dealer price list."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from salesops.accounts.models import Role
from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product, ProductLine
from salesops.customers.models import CustomerGroup

LINES = [
    ("pumps", "工业泵", ["离心泵", "螺杆泵", "隔膜泵"], "台"),
    ("valves", "阀门", ["闸阀", "球阀", "蝶阀", "截止阀"], "个"),
    ("motors", "电机", ["三相异步电机", "变频电机", "防爆电机"], "台"),
    ("bearings", "轴承", ["深沟球轴承", "圆锥滚子轴承", "调心轴承"], "套"),
    ("fittings", "管件", ["法兰", "弯头", "三通", "异径管"], "件"),
    ("instruments", "仪表", ["压力表", "流量计", "温度变送器"], "台"),
    ("seals", "密封件", ["机械密封", "O 型圈", "填料密封"], "件"),
    ("reducers", "减速机", ["齿轮减速机", "蜗轮减速机", "行星减速机"], "台"),
]
PRICE_RANGES = {
    "pumps": (3000, 60000),
    "valves": (200, 8000),
    "motors": (1500, 40000),
    "bearings": (30, 3000),
    "fittings": (10, 900),
    "instruments": (300, 12000),
    "seals": (20, 2500),
    "reducers": (2000, 50000),
}
DISCOUNT_LIMITS = {Role.SALES_REP: "5", Role.SALES_MANAGER: "12", Role.REGIONAL_DIRECTOR: "20", Role.ADMIN: "30"}
CENT = Decimal("0.01")


@transaction.atomic
def load_demo_catalog(products_per_line: int = 25, seed: int = 2026) -> int:
    """Create the demo catalog once; returns how many products were created."""
    if Product.objects.exists():
        return 0
    rng = random.Random(seed)
    dealers, _ = CustomerGroup.objects.get_or_create(code="dealers", defaults={"name": "经销商"})
    CustomerGroup.objects.get_or_create(code="key-accounts", defaults={"name": "大客户"})
    start = datetime.date(2026, 1, 1)
    default_list = PriceList.objects.create(name="2026 标准价", valid_from=start)
    dealer_list = PriceList.objects.create(name="2026 经销商价", customer_group=dealers, valid_from=start)
    products, items = [], []
    for code, name, kinds, unit in LINES:
        line = ProductLine.objects.create(code=code, name=name)
        low, high = PRICE_RANGES[code]
        for number in range(products_per_line):
            kind = kinds[number % len(kinds)]
            price = Decimal(rng.uniform(low, high)).quantize(Decimal(10) if high > 5000 else CENT)
            cost = (price * Decimal(rng.uniform(0.55, 0.78))).quantize(CENT, ROUND_HALF_UP)
            product = Product(
                sku=f"{code[:3].upper()}-{number + 1:04d}",
                name=f"{kind} {code[:2].upper()}{number + 1:03d}",
                line=line,
                unit=unit,
                list_price=price,
                standard_cost=cost,
            )
            products.append(product)
    Product.objects.bulk_create(products)
    for product in Product.objects.all():
        items.append(PriceListItem(price_list=default_list, product=product, unit_price=product.list_price))
        items.append(
            PriceListItem(
                price_list=dealer_list,
                product=product,
                unit_price=(product.list_price * Decimal("0.88")).quantize(CENT, ROUND_HALF_UP),
            )
        )
    PriceListItem.objects.bulk_create(items)
    for role, limit in DISCOUNT_LIMITS.items():
        DiscountLimit.objects.get_or_create(role=role, defaults={"max_discount_percent": Decimal(limit)})
    return len(products)
