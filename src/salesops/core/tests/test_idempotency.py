"""Idempotency-Key on API creates: replay, conflict, and concurrent retries creating exactly one object."""

import threading

import pytest
from django.db import connection
from django.test import Client

from salesops.customers.models import Customer
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.org import build_org, credit_code


def body(org, name="Idem Co", code=None):
    return {"name": name, "credit_code": code or credit_code(), "office_id": org.a.office.pk}


def test_same_key_and_body_replays_the_first_response(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    payload = body(org)

    first = post_json(client, "/api/v1/customers", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    second = post_json(client, "/api/v1/customers", payload, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Customer.objects.filter(name="Idem Co").count() == 1


def test_same_key_with_another_body_is_a_conflict(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    post_json(client, "/api/v1/customers", body(org), HTTP_IDEMPOTENCY_KEY="k-2")

    other = post_json(client, "/api/v1/customers", body(org, name="Other Co"), HTTP_IDEMPOTENCY_KEY="k-2")

    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not Customer.objects.filter(name="Other Co").exists()


def test_keys_belong_to_their_caller(org, client_for):
    payload = body(org)
    post_json(client_for(org.a.user("sales_rep")), "/api/v1/customers", payload, HTTP_IDEMPOTENCY_KEY="shared")
    manager = Client()
    manager.force_login(org.a.user("sales_manager"))

    # Another user's identical key is a different key: the create runs (and hits the unique credit code).
    response = post_json(manager, "/api/v1/customers", payload, HTTP_IDEMPOTENCY_KEY="shared")

    assert response.status_code == 422
    assert "credit_code" in response.json()["error"]["fields"]


def test_a_failed_request_does_not_burn_its_key(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    bad = post_json(client, "/api/v1/customers", {**body(org), "credit_code": "123"}, HTTP_IDEMPOTENCY_KEY="k-3")
    good = post_json(client, "/api/v1/customers", body(org, name="Fixed Co"), HTTP_IDEMPOTENCY_KEY="k-3")

    assert (bad.status_code, good.status_code) == (422, 201)


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_exactly_one_object():
    org = build_org()
    secret = api_key_for(org.a.user("sales_rep"))
    payload = body(org, name="Race Co")
    results = []
    barrier = threading.Barrier(6)

    def attempt():
        try:
            barrier.wait()
            response = post_json(Client(), "/api/v1/customers", payload, HTTP_IDEMPOTENCY_KEY="race", **bearer(secret))
            results.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Customer.objects.filter(name="Race Co").count() == 1
    created = Customer.objects.get(name="Race Co")
    assert results == [(201, created.pk)] * 6
