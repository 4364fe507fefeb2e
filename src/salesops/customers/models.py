"""Customers: the companies we sell to. The order-to-cash issue extends them with terms, credit and addresses."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesops.accounts.models import OrgUnit
from salesops.core.models import CustomFieldsModel, TimeStampedModel


class CustomerGroup(TimeStampedModel):
    """A pricing group of customers (e.g. 经销商, 大客户): price lists are per group."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Customer(CustomFieldsModel):
    """A customer company, owned by one rep and served from one office (whose region it belongs to).

    `credit_code` is the unified social credit code, valid per GB 32100-2015 and unique. `region` is kept equal to
    the office's region by the actions, so region filters and scopes are one indexed lookup.
    """

    class PaymentTerm(models.TextChoices):
        PREPAY = "prepay", _("prepayment")
        NET30 = "net30", _("net 30 days")
        NET60 = "net60", _("net 60 days")
        NET90 = "net90", _("net 90 days")

    class CreditStatus(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("credit status", "active")
        ON_HOLD = "on_hold", _("on hold")
        FROZEN = "frozen", _("frozen")

    class Status(models.TextChoices):
        PROSPECT = "prospect", pgettext_lazy("customer status", "prospect")
        ACTIVE = "active", pgettext_lazy("customer status", "active")
        INACTIVE = "inactive", pgettext_lazy("customer status", "inactive")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="customers",
        limit_choices_to={"kind": OrgUnit.Kind.OFFICE},
    )
    region = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="region_customers",
        limit_choices_to={"kind": OrgUnit.Kind.REGION},
        editable=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_customers"
    )
    group = models.ForeignKey(
        CustomerGroup,
        verbose_name=_("customer group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    payment_term = models.CharField(
        _("payment term"), max_length=10, choices=PaymentTerm.choices, default=PaymentTerm.NET30
    )
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("CNY. Open receivables plus confirmed, not yet invoiced orders may not exceed it."),
    )
    credit_status = models.CharField(
        _("credit status"), max_length=10, choices=CreditStatus.choices, default=CreditStatus.ACTIVE
    )
    credit_status_reason = models.CharField(_("credit status reason"), max_length=200, blank=True)
    credit_status_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credit status set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept by billing in the transaction of every invoice, credit note and payment, so that the credit check at
    # order submission reads one row instead of summing invoice history.
    receivable_balance = models.DecimalField(
        _("open receivables"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        editable=False,
        help_text=_("CNY still owed on issued invoices."),
    )
    credit_balance = models.DecimalField(
        _("customer credit"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        editable=False,
        help_text=_("CNY overpaid or credited and not yet set against an invoice."),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="customer_status_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_limit__gte=0), name="credit_limit_not_negative"),
            models.CheckConstraint(
                condition=models.Q(receivable_balance__gte=0) & models.Q(credit_balance__gte=0),
                name="customer_balances_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class CustomerPortalAccess(models.Model):
    """A dealer's portal login for one customer account: the dealer sees that account and nothing else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_accesses")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="portal_accesses")

    class Meta:
        verbose_name = _("customer portal access")
        verbose_name_plural = _("customer portal accesses")
        constraints = [models.UniqueConstraint(fields=["user", "customer"], name="unique_customer_access")]

    def __str__(self):
        return f"{self.user} → {self.customer}"
