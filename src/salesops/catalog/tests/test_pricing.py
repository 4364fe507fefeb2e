"""Price resolution: the customer group's list, else the default list, else the list price; newest valid list of a
kind wins; validity dates are inclusive; many products are priced with a fixed number of queries."""

import datetime
from decimal import Decimal

from salesops.catalog import actions
from salesops.catalog.models import Product
from salesops.catalog.pricing import discount_limit_for, price_for, prices_for, quote_for
from salesops.catalog.tests.fixtures import JAN_1, make_product

JUNE_1 = datetime.date(2026, 6, 1)


def test_the_group_list_beats_the_default_list(org, catalog, vip_customer):
    # Given the pump priced 1080.00 in the VIP list and 1150.00 in the default list (list price 1200.00)
    # Then a VIP customer pays the group price and a customer without a group the default price
    assert price_for(catalog.pump, vip_customer, JUNE_1) == Decimal("1080.00")
    assert price_for(catalog.pump, org.b.customer, JUNE_1) == Decimal("1150.00")
    assert price_for(catalog.pump, None, JUNE_1) == Decimal("1150.00")


def test_without_a_list_price_the_product_list_price_applies(org, catalog, vip_customer):
    # The valve is in the VIP list only; the retired product in no list
    assert price_for(catalog.valve, org.b.customer, JUNE_1) == Decimal("80.50")
    assert price_for(catalog.valve, vip_customer, JUNE_1) == Decimal("72.00")
    assert price_for(catalog.retired, vip_customer, JUNE_1) == Decimal("100.00")


def test_before_any_list_is_valid_the_list_price_applies(org, catalog, vip_customer):
    quote = quote_for(catalog.pump, vip_customer, datetime.date(2025, 12, 31))
    assert (quote.unit_price, quote.source, quote.price_list) == (Decimal("1200.00"), "list_price", None)


def test_validity_dates_are_inclusive(org, catalog, vip_customer):
    summer = actions.create_price_list(
        actor=org.admin,
        name="夏季",
        customer_group=catalog.vip,
        valid_from=datetime.date(2026, 7, 1),
        valid_to=datetime.date(2026, 8, 31),
        items=[{"product": catalog.pump, "unit_price": "999.99"}],
    )
    day = datetime.date

    assert price_for(catalog.pump, vip_customer, day(2026, 6, 30)) == Decimal("1080.00")
    assert price_for(catalog.pump, vip_customer, day(2026, 7, 1)) == Decimal("999.99")
    assert price_for(catalog.pump, vip_customer, day(2026, 8, 31)) == Decimal("999.99")
    assert price_for(catalog.pump, vip_customer, day(2026, 9, 1)) == Decimal("1080.00")
    assert quote_for(catalog.pump, vip_customer, day(2026, 7, 15)).price_list == summer


def test_the_latest_valid_from_wins_among_lists_of_one_kind(org, catalog, vip_customer):
    actions.create_price_list(
        actor=org.admin,
        name="2026 下半年标准价",
        valid_from=datetime.date(2026, 7, 1),
        items=[{"product": catalog.pump, "unit_price": "1170.00"}],
    )
    older = actions.create_price_list(
        actor=org.admin,
        name="更早的标准价",
        valid_from=datetime.date(2025, 1, 1),
        items=[{"product": catalog.pump, "unit_price": "1100.00"}],
    )

    assert price_for(catalog.pump, org.b.customer, JUNE_1) == Decimal("1150.00")
    assert price_for(catalog.pump, org.b.customer, datetime.date(2026, 7, 1)) == Decimal("1170.00")
    assert quote_for(catalog.pump, org.b.customer, datetime.date(2025, 6, 1)).price_list == older


def test_an_older_group_list_still_beats_a_newer_default_list(org, catalog, vip_customer):
    actions.create_price_list(
        actor=org.admin,
        name="新标准价",
        valid_from=datetime.date(2026, 5, 1),
        items=[{"product": catalog.pump, "unit_price": "900.00"}],
    )
    quote = quote_for(catalog.pump, vip_customer, JUNE_1)
    assert (quote.unit_price, quote.source) == (Decimal("1080.00"), "customer_group")


def test_a_promotion_overrides_only_the_products_it_names(org, catalog, vip_customer):
    actions.create_price_list(
        actor=org.admin,
        name="泵促销",
        customer_group=catalog.vip,
        valid_from=datetime.date(2026, 5, 1),
        items=[{"product": catalog.pump, "unit_price": "1000.00"}],
    )
    assert prices_for([catalog.pump, catalog.valve], vip_customer, JUNE_1) == {
        catalog.pump.pk: Decimal("1000.00"),
        catalog.valve.pk: Decimal("72.00"),
    }


def test_inactive_lists_and_other_groups_lists_are_ignored(org, catalog, vip_customer):
    from salesops.customers.models import CustomerGroup

    other = CustomerGroup.objects.create(code="dealers", name="经销商")
    actions.create_price_list(
        actor=org.admin,
        name="经销商价",
        customer_group=other,
        valid_from=JAN_1,
        items=[{"product": catalog.pump, "unit_price": "500.00"}],
    )
    actions.update_price_list(catalog.vip_list, actor=org.admin, changes={"is_active": False})

    quote = quote_for(catalog.pump, vip_customer, JUNE_1)
    assert (quote.unit_price, quote.source, quote.price_list) == (Decimal("1150.00"), "default", catalog.default_list)


def test_on_a_same_day_tie_the_most_recent_list_wins(org, catalog, vip_customer):
    newer = actions.create_price_list(
        actor=org.admin,
        name="同日更正",
        customer_group=catalog.vip,
        valid_from=JAN_1,
        items=[{"product": catalog.pump, "unit_price": "1079.00"}],
    )
    assert quote_for(catalog.pump, vip_customer, JUNE_1).price_list == newer


def test_many_products_are_priced_with_one_query(org, catalog, vip_customer, django_assert_num_queries):
    products = [make_product(org.admin, catalog.line, f"BULK-{n:03d}", list_price=f"{n}.25") for n in range(60)]
    actions.update_price_list(
        catalog.vip_list,
        actor=org.admin,
        items=[{"product": product, "unit_price": f"{n}.00"} for n, product in enumerate(products[:30])],
    )
    actions.create_price_list(
        actor=org.admin,
        name="默认批量",
        valid_from=JAN_1,
        items=[{"product": product, "unit_price": f"{n}.10"} for n, product in enumerate(products) if n >= 45],
    )

    with django_assert_num_queries(1):
        prices = prices_for(products, vip_customer, JUNE_1)
    with django_assert_num_queries(2):  # a queryset is loaded once, then priced with one query
        from_queryset = prices_for(Product.objects.filter(sku__startswith="BULK-"), vip_customer, JUNE_1)

    assert prices == from_queryset
    assert [prices[product.pk] for product in products[28:32]] == [
        Decimal("28.00"),
        Decimal("29.00"),
        Decimal("30.25"),
        Decimal("31.25"),
    ]
    assert prices[products[59].pk] == Decimal("59.10")
    assert prices_for([], vip_customer, JUNE_1) == {}


def test_discount_limit_for_a_role(org):
    rep = org.a.user("sales_rep")
    assert discount_limit_for(rep) == Decimal("0")

    actions.set_discount_limit(actor=org.admin, role="sales_rep", max_discount_percent="8.5")

    assert discount_limit_for(rep) == Decimal("8.50")
    assert discount_limit_for(org.a.user("sales_manager")) == Decimal("0")
