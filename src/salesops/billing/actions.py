"""Writes for billing: issue invoices, record payments, refund customer credit, request and decide red-letter
corrections.

Each action is one transaction. Lock order: the order row (invoicing), then the customer row — every action
that moves money for a customer locks it, so balances, customer credit and invoice settlement are serialised
per customer — then invoices and the sources of customer credit (payments, credit notes, orders whose
prepayment was credited), then stock rows (returns).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.billing.models import (
    CorrectionLine,
    CorrectionRequest,
    CreditNote,
    CreditSource,
    Invoice,
    InvoiceLine,
    MonthEndReceivable,
    Payment,
    Refund,
    RefundLine,
    Settlement,
    due_date_for,
)
from salesops.billing.queries import balances_at, may_bill
from salesops.catalog.pricing import company_today
from salesops.core import clock
from salesops.core.events import record_event, to_json
from salesops.core.numbering import next_document_number
from salesops.customers.balance_actions import change_balances, lock_customer
from salesops.customers.models import Customer
from salesops.inventory.actions import StockLine, clean_quantity, return_stock
from salesops.orders.actions import clean_comment, lock
from salesops.orders.models import OrderLine, OrderStatus, SalesOrder, money, transition
from salesops.orders.prepayment_actions import credit_unused_prepayment

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("1e12")
UNIT_PRICE = Decimal("0.000001")


def check_may_bill(actor: User) -> None:
    if not may_bill(actor):
        raise PermissionDenied(_("Only finance issues invoices and records payments."))


def clean_amount(raw, field: str) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise ValidationError({field: [_("Enter an amount above zero.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("At most 2 decimal places.")]})
    return amount


# --- settlement ------------------------------------------------------------------------------------------------


def settle(invoice: Invoice, amount: Decimal, *, source: str, on: datetime.date, actor, **origin) -> Settlement:
    """Set `amount` against `invoice` (locked); closes it when its balance reaches zero."""
    settlement = Settlement.objects.create(invoice=invoice, source=source, amount=amount, settled_on=on, **origin)
    invoice.settled_amount += amount
    invoice.save(update_fields=["settled_amount", "updated_at"])
    close_if_settled(invoice, on=on, actor=actor)
    return settlement


def close_if_settled(invoice: Invoice, *, on: datetime.date, actor) -> None:
    """An invoice whose balance reached zero is settled (event `invoice.settled`); its order may now be paid."""
    if invoice.balance != 0 or invoice.status == Invoice.Status.SETTLED:
        return
    invoice.status, invoice.settled_on = Invoice.Status.SETTLED, on
    invoice.save(update_fields=["status", "settled_on", "updated_at"])
    record_event(
        "invoice.settled",
        invoice,
        actor=actor,
        before={"status": Invoice.Status.OPEN},
        after={"status": Invoice.Status.SETTLED, "settled_on": on.isoformat()},
    )
    mark_paid_if_settled(invoice.order_id, actor=actor)


def is_fully_invoiced(lines) -> bool:
    return any(line.shipped_quantity for line in lines) and all(
        line.invoiced_quantity == line.shipped_quantity for line in lines
    )


def complete_invoiced_order(order_id: int, *, actor=None) -> None:
    """An order that became shipped with everything shipped already invoiced (its unshipped remainder was
    cancelled after the last invoice) is invoiced, and paid if its invoices are settled. Run by the handler of
    `order.shipped`; does nothing for an order with something left to invoice."""
    with transaction.atomic():
        order = SalesOrder.objects.select_for_update(of=("self",)).get(pk=order_id)
        if order.status != OrderStatus.SHIPPED or not is_fully_invoiced(list(order.lines.all())):
            return
        transition(order, OrderStatus.INVOICED, actor=actor, reason=_("Everything shipped was invoiced already."))
        # Cancelling the remainder credited the unused prepayment already; this only guards the invariant that an
        # invoiced order keeps none (decision 0016).
        credit_unused_prepayment(order, actor=actor)
        mark_paid_if_settled(order_id, actor=actor)


def mark_paid_if_settled(order_id: int, *, actor) -> None:
    """A fully invoiced order whose invoices are all settled is paid."""
    order = SalesOrder.objects.select_for_update(of=("self",)).get(pk=order_id)
    if order.status != OrderStatus.INVOICED:
        return
    if Invoice.objects.filter(order_id=order_id, status=Invoice.Status.OPEN).exists():
        return
    transition(order, OrderStatus.PAID, actor=actor)


CreditHolder = Payment | CreditNote | SalesOrder


def credit_sources(customer: Customer) -> list[CreditHolder]:
    """The customer's unused credit (the caller holds the customer's row lock), locked, in the order it is used
    for invoices and refunds: payments by the day received, then orders' credited prepayments, then credit notes
    by issue date. Together they hold exactly the customer's `credit_balance`."""
    return [
        *Payment.objects.select_for_update()
        .filter(customer=customer, unapplied_amount__gt=0)
        .order_by("received_on", "pk"),
        *SalesOrder.objects.select_for_update(of=("self",))
        .filter(customer=customer, prepayment_credit_left__gt=0)
        .order_by("pk"),
        *CreditNote.objects.select_for_update()
        .filter(customer=customer, unapplied_amount__gt=0)
        .order_by("issue_date", "pk"),
    ]


def credit_left(source: CreditHolder) -> Decimal:
    return source.prepayment_credit_left if isinstance(source, SalesOrder) else source.unapplied_amount


def draw_credit(source: CreditHolder, amount: Decimal) -> dict[str, Any]:
    """Take `amount` from a source of customer credit (locked) and save it. Returns the `source` and reference of
    the settlement or refund line recording where that money went."""
    if isinstance(source, SalesOrder):
        source.prepayment_credit_left -= amount
        source.save(update_fields=["prepayment_credit_left", "updated_at"])
        return {"source": CreditSource.CREDITED_PREPAYMENT, "prepaid_order": source}
    source.unapplied_amount -= amount
    source.save(update_fields=["unapplied_amount", "updated_at"])
    if isinstance(source, Payment):
        return {"source": CreditSource.PAYMENT, "payment": source}
    return {"source": CreditSource.CREDIT_NOTE, "credit_note": source}


def apply_customer_credit(customer: Customer, invoices: list[Invoice], *, on: datetime.date, actor) -> list[dict]:
    """Settle `invoices` (locked, oldest due first) from the customer's credit (`credit_sources`). Returns what was
    applied, for the event."""
    applied: list[dict] = []
    if customer.credit_balance <= 0:
        return applied
    sources = credit_sources(customer)
    for invoice in invoices:
        for source in sources:
            amount = min(credit_left(source), invoice.balance)
            if amount <= 0:
                continue
            settle(invoice, amount, on=on, actor=actor, **draw_credit(source, amount))
            change_balances(customer, receivable=-amount, credit=-amount)
            applied.append({"invoice": invoice.number, "from": source.number, "amount": amount})
    return applied


def open_invoices(customer: Customer) -> list[Invoice]:
    return list(
        Invoice.objects.select_for_update()
        .filter(customer=customer, status=Invoice.Status.OPEN)
        .order_by("due_date", "issue_date", "pk")
    )


# --- invoices --------------------------------------------------------------------------------------------------


def invoice_lines_for(order: SalesOrder, order_lines: list[OrderLine]) -> list[InvoiceLine]:
    """Invoice lines for every shipped, not yet invoiced quantity. A line invoiced to its full quantity takes
    what is left of its amount and VAT, and the invoice completing the order takes what is left of the order's
    net amount, so the invoices of an order add up to the order exactly."""
    # Back to cents: SUM over decimals is floating point on SQLite.
    done = {
        row["order_line"]: {"net": money(row["net"]), "tax": money(row["tax"])}
        for row in InvoiceLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(net=Sum("net_amount"), tax=Sum("tax_amount"))
    }
    lines = []
    for order_line in order_lines:
        quantity = order_line.shipped_quantity - order_line.invoiced_quantity
        if quantity <= 0:
            continue
        order_line.order = order
        if order_line.invoiced_quantity + quantity == order_line.quantity:
            previous = done.get(order_line.pk, {"net": ZERO, "tax": ZERO})
            net, tax = order_line.net_amount - previous["net"], order_line.tax_amount - previous["tax"]
        else:
            net, tax = order_line.share_of(quantity)
        lines.append(
            InvoiceLine(
                position=len(lines) + 1,
                order_line=order_line,
                product=order_line.product,
                quantity=quantity,
                net_amount=net,
                tax_rate=order_line.tax_rate,
                tax_amount=tax,
            )
        )
    # Every shipped quantity is invoiced now; if everything ordered was shipped, this invoice completes the order.
    if lines and all(line.shipped_quantity == line.quantity for line in order_lines):
        invoiced_net = sum((row["net"] for row in done.values()), ZERO)
        difference = (
            order.subtotal - order.discount_amount - invoiced_net - sum((line.net_amount for line in lines), ZERO)
        )
        max(lines, key=lambda line: line.net_amount).net_amount += difference
    for line in lines:
        line.unit_price = (line.net_amount / line.quantity).quantize(UNIT_PRICE)
    return lines


def issue_invoice(order: SalesOrder, *, actor: User) -> Invoice:
    """Invoice everything shipped and not yet invoiced on `order`, due after the order's payment term. The
    order's unused prepayment settles it first, then any customer credit. A fully shipped order whose
    shipments are all invoiced becomes invoiced (and paid, if nothing is left to pay), and what no invoice of it
    used of its prepayment becomes customer credit. Records `invoice.issued`."""
    check_may_bill(actor)
    with transaction.atomic():
        locked = lock(order)
        if locked.status not in (OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED):
            raise ValidationError({"order_id": [_("Only shipped goods are invoiced.")]})
        order_lines = list(locked.lines.select_related("product"))
        lines = invoice_lines_for(locked, order_lines)
        if not lines:
            raise ValidationError({"order_id": [_("Everything shipped on this order is invoiced already.")]})
        customer = lock_customer(locked.customer_id)
        today = company_today()
        net = sum((line.net_amount for line in lines), ZERO)
        tax = sum((line.tax_amount for line in lines), ZERO)
        invoice = Invoice.objects.create(
            number=next_document_number("INV", today.year),
            order=locked,
            customer=customer,
            owner_id=locked.owner_id,
            office_id=locked.office_id,
            region_id=locked.region_id,
            issue_date=today,
            due_date=due_date_for(today, locked.payment_term),
            payment_term=locked.payment_term,
            net_amount=net,
            tax_amount=tax,
            total=net + tax,
            issued_by=actor,
            issued_at=clock.now(),
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        for line in lines:
            line.order_line.invoiced_quantity += line.quantity
        OrderLine.objects.bulk_update([line.order_line for line in lines], ["invoiced_quantity"])
        record_event(
            "invoice.issued",
            invoice,
            actor=actor,
            after=to_json(
                {"order": locked.pk, "total": invoice.total, "due_date": invoice.due_date, "status": invoice.status}
            ),
            data={
                "lines": to_json(
                    [
                        {
                            "product": line.product.sku,
                            "quantity": line.quantity,
                            "net": line.net_amount,
                            "tax": line.tax_amount,
                        }
                        for line in lines
                    ]
                )
            },
        )
        change_balances(customer, receivable=invoice.total)
        locked.invoiced_amount += invoice.total
        prepaid = min(locked.unused_prepayment, invoice.total)
        locked.prepayment_applied += prepaid
        locked.save(update_fields=["invoiced_amount", "prepayment_applied", "updated_at"])
        if locked.status == OrderStatus.SHIPPED and is_fully_invoiced(order_lines):
            transition(locked, OrderStatus.INVOICED, actor=actor, data={"invoice": invoice.number})
            # The last invoice: what it did not use of the prepayment, no invoice will (a prepayment recorded after
            # earlier invoices were paid otherwise).
            credit_unused_prepayment(locked, actor=actor, customer=customer)
        if prepaid > 0:
            settle(invoice, prepaid, source=Settlement.Source.PREPAYMENT, on=today, actor=actor)
            change_balances(customer, receivable=-prepaid)
        apply_customer_credit(customer, [invoice], on=today, actor=actor)
        close_if_settled(invoice, on=today, actor=actor)
    return invoice


# --- payments --------------------------------------------------------------------------------------------------


@dataclass
class Allocation:
    invoice: Invoice
    amount: Decimal


def clean_past_date(raw, field: str, future_message: str) -> datetime.date:
    if isinstance(raw, datetime.date):
        day = raw
    else:
        try:
            day = datetime.date.fromisoformat(str(raw))
        except ValueError:
            raise ValidationError({field: [_("Enter a date (YYYY-MM-DD).")]}) from None
    if day > company_today():
        raise ValidationError({field: [future_message]})
    return day


def clean_received_on(raw) -> datetime.date:
    return clean_past_date(raw, "received_on", _("A payment cannot be received in the future."))


def clean_method_and_reference(method: str, reference: str) -> str:
    if method not in Payment.Method.values:
        raise ValidationError({"method": [_("Choose a payment method.")]})
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise ValidationError({"reference": [_("At most %(count)s characters.") % {"count": 100}]})
    return reference


def chosen_allocations(customer: Customer, requested: list[dict[str, Any]], amount: Decimal) -> list[Allocation]:
    """Allocations the caller named: open invoices of this customer, each at most its balance, in total at most
    the payment."""
    errors: dict[str, list[str]] = {}
    invoices = Invoice.objects.select_for_update().in_bulk([item.get("invoice_id") for item in requested])
    result, seen = [], set()
    for index, item in enumerate(requested):
        invoice = invoices.get(item.get("invoice_id"))
        if invoice is None or invoice.customer_id != customer.pk or invoice.status != Invoice.Status.OPEN:
            errors[f"allocations.{index}.invoice_id"] = [_("Choose an open invoice of this customer.")]
            continue
        if invoice.pk in seen:
            errors[f"allocations.{index}.invoice_id"] = [_("Each invoice once per payment.")]
            continue
        seen.add(invoice.pk)
        try:
            value = clean_amount(item.get("amount"), f"allocations.{index}.amount")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if value > invoice.balance:
            errors[f"allocations.{index}.amount"] = [
                _("%(number)s has %(balance)s CNY open.") % {"number": invoice.number, "balance": invoice.balance}
            ]
            continue
        result.append(Allocation(invoice, value))
    if not errors and sum((a.amount for a in result), ZERO) > amount:
        errors["allocations"] = [_("The allocations add up to more than the payment.")]
    if errors:
        raise ValidationError(errors)
    return result


def oldest_first(customer: Customer, amount: Decimal) -> list[Allocation]:
    result, left = [], amount
    for invoice in open_invoices(customer):
        if left <= 0:
            break
        value = min(left, invoice.balance)
        result.append(Allocation(invoice, value))
        left -= value
    return result


def record_payment(
    *,
    actor: User,
    customer: Customer,
    amount,
    received_on,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    allocations: list[dict[str, Any]] | None = None,
) -> Payment:
    """Money received from `customer`: it settles the invoices named in `allocations` (dicts with `invoice_id`
    and `amount`), or else the open invoices oldest due first; what is left is kept as customer credit and
    settles later invoices. Records `payment.recorded` with the allocations."""
    check_may_bill(actor)
    if not isinstance(customer, Customer):
        raise ValidationError({"customer_id": [_("Choose a customer.")]})
    amount = clean_amount(amount, "amount")
    received_on = clean_received_on(received_on)
    reference = clean_method_and_reference(method, reference)
    with transaction.atomic():
        customer = lock_customer(customer.pk)
        if allocations is None:
            chosen = oldest_first(customer, amount)
        else:
            chosen = chosen_allocations(customer, allocations, amount)
        payment = Payment.objects.create(
            number=next_document_number("PAY", received_on.year),
            customer=customer,
            amount=amount,
            received_on=received_on,
            method=method,
            reference=reference,
            unapplied_amount=amount,
            recorded_by=actor,
        )
        record_event(
            "payment.recorded",
            payment,
            actor=actor,
            after=to_json({"customer": customer.pk, "amount": amount, "received_on": received_on, "method": method}),
            data={"allocations": to_json([{"invoice": a.invoice.number, "amount": a.amount} for a in chosen])},
        )
        for allocation in chosen:
            settle(
                allocation.invoice,
                allocation.amount,
                source=Settlement.Source.PAYMENT,
                on=received_on,
                actor=actor,
                payment=payment,
            )
            payment.unapplied_amount -= allocation.amount
        payment.save(update_fields=["unapplied_amount", "updated_at"])
        applied = amount - payment.unapplied_amount
        change_balances(customer, receivable=-applied, credit=payment.unapplied_amount)
    return payment


# --- refunds -----------------------------------------------------------------------------------------------------


def refund_credit(
    *,
    actor: User,
    customer: Customer,
    amount,
    paid_on,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
) -> Refund:
    """Pay customer credit back to `customer` (overpayments, credit notes not set against an invoice, prepayments
    of orders that could not use them): at most its credit balance, drawn on its sources in the order
    `credit_sources` gives, each draw a `RefundLine`. Invoices are untouched. Records `refund.recorded` with the
    sources and `customer.credit_refunded` with the balance before and after."""
    check_may_bill(actor)
    if not isinstance(customer, Customer):
        raise ValidationError({"customer_id": [_("Choose a customer.")]})
    amount = clean_amount(amount, "amount")
    paid_on = clean_past_date(paid_on, "paid_on", _("A refund cannot be paid in the future."))
    reference = clean_method_and_reference(method, reference)
    with transaction.atomic():
        customer = lock_customer(customer.pk)
        sources = credit_sources(customer)
        available = min(customer.credit_balance, sum((credit_left(source) for source in sources), ZERO))
        if amount > available:
            raise ValidationError(
                {"amount": [_("At most %(credit)s CNY of customer credit can be refunded.") % {"credit": available}]}
            )
        refund = Refund.objects.create(
            number=next_document_number("REF", paid_on.year),
            customer=customer,
            amount=amount,
            paid_on=paid_on,
            method=method,
            reference=reference,
            recorded_by=actor,
        )
        lines, left = [], amount
        for source in sources:
            value = min(left, credit_left(source))
            if value <= 0:
                break
            lines.append(RefundLine(refund=refund, amount=value, **draw_credit(source, value)))
            left -= value
        RefundLine.objects.bulk_create(lines)
        credit_before = customer.credit_balance
        change_balances(customer, credit=-amount)
        drawn = to_json([{"from": line.origin.number, "source": line.source, "amount": line.amount} for line in lines])
        record_event(
            "refund.recorded",
            refund,
            actor=actor,
            after=to_json({"customer": customer.pk, "amount": amount, "paid_on": paid_on, "method": method}),
            data={"sources": drawn},
        )
        record_event(
            "customer.credit_refunded",
            customer,
            actor=actor,
            before=to_json({"credit_balance": credit_before}),
            after=to_json({"credit_balance": customer.credit_balance}),
            data={"refund": refund.number, "amount": amount},
        )
    return refund


# --- red-letter corrections ------------------------------------------------------------------------------------


def credited_share(line: InvoiceLine, quantity: Decimal) -> tuple[Decimal, Decimal]:
    """Net and VAT credited for returning `quantity` of an invoice line: its share, or what is left when the
    return covers the whole line."""
    if line.credited_quantity + quantity == line.quantity:
        return line.net_amount - line.credited_net, line.tax_amount - line.credited_tax
    share = quantity / line.quantity
    return (
        min(money(line.net_amount * share), line.net_amount - line.credited_net),
        min(money(line.tax_amount * share), line.tax_amount - line.credited_tax),
    )


def correction_lines(invoice: Invoice, kind: str, requested: list[dict[str, Any]]) -> list[CorrectionLine]:
    """Validate the requested lines against what of each invoice line is not yet credited."""
    if not requested:
        raise ValidationError({"lines": [_("Name at least one invoice line.")]})
    errors: dict[str, list[str]] = {}
    invoice_lines = {line.pk: line for line in invoice.lines.select_related("product")}
    result, seen = [], set()
    for index, item in enumerate(requested):
        line = invoice_lines.get(item.get("invoice_line_id"))
        if line is None or line.pk in seen:
            errors[f"lines.{index}.invoice_line_id"] = [_("Choose a line of this invoice, once.")]
            continue
        seen.add(line.pk)
        if kind == CorrectionRequest.Kind.RETURN:
            try:
                quantity = clean_quantity(item.get("quantity"), f"lines.{index}.quantity")
            except ValidationError as exc:
                errors.update(exc.message_dict)
                continue
            if quantity > line.quantity - line.credited_quantity:
                errors[f"lines.{index}.quantity"] = [
                    _("At most %(left)s can be returned.")
                    % {"left": (line.quantity - line.credited_quantity).normalize()}
                ]
                continue
            net, tax = credited_share(line, quantity)
        else:
            try:
                net = clean_amount(item.get("net_amount"), f"lines.{index}.net_amount")
            except ValidationError as exc:
                errors.update(exc.message_dict)
                continue
            if net > line.net_amount - line.credited_net:
                errors[f"lines.{index}.net_amount"] = [
                    _("At most %(left)s CNY can be credited.") % {"left": line.net_amount - line.credited_net}
                ]
                continue
            quantity = Decimal(0)
            tax = min(money(net * line.tax_rate), line.tax_amount - line.credited_tax)
        if net + tax <= 0:
            errors[f"lines.{index}.invoice_line_id"] = [_("Nothing is left to credit on this line.")]
            continue
        result.append(CorrectionLine(invoice_line=line, quantity=quantity, net_amount=net, tax_amount=tax))
    if errors:
        raise ValidationError(errors)
    return result


def request_correction(
    invoice: Invoice, *, actor: User, kind: str, reason: str, lines: list[dict[str, Any]]
) -> CorrectionRequest:
    """Ask to credit part of an issued invoice (红字信息确认单): returned quantities (`quantity` per line) or a
    price correction (`net_amount` per line, VAT at the line's rate). Nothing changes on the invoice until a
    second person confirms. Records `correction.requested`."""
    check_may_bill(actor)
    if kind not in CorrectionRequest.Kind.values:
        raise ValidationError({"kind": [_("Choose goods returned or a price correction.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the invoice is corrected.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most %(count)s characters.") % {"count": 500}]})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        lines_to_credit = correction_lines(invoice, kind, lines)
        net = sum((line.net_amount for line in lines_to_credit), ZERO)
        tax = sum((line.tax_amount for line in lines_to_credit), ZERO)
        request = CorrectionRequest.objects.create(
            number=next_document_number("RED", company_today().year),
            invoice=invoice,
            kind=kind,
            reason=reason,
            net_amount=net,
            tax_amount=tax,
            total=net + tax,
            requested_by=actor,
        )
        for line in lines_to_credit:
            line.request = request
        CorrectionLine.objects.bulk_create(lines_to_credit)
        record_event(
            "correction.requested",
            request,
            actor=actor,
            after=to_json({"invoice": invoice.pk, "kind": kind, "total": request.total, "status": request.status}),
            data={"reason": reason},
        )
    return request


def lock_request(request: CorrectionRequest, actor: User) -> CorrectionRequest:
    locked = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != CorrectionRequest.Status.REQUESTED:
        raise ValidationError({"status": [_("This correction request was decided already.")]})
    if locked.requested_by_id == actor.pk:
        raise PermissionDenied(_("A correction request is confirmed by someone other than who asked for it."))
    return locked


def confirm_correction(request: CorrectionRequest, *, actor: User, comment: str = "") -> CreditNote:
    """A second person confirms the request: a credit note (red-letter invoice) is issued against the original
    invoice, which is never edited. It reduces the invoice's balance; any excess (the invoice was paid) becomes
    customer credit and settles the customer's other open invoices. Returned goods come back into the order's
    warehouse. Records `correction.confirmed` and `credit_note.issued`."""
    check_may_bill(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock_request(request, actor)
        invoice = Invoice.objects.select_for_update().select_related("order__warehouse").get(pk=locked.invoice_id)
        customer = lock_customer(invoice.customer_id)
        # Validate again: another request may have credited the same lines since this one was made.
        requested = [
            {"invoice_line_id": line.invoice_line_id, "quantity": line.quantity, "net_amount": line.net_amount}
            for line in locked.lines.all()
        ]
        current = correction_lines(invoice, locked.kind, requested)
        if sum((line.net_amount + line.tax_amount for line in current), ZERO) != locked.total:
            raise ValidationError({"status": [_("The invoice changed since this request was made; ask again.")]})
        today = company_today()
        decide(locked, CorrectionRequest.Status.CONFIRMED, actor=actor, comment=comment)
        on_invoice = min(locked.total, invoice.balance)
        note = CreditNote.objects.create(
            number=next_document_number("CN", today.year),
            request=locked,
            invoice=invoice,
            customer=customer,
            issue_date=today,
            net_amount=locked.net_amount,
            tax_amount=locked.tax_amount,
            total=locked.total,
            invoice_amount=on_invoice,
            unapplied_amount=locked.total - on_invoice,
        )
        for line in current:
            line.invoice_line.credited_quantity += line.quantity
            line.invoice_line.credited_net += line.net_amount
            line.invoice_line.credited_tax += line.tax_amount
        InvoiceLine.objects.bulk_update(
            [line.invoice_line for line in current], ["credited_quantity", "credited_net", "credited_tax"]
        )
        invoice.credited_amount += on_invoice
        invoice.save(update_fields=["credited_amount", "updated_at"])
        record_event(
            "credit_note.issued",
            note,
            actor=actor,
            after=to_json({"invoice": invoice.pk, "total": note.total, "customer_credit": note.unapplied_amount}),
        )
        change_balances(customer, receivable=-on_invoice, credit=note.unapplied_amount)
        if locked.kind == CorrectionRequest.Kind.RETURN:
            warehouse = invoice.order.warehouse
            return_stock(
                [StockLine(line.invoice_line.product, warehouse, line.quantity) for line in current if line.quantity],
                source=note,
                actor=actor,
            )
        close_if_settled(invoice, on=today, actor=actor)
        apply_customer_credit(customer, open_invoices(customer), on=today, actor=actor)
    return note


def reject_correction(request: CorrectionRequest, *, actor: User, comment: str) -> CorrectionRequest:
    """A second person turns the request down, with the reason; the invoice is unchanged."""
    check_may_bill(actor)
    comment = clean_comment(comment, required=True, message=_("Say why the correction is rejected."))
    with transaction.atomic():
        locked = lock_request(request, actor)
        decide(locked, CorrectionRequest.Status.REJECTED, actor=actor, comment=comment)
    return locked


def decide(request: CorrectionRequest, status: str, *, actor: User, comment: str) -> None:
    """Record the decision on a locked request and its `correction.<status>` event."""
    request.status, request.decided_by, request.decided_at = status, actor, clock.now()
    request.decision_comment = comment
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    record_event(
        f"correction.{status}",
        request,
        actor=actor,
        before={"status": CorrectionRequest.Status.REQUESTED},
        after={"status": status},
        data={"comment": comment} if comment else None,
    )


# --- month-end receivables ---------------------------------------------------------------------------------------


def month_end(month: datetime.date) -> datetime.date:
    first_of_next = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_of_next - datetime.timedelta(days=1)


def record_month_end(month: datetime.date) -> int:
    """Write, per customer invoiced by the end of `month`, what was open, what was overdue and the days past
    due of the oldest overdue invoice at the month's end (company calendar). Rebuilt from settlement history,
    so it can run again for any past month with the same result; returns the number of rows written."""
    month, day = month.replace(day=1), month_end(month)
    per_customer: dict[int, dict] = {}
    for customer_id in Invoice.objects.filter(issue_date__lte=day).values_list("customer_id", flat=True).distinct():
        per_customer[customer_id] = {"open": ZERO, "overdue": ZERO, "days": 0}
    for invoice, balance in balances_at(Invoice.objects.all(), day):
        row = per_customer[invoice.customer_id]
        row["open"] += balance
        if invoice.due_date < day:
            row["overdue"] += balance
            row["days"] = max(row["days"], (day - invoice.due_date).days)
    with transaction.atomic():
        for customer_id, row in per_customer.items():
            MonthEndReceivable.objects.update_or_create(
                customer_id=customer_id,
                month=month,
                defaults={
                    "open_amount": row["open"],
                    "overdue_amount": row["overdue"],
                    "days_past_due": row["days"],
                    "computed_at": timezone.now(),
                },
            )
    return len(per_customer)
