"""Sales orders and quotes: the order, its lines, the order-number counter and the approval policy; shipments; the
quote and its lines.

Money is Decimal CNY with two places, rounded half up (`money`), never float. The lifecycles are the transition
tables `TRANSITIONS` and `QUOTE_TRANSITIONS`; `transition` and `quote_transition` are the only ways an order or a
quote changes status, and they record `order.<status>` and `quote.<status>`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit
from salesops.catalog.models import Product
from salesops.core import clock
from salesops.core.models import MONEY_SLACK, QUANTITY_SLACK, TimeStampedModel
from salesops.core.transitions import apply_transition
from salesops.customers.models import CreditReleaseRequest, Customer
from salesops.inventory.models import QUANTITY, Warehouse

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to the cent, half up (3 × 33.335 = 100.005 → 100.01), not banker's rounding."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    CONFIRMED = "confirmed", _("confirmed")
    PARTIALLY_SHIPPED = "partially_shipped", _("partially shipped")
    SHIPPED = "shipped", _("shipped")
    INVOICED = "invoiced", _("invoiced")
    PAID = "paid", _("paid")
    ON_HOLD = "on_hold", _("on hold")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


S = OrderStatus
# From -> the statuses it may move to. A second partial shipment keeps an order partially shipped (no transition);
# cancelling a partially shipped order cancels its remainder and leaves it shipped for what went out.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.CONFIRMED, S.ON_HOLD, S.REJECTED, S.CANCELLED, S.DRAFT}),
    S.ON_HOLD: frozenset({S.SUBMITTED, S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.ON_HOLD, S.CANCELLED, S.PARTIALLY_SHIPPED, S.SHIPPED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset({S.PAID}),
    S.PAID: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Confirmed and not yet invoiced: these count toward a customer's credit exposure.
OPEN_STATUSES = (S.CONFIRMED, S.PARTIALLY_SHIPPED, S.SHIPPED)


class OrderCounter(models.Model):
    """The last order number handed out per year; bumped with one conditional UPDATE per new order."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order counter")
        verbose_name_plural = _("order counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


def discount_range(name: str) -> models.CheckConstraint:
    """A discount is a percentage from 0 to 100 (orders, quotes and their lines)."""
    return models.CheckConstraint(condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100), name=name)


def customer_field(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name=related_name)


def owner_field(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), on_delete=models.PROTECT, related_name=related_name
    )


def warehouse_field(**options) -> models.ForeignKey:
    return models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+", **options
    )


def submitted_by_field(**options) -> models.ForeignKey:
    """Who submitted a document to its approval policy (the submitter its rules read)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **options,
    )


class PricedDocument(TimeStampedModel):
    """What a sales order and a quote share: a numbered offer of goods to one customer, shipping from one
    warehouse, with an order-level discount and totals computed from its lines (`PricedLine`) by `totals.py`:
    Decimal, rounded half up to 0.01 CNY.

    Office, region and payment term are copied from the customer when the document is created, so later changes
    to the customer do not move or re-price it. Each document declares its own `customer`, `owner` and
    `warehouse` (with `customer_field`, `owner_field` and `warehouse_field`: only their reverse names and help
    differ) and its own `status`."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    office = models.ForeignKey(
        OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    region = models.ForeignKey(
        OrgUnit, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    payment_term = models.CharField(_("payment term"), max_length=10, choices=Customer.PaymentTerm.choices)
    discount_percent = models.DecimalField(_("order discount %"), default=Decimal(0), **PERCENT)
    subtotal = models.DecimalField(_("subtotal"), default=Decimal(0), **MONEY)
    discount_amount = models.DecimalField(_("discount"), default=Decimal(0), **MONEY)
    tax_amount = models.DecimalField(_("tax"), default=Decimal(0), **MONEY)
    total = models.DecimalField(_("total"), default=Decimal(0), **MONEY)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.number


class PricedLine(models.Model):
    """What a line of an order and of a quote share: one product, priced from the customer's price list on the
    day of entry (or as quoted), with the product's tax rate. `amount` is after the line discount, before tax;
    `tax_amount` is after the document's discount. Each line model declares the link to its document."""

    position = models.PositiveIntegerField(_("position"))
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount_percent = models.DecimalField(_("discount %"), default=Decimal(0), **PERCENT)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("amount"), **MONEY)
    tax_amount = models.DecimalField(_("tax"), **MONEY)

    class Meta:
        abstract = True

    @staticmethod
    def line_constraints(document: str, prefix: str) -> list[models.BaseConstraint]:
        """One position per line of a `document`, a quantity above zero and a discount from 0 to 100, named
        `<prefix>_...` as the first migrations named them."""
        return [
            models.UniqueConstraint(fields=[document, "position"], name=f"unique_{prefix}_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_positive"),
            discount_range(f"{prefix}_discount_range"),
        ]


class SalesOrder(PricedDocument):
    """A customer's order for goods shipped from one warehouse (see `PricedDocument`). Only drafts are edited;
    anything after submission goes through `transition`.
    """

    Status = OrderStatus

    customer = customer_field("orders")
    owner = owner_field("sales_orders")
    warehouse = warehouse_field()
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    prepayment_amount = models.DecimalField(_("prepayment"), default=Decimal(0), **MONEY)
    prepayment_applied = models.DecimalField(
        _("prepayment applied"),
        default=Decimal(0),
        help_text=_("The part of the prepayment already set against this order's invoices."),
        **MONEY,
    )
    prepayment_credited = models.DecimalField(
        _("prepayment moved to customer credit"),
        default=Decimal(0),
        help_text=_(
            "The part of the prepayment no invoice of this order can use any more (the order was cancelled or "
            "rejected, or everything it will bill is invoiced): it became the customer's credit."
        ),
        **MONEY,
    )
    prepayment_credit_left = models.DecimalField(
        _("credited prepayment left"),
        default=Decimal(0),
        help_text=_("The part of the credited prepayment not yet set against an invoice or refunded."),
        **MONEY,
    )
    invoiced_amount = models.DecimalField(_("invoiced"), default=Decimal(0), **MONEY)
    cancelled_amount = models.DecimalField(
        _("cancelled"),
        default=Decimal(0),
        help_text=_("What the cancelled remainder of a partially shipped order was worth: it is never invoiced."),
        **MONEY,
    )
    hold_reason = models.CharField(_("hold reason"), max_length=1000, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who put the order on hold by hand; empty when credit or stock held it."),
    )
    is_stock_reserved = models.BooleanField(_("stock reserved"), default=False)
    approval_reasons = models.JSONField(_("approval needed because"), default=list, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=500, blank=True)
    submitted_by = submitted_by_field()
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    credit_releases = models.ManyToManyField(
        CreditReleaseRequest,
        verbose_name=_("credit releases"),
        blank=True,
        related_name="held_orders",
        help_text=_("Credit release requests that name this order as held for credit: approved, they release it."),
    )

    class Meta(PricedDocument.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        indexes = [
            models.Index(fields=["customer", "status"], name="order_customer_status_idx"),
            models.Index(fields=["created_at"], name="order_created_idx"),
            # Orders holding customer credit (a credited prepayment not yet used), read whenever credit is used.
            models.Index(
                fields=["customer"], condition=Q(prepayment_credit_left__gt=0), name="order_prepayment_credit_idx"
            ),
        ]
        constraints = [
            discount_range("order_discount_range"),
            models.CheckConstraint(
                condition=Q(prepayment_amount__gte=0) & Q(prepayment_amount__lte=models.F("total")),
                name="order_prepayment_range",
            ),
            models.CheckConstraint(
                condition=Q(prepayment_applied__gte=0) & Q(prepayment_applied__lte=models.F("prepayment_amount")),
                name="order_prepayment_applied_range",
            ),
            models.CheckConstraint(
                condition=Q(prepayment_credited__gte=0)
                & Q(prepayment_credit_left__gte=0)
                & Q(prepayment_credit_left__lte=models.F("prepayment_credited"))
                & Q(
                    prepayment_credited__lte=models.F("prepayment_amount")
                    - models.F("prepayment_applied")
                    + MONEY_SLACK
                ),
                name="order_prepayment_credited_range",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_amount__gte=0) & Q(invoiced_amount__lte=models.F("total")),
                name="order_invoiced_range",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_amount__gte=0) & Q(cancelled_amount__lte=models.F("total")),
                name="order_cancelled_range",
            ),
        ]

    @property
    def is_waiting_for_approval(self) -> bool:
        return self.status == OrderStatus.SUBMITTED and bool(self.approval_reasons) and self.decided_at is None

    @property
    def unused_prepayment(self) -> Decimal:
        """The prepayment neither set against this order's invoices nor moved to the customer's credit: what the
        order's next invoices will use."""
        return self.prepayment_amount - self.prepayment_applied - self.prepayment_credited

    @property
    def open_amount(self) -> Decimal:
        """What of this order is neither invoiced, nor cancelled, nor covered by its unused prepayment: its share of
        credit exposure while it is open (invoiced amounts are counted as receivables instead, and a cancelled
        remainder is owed by nobody). `queries.open_orders_amount` sums the same in SQL."""
        return max(self.total - self.invoiced_amount - self.cancelled_amount - self.unused_prepayment, Decimal("0.00"))


class OrderLine(PricedLine):
    """One product on an order (see `PricedLine`), with what of it was shipped, cancelled and invoiced."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    shipped_quantity = models.DecimalField(_("shipped"), default=Decimal(0), **QUANTITY)
    cancelled_quantity = models.DecimalField(
        _("cancelled"), default=Decimal(0), help_text=_("The unshipped remainder of a cancelled order."), **QUANTITY
    )
    invoiced_quantity = models.DecimalField(_("invoiced"), default=Decimal(0), **QUANTITY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            *PricedLine.line_constraints("order", "order_line"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0)
                & Q(cancelled_quantity__gte=0)
                & Q(shipped_quantity__lte=models.F("quantity") - models.F("cancelled_quantity") + QUANTITY_SLACK),
                name="order_line_shipped_range",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_quantity__gte=0) & Q(invoiced_quantity__lte=models.F("shipped_quantity")),
                name="order_line_invoiced_range",
            ),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.position}: {self.product_id} × {self.quantity}"

    @property
    def remaining_quantity(self) -> Decimal:
        """Still to ship: ordered, less shipped, less a cancelled remainder."""
        return self.quantity - self.shipped_quantity - self.cancelled_quantity

    @property
    def net_amount(self) -> Decimal:
        """The line's amount after the order discount, before tax (what a VAT invoice shows for it)."""
        return money(self.amount * (100 - self.order.discount_percent) / 100)

    def share_of(self, quantity: Decimal) -> tuple[Decimal, Decimal]:
        """Net amount and VAT of `quantity` of this line, each its proportional share rounded half up to the cent:
        how an invoice prices part of a line."""
        share = quantity / self.quantity
        return money(self.net_amount * share), money(self.tax_amount * share)


class Shipment(TimeStampedModel):
    """Goods leaving a warehouse for one order: all or part of its remaining quantities.

    Shipping consumes the order's reserved stock in the same transaction (inventory ledger `shipment` movements
    with the shipment as source). Numbered SH-YYYY-NNNNNN without gaps.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+")
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shipped by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_at", "-pk"]
        indexes = [models.Index(fields=["shipped_at"], name="shipment_shipped_idx")]

    def __str__(self):
        return self.number


class ShipmentLine(models.Model):
    """A quantity of one order line in a shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="shipment_lines"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "order_line__position"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="unique_shipment_order_line"),
        ]

    def __str__(self):
        return f"{self.shipment_id}: {self.product_id} × {self.quantity}"


def transition(
    order: SalesOrder,
    to: str,
    *,
    actor,
    reason: str = "",
    data: dict | None = None,
    held_by=None,
    also: dict | None = None,
    save: bool = True,
) -> SalesOrder:
    """Move `order` (a row locked by the caller) to status `to` if the table allows it, save, and record
    `order.<to>` with the old and new status and the reason. `also` (field -> value) is set and saved with the
    status, in the same UPDATE; `save=False` leaves the UPDATE to the action's next save (see `apply_transition`).
    Must run inside the caller's transaction."""
    now = clock.now()
    held = to == OrderStatus.ON_HOLD
    changes = {"hold_reason": reason[:1000] if held else "", "held_by": held_by if held else None, **(also or {})}
    if to == OrderStatus.SUBMITTED and order.submitted_at is None:
        changes["submitted_at"] = now
    if to == OrderStatus.CONFIRMED:
        changes["confirmed_at"] = now
    return apply_transition(
        order,
        to,
        table=TRANSITIONS,
        event="order",
        refusal=_("A %(before)s order cannot become %(after)s."),
        actor=actor,
        reason=reason,
        changes=changes,
        shown={"hold_reason": changes["hold_reason"]} if changes["hold_reason"] else None,
        data=data,
        save=save,
    )


# --- quotes --------------------------------------------------------------------------------------------------


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING_APPROVAL = "pending_approval", _("pending approval")
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")
    CANCELLED = "cancelled", _("cancelled")


QS = QuoteStatus
# A draft is sent through the quote approval policy: at once when nothing needs approval, else it waits
# (pending_approval) until approved (sent) or rejected, sent back or withdrawn (draft again). A draft may be accepted
# without being sent (the customer agreed on the spot) only when the policy approves it at once; open quotes
# expire.
QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    QS.DRAFT: frozenset({QS.PENDING_APPROVAL, QS.SENT, QS.ACCEPTED, QS.EXPIRED, QS.CANCELLED}),
    QS.PENDING_APPROVAL: frozenset({QS.SENT, QS.DRAFT, QS.EXPIRED, QS.CANCELLED}),
    QS.SENT: frozenset({QS.ACCEPTED, QS.DECLINED, QS.EXPIRED, QS.CANCELLED}),
    QS.ACCEPTED: frozenset(),
    QS.DECLINED: frozenset(),
    QS.EXPIRED: frozenset(),
    QS.CANCELLED: frozenset(),
}
OPEN_QUOTE_STATUSES = (QS.DRAFT, QS.PENDING_APPROVAL, QS.SENT)  # they expire


class Quote(PricedDocument):
    """An offer to a customer (see `PricedDocument`): lines priced from the customer's price list when entered,
    held until `valid_until` (inclusive, company time zone), totalled exactly as an order. Accepting converts it
    into one draft order at the quoted prices (`converted_order`, unique); after `valid_until` the expiry job marks
    it expired."""

    Status = QuoteStatus

    customer = customer_field("quotes")
    owner = owner_field("quotes")
    warehouse = warehouse_field(help_text=_("Where the goods would ship from; the quote shows its available stock."))
    status = models.CharField(_("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    valid_until = models.DateField(_("valid until"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = submitted_by_field(help_text=_("Who last sent the quote through the approval policy."))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approval_reasons = models.JSONField(_("approval needed because"), default=list, blank=True)
    decision_comment = models.CharField(
        _("decision comment"),
        max_length=1000,
        blank=True,
        help_text=_("What the approver (or a rule) said when the quote was last approved, rejected or sent back."),
    )
    approved_fingerprint = models.CharField(
        _("approved content"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The digest of the content the policy approved; a quote whose content differs is not approved."),
    )
    converted_order = models.OneToOneField(
        SalesOrder,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quote",
        help_text=_("The order this quote became when the customer accepted it."),
    )

    class Meta(PricedDocument.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            models.Index(fields=["customer", "status"], name="quote_customer_status_idx"),
            models.Index(fields=["status", "valid_until"], name="quote_expiry_idx"),
            models.Index(fields=["created_at"], name="quote_created_idx"),
        ]
        constraints = [
            discount_range("quote_discount_range"),
            models.CheckConstraint(
                condition=Q(converted_order__isnull=True) | Q(status=QuoteStatus.ACCEPTED),
                name="quote_converted_only_when_accepted",
            ),
        ]


class QuoteLine(PricedLine):
    """One product on a quote (see `PricedLine`); the unit price stays as quoted when the quote becomes an order."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position"]
        constraints = PricedLine.line_constraints("quote", "quote_line")

    def __str__(self):
        return f"{self.quote_id}/{self.position}: {self.product_id} × {self.quantity}"


def quote_transition(
    quote: Quote,
    to: str,
    *,
    actor,
    reason: str = "",
    converted_order: SalesOrder | None = None,
    also: dict | None = None,
    data: dict | None = None,
) -> Quote:
    """Move `quote` (a row locked by the caller) to status `to` if `QUOTE_TRANSITIONS` allows it, save (with the
    fields in `also`), and record `quote.<to>` with the old and new status, the reason and `data`. Must run inside
    the caller's transaction."""
    changes: dict = dict(also or {})
    if to == QuoteStatus.SENT:
        changes["sent_at"] = clock.now()
    if converted_order is not None:
        changes["converted_order"] = converted_order
    return apply_transition(
        quote,
        to,
        table=QUOTE_TRANSITIONS,
        event="quote",
        refusal=_("A %(before)s quote cannot become %(after)s."),
        actor=actor,
        reason=reason,
        changes=changes,
        shown={"converted_order": converted_order.pk} if converted_order is not None else None,
        data={**({"order": converted_order.number} if converted_order is not None else {}), **(data or {})} or None,
    )
