"""Stock pages: the list for everyone internal, goods in and corrections for warehouse staff."""

from django.urls import reverse

from salesops.inventory.models import StockLevel
from salesops.testing.stock import make_product, make_warehouse


def test_warehouse_staff_receive_through_the_form_and_see_the_ledger(org, client_for):
    product, warehouse = make_product(), make_warehouse(org.a.region)
    client = client_for(org.a.user("warehouse"))

    response = client.post(
        reverse("inventory:receive"),
        {"product": product.pk, "warehouse": warehouse.pk, "quantity": "8", "note": "到货"},
    )
    level = StockLevel.objects.get()
    detail = client.get(reverse("inventory:detail", args=[level.pk])).content.decode()

    assert response.status_code == 302
    assert level.on_hand == 8
    assert "到货" in detail
    assert 'data-testid="available">8<' in detail


def test_a_rep_sees_stock_but_not_the_forms(org, client_for):
    product, warehouse = make_product(), make_warehouse(org.a.region)
    StockLevel.objects.create(product=product, warehouse=warehouse)
    client = client_for(org.a.user("sales_rep"))
    listing = client.get(reverse("inventory:list"))
    assert "P-001" in listing.content.decode()
    assert reverse("inventory:receive") not in listing.content.decode()
    assert (
        client.post(
            reverse("inventory:receive"), {"product": product.pk, "warehouse": warehouse.pk, "quantity": "8"}
        ).status_code
        == 403
    )
    assert StockLevel.objects.get().on_hand == 0


def test_a_bad_adjustment_is_shown_on_the_form(org, client_for):
    product, warehouse = make_product(), make_warehouse(org.a.region)
    client = client_for(org.a.user("warehouse"))
    response = client.post(
        reverse("inventory:adjust"),
        {"product": product.pk, "warehouse": warehouse.pk, "change": "-5", "reason": "盘亏"},
    )
    assert response.status_code == 200
    assert "change" in response.context["form"].errors


def test_dealers_get_404_on_a_stock_page(org, client_for):
    product, warehouse = make_product(), make_warehouse(org.a.region)
    level = StockLevel.objects.create(product=product, warehouse=warehouse)
    assert client_for(org.a.user("dealer")).get(reverse("inventory:detail", args=[level.pk])).status_code == 404
