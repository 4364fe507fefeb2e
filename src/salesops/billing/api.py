"""/api/v1 invoices, payments, corrections, credit notes and receivables: parse, authorise, call, return."""

from functools import partial

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.billing import actions
from salesops.billing.exports import (
    aging_export,
    corrections_export,
    credit_notes_export,
    invoices_export,
    month_ends_export,
    payments_export,
)
from salesops.billing.filters import (
    filter_aging_invoices,
    filter_corrections,
    filter_credit_notes,
    filter_invoices,
    filter_month_ends,
    filter_payments,
    filter_refunds,
)
from salesops.billing.invoice_pdf import invoice_pdf_response
from salesops.billing.models import CorrectionRequest, Invoice, MonthEndReceivable, Payment, Refund
from salesops.billing.queries import (
    aging,
    visible_corrections,
    visible_credit_notes,
    visible_invoices,
    visible_payments,
    visible_refunds,
)
from salesops.billing.schemas import (
    AgingFilters,
    AgingOut,
    CorrectionFilters,
    CorrectionIn,
    CorrectionOut,
    CreditNoteOut,
    DecisionIn,
    InvoiceFilters,
    InvoiceIn,
    InvoiceOut,
    MonthEndFilters,
    MonthEndOut,
    PaymentFilters,
    PaymentIn,
    PaymentOut,
    RefundFilters,
    RefundIn,
    RefundOut,
)
from salesops.catalog.pricing import company_today
from salesops.core.api.actions import action_endpoint
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import for_user, get_for_user
from salesops.customers.queries import visible_customers
from salesops.orders.queries import visible_orders

router = Router(tags=["billing"])
READ, WRITE = "billing:read", "billing:write"


def invoice_out(invoice: Invoice) -> InvoiceOut:
    fresh = (
        Invoice.objects.select_related("order", "customer", "owner", "region", "issued_by")
        .prefetch_related(
            "lines__product", "settlements__payment", "settlements__credit_note", "settlements__prepaid_order"
        )
        .get(pk=invoice.pk)
    )
    return InvoiceOut.from_orm(fresh)


def payment_out(payment: Payment) -> PaymentOut:
    fresh = (
        Payment.objects.select_related("customer", "recorded_by")
        .prefetch_related("settlements__invoice")
        .get(pk=payment.pk)
    )
    return PaymentOut.from_orm(fresh)


def refund_out(refund: Refund) -> RefundOut:
    fresh = (
        Refund.objects.select_related("customer", "recorded_by")
        .prefetch_related("lines__payment", "lines__credit_note", "lines__prepaid_order")
        .get(pk=refund.pk)
    )
    return RefundOut.from_orm(fresh)


def correction_out(request: CorrectionRequest) -> CorrectionOut:
    fresh = (
        CorrectionRequest.objects.select_related("invoice", "requested_by", "decided_by", "credit_note")
        .prefetch_related("lines")
        .get(pk=request.pk)
    )
    return CorrectionOut.from_orm(fresh)


def get_invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return get_for_user(visible_invoices(request.user), request.user, pk=invoice_id)


# --- invoices ---------------------------------------------------------------------------------------------------


@router.get("/invoices", response={200: Page[InvoiceOut], **READ_ERRORS}, summary="List invoices")
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]):
    """Invoices of the customers the caller may see (a rep also sees the invoices of orders they own)."""
    require_scope(request, READ)
    invoices = visible_invoices(request.user).prefetch_related(
        "lines__product", "settlements__payment", "settlements__credit_note", "settlements__prepaid_order"
    )
    return paginate(filter_invoices(invoices, filters), filters)


@export_routes(router, "/invoices/export", summary="Export invoices")
def export_invoices(request: HttpRequest, filters: Query[InvoiceFilters]):
    require_scope(request, READ)
    return invoices_export(filter_invoices(visible_invoices(request.user), filters), export_format(request))


@router.post(
    "/invoices", response={201: InvoiceOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Issue an invoice"
)
@idempotent
def create_invoice(request: HttpRequest, payload: InvoiceIn):
    """Finance invoices everything shipped and not yet invoiced on the order. The order's unused prepayment
    and any customer credit settle it at once."""
    require_scope(request, WRITE)
    order = visible_orders(request.user).filter(pk=payload.order_id).first()
    if order is None:
        raise ValidationError({"order_id": ["Choose a shipped order you may invoice."]})
    return Status(201, invoice_out(actions.issue_invoice(order, actor=request.user)))


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **READ_ERRORS}, summary="Read an invoice")
def read_invoice(request: HttpRequest, invoice_id: int):
    require_scope(request, READ)
    return invoice_out(get_invoice(request, invoice_id))


@router.get(
    "/invoices/{invoice_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="An invoice's timeline"
)
def invoice_events(request: HttpRequest, invoice_id: int):
    require_scope(request, READ)
    return event_list(get_invoice(request, invoice_id))


@router.get("/invoices/{invoice_id}/pdf", response={200: None, **READ_ERRORS}, summary="The invoice as a PDF")
def invoice_pdf(request: HttpRequest, invoice_id: int):
    """The printable invoice in Simplified Chinese: lines, VAT by rate, the total in figures and in words."""
    require_scope(request, READ)
    return invoice_pdf_response(get_invoice(request, invoice_id), request)


@router.post(
    "/invoices/{invoice_id}/corrections",
    response={201: CorrectionOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Request a red-letter correction",
)
@idempotent
def create_correction(request: HttpRequest, invoice_id: int, payload: CorrectionIn):
    """A red-letter information form: returned quantities (`kind` return, `quantity` per line) or a price
    correction (`kind` price, `net_amount` per line). A second person confirms it to issue the credit note."""
    require_scope(request, WRITE)
    invoice = get_invoice(request, invoice_id)
    correction = actions.request_correction(
        invoice,
        actor=request.user,
        kind=payload.kind,
        reason=payload.reason,
        lines=[line.dict() for line in payload.lines],
    )
    return Status(201, correction_out(correction))


# --- corrections and credit notes -------------------------------------------------------------------------------


@router.get("/corrections", response={200: Page[CorrectionOut], **READ_ERRORS}, summary="List correction requests")
def list_corrections(request: HttpRequest, filters: Query[CorrectionFilters]):
    require_scope(request, READ)
    corrections = visible_corrections(request.user).select_related("credit_note").prefetch_related("lines")
    return paginate(filter_corrections(corrections, filters), filters)


@export_routes(router, "/corrections/export", summary="Export correction requests")
def export_corrections(request: HttpRequest, filters: Query[CorrectionFilters]):
    require_scope(request, READ)
    return corrections_export(filter_corrections(visible_corrections(request.user), filters), export_format(request))


@router.get(
    "/corrections/{correction_id}", response={200: CorrectionOut, **READ_ERRORS}, summary="Read a correction request"
)
def read_correction(request: HttpRequest, correction_id: int):
    require_scope(request, READ)
    return correction_out(get_correction(request, correction_id))


def get_correction(request: HttpRequest, correction_id: int) -> CorrectionRequest:
    return get_for_user(visible_corrections(request.user), request.user, pk=correction_id)


# POST /corrections/{correction_id}/<verb>: finance decides on a correction request, with a comment.
decision = partial(
    action_endpoint,
    router,
    "/corrections/{correction_id}",
    load=get_correction,
    answer=correction_out,
    response=CorrectionOut,
    body=DecisionIn,
    scopes=[WRITE],
)
decision(
    "confirm",
    summary="Confirm a correction request",
    description="Finance, not the requester: issues the red-letter credit note; returned goods come back into stock.",
    call=actions.confirm_correction,
)
decision(
    "reject",
    summary="Reject a correction request",
    description="Finance, not the requester; `comment` is required. The invoice is unchanged.",
    call=actions.reject_correction,
)


@router.get("/credit-notes", response={200: Page[CreditNoteOut], **READ_ERRORS}, summary="List credit notes")
def list_credit_notes(request: HttpRequest, filters: Query[CorrectionFilters]):
    """Red-letter credit notes; filters `invoice_id`, `customer_id` (`status` does not apply)."""
    require_scope(request, READ)
    return paginate(filter_credit_notes(visible_credit_notes(request.user), filters), filters)


@export_routes(router, "/credit-notes/export", summary="Export credit notes")
def export_credit_notes(request: HttpRequest, filters: Query[CorrectionFilters]):
    require_scope(request, READ)
    return credit_notes_export(filter_credit_notes(visible_credit_notes(request.user), filters), export_format(request))


@router.get("/credit-notes/{note_id}", response={200: CreditNoteOut, **READ_ERRORS}, summary="Read a credit note")
def read_credit_note(request: HttpRequest, note_id: int):
    require_scope(request, READ)
    return get_for_user(visible_credit_notes(request.user), request.user, pk=note_id)


# --- payments ----------------------------------------------------------------------------------------------------


@router.get("/payments", response={200: Page[PaymentOut], **READ_ERRORS}, summary="List payments")
def list_payments(request: HttpRequest, filters: Query[PaymentFilters]):
    require_scope(request, READ)
    payments = visible_payments(request.user).prefetch_related("settlements__invoice")
    return paginate(filter_payments(payments, filters), filters)


@export_routes(router, "/payments/export", summary="Export payments")
def export_payments(request: HttpRequest, filters: Query[PaymentFilters]):
    require_scope(request, READ)
    return payments_export(filter_payments(visible_payments(request.user), filters), export_format(request))


@router.post(
    "/payments", response={201: PaymentOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Record a payment"
)
@idempotent
def create_payment(request: HttpRequest, payload: PaymentIn):
    """Finance records money received: it settles the named invoices, or the open ones oldest due first; an
    overpayment is kept as customer credit."""
    require_scope(request, WRITE)
    customer = visible_customers(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise ValidationError({"customer_id": ["Choose a customer you may see."]})
    allocations = None
    if payload.allocations is not None:
        visible = set(
            visible_invoices(request.user)
            .filter(pk__in=[a.invoice_id for a in payload.allocations])
            .values_list("pk", flat=True)
        )
        allocations = [
            {"invoice_id": a.invoice_id if a.invoice_id in visible else None, "amount": a.amount}
            for a in payload.allocations
        ]
    payment = actions.record_payment(
        actor=request.user,
        customer=customer,
        amount=payload.amount,
        received_on=payload.received_on,
        method=payload.method,
        reference=payload.reference,
        allocations=allocations,
    )
    return Status(201, payment_out(payment))


@router.get("/payments/{payment_id}", response={200: PaymentOut, **READ_ERRORS}, summary="Read a payment")
def read_payment(request: HttpRequest, payment_id: int):
    require_scope(request, READ)
    return payment_out(get_for_user(visible_payments(request.user), request.user, pk=payment_id))


# --- refunds -----------------------------------------------------------------------------------------------------


@router.get("/refunds", response={200: Page[RefundOut], **READ_ERRORS}, summary="List refunds")
def list_refunds(request: HttpRequest, filters: Query[RefundFilters]):
    require_scope(request, READ)
    refunds = visible_refunds(request.user).prefetch_related(
        "lines__payment", "lines__credit_note", "lines__prepaid_order"
    )
    return paginate(filter_refunds(refunds, filters), filters)


@router.post(
    "/refunds", response={201: RefundOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Refund customer credit"
)
@idempotent
def create_refund(request: HttpRequest, payload: RefundIn):
    """Finance pays customer credit back: overpayments, credit notes not set against an invoice, and prepayments
    of orders that could not use them (cancelled, rejected, or billed for less). At most the customer's credit;
    drawn on its sources oldest first. Invoices are untouched."""
    require_scope(request, WRITE)
    customer = visible_customers(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise ValidationError({"customer_id": ["Choose a customer you may see."]})
    refund = actions.refund_credit(
        actor=request.user,
        customer=customer,
        amount=payload.amount,
        paid_on=payload.paid_on,
        method=payload.method,
        reference=payload.reference,
    )
    return Status(201, refund_out(refund))


@router.get("/refunds/{refund_id}", response={200: RefundOut, **READ_ERRORS}, summary="Read a refund")
def read_refund(request: HttpRequest, refund_id: int):
    require_scope(request, READ)
    return refund_out(get_for_user(visible_refunds(request.user), request.user, pk=refund_id))


# --- receivables -------------------------------------------------------------------------------------------------


def aging_for(request: HttpRequest, filters: AgingFilters):
    return aging(filter_aging_invoices(visible_invoices(request.user), filters), company_today())


@router.get("/receivables/aging", response={200: AgingOut, **READ_ERRORS}, summary="Receivables aging")
def receivables_aging(request: HttpRequest, filters: Query[AgingFilters]):
    """Open balances per customer by days past due today (company calendar): current, 1-30, 31-60, 61-90, 90+."""
    require_scope(request, READ)
    report = aging_for(request, filters)
    return {
        "as_of": report.as_of,
        "totals": report.totals,
        "rows": [
            {
                "customer": {"id": row.customer_id, "name": row.customer_name},
                "region": row.region_name,
                "current": row.current,
                "days_1_30": row.days_1_30,
                "days_31_60": row.days_31_60,
                "days_61_90": row.days_61_90,
                "days_over_90": row.days_over_90,
                "total": row.total,
                "overdue": row.overdue,
                "days_past_due": row.days_past_due(report.as_of),
            }
            for row in report.rows
        ],
    }


@export_routes(router, "/receivables/aging/export", summary="Export aging")
def export_aging(request: HttpRequest, filters: Query[AgingFilters]):
    require_scope(request, READ)
    return aging_export(aging_for(request, filters), export_format(request))


def month_ends_for(request: HttpRequest, filters: MonthEndFilters):
    return filter_month_ends(for_user(MonthEndReceivable.objects.select_related("customer"), request.user), filters)


@router.get("/receivables/month-end", response={200: Page[MonthEndOut], **READ_ERRORS}, summary="Month-end receivables")
def month_end_receivables(request: HttpRequest, filters: Query[MonthEndFilters]):
    """Per customer and month: open and overdue amounts and the days past due at month end."""
    require_scope(request, READ)
    return paginate(month_ends_for(request, filters), filters)


@export_routes(router, "/receivables/month-end/export", summary="Export month-end receivables")
def export_month_ends(request: HttpRequest, filters: Query[MonthEndFilters]):
    require_scope(request, READ)
    return month_ends_export(month_ends_for(request, filters), export_format(request))
