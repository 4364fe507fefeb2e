"""Stock: warehouses, stock levels per product and warehouse, the movement ledger, and safety stock.

`available = on_hand - reserved` is never negative: database check constraints say so, and every change goes
through a conditional UPDATE in `inventory/locks.py`, so no read-then-write can oversell under concurrency.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit
from salesops.catalog.models import Product
from salesops.core.models import TimeStampedModel

QUANTITY = {"max_digits": 14, "decimal_places": 3}


def as_quantity(value) -> Decimal | None:
    """A quantity with its 3 places: SQL annotations come back unscaled from SQLite ("5" rather than "5.000")."""
    return None if value is None else Decimal(value).quantize(Decimal("0.001"))


class Warehouse(TimeStampedModel):
    """A place stock is kept, in one region."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": OrgUnit.Kind.REGION},
        related_name="warehouses",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self):
        return self.name


class StockLevel(models.Model):
    """On hand and reserved quantity of one product in one warehouse."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    on_hand = models.DecimalField(_("on hand"), default=Decimal(0), **QUANTITY)
    reserved = models.DecimalField(_("reserved"), default=Decimal(0), **QUANTITY)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["product__sku", "warehouse__code"]
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="unique_stock_level"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(on_hand__gte=F("reserved")), name="stock_available_not_negative"),
        ]

    def __str__(self):
        return f"{self.product.sku} @ {self.warehouse.code}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """One entry of the stock ledger. Summing a product's movements in a warehouse gives its stock level."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt")
        RESERVATION = "reservation", _("reservation")
        RELEASE = "release", _("release")
        SHIPMENT = "shipment", _("shipment")
        ADJUSTMENT = "adjustment", _("adjustment")

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on_hand_change = models.DecimalField(_("on hand change"), **QUANTITY)
    reserved_change = models.DecimalField(_("reserved change"), **QUANTITY)
    source_type = models.CharField(_("source type"), max_length=100, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["product", "warehouse", "id"], name="movement_stock_idx"),
            models.Index(fields=["source_type", "source_id"], name="movement_source_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.product_id}@{self.warehouse_id}"


class SafetyStock(TimeStampedModel):
    """The available quantity below which a `stock.below_safety` alert event is raised."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE, related_name="safety_stocks"
    )
    minimum = models.DecimalField(_("minimum available"), **QUANTITY)

    class Meta:
        verbose_name = _("safety stock")
        verbose_name_plural = _("safety stocks")
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="unique_safety_stock"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="safety_stock_not_negative"),
        ]

    def __str__(self):
        return f"{self.product_id}@{self.warehouse_id} ≥ {self.minimum}"
