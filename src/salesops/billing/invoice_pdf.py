"""The printable invoice: a Chinese A4 PDF of one issued invoice, with its VAT by rate and the total in words."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from salesops.accounts.models import OrgUnit
from salesops.billing.models import Invoice
from salesops.billing.queries import vat_by_rate
from salesops.core.money_words import amount_in_words
from salesops.core.pdf import render_pdf

HUNDRED = Decimal(100)


def invoice_pdf(invoice: Invoice, *, request: HttpRequest | None = None) -> bytes:
    """The invoice as the customer receives it, in Simplified Chinese whatever the reader's language."""
    lines = list(invoice.lines.select_related("product").order_by("position"))
    for line in lines:
        line.tax_percent = line.tax_rate * HUNDRED
    vat = vat_by_rate(invoice)
    for row in vat:
        row["tax_percent"] = row["tax_rate"] * HUNDRED
    billing_address = invoice.customer.addresses.filter(kind="billing", is_default=True).first()
    context = {
        "invoice": invoice,
        "lines": lines,
        "vat": vat,
        "company": invoice.office.ancestor_of_kind(OrgUnit.Kind.COMPANY),
        "billing_address": billing_address,
        "total_in_words": amount_in_words(invoice.total),
        "credit_notes": list(invoice.credit_notes.order_by("issue_date", "pk")),
    }
    with translation.override("zh-hans"):
        return render_pdf("billing/invoice_pdf.html", context, request=request)


def invoice_pdf_response(invoice: Invoice, request: HttpRequest) -> HttpResponse:
    response = HttpResponse(invoice_pdf(invoice, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response
