"""Concurrent writers queue for the database instead of failing (SQLite: WAL + immediate transactions)."""

import threading

import pytest
from django.db import connection

from salesops.customers.actions import create_customer
from salesops.customers.models import Customer
from salesops.testing.org import build_org, credit_code


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_creates_all_succeed():
    org = build_org()
    codes = [credit_code() for _ in range(40)]
    errors = []
    barrier = threading.Barrier(8)

    def writer(chunk):
        try:
            barrier.wait()
            for code in chunk:
                create_customer(
                    actor=org.admin,
                    name=f"Busy {code}",
                    credit_code=code,
                    office=org.a.office,
                    owner=org.a.user("sales_rep"),
                )
        except Exception as exc:  # any "database is locked" would land here
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(codes[index::8],)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Customer.objects.filter(name__startswith="Busy ").count() == 40
