"""Contact and address actions: validation by field, one primary contact and one default address per kind,
switching them in one transaction with events, and who may write."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.customers.contact_actions import (
    create_contact,
    deactivate_contact,
    delete_address,
    update_address,
    update_contact,
)
from salesops.customers.models import Contact, CustomerAddress
from salesops.customers.tests.fixtures import add_address, add_contact, reload


def events_of(instance) -> list[tuple[str, dict]]:
    rows = Event.objects.filter(subject_type=instance._meta.label_lower, subject_id=str(instance.pk)).order_by("id")
    return [(event.type, event.payload) for event in rows]


def test_create_contact_normalises_and_records_the_event(org):
    rep = org.a.user("sales_rep")

    contact = create_contact(
        actor=rep,
        customer=org.a.customer,
        name=" 王伟 ",
        mobile_phone="+86 138-1234-5678",
        office_phone="021-58881234转801",
        email="Wang.Wei@Example.COM",
        wechat_id="wangwei_88",
    )

    assert (contact.name, contact.mobile_phone, contact.office_phone, contact.email) == (
        "王伟",
        "13812345678",
        "021-58881234 转 801",
        "Wang.Wei@example.com",
    )
    assert (contact.is_primary, contact.is_active) == (False, True)
    [(kind, payload)] = events_of(contact)
    assert kind == "contact.created"
    assert payload["after"]["customer"] == org.a.customer.pk
    assert payload["after"]["mobile_phone"] == "13812345678"
    assert Event.objects.get(type="contact.created").actor == rep


def test_bad_fields_are_each_named_and_nothing_is_created(org):
    with pytest.raises(ValidationError) as caught:
        create_contact(
            actor=org.a.user("sales_rep"),
            customer=org.a.customer,
            name="  ",
            mobile_phone="12345",
            office_phone="call me",
            email="wang@",
            wechat_id="a b",
            is_primary="yes",
        )

    assert set(caught.value.message_dict) == {
        "name",
        "mobile_phone",
        "office_phone",
        "email",
        "wechat_id",
        "is_primary",
    }
    assert Contact.objects.count() == 0
    assert not Event.objects.filter(type__startswith="contact.").exists()


def test_a_new_primary_contact_demotes_the_previous_one_in_the_same_transaction(org):
    rep = org.a.user("sales_rep")
    first = add_contact(org.a.customer, rep, is_primary=True)

    second = add_contact(org.a.customer, rep, name="李娜", mobile_phone="13900001111", is_primary=True)

    assert (reload(first).is_primary, reload(second).is_primary) == (False, True)
    assert events_of(first)[-1] == (
        "contact.updated",
        {"before": {"is_primary": True}, "after": {"is_primary": False}},
    )
    # Region b's primary contact is another customer's and is left alone
    other = add_contact(org.b.customer, org.b.user("sales_rep"), is_primary=True)
    assert reload(other).is_primary and reload(second).is_primary


def test_update_switches_the_primary_contact(org):
    rep = org.a.user("sales_rep")
    first = add_contact(org.a.customer, rep, is_primary=True)
    second = add_contact(org.a.customer, rep, name="李娜")

    update_contact(second, actor=rep, changes={"is_primary": True, "job_title": "总经理"})

    assert list(Contact.objects.filter(is_primary=True).values_list("pk", flat=True)) == [second.pk]
    assert events_of(second)[-1] == (
        "contact.updated",
        {
            "before": {"is_primary": False, "job_title": "采购经理"},
            "after": {"is_primary": True, "job_title": "总经理"},
        },
    )
    assert events_of(first)[-1][0] == "contact.updated"


def test_deactivating_the_primary_contact_leaves_none_and_is_recorded_once(org):
    rep = org.a.user("sales_rep")
    contact = add_contact(org.a.customer, rep, is_primary=True)

    deactivate_contact(contact, actor=rep)
    deactivate_contact(contact, actor=rep)

    contact = reload(contact)
    assert (contact.is_active, contact.is_primary) == (False, False)
    assert events_of(contact)[1:] == [
        (
            "contact.deactivated",
            {"before": {"is_active": True, "is_primary": True}, "after": {"is_active": False, "is_primary": False}},
        )
    ]


def test_an_inactive_contact_is_made_primary_only_when_reactivated(org):
    rep = org.a.user("sales_rep")
    contact = add_contact(org.a.customer, rep)
    deactivate_contact(contact, actor=rep)
    before = snapshot(reload(contact))

    with pytest.raises(ValidationError) as caught:
        update_contact(contact, actor=rep, changes={"is_primary": True})
    assert set(caught.value.message_dict) == {"is_primary"}
    assert snapshot(reload(contact)) == before

    update_contact(contact, actor=rep, changes={"is_primary": True, "is_active": True})
    assert (reload(contact).is_active, reload(contact).is_primary) == (True, True)


def test_update_refuses_unknown_fields_and_keeps_the_customer(org):
    contact = add_contact(org.a.customer, org.a.user("sales_rep"))
    with pytest.raises(ValidationError) as caught:
        update_contact(contact, actor=org.a.user("sales_rep"), changes={"customer": org.b.customer})
    assert set(caught.value.message_dict) == {"customer"}
    assert reload(contact).customer == org.a.customer


def test_the_database_refuses_two_primary_contacts_and_an_inactive_primary(org):
    Contact.objects.create(customer=org.a.customer, name="甲", is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(customer=org.a.customer, name="乙", is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(customer=org.b.customer, name="丙", is_primary=True, is_active=False)
    # Inactive, non-primary contacts are as many as you like
    Contact.objects.create(customer=org.a.customer, name="丁", is_active=False)
    assert Contact.objects.filter(customer=org.a.customer).count() == 2


@pytest.mark.parametrize("role", ["finance", "risk_officer", "legal", "dealer", "warehouse", "supplier"])
def test_roles_that_do_not_change_customers_cannot_write_contacts_or_addresses(org, role):
    rep = org.a.user("sales_rep")
    contact, address = add_contact(org.a.customer, rep), add_address(org.a.customer, rep)
    before = (snapshot(reload(contact)), snapshot(reload(address)), Event.objects.count())
    user = org.a.user(role)

    attempts = [
        lambda: add_contact(org.a.customer, user),
        lambda: update_contact(contact, actor=user, changes={"name": "x"}),
        lambda: deactivate_contact(contact, actor=user),
        lambda: add_address(org.a.customer, user),
        lambda: update_address(address, actor=user, changes={"label": "x"}),
        lambda: delete_address(address, actor=user),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert (snapshot(reload(contact)), snapshot(reload(address)), Event.objects.count()) == before


def test_a_rep_cannot_write_another_regions_contacts_or_addresses(org):
    rep_a = org.a.user("sales_rep")
    contact, address = add_contact(org.b.customer, org.admin), add_address(org.b.customer, org.admin)

    with pytest.raises(ValidationError) as caught:
        add_contact(org.b.customer, rep_a)
    assert set(caught.value.message_dict) == {"customer_id"}
    with pytest.raises(ValidationError) as caught:
        add_address(org.b.customer, rep_a)
    assert set(caught.value.message_dict) == {"customer_id"}
    for attempt in (
        lambda: update_contact(contact, actor=rep_a, changes={"name": "x"}),
        lambda: deactivate_contact(contact, actor=rep_a),
        lambda: update_address(address, actor=rep_a, changes={"label": "x"}),
        lambda: delete_address(address, actor=rep_a),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert (Contact.objects.count(), CustomerAddress.objects.count()) == (1, 1)
    assert reload(contact).is_active


def test_managers_and_directors_write_their_units_contacts(org):
    contact = add_contact(org.a.customer, org.a.user("sales_manager"))
    update_contact(contact, actor=org.a.user("regional_director"), changes={"department": "采购部"})
    assert reload(contact).department == "采购部"


# --- addresses -----------------------------------------------------------------------------------------------


def test_the_first_address_of_each_kind_becomes_the_default(org):
    rep = org.a.user("sales_rep")

    shipping = add_address(org.a.customer, rep)
    second_shipping = add_address(org.a.customer, rep, label="二号仓")
    billing = add_address(org.a.customer, rep, kind="billing", recipient_name="", recipient_phone="")
    not_default = add_address(org.b.customer, org.admin, is_default=False)

    assert [reload(a).is_default for a in (shipping, second_shipping, billing, not_default)] == [
        True,
        False,
        True,
        False,
    ]
    [(kind, payload)] = events_of(shipping)
    assert kind == "address.created"
    assert payload["after"]["latitude"] == "31.203900"
    assert payload["after"]["is_default"] is True


def test_a_new_default_clears_the_previous_one_of_the_same_kind_only(org):
    rep = org.a.user("sales_rep")
    shipping = add_address(org.a.customer, rep)
    billing = add_address(org.a.customer, rep, kind="billing")

    new_shipping = add_address(org.a.customer, rep, label="新仓库", is_default=True)

    assert [reload(a).is_default for a in (shipping, billing, new_shipping)] == [False, True, True]
    assert events_of(shipping)[-1] == (
        "address.updated",
        {"before": {"is_default": True}, "after": {"is_default": False}},
    )


def test_update_makes_an_address_the_default_and_moves_it_between_kinds(org):
    rep = org.a.user("sales_rep")
    shipping = add_address(org.a.customer, rep)
    other = add_address(org.a.customer, rep, label="二号仓")
    billing = add_address(org.a.customer, rep, kind="billing")

    update_address(other, actor=rep, changes={"is_default": True})
    assert [reload(a).is_default for a in (shipping, other)] == [False, True]

    # The default billing address becomes a shipping address: it takes the shipping default with it
    update_address(billing, actor=rep, changes={"kind": "shipping"})
    assert [reload(a).is_default for a in (shipping, other, billing)] == [False, False, True]
    assert CustomerAddress.objects.filter(customer=org.a.customer, kind="billing", is_default=True).count() == 0


def test_deleting_the_default_address_promotes_nothing_and_is_recorded(org):
    rep = org.a.user("sales_rep")
    default = add_address(org.a.customer, rep)
    other = add_address(org.a.customer, rep, label="二号仓")
    pk = default.pk

    delete_address(default, actor=rep)

    assert not CustomerAddress.objects.filter(pk=pk).exists()
    assert reload(other).is_default is False
    event = Event.objects.get(type="address.deleted")
    assert (event.subject_id, event.payload["before"]["street"]) == (str(pk), "张江路 88 号")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"latitude": "91"}, {"latitude"}),
        ({"longitude": "-180.5"}, {"longitude"}),
        ({"latitude": "NaN"}, {"latitude"}),
        ({"latitude": "north"}, {"latitude"}),
        ({"latitude": None}, {"latitude"}),
        ({"longitude": ""}, {"longitude"}),
        ({"kind": "office"}, {"kind"}),
        ({"province": "", "street": " "}, {"province", "street"}),
        ({"postal_code": "20012"}, {"postal_code"}),
        ({"postal_code": "２０１２０３"}, {"postal_code"}),
        ({"recipient_name": "", "recipient_phone": ""}, {"recipient_name", "recipient_phone"}),
        ({"recipient_phone": "12345"}, {"recipient_phone"}),
        ({"is_default": "yes"}, {"is_default"}),
    ],
)
def test_bad_address_fields_are_named_and_nothing_is_created(org, overrides, fields):
    with pytest.raises(ValidationError) as caught:
        add_address(org.a.customer, org.a.user("sales_rep"), **overrides)
    assert set(caught.value.message_dict) == fields
    assert CustomerAddress.objects.count() == 0


def test_coordinates_are_rounded_to_six_places_and_may_be_left_out(org):
    rep = org.a.user("sales_rep")
    precise = add_address(org.a.customer, rep, latitude=31.2039125, longitude="121.59030049")
    without = add_address(org.a.customer, rep, kind="billing", latitude=None, longitude=None)

    assert (reload(precise).latitude, reload(precise).longitude) == (Decimal("31.203913"), Decimal("121.590300"))
    assert reload(precise).map_url == (
        "https://www.openstreetmap.org/?mlat=31.203913&mlon=121.590300#map=17/31.203913/121.590300"
    )
    assert (reload(without).latitude, reload(without).map_url) == (None, None)


def test_the_database_refuses_out_of_range_coordinates_and_two_defaults(org):
    values = {"customer": org.a.customer, "kind": "billing", "province": "上海市", "city": "上海市", "street": "x"}
    for bad in ({"latitude": 91, "longitude": 0}, {"latitude": 0, "longitude": -181}, {"latitude": 0}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CustomerAddress.objects.create(**values, **bad)
    CustomerAddress.objects.create(**values, is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerAddress.objects.create(**values, is_default=True)
    CustomerAddress.objects.create(**{**values, "kind": "shipping"}, is_default=True)
    assert CustomerAddress.objects.filter(is_default=True).count() == 2


def test_address_one_line_does_not_repeat_a_municipality(org):
    rep = org.a.user("sales_rep")
    shanghai = add_address(org.a.customer, rep)
    hangzhou = add_address(
        org.a.customer, rep, province="浙江省", city="杭州市", district="西湖区", street="文三路 1 号"
    )
    assert shanghai.one_line() == "上海市浦东新区张江路 88 号"
    assert hangzhou.one_line() == "浙江省杭州市西湖区文三路 1 号"


def test_deleting_a_customer_keeps_its_contacts_and_addresses_in_the_audit_trail(org):
    from salesops.customers.actions import delete_customer

    rep = org.a.user("sales_rep")
    contact, address = add_contact(org.a.customer, rep), add_address(org.a.customer, rep)

    delete_customer(org.a.customer, actor=rep)

    assert (Contact.objects.count(), CustomerAddress.objects.count()) == (0, 0)
    data = Event.objects.get(type="customer.deleted").payload["data"]
    assert [c["name"] for c in data["contacts"]] == [contact.name]
    assert [(a["kind"], a["street"]) for a in data["addresses"]] == [("shipping", address.street)]
