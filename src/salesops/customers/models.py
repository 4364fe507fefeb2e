"""Customers: the companies we sell to, with their terms and credit, the people we deal with (contacts) and where
we invoice and deliver (addresses)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesops.accounts.models import OrgUnit
from salesops.core.models import CustomFieldsModel, TimeStampedModel
from salesops.customers.phones import display_phone, tel_uri


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


class Contact(CustomFieldsModel):
    """A person at a customer we deal with. Contacts are deactivated, never deleted, so history keeps its names.

    At most one contact per customer is the primary one, and only an active contact can be it (database
    constraints); the actions clear the previous primary in the same transaction that sets a new one. Mobile
    numbers are stored as 11 digits, other phone numbers as typed (with their extension), e-mail domains lowercased.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat_id = models.CharField(_("WeChat ID"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "-is_primary", "name"]
        indexes = [models.Index(fields=["customer", "is_active"], name="contact_customer_active_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True, is_active=True),
                name="one_primary_contact_per_customer",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True) | models.Q(is_primary=False), name="primary_contact_is_active"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def mobile_phone_display(self) -> str:
        return display_phone(self.mobile_phone)

    @property
    def mobile_phone_uri(self) -> str:
        return tel_uri(self.mobile_phone) if self.mobile_phone else ""

    @property
    def office_phone_uri(self) -> str:
        return tel_uri(self.office_phone) if self.office_phone else ""


class CustomerAddress(TimeStampedModel):
    """A billing or shipping address of a customer, with optional WGS-84 (GPS) coordinates.

    At most one address per customer and kind is the default (database constraint); the actions clear the
    previous default in the same transaction that sets a new one, and make a customer's first address of a kind
    its default. Latitude and longitude are set together or not at all, within -90..90 and -180..180.
    """

    class Kind(models.TextChoices):
        BILLING = "billing", _("billing")
        SHIPPING = "shipping", _("shipping")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=50, blank=True, help_text=_("e.g. head office, east warehouse"))
    recipient_name = models.CharField(_("recipient"), max_length=100, blank=True)
    recipient_phone = models.CharField(_("recipient phone"), max_length=40, blank=True)
    province = models.CharField(_("province"), max_length=30)
    city = models.CharField(_("city"), max_length=30)
    district = models.CharField(_("district"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")
        ordering = ["customer", "kind", "-is_default", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind"],
                condition=models.Q(is_default=True),
                name="one_default_address_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="address_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="address_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="address_coordinates_together",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=["billing", "shipping"]), name="address_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.one_line()}"

    def one_line(self) -> str:
        """The address as written in China, largest unit first; a municipality is not repeated as its city."""
        parts = [self.province] if self.province != self.city else []
        return "".join([*parts, self.city, self.district, self.street])

    @property
    def recipient_phone_display(self) -> str:
        return display_phone(self.recipient_phone)

    @property
    def recipient_phone_uri(self) -> str:
        return tel_uri(self.recipient_phone) if self.recipient_phone else ""

    @property
    def map_url(self) -> str | None:
        """An OpenStreetMap link centred on the coordinates (none without them)."""
        if self.latitude is None or self.longitude is None:
            return None
        lat, lon = f"{self.latitude:f}", f"{self.longitude:f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


class CreditReleaseRequest(TimeStampedModel):
    """A request to lift a customer's credit hold or freeze and/or raise its credit limit, decided through the
    approval policy of the `credit_release` subject. Created pending (submitted at once); approved, it is applied
    through the credit actions (who and why recorded on the customer) and the orders it names that are on hold
    are released; rejected, sent back or withdrawn, nothing changes on the customer.

    `current_limit` and `current_credit_status` are the customer's when the request was made (what the approvers
    compare with); `held_orders` is declared on the orders side (`SalesOrder.credit_releases`), since orders sit
    above customers."""

    class Kind(models.TextChoices):
        LIFT_STATUS = "lift_status", _("lift the credit hold or freeze")
        RAISE_LIMIT = "raise_limit", _("raise the credit limit")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("credit release", "pending")
        APPROVED = "approved", pgettext_lazy("credit release", "approved")
        REJECTED = "rejected", pgettext_lazy("credit release", "rejected")
        RETURNED = "returned", pgettext_lazy("credit release", "sent back or withdrawn")

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="credit_releases"
    )
    kinds = models.JSONField(_("what is asked"), default=list)
    current_limit = models.DecimalField(_("credit limit then"), max_digits=14, decimal_places=2)
    current_credit_status = models.CharField(
        _("credit status then"), max_length=10, choices=Customer.CreditStatus.choices
    )
    requested_limit = models.DecimalField(
        _("requested credit limit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=1000)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=1000, blank=True)
    release_results = models.JSONField(
        _("orders released"),
        default=list,
        blank=True,
        help_text=_("For each named order on hold: whether approval released it, or why it stays on hold."),
    )

    class Meta:
        verbose_name = _("credit release request")
        verbose_name_plural = _("credit release requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "status"], name="credit_release_customer_idx")]

    def __str__(self):
        return self.number

    @property
    def increase(self) -> Decimal:
        """How much the limit goes up (0 when the limit is not raised)."""
        if self.requested_limit is None or self.Kind.RAISE_LIMIT not in self.kinds:
            return Decimal("0.00")
        return max(self.requested_limit - self.current_limit, Decimal("0.00"))
