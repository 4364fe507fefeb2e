"""Finance pages: invoices (issue, detail with corrections), payments, a customer's credit and its refunds, the
correction queue and aging."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.billing import actions
from salesops.billing.exports import aging_export, invoices_export, payments_export
from salesops.billing.filters import filter_aging_invoices, filter_invoices, filter_payments
from salesops.billing.forms import CorrectionForm, PaymentForm, RefundForm
from salesops.billing.invoice_pdf import invoice_pdf_response
from salesops.billing.models import CorrectionRequest, Invoice
from salesops.billing.queries import (
    aging,
    credit_holdings,
    may_bill,
    vat_by_rate,
    visible_corrections,
    visible_credit_notes,
    visible_invoices,
    visible_payments,
    visible_refunds,
)
from salesops.billing.schemas import AgingFilters, InvoiceFilters, PaymentFilters
from salesops.catalog.pricing import company_today
from salesops.core.exports import EXPORT_FORMATS
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import get_for_user
from salesops.core.timeline import timeline_entries
from salesops.customers.queries import visible_customers
from salesops.orders.queries import visible_orders

PAGE_SIZE = 25


def require_billing(request) -> None:
    if not may_bill(request.user):
        raise PermissionDenied(_("Only finance issues invoices and records payments."))


def listing(request, filter_class, base, apply):
    filters = filters_from_request(request, filter_class)
    try:
        return filters, apply(base, filters)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        return filter_class(), apply(base, filter_class())


@login_required
def invoice_list(request):
    filters, invoices = listing(request, InvoiceFilters, visible_invoices(request.user), filter_invoices)
    if request.GET.get("format") in EXPORT_FORMATS:
        return invoices_export(invoices, request.GET["format"])
    context = {
        "page": Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "statuses": Invoice.Status.choices,
        "query_string": list_query_string(request),
        "today": company_today(),
        "pending_corrections": visible_corrections(request.user).filter(status="requested").count(),
    }
    return render(request, "billing/invoices.html#results" if request.htmx else "billing/invoices.html", context)


@login_required
@require_POST
def invoice_issue(request, order_id: int):
    require_billing(request)
    order = get_for_user(visible_orders(request.user), request.user, pk=order_id)
    try:
        invoice = actions.issue_invoice(order, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orders:detail", order_id=order.pk)
    messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return redirect("billing:invoice_detail", invoice_id=invoice.pk)


@login_required
def invoice_detail(request, invoice_id: int):
    invoice = get_for_user(visible_invoices(request.user), request.user, pk=invoice_id)
    lines = list(invoice.lines.select_related("product"))
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        require_billing(request)
        if form.is_valid():
            requested = correction_lines_from(request, lines, form.cleaned_data["kind"])
            try:
                actions.request_correction(
                    invoice,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    lines=requested,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Correction requested; a second person confirms it."))
                return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    context = {
        "invoice": invoice,
        "lines": lines,
        "vat": vat_by_rate(invoice),
        "settlements": invoice.settlements.select_related("payment", "credit_note", "prepaid_order"),
        "corrections": visible_corrections(request.user).filter(invoice=invoice).select_related("credit_note"),
        "credit_notes": visible_credit_notes(request.user).filter(invoice=invoice),
        "can_bill": may_bill(request.user),
        "form": form,
        "today": company_today(),
        "timeline": timeline_entries(invoice),
    }
    return render(request, "billing/invoice_detail.html", context)


@login_required
def invoice_pdf(request, invoice_id: int):
    return invoice_pdf_response(get_for_user(visible_invoices(request.user), request.user, pk=invoice_id), request)


def correction_lines_from(request, lines, kind: str) -> list[dict]:
    """Per invoice line, the quantity (returns) or amount (price corrections) typed on the page."""
    field = "quantity" if kind == CorrectionRequest.Kind.RETURN else "net_amount"
    result = []
    for line in lines:
        value = request.POST.get(f"line_{line.pk}", "").strip()
        if value:
            result.append({"invoice_line_id": line.pk, field: value})
    return result


@login_required
@require_POST
def correction_decide(request, correction_id: int, decision: str):
    if decision not in ("confirm", "reject"):
        raise Http404("unknown decision")
    correction = get_for_user(visible_corrections(request.user), request.user, pk=correction_id)
    comment = request.POST.get("comment", "")
    try:
        if decision == "confirm":
            note = actions.confirm_correction(correction, actor=request.user, comment=comment)
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
        else:
            actions.reject_correction(correction, actor=request.user, comment=comment)
            messages.success(request, _("Correction request rejected."))
    except (ValidationError, PermissionDenied) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    return redirect("billing:invoice_detail", invoice_id=correction.invoice_id)


@login_required
def correction_queue(request):
    corrections = visible_corrections(request.user).filter(status="requested").order_by("created_at")
    return render(request, "billing/corrections.html", {"corrections": corrections, "can_bill": may_bill(request.user)})


@login_required
def payment_list(request):
    filters, payments = listing(request, PaymentFilters, visible_payments(request.user), filter_payments)
    if request.GET.get("format") in EXPORT_FORMATS:
        return payments_export(payments, request.GET["format"])
    context = {
        "page": Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "query_string": list_query_string(request),
        "can_bill": may_bill(request.user),
    }
    return render(request, "billing/payments.html", context)


@login_required
def payment_detail(request, payment_id: int):
    payment = get_for_user(visible_payments(request.user), request.user, pk=payment_id)
    context = {
        "payment": payment,
        "settlements": payment.settlements.select_related("invoice"),
        "timeline": timeline_entries(payment),
    }
    return render(request, "billing/payment_detail.html", context)


@login_required
def payment_create(request):
    require_billing(request)
    initial = {}
    invoice = None
    if request.GET.get("invoice", "").isdigit():
        invoice = visible_invoices(request.user).filter(pk=int(request.GET["invoice"])).first()
        if invoice is not None:
            initial = {"customer": invoice.customer_id, "amount": invoice.balance, "invoice": invoice.pk}
    form = PaymentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        allocations = None
        if data.get("invoice"):
            chosen = visible_invoices(request.user).filter(pk=data["invoice"], status=Invoice.Status.OPEN).first()
            if chosen is not None:
                allocations = [{"invoice_id": chosen.pk, "amount": min(data["amount"], chosen.balance)}]
        try:
            payment = actions.record_payment(
                actor=request.user,
                customer=data["customer"],
                amount=data["amount"],
                received_on=data["received_on"],
                method=data["method"],
                reference=data["reference"],
                allocations=allocations,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Payment %(number)s recorded; %(credit)s CNY kept as customer credit.")
                % {"number": payment.number, "credit": payment.unapplied_amount},
            )
            return redirect("billing:payment_detail", payment_id=payment.pk)
    title = _("Record a payment") + (f" · {invoice.number}" if invoice else "")
    return render(
        request, "form_page.html", {"form": form, "title": title, "cancel_url": reverse("billing:payment_list")}
    )


@login_required
def customer_credit(request, customer_id: int):
    """A customer's credit: where it is held (unused payments, prepayments of orders that could not use them,
    credit notes), its refunds, and for finance the form that refunds it."""
    customer = get_for_user(visible_customers(request.user), request.user, pk=customer_id)
    can_bill = may_bill(request.user)
    form = RefundForm(request.POST or None) if can_bill else None
    if request.method == "POST":
        require_billing(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                refund = actions.refund_credit(
                    actor=request.user,
                    customer=customer,
                    amount=data["amount"],
                    paid_on=data["paid_on"],
                    method=data["method"],
                    reference=data["reference"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Refund %(number)s recorded: %(amount)s CNY.")
                    % {"number": refund.number, "amount": refund.amount},
                )
                return redirect("billing:customer_credit", customer_id=customer.pk)
    context = {
        "customer": customer,
        "holdings": credit_holdings(customer),
        "refunds": visible_refunds(request.user)
        .filter(customer=customer)
        .prefetch_related("lines__payment", "lines__credit_note", "lines__prepaid_order"),
        "form": form,
    }
    return render(request, "billing/customer_credit.html", context)


@login_required
def aging_page(request):
    _filters, invoices = listing(request, AgingFilters, visible_invoices(request.user), filter_aging_invoices)
    report = aging(invoices, company_today())
    if request.GET.get("format") in EXPORT_FORMATS:
        return aging_export(report, request.GET["format"])
    rows = [(row, row.days_past_due(report.as_of)) for row in report.rows]
    overdue = sum((row.overdue for row in report.rows), Decimal(0))
    return render(
        request,
        "billing/aging.html",
        {"report": report, "rows": rows, "overdue": overdue, "query_string": list_query_string(request)},
    )
