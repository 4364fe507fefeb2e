"""Credit terms and credit status: set by finance and risk control only, with reasons and events."""

import json

import pytest
from django.urls import reverse

from salesops.core.models import Event
from salesops.customers.models import Customer


def post_credit(client, customer, body):
    return client.post(f"/api/v1/customers/{customer.pk}/credit", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", ["finance", "risk_officer"])
def test_finance_and_risk_set_limits_and_freeze_with_a_reason(org, client_for, role):
    client = client_for(org.a.user(role))
    customer = org.a.customer

    terms = post_credit(client, customer, {"credit_limit": "500000.00", "payment_term": "net60"})
    frozen = post_credit(client, customer, {"credit_status": "frozen", "reason": "逾期 90 天以上"})

    assert terms.status_code == 200, terms.content
    assert terms.json()["credit_limit"] == "500000.00"
    assert frozen.json()["credit_status"] == "frozen"
    customer.refresh_from_db()
    assert (customer.credit_status_reason, customer.credit_status_set_by) == ("逾期 90 天以上", org.a.user(role))
    event = Event.objects.get(type="credit.frozen", subject_id=str(customer.pk))
    assert event.payload["before"] == {"credit_status": "active"}
    assert Event.objects.filter(type="customer.credit_terms_changed", subject_id=str(customer.pk)).count() == 1


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "regional_director", "dealer"])
def test_sellers_cannot_change_credit(org, client_for, role):
    before = Customer.objects.values().get(pk=org.a.customer.pk)
    response = post_credit(client_for(org.a.user(role)), org.a.customer, {"credit_limit": "1e9"})
    assert response.status_code == 403
    assert Customer.objects.values().get(pk=org.a.customer.pk) == before


def test_another_regions_finance_gets_404(org, client_for):
    response = post_credit(
        client_for(org.b.user("finance")), org.a.customer, {"credit_status": "frozen", "reason": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credit_status": "frozen"}, "reason"),
        ({"credit_status": "melted", "reason": "x"}, "credit_status"),
        ({"payment_term": "net45"}, "payment_term"),
        ({"credit_limit": "-1"}, "credit_limit"),
        ({"credit_limit": "10.001"}, "credit_limit"),
    ],
)
def test_bad_credit_input_names_the_field_and_changes_nothing(org, client_for, body, field):
    before = Customer.objects.values().get(pk=org.a.customer.pk)
    response = post_credit(client_for(org.a.user("finance")), org.a.customer, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert Customer.objects.values().get(pk=org.a.customer.pk) == before


def test_finance_uses_the_credit_form_on_the_customer_page(org, client_for):
    client = client_for(org.a.user("finance"))
    page = client.get(reverse("customers:detail", args=[org.a.customer.pk])).content.decode()
    assert 'id="credit"' in page

    response = client.post(
        reverse("customers:credit", args=[org.a.customer.pk]),
        {"credit_limit": "80000", "payment_term": "prepay", "credit_status": "on_hold", "reason": "资料待补"},
    )

    assert response.status_code == 302
    org.a.customer.refresh_from_db()
    assert (org.a.customer.credit_status, org.a.customer.payment_term) == ("on_hold", "prepay")
    rep_page = client_for(org.a.user("sales_rep")).get(reverse("customers:detail", args=[org.a.customer.pk]))
    assert 'id="credit"' not in rep_page.content.decode()
