"""Instances returned by actions look like fresh reads: decimals with their column's places, related rows cached."""

from decimal import Decimal

from salesops.core.instances import as_stored, set_prefetched
from salesops.customers.models import Contact, Customer


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
