"""The catalog admin writes through the actions: each save is validated like the API and recorded as one event."""

from decimal import Decimal

from salesops.catalog.models import DiscountLimit, PriceList, Product
from salesops.core.models import Event


def inline(prefix="items", rows=(), initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_adding_a_product_in_the_admin_records_the_event(org, catalog, client_for):
    client = client_for(org.admin)
    response = client.post(
        "/admin/catalog/product/add/",
        {
            "sku": "ADM-1",
            "name": "后台泵",
            "line": catalog.line.pk,
            "unit": "台",
            "list_price": "10.00",
            "standard_cost": "5.00",
            "tax_rate": "0.13",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(sku="ADM-1")
    assert Event.objects.filter(type="product.created", subject_id=str(product.pk)).count() == 1


def test_a_taken_sku_is_an_admin_form_error(org, catalog, client_for):
    response = client_for(org.admin).post(
        f"/admin/catalog/product/{catalog.valve.pk}/change/",
        {
            "sku": "P-100",
            "name": "球阀",
            "line": catalog.line.pk,
            "unit": "件",
            "list_price": "80.50",
            "standard_cost": "41.25",
            "tax_rate": "0.13",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "sku" in response.context["adminform"].form.errors
    catalog.valve.refresh_from_db()
    assert catalog.valve.sku == "V-200"


def test_a_price_list_with_items_is_saved_as_one_event(org, catalog, client_for):
    client = client_for(org.admin)
    response = client.post(
        "/admin/catalog/pricelist/add/",
        {
            "name": "后台价目",
            "customer_group": catalog.vip.pk,
            "valid_from": "2026-03-01",
            "valid_to": "",
            "is_active": "on",
            **inline(rows=[{"product": catalog.pump.pk, "unit_price": "1000.00"}]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    price_list = PriceList.objects.get(name="后台价目")
    assert list(price_list.items.values_list("product_id", "unit_price")) == [(catalog.pump.pk, Decimal("1000.00"))]
    events = list(Event.objects.filter(subject_type="catalog.pricelist", subject_id=str(price_list.pk)))
    assert [e.type for e in events] == ["price_list.created"]
    assert events[0].payload["after"]["items"] == {str(catalog.pump.pk): "1000.00"}

    item = price_list.items.get()
    changed = client.post(
        f"/admin/catalog/pricelist/{price_list.pk}/change/",
        {
            "name": "后台价目",
            "customer_group": catalog.vip.pk,
            "valid_from": "2026-03-01",
            "valid_to": "2026-12-31",
            "is_active": "on",
            **inline(
                rows=[
                    {
                        "id": item.pk,
                        "price_list": price_list.pk,
                        "product": catalog.pump.pk,
                        "unit_price": "1000.00",
                        "DELETE": "on",
                    },
                    {"product": catalog.valve.pk, "unit_price": "70.00"},
                ],
                initial=1,
            ),
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:3000]
    assert list(price_list.items.values_list("product_id", "unit_price")) == [(catalog.valve.pk, Decimal("70.00"))]
    update = Event.objects.get(type="price_list.updated", subject_id=str(price_list.pk))
    assert update.payload == {
        "before": {"valid_to": None, "items": {str(catalog.valve.pk): None, str(catalog.pump.pk): "1000.00"}},
        "after": {"valid_to": "2026-12-31", "items": {str(catalog.valve.pk): "70.00", str(catalog.pump.pk): None}},
    }


def test_a_backwards_validity_is_an_admin_form_error(org, catalog, client_for):
    response = client_for(org.admin).post(
        "/admin/catalog/pricelist/add/",
        {"name": "反了", "valid_from": "2026-03-01", "valid_to": "2026-02-01", "is_active": "on", **inline()},
    )
    assert response.status_code == 200
    assert not PriceList.objects.filter(name="反了").exists()


def test_discount_limits_are_set_through_the_action(org, client_for):
    client = client_for(org.admin)
    added = client.post("/admin/catalog/discountlimit/add/", {"role": "sales_rep", "max_discount_percent": "5"})
    limit = DiscountLimit.objects.get(role="sales_rep")
    changed = client.post(f"/admin/catalog/discountlimit/{limit.pk}/change/", {"max_discount_percent": "6.5"})

    assert (added.status_code, changed.status_code) == (302, 302)
    limit.refresh_from_db()
    assert limit.max_discount_percent == Decimal("6.50")
    assert list(
        Event.objects.filter(subject_type="catalog.discountlimit").order_by("id").values_list("type", flat=True)
    ) == ["discount_limit.created", "discount_limit.updated"]
