"""What we sell: product lines, products, price lists per customer group, and discount limits per role."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import Role
from salesops.core.models import CustomFieldsModel, TimeStampedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class ProductLine(TimeStampedModel):
    """A family of products (e.g. 工业泵): the unit of reporting, cost attribution and targets."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Product(CustomFieldsModel):
    """A sellable item. Prices are Decimal CNY; `tax_rate` is the VAT rate as a fraction (0.13 = 13 %)."""

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.PROTECT, related_name="products"
    )
    unit = models.CharField(_("unit"), max_length=20, default="件")
    list_price = models.DecimalField(_("list price"), validators=[MinValueValidator(Decimal(0))], **MONEY)
    standard_cost = models.DecimalField(_("standard cost"), validators=[MinValueValidator(Decimal(0))], **MONEY)
    tax_rate = models.DecimalField(
        _("tax rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.13"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0) & Q(standard_cost__gte=0), name="product_prices_positive"
            ),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=1), name="product_tax_rate_range"),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class PriceList(TimeStampedModel):
    """Prices for one customer group (or for everyone, when the group is empty) over a validity period."""

    name = models.CharField(_("name"), max_length=100)
    customer_group = models.ForeignKey(
        "customers.CustomerGroup",
        verbose_name=_("customer group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="price_lists",
        help_text=_("Empty: the default price list for customers of every group."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: open-ended."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="price_list_valid_range",
            ),
        ]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    """One product's price in one price list."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="price_items"
    )
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(Decimal(0))], **MONEY)

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="unique_price_per_list"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_item_positive"),
        ]

    def __str__(self):
        return f"{self.price_list}: {self.product} {self.unit_price}"


class DiscountLimit(TimeStampedModel):
    """The largest line discount (percent) a role may give without approval."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, unique=True)
    max_discount_percent = models.DecimalField(
        _("maximum discount %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("discount limit")
        verbose_name_plural = _("discount limits")
        ordering = ["role"]

    def __str__(self):
        return f"{self.get_role_display()} ≤ {self.max_discount_percent}%"
