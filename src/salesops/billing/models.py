"""Billing: VAT invoices from shipped quantities, red-letter credit notes, payments and their settlement.

Invoices are never edited or deleted once issued. A correction follows the red-letter (红字) flow: a correction
request referencing the invoice is confirmed by a second person, which issues a credit note. Invoice and credit
note numbers come from gapless per-year series (`core.numbering`).

Money moves between three places, all kept in the same transaction by the actions: an invoice's `balance`
(total - credited - settled), the customer's `receivable_balance` (the sum of open balances) and the customer's
`credit_balance` (payments, credit notes and credited prepayments not yet set against an invoice or refunded).
Customer credit comes from three sources: a payment's `unapplied_amount`, a credit note's `unapplied_amount` and
an order's `prepayment_credit_left` (the prepayment no invoice of its order could use, decision 0016); it settles
later invoices (`Settlement`) or goes back to the customer (`Refund`).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit
from salesops.catalog.models import Product
from salesops.core.models import MONEY_SLACK, TimeStampedModel
from salesops.customers.models import Customer
from salesops.inventory.models import QUANTITY
from salesops.orders.models import MONEY, OrderLine, SalesOrder

TERM_DAYS = {"prepay": 0, "net30": 30, "net60": 60, "net90": 90}


def due_date_for(issue_date: datetime.date, payment_term: str) -> datetime.date:
    return issue_date + datetime.timedelta(days=TERM_DAYS.get(payment_term, 0))


class Invoice(TimeStampedModel):
    """A VAT invoice for shipped, not yet invoiced quantities of one order.

    Office, region and owner are copied from the order for scoping and reports. `settled_on` is the day the
    balance reached zero (payments, credit notes); it lets past aging be rebuilt without scanning settled history.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SETTLED = "settled", _("settled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(OrgUnit, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    payment_term = models.CharField(_("payment term"), max_length=10, choices=Customer.PaymentTerm.choices)
    net_amount = models.DecimalField(_("amount excluding VAT"), **MONEY)
    tax_amount = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    credited_amount = models.DecimalField(_("credited"), default=Decimal(0), **MONEY)
    settled_amount = models.DecimalField(_("paid"), default=Decimal(0), **MONEY)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "status", "due_date"], name="invoice_open_idx"),
            models.Index(fields=["issue_date"], name="invoice_issue_idx"),
            models.Index(fields=["settled_on"], name="invoice_settled_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__lte=F("net_amount") + F("tax_amount") + MONEY_SLACK)
                & Q(total__gte=F("net_amount") + F("tax_amount") - MONEY_SLACK),
                name="invoice_total_sum",
            ),
            models.CheckConstraint(
                condition=Q(credited_amount__gte=0)
                & Q(settled_amount__gte=0)
                & Q(total__gte=F("credited_amount") + F("settled_amount") - MONEY_SLACK),
                name="invoice_balance_not_negative",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def balance(self) -> Decimal:
        return self.total - self.credited_amount - self.settled_amount

    def days_past_due(self, on: datetime.date) -> int:
        return max((on - self.due_date).days, 0)


class InvoiceLine(models.Model):
    """One order line's invoiced quantity: amount after every discount, before VAT, and the VAT on it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="invoice_lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price excluding VAT"), max_digits=18, decimal_places=6)
    net_amount = models.DecimalField(_("amount excluding VAT"), **MONEY)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    tax_amount = models.DecimalField(_("VAT"), **MONEY)
    credited_quantity = models.DecimalField(_("credited quantity"), default=Decimal(0), **QUANTITY)
    credited_net = models.DecimalField(_("credited amount"), default=Decimal(0), **MONEY)
    credited_tax = models.DecimalField(_("credited VAT"), default=Decimal(0), **MONEY)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="unique_invoice_line_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(credited_quantity__gte=0)
                & Q(credited_quantity__lte=F("quantity"))
                & Q(credited_net__gte=0)
                & Q(credited_net__lte=F("net_amount"))
                & Q(credited_tax__gte=0)
                & Q(credited_tax__lte=F("tax_amount")),
                name="invoice_line_credit_range",
            ),
        ]

    def __str__(self):
        return f"{self.invoice_id}/{self.position}"


class CorrectionRequest(TimeStampedModel):
    """A red-letter information form (红字信息确认单): the request to credit part or all of an issued invoice,
    for returned goods or a price correction. A second person confirms it, which issues the credit note."""

    class Kind(models.TextChoices):
        RETURN = "return", _("goods returned")
        PRICE = "price", _("price correction")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    number = models.CharField(_("number"), max_length=20, unique=True)
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="correction_requests"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(_("reason"), max_length=500)
    net_amount = models.DecimalField(_("amount excluding VAT"), **MONEY)
    tax_amount = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="correction_total_positive"),
            models.CheckConstraint(
                condition=Q(total__lte=F("net_amount") + F("tax_amount") + MONEY_SLACK)
                & Q(total__gte=F("net_amount") + F("tax_amount") - MONEY_SLACK),
                name="correction_total_sum",
            ),
        ]

    def __str__(self):
        return self.number


class CorrectionLine(models.Model):
    """What one invoice line is credited by: a returned quantity (its share of the amount) or an amount."""

    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="correction_lines")
    quantity = models.DecimalField(_("quantity"), default=Decimal(0), **QUANTITY)
    net_amount = models.DecimalField(_("amount excluding VAT"), **MONEY)
    tax_amount = models.DecimalField(_("VAT"), **MONEY)

    class Meta:
        verbose_name = _("correction line")
        verbose_name_plural = _("correction lines")
        constraints = [
            models.UniqueConstraint(fields=["request", "invoice_line"], name="unique_correction_invoice_line"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0) & Q(net_amount__gte=0) & Q(tax_amount__gte=0), name="correction_line_range"
            ),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.invoice_line_id}"


class CreditNote(TimeStampedModel):
    """A red-letter invoice (红字发票) issued on confirmation of a correction request: it reduces the original
    invoice's balance; what exceeds that balance (the invoice was paid already) becomes customer credit."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    request = models.OneToOneField(
        CorrectionRequest, verbose_name=_("correction request"), on_delete=models.PROTECT, related_name="credit_note"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    issue_date = models.DateField(_("issue date"))
    net_amount = models.DecimalField(_("amount excluding VAT"), **MONEY)
    tax_amount = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    invoice_amount = models.DecimalField(
        _("credited on the invoice"),
        help_text=_("The part of the total that reduced the original invoice's balance; the rest became credit."),
        **MONEY,
    )
    unapplied_amount = models.DecimalField(
        _("customer credit left"),
        default=Decimal(0),
        help_text=_("The part of this credit note not yet set against an invoice."),
        **MONEY,
    )

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unapplied_amount__gte=0)
                & Q(unapplied_amount__lte=F("total") - F("invoice_amount") + MONEY_SLACK),
                name="credit_note_unapplied_range",
            ),
            models.CheckConstraint(
                condition=Q(invoice_amount__gte=0) & Q(invoice_amount__lte=F("total")), name="credit_note_invoice_range"
            ),
        ]

    def __str__(self):
        return self.number


class Payment(TimeStampedModel):
    """Money received from a customer. It settles open invoices (the ones named, else the oldest due first);
    whatever is left stays as customer credit (`unapplied_amount`) and settles the next invoices."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("bank transfer")
        ACCEPTANCE_BILL = "acceptance_bill", _("bank acceptance bill")
        CASH = "cash", _("cash")
        OTHER = "other", _("other")

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    unapplied_amount = models.DecimalField(_("customer credit left"), default=Decimal(0), **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["customer", "received_on"], name="payment_customer_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(unapplied_amount__gte=0) & Q(unapplied_amount__lte=F("amount")),
                name="payment_unapplied_range",
            ),
        ]

    def __str__(self):
        return self.number


class CreditSource(models.TextChoices):
    """Where money set against an invoice or refunded comes from. `prepayment` is the invoice's own order's
    prepayment; `credited_prepayment` the customer credit another order's unused prepayment became."""

    PAYMENT = "payment", _("payment")
    PREPAYMENT = "prepayment", _("prepayment")
    CREDIT_NOTE = "credit_note", _("credit note")
    CREDITED_PREPAYMENT = "credited_prepayment", _("credited prepayment")


def source_matches(name: str) -> models.CheckConstraint:
    """Exactly the reference its source needs: a payment, a credit note, the order of a credited prepayment, or
    none (the invoice's own order's prepayment)."""
    none = {"payment__isnull": True, "credit_note__isnull": True, "prepaid_order__isnull": True}

    def only(source: str, field: str | None) -> Q:
        return Q(source=source, **{**none, **({f"{field}__isnull": False} if field else {})})

    return models.CheckConstraint(
        condition=only("payment", "payment")
        | only("credit_note", "credit_note")
        | only("credited_prepayment", "prepaid_order")
        | only("prepayment", None),
        name=name,
    )


class Settlement(models.Model):
    """An amount set against an invoice, from a payment, the order's prepayment, a credit note's leftover credit
    or another order's credited prepayment. The invoice's `settled_amount` is the sum of its settlements."""

    Source = CreditSource

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="settlements")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="settlements")
    credit_note = models.ForeignKey(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="settlements"
    )
    prepaid_order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("prepaid order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_settlements",
        help_text=_("For a credited prepayment: the order it was paid for."),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    settled_on = models.DateField(_("settled on"))

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["settled_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_amount_positive"),
            source_matches("settlement_source_matches"),
        ]

    def __str__(self):
        return f"{self.invoice_id}: {self.amount}"

    @property
    def origin(self) -> "Payment | CreditNote | SalesOrder | None":
        return self.payment or self.credit_note or self.prepaid_order


class Refund(TimeStampedModel):
    """Customer credit paid back to the customer (a bank transfer out): it draws on the customer's unused
    payments, credited prepayments and credit notes, oldest first (`RefundLine`). Numbered RF-YYYY-NNNNNN without
    gaps; never edited or deleted."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(
        _("method"), max_length=20, choices=Payment.Method.choices, default=Payment.Method.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["customer", "paid_on"], name="refund_customer_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return self.number


class RefundLine(models.Model):
    """The part of a refund drawn on one source of customer credit; a refund's lines add up to its amount."""

    Source = CreditSource

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refund_lines")
    credit_note = models.ForeignKey(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="refund_lines"
    )
    prepaid_order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("prepaid order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_lines",
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        ordering = ["refund", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_line_amount_positive"),
            models.CheckConstraint(condition=~Q(source="prepayment"), name="refund_line_not_own_prepayment"),
            source_matches("refund_line_source_matches"),
        ]

    def __str__(self):
        return f"{self.refund_id}: {self.amount}"

    @property
    def origin(self) -> "Payment | CreditNote | SalesOrder":
        return self.payment or self.credit_note or self.prepaid_order


class MonthEndReceivable(models.Model):
    """Per customer and month: what was open and how late at the month's end (company time zone). Written by
    the month-end job and rebuilt from settlement history for past months; the risk module reads it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="month_end_receivables")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    open_amount = models.DecimalField(_("open"), **MONEY)
    overdue_amount = models.DecimalField(_("overdue"), **MONEY)
    days_past_due = models.PositiveIntegerField(
        _("days past due"), help_text=_("Of the oldest overdue invoice still open at month end; 0 if none.")
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("month-end receivable")
        verbose_name_plural = _("month-end receivables")
        ordering = ["customer", "month"]
        constraints = [models.UniqueConstraint(fields=["customer", "month"], name="unique_month_end_receivable")]

    def __str__(self):
        return f"{self.customer_id} {self.month:%Y-%m}: {self.days_past_due}"
