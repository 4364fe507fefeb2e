"""The printable quote (报价单): a Chinese A4 PDF of one quote, for the customer."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from salesops.accounts.models import OrgUnit
from salesops.core.money_words import amount_in_words
from salesops.core.pdf import render_pdf
from salesops.core.timezones import company_zone
from salesops.orders.models import Quote

HUNDRED = Decimal(100)


def quote_pdf(quote: Quote, *, request: HttpRequest | None = None) -> bytes:
    """The quote as the customer receives it, in Simplified Chinese whatever the reader's language."""
    lines = list(quote.lines.select_related("product").order_by("position"))
    for line in lines:
        line.tax_percent = line.tax_rate * HUNDRED
    context = {
        "quote": quote,
        "lines": lines,
        "company": quote.office.ancestor_of_kind(OrgUnit.Kind.COMPANY),
        "issued_on": timezone.localtime(quote.sent_at or quote.created_at, company_zone()).date(),
        "total_in_words": amount_in_words(quote.total),
    }
    with translation.override("zh-hans"):
        return render_pdf("orders/quote_pdf.html", context, request=request)


def quote_pdf_response(quote: Quote, request: HttpRequest) -> HttpResponse:
    response = HttpResponse(quote_pdf(quote, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response
