"""Quote test helpers: quotes built through the actions, on top of the order fixtures' shop."""

from salesops.orders.models import Quote
from salesops.orders.quote_actions import create_quote
from salesops.orders.tests.fixtures import Shop


def quote_draft(
    shop: Shop,
    *,
    actor=None,
    customer=None,
    warehouse=None,
    quantity="1",
    discount="0",
    quote_discount="0",
    product=None,
    valid_until=None,
) -> Quote:
    org = shop.org
    return create_quote(
        actor=actor or org.a.user("sales_rep"),
        customer=customer or org.a.customer,
        warehouse=warehouse or shop.warehouse,
        lines=[{"product": product or shop.product, "quantity": quantity, "discount_percent": discount}],
        discount_percent=quote_discount,
        valid_until=valid_until,
    )


def reload_quote(quote: Quote) -> Quote:
    return Quote.objects.get(pk=quote.pk)
