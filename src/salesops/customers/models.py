"""Customers: the companies we sell to. The order-to-cash issue extends them with terms, credit and addresses."""

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

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="customer_status_idx")]

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
