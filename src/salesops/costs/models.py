"""Costs and profitability: cost entries (entered directly or allocated from a pool), cost pools, the historical
sales ledger imported from files, and the standard cost history that prices cost of goods at the time of sale.

Money is Decimal CNY. Cost entries and pools hold cents; ledger lines keep every decimal place the imported file
gave (up to 15), and the profitability report rounds half up to 0.01 only at the end (see queries.py).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit
from salesops.catalog.models import Product, ProductLine
from salesops.core.models import TimeStampedModel
from salesops.customers.models import Customer
from salesops.inventory.models import QUANTITY

MONEY = {"max_digits": 14, "decimal_places": 2}
# What a ledger file gives, as it gives it: up to 15 decimal places (the precision a spreadsheet keeps).
LEDGER_AMOUNT = {"max_digits": 30, "decimal_places": 15}


class CostKind(models.TextChoices):
    LOGISTICS = "logistics", _("logistics")
    TRAVEL = "travel", _("travel")
    SAMPLES = "samples", _("samples")
    PROMOTION = "promotion", _("promotion")
    LABOUR = "labour", _("labour")
    STOCK_WRITE_OFF = "stock_write_off", _("stock write-off")
    BAD_DEBT = "bad_debt", _("bad debt")


class AllocationBasis(models.TextChoices):
    REVENUE = "revenue", _("revenue share")
    QUANTITY = "quantity", _("quantity sold")
    HEADCOUNT = "headcount", _("headcount (sales reps per unit)")


class Dimension(models.TextChoices):
    REGION = "region", _("region")
    OFFICE = "office", _("office")
    PRODUCT_LINE = "product_line", _("product line")
    SALESPERSON = "salesperson", _("salesperson")


class CostPool(TimeStampedModel):
    """A cost to spread (a quarter's freight bill, a trade fair): its kind, the period it belongs to, its total,
    and the rule that allocates it: a basis (revenue share, quantity sold, headcount) over a dimension, measured in
    the period (and within `region` when set). Allocating creates one `CostEntry` per unit of the dimension, linked
    to the pool, summing to `total_amount` exactly to the cent; allocating again replaces them (see actions)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CostKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    total_amount = models.DecimalField(_("total amount"), **MONEY)
    basis = models.CharField(_("allocation basis"), max_length=20, choices=AllocationBasis.choices)
    dimension = models.CharField(_("allocated over"), max_length=20, choices=Dimension.choices)
    region = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Empty: the whole company. Set: only this region's sales and people count, and only its "
            "units receive a share."
        ),
    )
    allocated_at = models.DateTimeField(_("allocated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cost pool")
        verbose_name_plural = _("cost pools")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="cost_pool_total_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="cost_pool_period"),
        ]

    def __str__(self):
        return self.name


class CostEntry(TimeStampedModel):
    """A cost, with the dimensions it is known to belong to (region, office, product line, salesperson,
    customer); any may be empty. Entered directly, or created by allocating a pool (`pool` set): those are
    replaced whenever the pool is allocated again and are not edited one by one. The profitability report
    attributes an entry to every slice its dimensions match; one lacking a dimension the report groups by goes
    to that dimension's "unattributed" row."""

    kind = models.CharField(_("kind"), max_length=20, choices=CostKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    region = models.ForeignKey(
        OrgUnit, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        OrgUnit, verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product_line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pool = models.ForeignKey(
        CostPool, verbose_name=_("cost pool"), null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"], name="cost_entry_date_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="cost_entry_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.date})"

    @property
    def is_allocated(self) -> bool:
        return self.pool_id is not None


class SalesLedgerLine(TimeStampedModel):
    """One line of a company's historical sales, imported from a file: revenue (net of tax) and cost of goods as
    the file gave them, to the decimal place, so past years appear in the profitability report next to invoiced
    sales. The file gives cost of goods or profit; profit is kept as cost of goods = revenue - profit."""

    date = models.DateField(_("date"))
    order_ref = models.CharField(_("order reference"), max_length=100, blank=True)
    region = models.ForeignKey(OrgUnit, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    product_line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.PROTECT, related_name="+"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    revenue = models.DecimalField(_("revenue"), **LEDGER_AMOUNT)
    cost_of_goods = models.DecimalField(_("cost of goods"), **LEDGER_AMOUNT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("sales ledger line")
        verbose_name_plural = _("sales ledger lines")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"], name="sales_ledger_date_idx")]

    def __str__(self):
        return f"{self.date} {self.order_ref} {self.revenue}"


class StandardCost(models.Model):
    """A product's standard cost from `valid_from` on: the catalog's value as each product event set it. The
    cost of goods of an invoice line is its quantity times the cost valid when the invoice was issued (the
    product's current cost when no history reaches back that far)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    cost = models.DecimalField(_("standard cost"), default=Decimal(0), **MONEY)
    valid_from = models.DateTimeField(_("valid from"))

    class Meta:
        verbose_name = _("standard cost")
        verbose_name_plural = _("standard costs")
        ordering = ["product", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["product", "valid_from"], name="unique_standard_cost_time")]

    def __str__(self):
        return f"{self.product_id} {self.cost} from {self.valid_from:%Y-%m-%d}"
