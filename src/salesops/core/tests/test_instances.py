"""Instances returned by actions look like fresh reads: decimals with their column's places, related rows cached."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesops.accounts.models import OrgUnit
from salesops.core import clock
from salesops.core.instances import (
    Row,
    as_stored,
    defer_save,
    insert,
    save_fields,
    set_prefetched,
    set_related,
    with_related,
)
from salesops.core.models import Event, EventDelivery, IdempotencyRecord
from salesops.core.scoping import for_user
from salesops.customers.models import Contact, Customer
from salesops.inventory.models import Warehouse


def test_as_stored_gives_decimals_their_columns_places(org):
    customer = Customer.objects.get(pk=org.a.customer.pk)
    customer.credit_limit = Decimal("5")

    as_stored(customer)

    assert str(customer.credit_limit) == "5.00"
    assert customer.credit_limit == Decimal(5)
    customer.save(update_fields=["credit_limit"])
    assert str(Customer.objects.get(pk=customer.pk).credit_limit) == str(customer.credit_limit)


def test_set_prefetched_answers_from_the_given_rows_without_a_query(org, django_assert_num_queries):
    customer = Customer.objects.get(pk=org.a.customer.pk)
    contact = Contact.objects.create(customer=customer, name="王芳")

    set_prefetched(customer, "contacts", [contact])

    with django_assert_num_queries(0):
        assert list(customer.contacts.all()) == [contact]


def field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_insert_writes_what_bulk_create_writes_and_sets_the_keys(org):
    events = [
        Event(type="test.one", subject_type="customers.customer", subject_id="1", actor=org.admin, payload={"a": [1]}),
        Event(type="test.two", subject_type="customers.customer", subject_id="2", occurred_at=timezone.now()),
    ]

    with CaptureQueriesContext(connection) as captured:
        insert(events)

    assert len(captured.captured_queries) == 1
    assert [field_values(Event.objects.get(pk=event.pk)) for event in events] == [field_values(e) for e in events]
    assert not events[0]._state.adding
    # A foreign key assigned before its target was saved is taken up, as bulk_create does.
    delivery = EventDelivery(event=events[1], handler="testing.handler")
    insert([delivery])
    assert EventDelivery.objects.get(pk=delivery.pk).event_id == events[1].pk


def test_insert_refuses_an_unsaved_related_object_and_models_validating_in_save(org):
    with pytest.raises(ValueError):
        insert([EventDelivery(event=Event(type="test.unsaved"), handler="testing.handler")])
    with pytest.raises(TypeError):  # custom fields are validated by save(): not by these helpers
        insert([Contact(customer=org.a.customer, name="王芳")])


def test_insert_keeps_the_simulated_creation_time_of_a_replayed_history(org):
    at = datetime.datetime(2025, 3, 1, 2, 0, tzinfo=datetime.UTC)
    warehouse = Warehouse(code="wh-sim", name="仓", region=org.a.region)
    with clock.simulated(at):
        insert([warehouse])
    assert Warehouse.objects.get(pk=warehouse.pk).created_at == at


def test_save_fields_updates_the_named_and_the_deferred_fields_only(org):
    record = IdempotencyRecord.objects.create(
        principal="user:1", key="k", method="POST", path="/p", request_hash="h", response_status=0, response_body=""
    )
    record.response_status, record.response_body, record.path = 201, '{"id": 1}', "/changed"
    defer_save(record, ["response_body"])

    save_fields(record, ["response_status"])

    stored = IdempotencyRecord.objects.get(pk=record.pk)
    assert (stored.response_status, stored.response_body, stored.path) == (201, '{"id": 1}', "/p")
    IdempotencyRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(DatabaseError):
        save_fields(record, ["response_status"])


def test_save_fields_runs_auto_now(org):
    warehouse = Warehouse.objects.create(code="wh-now", name="仓", region=org.a.region)
    before = Warehouse.objects.get(pk=warehouse.pk).updated_at
    warehouse.name = "新仓"

    save_fields(warehouse, ["name", "updated_at"])

    stored = Warehouse.objects.get(pk=warehouse.pk)
    assert stored.name == "新仓" and stored.updated_at == warehouse.updated_at > before


def read_customer_and_office(pk: int):
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {Row.columns(Customer, 'c')}, {Row.columns(OrgUnit, 'o')} FROM {quote(Customer._meta.db_table)} c "
        f"JOIN {quote(OrgUnit._meta.db_table)} o ON o.id = c.office_id WHERE c.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return Row.read(cursor.fetchone(), Customer, OrgUnit)


def test_row_builds_the_instances_select_related_builds(org):
    customer, office = read_customer_and_office(org.a.customer.pk)
    set_related(customer, "office", office)

    fresh = Customer.objects.select_related("office").get(pk=org.a.customer.pk)
    assert field_values(customer) == field_values(fresh)
    assert [str(value) for value in field_values(customer).values()] == [
        str(value) for value in field_values(fresh).values()
    ]  # decimals with their places, times with their zone
    assert field_values(customer.office) == field_values(fresh.office)
    assert not customer._state.adding


def test_row_instances_behave_as_loaded_rows(org):
    customer, office = read_customer_and_office(org.a.customer.pk)

    assert customer._state.db == "default" and not customer._state.adding
    assert customer._state.fields_cache == {}  # nothing cached that the row did not hold
    assert customer == Customer.objects.get(pk=org.a.customer.pk)
    set_related(customer, "office", office)
    with CaptureQueriesContext(connection) as captured:
        assert customer.office is office
    assert captured.captured_queries == []
    count = Customer.objects.count()
    customer.name = "改名客户"
    customer.save()  # an UPDATE of the loaded row, not an INSERT
    assert Customer.objects.get(pk=customer.pk).name == "改名客户" and Customer.objects.count() == count


def test_row_initialises_through_the_model_when_something_listens_to_it(org):
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=OrgUnit)
    try:
        _customer, office = read_customer_and_office(org.a.customer.pk)
    finally:
        post_init.disconnect(listener, sender=OrgUnit)
    assert seen == [office]  # the customer, which nothing listens to, is built without Model.__init__
    assert office._state.db == "default" and not office._state.adding


def test_with_related_reads_what_select_related_reads_within_the_querysets_filters(org):
    rep = org.a.user("sales_rep")
    scoped = for_user(Customer.objects.filter(pk__in=[org.a.customer.pk, org.b.customer.pk]), rep)

    found = with_related(scoped, "office", "region")

    expected = list(scoped.select_related("office", "region"))
    assert [field_values(customer) for customer in found] == [field_values(customer) for customer in expected]
    assert [c.pk for c in found] == [org.a.customer.pk]  # the scope's filter holds: region b's customer is not read
    with CaptureQueriesContext(connection) as captured:
        assert (found[0].office.name, found[0].region.name) == (expected[0].office.name, expected[0].region.name)
    assert captured.captured_queries == []
    with pytest.raises(ValueError):
        with_related(Customer.objects.all(), "group")  # may be null: not for this helper


def test_with_related_reads_nothing_of_an_empty_queryset(org):
    supplier = org.a.user("supplier")  # sees no customer: the scope answers none()

    assert with_related(for_user(Customer.objects.all(), supplier), "office") == []
    assert with_related(Customer.objects.filter(pk__in=[]), "office", "region") == []
