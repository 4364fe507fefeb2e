"""Test helpers: products and warehouses with stock."""

from decimal import Decimal

from salesops.catalog.models import Product, ProductLine
from salesops.inventory.models import StockLevel, StockMovement, Warehouse


def make_product(sku: str = "P-001", price: str = "100.00") -> Product:
    line, _ = ProductLine.objects.get_or_create(code="pumps", defaults={"name": "工业泵"})
    return Product.objects.create(
        sku=sku, name=f"产品 {sku}", line=line, list_price=Decimal(price), standard_cost=Decimal(price) / 2
    )


def make_warehouse(region, code: str = "wh-a") -> Warehouse:
    return Warehouse.objects.create(code=code, name=f"仓库 {code}", region=region)


def ledger_totals(product: Product, warehouse: Warehouse) -> tuple[Decimal, Decimal]:
    """(on hand, reserved) as the movement ledger says they should be."""
    on_hand = reserved = Decimal(0)
    for movement in StockMovement.objects.filter(product=product, warehouse=warehouse):
        on_hand += movement.on_hand_change
        reserved += movement.reserved_change
    return on_hand, reserved


def level(product: Product, warehouse: Warehouse) -> StockLevel:
    return StockLevel.objects.get(product=product, warehouse=warehouse)
