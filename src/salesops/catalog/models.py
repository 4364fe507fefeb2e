"""What we sell: product lines, products, price lists per customer group, discount limits per role, and special
discount authorisations per customer or customer group."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class DiscountAuthorisation(TimeStampedModel):
    """A special discount authorisation: up to `max_discount_percent` on the lines of one customer (or of every
    customer of one customer group), optionally of one product line only, from `valid_from` to `valid_to`
    (company dates, both included). Requested by a seller and decided once through the approval policy of the
    `discount_authorisation` subject; while approved and within its dates, order and quote lines it covers
    whose discount is within its percent are not beyond the submitter's limit (see `catalog/authorisations.py`).

    Never edited: another percent, period or scope is a new request. It ends by its dates (no job) or by being
    revoked. `approved_fingerprint` is the content the policy approved; a row changed around the actions stops
    counting."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("discount authorisation", "pending")
        APPROVED = "approved", pgettext_lazy("discount authorisation", "approved")
        REJECTED = "rejected", pgettext_lazy("discount authorisation", "rejected")
        RETURNED = "returned", pgettext_lazy("discount authorisation", "sent back or withdrawn")
        REVOKED = "revoked", pgettext_lazy("discount authorisation", "revoked")

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discount_authorisations",
    )
    customer_group = models.ForeignKey(
        "customers.CustomerGroup",
        verbose_name=_("customer group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discount_authorisations",
    )
    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discount_authorisations",
        help_text=_("Empty: every product line."),
    )
    max_discount_percent = models.DecimalField(_("maximum discount %"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    reason = models.CharField(_("reason"), max_length=1000)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=1000, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_fingerprint = models.CharField(_("approved content"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("discount authorisation")
        verbose_name_plural = _("discount authorisations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "status"], name="discount_auth_customer_idx"),
            models.Index(fields=["customer_group", "status"], name="discount_auth_group_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, customer_group__isnull=True)
                | Q(customer__isnull=True, customer_group__isnull=False),
                name="discount_auth_one_scope",
            ),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="discount_auth_period"),
            models.CheckConstraint(
                condition=Q(max_discount_percent__gt=0) & Q(max_discount_percent__lte=100),
                name="discount_auth_percent_range",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def valid_days(self) -> int:
        """How many days it runs, both ends included."""
        return (self.valid_to - self.valid_from).days + 1

    def state(self, today) -> str:
        """`pending`, `scheduled` (approved, not started), `active`, `expired`, `rejected`, `returned` or
        `revoked` on `today` (a company date)."""
        if self.status != self.Status.APPROVED:
            return self.status
        if today < self.valid_from:
            return "scheduled"
        return "active" if today <= self.valid_to else "expired"
