"""Crash safety: a client process killed with SIGKILL in the middle of a stream of order creations and
submissions leaves no half-written order, and re-sending every request with its Idempotency-Key produces each
order, and each submission, exactly once."""

import json
import os
import signal
import time
from pathlib import Path

import pytest
from django.test import Client

from salesops.core.models import Event
from salesops.orders.models import OrderLine, SalesOrder
from salesops.orders.tests.fixtures import build_shop
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.org import build_org
from salesops.testing.stock import level
from salesops.testing.subprocess import start_python

ORDERS = 40

CLIENT = """
    import json, os, sys
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    client = Client()
    auth = {"HTTP_AUTHORIZATION": "Bearer " + os.environ["KEY"]}
    body = json.loads(os.environ["BODY"])
    acknowledged = open(os.environ["ACK_FILE"], "a", buffering=1)
    for number in range(int(os.environ["ORDERS"])):
        created = client.post("/api/v1/orders", json.dumps(body), content_type="application/json",
                              HTTP_IDEMPOTENCY_KEY=f"create-{number}", **auth)
        order_id = created.json()["id"]
        submitted = client.post(f"/api/v1/orders/{order_id}/submit", json.dumps({"comment": ""}),
                                content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"submit-{number}", **auth)
        acknowledged.write(f"{number} {created.status_code} {submitted.status_code}\\n")
"""


def resend(client: Client, secret: str, body: dict, number: int) -> int:
    created = post_json(client, "/api/v1/orders", body, HTTP_IDEMPOTENCY_KEY=f"create-{number}", **bearer(secret))
    assert created.status_code == 201, created.content
    order_id = created.json()["id"]
    submitted = post_json(
        client,
        f"/api/v1/orders/{order_id}/submit",
        {"comment": ""},
        HTTP_IDEMPOTENCY_KEY=f"submit-{number}",
        **bearer(secret),
    )
    assert submitted.status_code == 200, submitted.content
    return order_id


@pytest.mark.django_db(transaction=True)
def test_a_client_killed_mid_stream_loses_and_duplicates_nothing(tmp_path: Path):
    org = build_org()
    shop = build_shop(org, stock=str(ORDERS * 2))
    secret = api_key_for(org.a.user("sales_rep"))
    body = {
        "customer_id": org.a.customer.pk,
        "warehouse_id": shop.warehouse.pk,
        "lines": [{"product_id": shop.product.pk, "quantity": "1"}],
    }
    acknowledgements = tmp_path / "acknowledged.txt"
    acknowledgements.touch()

    # Given a client streaming order creations and submissions ...
    client_process = start_python(
        CLIENT, env={"KEY": secret, "BODY": json.dumps(body), "ORDERS": str(ORDERS), "ACK_FILE": str(acknowledgements)}
    )
    deadline = time.monotonic() + 120
    while len(acknowledgements.read_text().splitlines()) < ORDERS // 3:
        assert client_process.poll() is None, client_process.communicate()
        assert time.monotonic() < deadline, "the client made no progress"
        time.sleep(0.01)
    # ... when it is killed without warning in the middle of the stream
    os.kill(client_process.pid, signal.SIGKILL)
    client_process.wait(timeout=30)
    acknowledged = len(acknowledgements.read_text().splitlines())
    assert acknowledged < ORDERS

    # Then every order written is whole: lines and totals, or nothing at all
    for order in SalesOrder.objects.all():
        assert OrderLine.objects.filter(order=order).count() == 1
        assert order.total > 0
    assert SalesOrder.objects.count() <= acknowledged + 1

    # And re-sending every request with its key yields each order and each submission exactly once
    client = Client()
    order_ids = [resend(client, secret, body, number) for number in range(ORDERS)]
    assert len(set(order_ids)) == ORDERS == SalesOrder.objects.count()
    assert set(SalesOrder.objects.values_list("status", flat=True)) == {"confirmed"}
    for order_id in order_ids:
        assert (
            Event.objects.filter(
                subject_type="orders.salesorder", subject_id=str(order_id), type="order.submitted"
            ).count()
            == 1
        )
    assert level(shop.product, shop.warehouse).reserved == ORDERS
