"""Order pages: a rep creates and submits an order on the form; a manager approves it from the queue."""

from django.urls import reverse

from salesops.approvals.queries import pending_task_for
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.tests.fixtures import draft
from salesops.testing.stock import level


def new_order_data(shop, quantity="2", discount="15"):
    return {
        "customer": shop.org.a.customer.pk,
        "warehouse": shop.warehouse.pk,
        "discount_percent": "0",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": shop.product.pk,
        "lines-0-quantity": quantity,
        "lines-0-discount_percent": discount,
    }


def test_a_rep_creates_and_submits_and_the_manager_approves_from_the_queue(shop, client_for):
    org = shop.org
    rep = client_for(org.a.user("sales_rep"))
    form = rep.get(reverse("orders:create")).content.decode()
    assert org.a.customer.name in form and org.b.customer.name not in form

    created = rep.post(reverse("orders:create"), new_order_data(shop))
    order = SalesOrder.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("orders:detail", args=[order.pk])
    detail = rep.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="unit-price">¥100.00<' in detail
    assert 'data-testid="available">10.000<' in detail
    assert 'data-testid="action-submit"' in detail

    rep.post(reverse("orders:action", args=[order.pk, "submit"]))
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert pending_task_for(order, org.a.user("sales_manager")) is not None
    assert 'data-testid="action-approve"' not in rep.get(reverse("orders:detail", args=[order.pk])).content.decode()

    manager = client_for(org.a.user("sales_manager"))
    queue = manager.get(reverse("orders:list") + "?queue=approval").content.decode()
    assert order.number in queue
    page = manager.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="action-approve"' in page and 'data-testid="action-reject"' in page
    manager.post(reverse("orders:action", args=[order.pk, "approve"]), {"comment": "同意"})

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert level(shop.product, shop.warehouse).reserved == 2
    link = f'href="{reverse("orders:detail", args=[order.pk])}"'
    assert link not in manager.get(reverse("orders:list") + "?queue=approval").content.decode()
    assert 'data-event-type="order.approved"' in manager.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_save_and_submit_places_the_order_from_the_form(shop, client_for):
    rep = client_for(shop.org.a.user("sales_rep"))
    assert 'data-testid="save-and-submit"' in rep.get(reverse("orders:create")).content.decode()

    placed = rep.post(reverse("orders:create"), new_order_data(shop, discount="0") | {"submit_now": ""}, follow=True)

    order = SalesOrder.objects.get()
    assert (order.status, level(shop.product, shop.warehouse).reserved) == (OrderStatus.CONFIRMED, 2)
    assert placed.redirect_chain == [(reverse("orders:detail", args=[order.pk]), 302)]
    assert order.number in placed.content.decode() and 'data-testid="action-submit"' not in placed.content.decode()


def test_bad_lines_are_shown_on_the_form_and_nothing_is_saved(shop, client_for):
    rep = client_for(shop.org.a.user("sales_rep"))
    response = rep.post(reverse("orders:create"), new_order_data(shop, quantity="0", discount="0"))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not SalesOrder.objects.exists()


def test_reject_needs_a_comment_on_the_page(shop, client_for):
    org = shop.org
    order = draft(shop, discount="15")
    client_for(org.a.user("sales_rep")).post(reverse("orders:action", args=[order.pk, "submit"]))
    manager = client_for(org.a.user("sales_manager"))
    manager.post(reverse("orders:action", args=[order.pk, "reject"]), {"comment": ""})
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    manager.post(reverse("orders:action", args=[order.pk, "reject"]), {"comment": "价格太低"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED


def test_list_filters_by_status_and_edit_is_for_drafts(shop, client_for):
    org = shop.org
    first = draft(shop)
    rep = client_for(org.a.user("sales_rep"))
    assert first.number in rep.get(reverse("orders:list") + "?status=draft").content.decode()
    assert first.number not in rep.get(reverse("orders:list") + "?status=confirmed").content.decode()
    edit = rep.get(reverse("orders:edit", args=[first.pk]))
    assert edit.status_code == 200
    assert rep.get(reverse("orders:list") + "?format=csv").status_code == 200
    finance = client_for(org.a.user("finance"))
    assert finance.get(reverse("orders:create")).status_code == 403
