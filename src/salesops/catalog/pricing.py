"""What a customer pays for a product on a given day, and how much discount a role may give.

For each product, the price comes from the first of these that prices it:

1. an active price list for the customer's group, valid on that day;
2. an active default price list (no group), valid on that day;
3. the product's list price.

Among several valid lists of the same kind that price the product, the one with the latest `valid_from` wins (on
a tie, the most recently created list). The choice is made per product: a short promotional list for a group
overrides only the products it names, and the group's main list still prices the others.

`prices_for` prices any number of products with one query (plus one to load them when given a queryset);
`quotes_for` adds one for the price lists.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from salesops.accounts.models import User
from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product
from salesops.core import clock
from salesops.customers.models import Customer

CENT = Decimal("0.01")


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


def best_items(product_ids: list[int], group_id: int | None, on: datetime.date) -> dict[int, tuple[int, Decimal]]:
    """Product id -> (price list id, unit price) of the item that prices it on `on` for a customer of `group_id`
    (the rule in the module docstring), for the products some valid list prices.

    Hand-written SQL, the same on SQLite and PostgreSQL: every order prices its lines with it, and compiling it
    through the ORM took longer than running it. Rows come best first per product: the group's lists before the
    default lists (a NULL group sorts last), then the latest `valid_from`, then the most recently created list.
    """
    if not product_ids:
        return {}
    quote = connection.ops.quote_name
    groups = "l.customer_group_id IS NULL" + (" OR l.customer_group_id = %s" if group_id is not None else "")
    sql = (
        f"SELECT i.product_id, i.price_list_id, i.unit_price FROM {quote(PriceListItem._meta.db_table)} i "
        f"JOIN {quote(PriceList._meta.db_table)} l ON l.id = i.price_list_id "
        f"WHERE i.product_id IN ({', '.join(['%s'] * len(product_ids))}) AND l.is_active AND l.valid_from <= %s "
        f"AND (l.valid_to IS NULL OR l.valid_to >= %s) AND ({groups}) "
        "ORDER BY i.product_id, l.customer_group_id IS NULL, l.valid_from DESC, l.id DESC"
    )
    day = connection.ops.adapt_datefield_value(on)
    params = [*product_ids, day, day, *([group_id] if group_id is not None else [])]
    best: dict[int, tuple[int, Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for product_id, price_list_id, unit_price in cursor.fetchall():
            # SQLite hands back its decimal columns as numbers: str() gives the shortest decimal that reads the same.
            price = Decimal(str(unit_price) if isinstance(unit_price, float) else unit_price).quantize(CENT)
            best.setdefault(product_id, (price_list_id, price))  # the first row per product is the best one
    return best


def quotes_for(
    products: Iterable[Product], customer: Customer | None, on: datetime.date | None = None
) -> dict[int, PriceQuote]:
    """Price every product for `customer` (None: a customer without a group) on `on` (default: today in the
    company time zone). Returns product id -> PriceQuote; one query for the prices and one for their lists."""
    products = list(products)
    on = on or company_today()
    best = best_items([product.pk for product in products], customer.group_id if customer else None, on)
    lists = PriceList.objects.in_bulk({price_list_id for price_list_id, _price in best.values()}) if best else {}
    quotes = {}
    for product in products:
        if product.pk in best:
            price_list_id, unit_price = best[product.pk]
            quotes[product.pk] = PriceQuote(product.pk, unit_price, lists[price_list_id])
        else:
            quotes[product.pk] = PriceQuote(product.pk, product.list_price, None)
    return quotes


def prices_for(
    products: Iterable[Product], customer: Customer | None, on: datetime.date | None = None
) -> dict[int, Decimal]:
    """Product id -> unit price, for many products with one query (what order lines need: no price lists)."""
    products = list(products)
    best = best_items(
        [product.pk for product in products], customer.group_id if customer else None, on or company_today()
    )
    return {product.pk: best[product.pk][1] if product.pk in best else product.list_price for product in products}


def quote_for(product: Product, customer: Customer | None, on: datetime.date | None = None) -> PriceQuote:
    return quotes_for([product], customer, on)[product.pk]


def price_for(product: Product, customer: Customer | None, on: datetime.date | None = None) -> Decimal:
    """The unit price `customer` pays for `product` on `on` (see the module docstring for the rule)."""
    return prices_for([product], customer, on)[product.pk]


def discount_limit_for(user: User) -> Decimal:
    """The largest line discount (percent) the user's role may give without approval; 0 when none is set."""
    limit = DiscountLimit.objects.filter(role=user.role).values_list("max_discount_percent", flat=True).first()
    return limit if limit is not None else Decimal("0")
