from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from salesops.core.models import Event
from salesops.inventory.models import StockMovement
from salesops.orders.actions import cancel_order, submit_order
from salesops.orders.models import OrderStatus, Shipment
from salesops.orders.queries import credit_exposure, visible_shipments
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import draft, reload
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.stock import ledger_totals, level

pytestmark = pytest.mark.django_db


def confirmed(shop, quantity="5"):
    order = submit_order(draft(shop, quantity=quantity), actor=shop.org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED
    return order


def test_a_partial_shipment_consumes_that_much_reservation_and_marks_the_order_partially_shipped(shop):
    order = confirmed(shop)
    line = order.lines.get()
    clerk = shop.org.a.user("warehouse")

    shipment = ship_order(
        order, actor=clerk, lines=[{"order_line_id": line.pk, "quantity": "2"}], carrier="顺丰", tracking_number="SF1"
    )

    assert shipment.number.startswith("SH-") and shipment.number.endswith("-000001")
    assert reload(order).status == OrderStatus.PARTIALLY_SHIPPED
    line.refresh_from_db()
    assert (line.shipped_quantity, line.remaining_quantity) == (Decimal(2), Decimal(3))
    stock = level(shop.product, shop.warehouse)
    assert (stock.on_hand, stock.reserved) == (Decimal(8), Decimal(3))
    assert ledger_totals(shop.product, shop.warehouse) == (Decimal(8), Decimal(3))
    movement = StockMovement.objects.get(kind=StockMovement.Kind.SHIPMENT)
    assert movement.source_id == str(shipment.pk)
    assert Event.objects.filter(type="shipment.created", subject_id=str(shipment.pk)).count() == 1
    assert Event.objects.filter(type="order.partially_shipped", subject_id=str(order.pk)).count() == 1


def test_the_last_shipment_ships_the_order_and_a_second_partial_adds_no_status_event(shop):
    order = confirmed(shop)
    line = order.lines.get()
    clerk = shop.org.a.user("warehouse")
    ship_order(order, actor=clerk, lines=[{"order_line_id": line.pk, "quantity": "1"}])
    ship_order(order, actor=clerk, lines=[{"order_line_id": line.pk, "quantity": "1"}])
    ship_order(order, actor=clerk)  # the rest

    order = reload(order)
    assert order.status == OrderStatus.SHIPPED and not order.is_stock_reserved
    assert Shipment.objects.filter(order=order).count() == 3
    assert Event.objects.filter(type="order.partially_shipped", subject_id=str(order.pk)).count() == 1
    assert Event.objects.filter(type="order.shipped", subject_id=str(order.pk)).count() == 1
    stock = level(shop.product, shop.warehouse)
    assert (stock.on_hand, stock.reserved) == (Decimal(5), Decimal(0))


@pytest.mark.parametrize(
    "lines, field",
    [
        ([], "lines"),
        ([{"order_line_id": 999999, "quantity": "1"}], "lines.0.order_line_id"),
        ([{"order_line_id": "LINE", "quantity": "6"}], "lines.0.quantity"),
        ([{"order_line_id": "LINE", "quantity": "0"}], "lines.0.quantity"),
        ([{"order_line_id": "LINE", "quantity": "x"}], "lines.0.quantity"),
        (
            [{"order_line_id": "LINE", "quantity": "1"}, {"order_line_id": "LINE", "quantity": "1"}],
            "lines.1.order_line_id",
        ),
    ],
)
def test_bad_shipment_lines_name_the_field_and_change_nothing(shop, lines, field):
    order = confirmed(shop)
    line_id = order.lines.get().pk
    lines = [
        {**line, "order_line_id": line_id if line["order_line_id"] == "LINE" else line["order_line_id"]}
        for line in lines
    ]
    movements = StockMovement.objects.count()

    with pytest.raises(ValidationError) as error:
        ship_order(order, actor=shop.org.a.user("warehouse"), lines=lines)

    assert field in error.value.message_dict
    assert Shipment.objects.count() == 0 and StockMovement.objects.count() == movements
    assert reload(order).status == OrderStatus.CONFIRMED


def test_only_confirmed_orders_ship_and_only_warehouse_staff_ship_them(shop):
    order = draft(shop)
    with pytest.raises(ValidationError) as error:
        ship_order(order, actor=shop.org.a.user("warehouse"))
    assert "status" in error.value.message_dict
    order = confirmed(shop)
    with pytest.raises(PermissionDenied):
        ship_order(order, actor=shop.org.a.user("sales_rep"))
    assert Shipment.objects.count() == 0


def test_cancelling_a_partially_shipped_order_releases_only_the_remainder(shop):
    order = confirmed(shop)
    line = order.lines.get()
    ship_order(order, actor=shop.org.a.user("warehouse"), lines=[{"order_line_id": line.pk, "quantity": "2"}])

    order = cancel_order(order, actor=shop.org.a.user("sales_rep"), comment="客户不要了")

    assert order.status == OrderStatus.SHIPPED
    line.refresh_from_db()
    assert (line.shipped_quantity, line.cancelled_quantity, line.remaining_quantity) == (2, 3, 0)
    stock = level(shop.product, shop.warehouse)
    assert (stock.on_hand, stock.reserved) == (Decimal(8), Decimal(0))
    assert ledger_totals(shop.product, shop.warehouse) == (Decimal(8), Decimal(0))
    with pytest.raises(ValidationError):
        ship_order(order, actor=shop.org.a.user("warehouse"))


def test_shipping_does_not_change_credit_exposure(shop):
    order = confirmed(shop)
    before = credit_exposure(draft(shop), shop.org.a.customer)
    ship_order(order, actor=shop.org.a.user("warehouse"))
    assert credit_exposure(draft(shop), shop.org.a.customer) == before


def test_warehouse_staff_ship_part_of_an_order_through_the_api_once_per_idempotency_key(shop, client):
    order = confirmed(shop)
    line = order.lines.get()
    headers = bearer(api_key_for(shop.org.a.user("warehouse"), ["orders:read", "orders:write"]))
    payload = {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "2"}], "carrier": "顺丰"}

    first = post_json(client, "/api/v1/shipments", payload, HTTP_IDEMPOTENCY_KEY="ship-1", **headers)
    again = post_json(client, "/api/v1/shipments", payload, HTTP_IDEMPOTENCY_KEY="ship-1", **headers)

    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert first.json()["lines"] == [
        {"order_line_id": line.pk, "product": first.json()["lines"][0]["product"], "quantity": "2.000"}
    ]
    assert Shipment.objects.count() == 1
    listed = client.get(f"/api/v1/shipments?order_id={order.pk}", **headers).json()
    assert [item["number"] for item in listed["results"]] == [first.json()["number"]]
    events = client.get(f"/api/v1/shipments/{first.json()['id']}/events", **headers).json()
    assert [event["type"] for event in events] == ["shipment.created", "stock.shipped"]
    exported = client.get("/api/v1/shipments/export.csv", **headers)
    assert first.json()["number"] in b"".join(exported.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"order_id": 0}, "order_id"),
        ({"order_id": "ORDER", "lines": [{"order_line_id": 1, "quantity": "-1"}]}, "lines.0.quantity"),
        ({"order_id": "ORDER", "lines": []}, "lines"),
        ({"order_id": "ORDER", "carrier": "x" * 101}, "carrier"),
    ],
)
def test_bad_shipments_through_the_api_name_the_field(shop, client, payload, field):
    order = confirmed(shop)
    payload = {**payload, "order_id": order.pk if payload["order_id"] == "ORDER" else payload["order_id"]}
    headers = bearer(api_key_for(shop.org.a.user("warehouse")))

    response = post_json(client, "/api/v1/shipments", payload, **headers)

    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    assert Shipment.objects.count() == 0


def test_an_order_out_of_scope_cannot_be_shipped_through_the_api(shop, client):
    order = confirmed(shop)
    headers = bearer(api_key_for(shop.org.b.user("warehouse")))
    response = post_json(client, "/api/v1/shipments", {"order_id": order.pk}, **headers)
    assert response.status_code == 422 and "order_id" in response.content.decode()
    assert Shipment.objects.count() == 0


@pytest.mark.parametrize(
    "role, region, sees",
    [
        ("warehouse", "a", True),
        ("warehouse", "b", False),
        ("sales_rep", "a", True),
        ("sales_rep", "b", False),
        ("sales_manager", "a", True),
        ("finance", "a", True),
        ("finance", "b", False),
        ("supplier", "a", False),
        ("dealer", "b", False),
    ],
)
def test_who_sees_a_shipment(shop, role, region, sees):
    shipment = ship_order(confirmed(shop), actor=shop.org.a.user("warehouse"))
    user = getattr(shop.org, region).user(role)
    assert visible_shipments(user).filter(pk=shipment.pk).exists() is sees


def test_the_shipping_queue_and_the_ship_form_on_the_order_page(shop, client_for):
    order = confirmed(shop)
    line = order.lines.get()
    clerk = client_for(shop.org.a.user("warehouse"))
    queue = clerk.get(reverse("orders:list") + "?queue=shipping").content.decode()
    assert order.number in queue
    page = clerk.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="action-ship"' in page

    response = clerk.post(
        reverse("orders:ship", args=[order.pk]),
        {f"quantity_{line.pk}": "3", "carrier": "德邦", "tracking_number": "DB9"},
    )

    shipment = Shipment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orders:shipment_detail", args=[shipment.pk])
    assert reload(order).status == OrderStatus.PARTIALLY_SHIPPED
    detail = clerk.get(response["Location"]).content.decode()
    assert "德邦" in detail and order.number in detail
    listing = clerk.get(reverse("orders:shipment_list")).content.decode()
    assert shipment.number in listing
    rep_page = client_for(shop.org.a.user("sales_rep")).get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="action-ship"' not in rep_page and shipment.number in rep_page


def test_shipping_too_much_on_the_page_shows_why_and_ships_nothing(shop, client_for):
    order = confirmed(shop)
    line = order.lines.get()
    clerk = client_for(shop.org.a.user("warehouse"))
    response = clerk.post(
        reverse("orders:ship", args=[order.pk]), {f"quantity_{line.pk}": "9"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "remain to ship" in response.content.decode()
    assert Shipment.objects.count() == 0
