"""What a customer pays for a product on a given day, and how much discount a role may give.

For each product, the price comes from the first of these that prices it:

1. an active price list for the customer's group, valid on that day;
2. an active default price list (no group), valid on that day;
3. the product's list price.

Among several valid lists of the same kind that price the product, the one with the latest `valid_from` wins (on
a tie, the most recently created list). The choice is made per product: a short promotional list for a group
overrides only the products it names, and the group's main list still prices the others.

`quotes_for` prices any number of products with one query (plus one to load them when given a queryset).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q

from salesops.accounts.models import User
from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product
from salesops.core import clock
from salesops.customers.models import Customer


@dataclass(frozen=True)
class PriceQuote:
    """A resolved unit price and where it came from: a price list, or the product's list price (`price_list` None)."""

    product_id: int
    unit_price: Decimal
    price_list: PriceList | None

    @property
    def source(self) -> str:
        """`customer_group`, `default` (the default price list) or `list_price`."""
        if self.price_list is None:
            return "list_price"
        return "customer_group" if self.price_list.customer_group_id else "default"


def company_today() -> datetime.date:
    return clock.today()


def valid_items(product_ids: list[int], group_id: int | None, on: datetime.date):
    """Items of the active lists valid on `on` that may apply to a customer of `group_id`, best first per product."""
    lists = Q(price_list__customer_group__isnull=True)
    if group_id is not None:
        lists |= Q(price_list__customer_group_id=group_id)
    return (
        PriceListItem.objects.filter(lists, product_id__in=product_ids)
        .filter(price_list__is_active=True, price_list__valid_from__lte=on)
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=on))
        .select_related("price_list")
        # The group's lists (a non-null group) before default lists, then newest first.
        .order_by(
            "product_id",
            F("price_list__customer_group_id").desc(nulls_last=True),
            "-price_list__valid_from",
            "-price_list_id",
        )
    )


def quotes_for(
    products: Iterable[Product], customer: Customer | None, on: datetime.date | None = None
) -> dict[int, PriceQuote]:
    """Price every product for `customer` (None: a customer without a group) on `on` (default: today in the
    company time zone). Returns product id -> PriceQuote; one query for all the products' price list items."""
    products = list(products)
    on = on or company_today()
    group_id = customer.group_id if customer is not None else None
    best: dict[int, PriceListItem] = {}
    if products:
        for item in valid_items([product.pk for product in products], group_id, on):
            best.setdefault(item.product_id, item)  # the first item per product is the best one
    quotes = {}
    for product in products:
        item = best.get(product.pk)
        if item is None:
            quotes[product.pk] = PriceQuote(product.pk, product.list_price, None)
        else:
            quotes[product.pk] = PriceQuote(product.pk, item.unit_price, item.price_list)
    return quotes


def prices_for(
    products: Iterable[Product], customer: Customer | None, on: datetime.date | None = None
) -> dict[int, Decimal]:
    """Product id -> unit price, for many products with a fixed number of queries (see `quotes_for`)."""
    return {product_id: quote.unit_price for product_id, quote in quotes_for(products, customer, on).items()}


def quote_for(product: Product, customer: Customer | None, on: datetime.date | None = None) -> PriceQuote:
    return quotes_for([product], customer, on)[product.pk]


def price_for(product: Product, customer: Customer | None, on: datetime.date | None = None) -> Decimal:
    """The unit price `customer` pays for `product` on `on` (see the module docstring for the rule)."""
    return quote_for(product, customer, on).unit_price


def discount_limit_for(user: User) -> Decimal:
    """The largest line discount (percent) the user's role may give without approval; 0 when none is set."""
    limit = DiscountLimit.objects.filter(role=user.role).values_list("max_discount_percent", flat=True).first()
    return limit if limit is not None else Decimal("0")
