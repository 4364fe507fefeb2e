"""Deterministic demo catalog: 8 product lines, 200 products, a default price list and a dealer price list."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from salesops.accounts.models import Role, User
from salesops.catalog import actions
from salesops.catalog.models import Product
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
DEALER_FACTOR = Decimal("0.88")


@transaction.atomic
def load_demo_catalog(products_per_line: int = 25, seed: int = 2026) -> int:
    """Create the demo catalog once, through the actions (so every record has its events); returns how many
    products were created."""
    if Product.objects.exists():
        return 0
    rng = random.Random(seed)
    admin = User.objects.get(username="admin")
    dealers, _ = CustomerGroup.objects.get_or_create(code="dealers", defaults={"name": "经销商"})
    CustomerGroup.objects.get_or_create(code="key-accounts", defaults={"name": "大客户"})
    products = []
    for code, name, kinds, unit in LINES:
        line = actions.create_product_line(actor=admin, code=code, name=name)
        low, high = PRICE_RANGES[code]
        for number in range(products_per_line):
            price = Decimal(rng.uniform(low, high)).quantize(Decimal(10) if high > 5000 else CENT)
            cost = (price * Decimal(rng.uniform(0.55, 0.78))).quantize(CENT, ROUND_HALF_UP)
            products.append(
                actions.create_product(
                    actor=admin,
                    sku=f"{code[:3].upper()}-{number + 1:04d}",
                    name=f"{kinds[number % len(kinds)]} {code[:2].upper()}{number + 1:03d}",
                    line=line,
                    unit=unit,
                    list_price=price,
                    standard_cost=cost,
                )
            )
    start = datetime.date(2026, 1, 1)
    actions.create_price_list(
        actor=admin,
        name="2026 标准价",
        valid_from=start,
        items=[{"product": p, "unit_price": p.list_price} for p in products],
    )
    actions.create_price_list(
        actor=admin,
        name="2026 经销商价",
        customer_group=dealers,
        valid_from=start,
        items=[
            {"product": p, "unit_price": (p.list_price * DEALER_FACTOR).quantize(CENT, ROUND_HALF_UP)} for p in products
        ],
    )
    for role, limit in DISCOUNT_LIMITS.items():
        actions.set_discount_limit(actor=admin, role=role, max_discount_percent=Decimal(limit))
    return len(products)
