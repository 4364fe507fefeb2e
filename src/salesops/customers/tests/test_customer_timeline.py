"""The customer page's timeline takes in the events of the customer's contacts and addresses, deleted ones too."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesops.customers.actions import update_customer
from salesops.customers.contact_actions import deactivate_contact, delete_address, update_address, update_contact
from salesops.customers.tests.fixtures import add_address, add_contact, reload

pytestmark = pytest.mark.django_db


def customer_page(client, customer) -> str:
    return client.get(reverse("customers:detail", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def timeline_of(html: str) -> list[tuple[str, str, str]]:
    """(event type, what the entry is about, its text) for each entry of the page's timeline, newest first."""
    section = html[html.index('id="timeline"') :]
    entries = re.findall(r'data-event-type="([^"]+)">(.*?)</li>\s*(?=<li data-testid="event"|</ol>)', section, re.S)
    return [
        (kind, "".join(re.findall(r'data-testid="event-about">([^<]*)<', body)), " ".join(body.split()))
        for kind, body in entries
    ]


def test_contact_and_address_events_appear_on_the_customer_timeline_newest_first(org, client_for):
    rep = org.a.user("sales_rep")
    customer = org.a.customer
    contact = add_contact(customer, rep, name="王芳", mobile_phone="13812345678")
    update_contact(contact, actor=rep, changes={"mobile_phone": "13912345678"})
    address = add_address(customer, rep, street="张江路 88 号")
    first_label = str(address)
    update_address(address, actor=rep, changes={"street": "祖冲之路 99 号"})
    second_label = str(reload(address))
    deactivate_contact(contact, actor=rep)
    delete_address(address, actor=rep)
    update_customer(customer, actor=rep, changes={"status": "inactive"})

    timeline = timeline_of(customer_page(client_for(rep), customer))

    assert [(kind, about) for kind, about, _text in timeline] == [
        ("customer.updated", ""),
        ("address.deleted", f"customer address {second_label}"),
        ("contact.deactivated", "contact 王芳"),
        ("address.updated", f"customer address {second_label}"),  # labelled as it was after the change
        ("address.created", f"customer address {first_label}"),
        ("contact.updated", "contact 王芳"),
        ("contact.created", "contact 王芳"),
        ("customer.created", ""),
    ]
    texts = {kind: text for kind, _about, text in timeline}
    # Each change reads with the contact's or address's own field labels.
    assert "sales_rep_a</strong> changed" in texts["contact.updated"]
    assert "mobile phone: <del>13812345678</del> → 13912345678" in texts["contact.updated"]
    assert "street address: <del>张江路 88 号</del> → 祖冲之路 99 号" in texts["address.updated"]
    assert "sales_rep_a</strong> deactivated" in texts["contact.deactivated"]
    assert "status: <del>active</del> → inactive" in texts["customer.updated"]


def test_another_customers_contacts_and_addresses_stay_off_the_timeline(org, client_for):
    add_contact(org.b.customer, org.b.user("sales_rep"), name="赵强")
    doomed = add_address(org.b.customer, org.b.user("sales_rep"))
    delete_address(doomed, actor=org.b.user("sales_rep"))
    add_contact(org.a.customer, org.a.user("sales_rep"), name="王芳")

    html = customer_page(client_for(org.admin), org.a.customer)

    assert [kind for kind, _about, _text in timeline_of(html)] == ["contact.created", "customer.created"]
    assert "赵强" not in html


def test_the_customer_page_reads_the_timeline_in_a_fixed_number_of_queries(org, client_for):
    rep = org.a.user("sales_rep")
    client = client_for(rep)
    add_contact(org.a.customer, rep, name="王芳")
    add_address(org.a.customer, rep)
    customer_page(client, org.a.customer)  # warm up: session, translations
    with CaptureQueriesContext(connection) as few:
        customer_page(client, org.a.customer)

    for index in range(4):
        contact = add_contact(org.a.customer, rep, name=f"联系人{index}", mobile_phone=f"1381234567{index}")
        update_contact(contact, actor=rep, changes={"job_title": "总经理"})
        address = add_address(org.a.customer, rep, label=f"仓库{index}")
        delete_address(address, actor=rep)
    with CaptureQueriesContext(connection) as many:
        html = customer_page(client, org.a.customer)

    assert len(timeline_of(html)) == 2 + 4 * 4 + 1
    assert len(many) == len(few)
