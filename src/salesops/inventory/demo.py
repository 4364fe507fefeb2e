"""Deterministic demo stock: one warehouse per region, opening stock received through the actions."""

import random
from decimal import Decimal

from salesops.accounts.models import OrgUnit, User
from salesops.catalog.models import Product
from salesops.inventory.actions import receive_stock
from salesops.inventory.models import SafetyStock, Warehouse

WAREHOUSES = {"east": ("sh-wh", "上海中心仓"), "south": ("gz-wh", "广州中心仓"), "north": ("bj-wh", "北京中心仓")}


def load_demo_stock(seed: int = 2026) -> int:
    """Create the warehouses and receive opening stock once; returns how many receipts were made."""
    if Warehouse.objects.exists():
        return 0
    rng = random.Random(seed)
    keeper = User.objects.get(username="admin")
    receipts = 0
    warehouses = []
    for region_code, (code, name) in WAREHOUSES.items():
        region = OrgUnit.objects.get(code=region_code)
        warehouses.append(Warehouse.objects.create(code=code, name=name, region=region))
    for product in Product.objects.order_by("sku"):
        for warehouse in warehouses:
            if rng.random() < 0.15:
                continue  # not every warehouse carries every product
            quantity = Decimal(rng.choice([5, 10, 20, 40, 80, 150, 300]))
            receive_stock(product=product, warehouse=warehouse, quantity=quantity, actor=keeper, note="期初库存")
            SafetyStock.objects.create(
                product=product, warehouse=warehouse, minimum=(quantity / 5).quantize(Decimal(1))
            )
            receipts += 1
    return receipts
