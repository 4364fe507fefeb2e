"""Catalog actions: validation names the field and changes nothing, only administrators write, every write is an
event with exact before/after values."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.catalog import actions
from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product, ProductLine
from salesops.catalog.tests.fixtures import JAN_1, make_product
from salesops.core.events import snapshot
from salesops.core.models import CustomFieldDefinition, Event


def catalog_state() -> dict:
    return {
        "lines": [snapshot(line) for line in ProductLine.objects.order_by("pk")],
        "products": [snapshot(product) for product in Product.objects.order_by("pk")],
        "price_lists": [snapshot(price_list) for price_list in PriceList.objects.order_by("pk")],
        "items": [snapshot(item) for item in PriceListItem.objects.order_by("pk")],
        "limits": [snapshot(limit) for limit in DiscountLimit.objects.order_by("pk")],
        "events": Event.objects.count(),
    }


def test_create_product_stores_exact_values_and_records_the_event(org, catalog):
    product = actions.create_product(
        actor=org.admin,
        sku="  M-900 ",
        name="计量泵",
        line=catalog.line,
        unit="台",
        list_price="2500.5",
        standard_cost=Decimal("1800"),
        tax_rate="0.09",
    )

    product.refresh_from_db()
    assert (product.sku, product.unit, product.list_price, product.standard_cost, product.tax_rate) == (
        "M-900",
        "台",
        Decimal("2500.50"),
        Decimal("1800.00"),
        Decimal("0.0900"),
    )
    event = Event.objects.get(type="product.created", subject_id=str(product.pk))
    assert event.actor == org.admin
    assert event.payload["after"]["list_price"] == "2500.50"
    assert event.payload["after"]["line"] == catalog.line.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "   "}, "sku"),
        ({"sku": "P-100"}, "sku"),  # already taken
        ({"sku": "x" * 41}, "sku"),
        ({"name": ""}, "name"),
        ({"unit": ""}, "unit"),
        ({"line": None}, "line_id"),
        ({"list_price": "-0.01"}, "list_price"),
        ({"list_price": "1.001"}, "list_price"),
        ({"list_price": 12.5}, "list_price"),  # a float: money is never a float
        ({"list_price": "abc"}, "list_price"),
        ({"list_price": "1e30"}, "list_price"),
        ({"list_price": "NaN"}, "list_price"),
        ({"standard_cost": None}, "standard_cost"),
        ({"standard_cost": "-5"}, "standard_cost"),
        ({"tax_rate": "1.01"}, "tax_rate"),
        ({"tax_rate": "-0.1"}, "tax_rate"),
        ({"tax_rate": "0.12345"}, "tax_rate"),
        ({"is_active": "yes"}, "is_active"),
        ({"custom_fields": {"unknown": 1}}, "custom_fields.unknown"),
    ],
)
def test_invalid_product_names_the_field_and_changes_nothing(org, catalog, overrides, field):
    before = catalog_state()
    values = {
        "sku": "NEW-1",
        "name": "新产品",
        "line": catalog.line,
        "list_price": "10.00",
        "standard_cost": "5.00",
        **overrides,
    }

    with pytest.raises(ValidationError) as raised:
        actions.create_product(actor=org.admin, **values)

    assert list(raised.value.message_dict) == [field]
    assert catalog_state() == before


def test_all_faulty_fields_are_reported_at_once(org, catalog):
    with pytest.raises(ValidationError) as raised:
        actions.create_product(
            actor=org.admin, sku="", name="", line=None, list_price="-1", standard_cost="x", tax_rate="2"
        )
    assert set(raised.value.message_dict) == {"sku", "name", "line_id", "list_price", "standard_cost", "tax_rate"}


def test_required_custom_field_and_custom_values(org, catalog):
    CustomFieldDefinition.objects.create(
        model="catalog.product",
        name="weight_kg",
        label="重量",
        field_type="decimal",
        decimal_places=1,
        is_required=True,
    )
    with pytest.raises(ValidationError) as raised:
        make_product(org.admin, catalog.line, "W-1")
    assert list(raised.value.message_dict) == ["custom_fields.weight_kg"]

    product = make_product(org.admin, catalog.line, "W-1", custom_fields={"weight_kg": "12.5"})
    assert product.custom_fields == {"weight_kg": "12.5"}


def test_update_product_records_only_what_changed(org, catalog):
    actions.update_product(
        catalog.pump, actor=org.admin, changes={"list_price": Decimal("1250"), "name": catalog.pump.name}
    )

    catalog.pump.refresh_from_db()
    assert catalog.pump.list_price == Decimal("1250.00")
    event = Event.objects.filter(type="product.updated", subject_id=str(catalog.pump.pk)).get()
    assert event.payload == {"before": {"list_price": "1200.00"}, "after": {"list_price": "1250.00"}}


def test_update_product_refuses_unknown_fields_and_a_taken_sku(org, catalog):
    before = catalog_state()
    with pytest.raises(ValidationError) as unknown:
        actions.update_product(catalog.pump, actor=org.admin, changes={"id": 5})
    with pytest.raises(ValidationError) as taken:
        actions.update_product(catalog.pump, actor=org.admin, changes={"sku": "V-200"})
    assert list(unknown.value.message_dict) == ["id"]
    assert list(taken.value.message_dict) == ["sku"]
    assert catalog_state() == before


def test_unchanged_update_records_no_event(org, catalog):
    count = Event.objects.count()
    actions.update_product(catalog.pump, actor=org.admin, changes={"list_price": "1200"})
    assert Event.objects.count() == count


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "regional_director", "finance", "dealer", "supplier"])
def test_only_administrators_write_the_catalog(org, catalog, role):
    user = org.a.user(role)
    before = catalog_state()
    writes = [
        lambda: actions.create_product_line(actor=user, code="new", name="新"),
        lambda: actions.update_product_line(catalog.line, actor=user, changes={"name": "改"}),
        lambda: make_product(user, catalog.line, "NEW-2"),
        lambda: actions.update_product(catalog.pump, actor=user, changes={"list_price": "1"}),
        lambda: actions.create_price_list(actor=user, name="x", valid_from=JAN_1),
        lambda: actions.update_price_list(catalog.vip_list, actor=user, changes={"is_active": False}),
        lambda: actions.delete_price_list(catalog.vip_list, actor=user),
        lambda: actions.set_discount_limit(actor=user, role="sales_rep", max_discount_percent="5"),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert catalog_state() == before


def test_product_line_code_must_be_a_unique_slug(org, catalog):
    before = catalog_state()
    for code, message_field in (("pumps", "code"), ("有 空格", "code"), ("", "code")):
        with pytest.raises(ValidationError) as raised:
            actions.create_product_line(actor=org.admin, code=code, name="x")
        assert list(raised.value.message_dict) == [message_field]
    assert catalog_state() == before


def test_update_product_line_records_the_change(org, catalog):
    actions.update_product_line(catalog.line, actor=org.admin, changes={"name": "泵类"})
    event = Event.objects.get(type="product_line.updated")
    assert event.payload == {"before": {"name": "工业泵"}, "after": {"name": "泵类"}}


def test_create_price_list_with_items_records_one_event(org, catalog):
    price_list = actions.create_price_list(
        actor=org.admin,
        name="Q3 促销",
        customer_group=catalog.vip,
        valid_from=datetime.date(2026, 7, 1),
        valid_to=datetime.date(2026, 9, 30),
        items=[{"product": catalog.valve, "unit_price": "65.5"}],
    )

    assert list(price_list.items.values_list("product_id", "unit_price")) == [(catalog.valve.pk, Decimal("65.50"))]
    event = Event.objects.get(type="price_list.created", subject_id=str(price_list.pk))
    assert event.payload["after"]["items"] == {str(catalog.valve.pk): "65.50"}
    assert event.payload["after"]["valid_to"] == "2026-09-30"


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"valid_to": datetime.date(2025, 12, 31)}, {"valid_to"}),
        ({"valid_from": None}, {"valid_from"}),
        ({"valid_from": "2026-01-01"}, {"valid_from"}),
        ({"name": ""}, {"name"}),
        ({"customer_group": "vip"}, {"customer_group_id"}),
        ({"items": [{"product": "pump", "unit_price": "1"}]}, {"items.0.product_id"}),
        ({"items": [{"product": None, "unit_price": "-1"}]}, {"items.0.product_id", "items.0.unit_price"}),
        ({"items": [{"unit_price": "1.005"}]}, {"items.0.product_id", "items.0.unit_price"}),
        ("duplicate", {"items.1.product_id"}),
        ("negative", {"items.0.unit_price"}),
    ],
)
def test_invalid_price_list_names_the_field_and_changes_nothing(org, catalog, overrides, fields):
    if overrides == "duplicate":
        overrides = {
            "items": [
                {"product": catalog.pump, "unit_price": "1.00"},
                {"product": catalog.pump, "unit_price": "2.00"},
            ]
        }
    elif overrides == "negative":
        overrides = {"items": [{"product": catalog.pump, "unit_price": "-0.01"}]}
    before = catalog_state()

    with pytest.raises(ValidationError) as raised:
        actions.create_price_list(actor=org.admin, **{"name": "坏的", "valid_from": JAN_1, **overrides})

    assert set(raised.value.message_dict) == fields
    assert catalog_state() == before


def test_update_price_list_sets_and_removes_items_in_one_event(org, catalog):
    actions.update_price_list(
        catalog.vip_list,
        actor=org.admin,
        changes={"valid_to": datetime.date(2026, 12, 31)},
        items=[
            {"product": catalog.valve, "unit_price": "70"},
            {"product": catalog.retired, "unit_price": "90.00"},
        ],
        remove_products=[catalog.pump],
    )

    prices = dict(catalog.vip_list.items.values_list("product__sku", "unit_price"))
    assert prices == {"V-200": Decimal("70.00"), "R-300": Decimal("90.00")}
    event = Event.objects.get(type="price_list.updated")
    assert event.payload == {
        "before": {
            "valid_to": None,
            "items": {str(catalog.valve.pk): "72.00", str(catalog.retired.pk): None, str(catalog.pump.pk): "1080.00"},
        },
        "after": {
            "valid_to": "2026-12-31",
            "items": {str(catalog.valve.pk): "70.00", str(catalog.retired.pk): "90.00", str(catalog.pump.pk): None},
        },
    }


def test_update_price_list_checks_validity_against_the_stored_dates(org, catalog):
    before = catalog_state()
    with pytest.raises(ValidationError) as raised:
        actions.update_price_list(catalog.vip_list, actor=org.admin, changes={"valid_to": datetime.date(2025, 1, 1)})
    with pytest.raises(ValidationError) as both:
        actions.update_price_list(
            catalog.vip_list,
            actor=org.admin,
            items=[{"product": catalog.pump, "unit_price": "1"}],
            remove_products=[catalog.pump],
        )
    assert list(raised.value.message_dict) == ["valid_to"]
    assert list(both.value.message_dict) == ["remove_product_ids.0"]
    assert catalog_state() == before


def test_delete_price_list_keeps_its_prices_in_the_event(org, catalog):
    pk = catalog.default_list.pk
    actions.delete_price_list(catalog.default_list, actor=org.admin)
    assert not PriceList.objects.filter(pk=pk).exists()
    event = Event.objects.get(type="price_list.deleted", subject_id=str(pk))
    assert event.payload["before"]["items"] == {str(catalog.pump.pk): "1150.00"}


def test_set_discount_limit_creates_then_updates(org, catalog):
    actions.set_discount_limit(actor=org.admin, role="sales_rep", max_discount_percent="5")
    actions.set_discount_limit(actor=org.admin, role="sales_rep", max_discount_percent=Decimal("7.5"))
    actions.set_discount_limit(actor=org.admin, role="sales_rep", max_discount_percent="7.50")  # unchanged

    limit = DiscountLimit.objects.get(role="sales_rep")
    assert limit.max_discount_percent == Decimal("7.50")
    events = list(Event.objects.filter(subject_type="catalog.discountlimit").order_by("id"))
    assert [e.type for e in events] == ["discount_limit.created", "discount_limit.updated"]
    assert events[1].payload == {"before": {"max_discount_percent": "5.00"}, "after": {"max_discount_percent": "7.50"}}


@pytest.mark.parametrize(
    ("role", "percent", "field"),
    [
        ("sales_rep", "100.01", "max_discount_percent"),
        ("sales_rep", "-1", "max_discount_percent"),
        ("chef", "5", "role"),
    ],
)
def test_invalid_discount_limit_changes_nothing(org, role, percent, field):
    with pytest.raises(ValidationError) as raised:
        actions.set_discount_limit(actor=org.admin, role=role, max_discount_percent=percent)
    assert list(raised.value.message_dict) == [field]
    assert not DiscountLimit.objects.exists()
