"""Demo contacts and addresses: 1-3 contacts per customer (one primary), a default billing and shipping address
inside the office's city, all created through the actions, and the same data for the same seed."""

from decimal import Decimal

from salesops.accounts.demo import load_demo_organisation
from salesops.core.models import Event
from salesops.customers.demo import load_demo_contacts, load_demo_customers
from salesops.customers.models import Contact, Customer, CustomerAddress
from salesops.customers.phones import MOBILE

# Administrative extents of the office cities (latitude, longitude ranges), independent of the demo's own data.
CITY_BOUNDS = {
    "sh": ((30.67, 31.88), (120.85, 122.20)),
    "hz": ((29.18, 30.57), (118.34, 120.72)),
    "nj": ((31.23, 32.62), (118.37, 119.25)),
    "gz": ((22.55, 23.94), (112.95, 114.05)),
    "sz": ((22.44, 22.87), (113.75, 114.62)),
    "xm": ((24.38, 24.92), (117.87, 118.43)),
    "bj": ((39.44, 41.06), (115.42, 117.51)),
    "tj": ((38.55, 40.25), (116.70, 118.06)),
    "jn": ((36.02, 37.54), (116.20, 117.73)),
}
CITY_NAMES = {
    "sh": "上海市",
    "hz": "杭州市",
    "nj": "南京市",
    "gz": "广州市",
    "sz": "深圳市",
    "xm": "厦门市",
    "bj": "北京市",
    "tj": "天津市",
    "jn": "济南市",
}


def demo_state() -> list[tuple]:
    contacts = Contact.objects.order_by("customer__credit_code", "pk").values_list(
        "customer__credit_code", "name", "job_title", "mobile_phone", "office_phone", "email", "wechat_id", "is_primary"
    )
    addresses = CustomerAddress.objects.order_by("customer__credit_code", "kind").values_list(
        "customer__credit_code", "kind", "district", "street", "latitude", "longitude", "recipient_name"
    )
    return [*contacts, *addresses]


def test_demo_customers_get_contacts_and_addresses_in_their_city(db):
    load_demo_organisation()
    created = load_demo_customers(per_rep=1)

    customers = list(Customer.objects.select_related("office"))
    assert len(customers) == created > 0
    for customer in customers:
        contacts = list(customer.contacts.all())
        assert 1 <= len(contacts) <= 3
        assert [c.is_primary for c in contacts].count(True) == 1
        assert len({c.name for c in contacts}) == len(contacts)
        assert all(MOBILE.match(c.mobile_phone) for c in contacts)
        addresses = {a.kind: a for a in customer.addresses.all()}
        assert set(addresses) == {"billing", "shipping"}
        (lat_min, lat_max), (lon_min, lon_max) = CITY_BOUNDS[customer.office.code]
        for address in addresses.values():
            assert address.is_default
            assert address.city == CITY_NAMES[customer.office.code]
            assert Decimal(str(lat_min)) < address.latitude < Decimal(str(lat_max)), (customer, address)
            assert Decimal(str(lon_min)) < address.longitude < Decimal(str(lon_max)), (customer, address)
        assert addresses["billing"].district != addresses["shipping"].district
    # Through the actions: every contact and address has its creation event, by the customer's owner
    assert Event.objects.filter(type="contact.created").count() == Contact.objects.count()
    assert Event.objects.filter(type="address.created").count() == CustomerAddress.objects.count()
    assert set(Event.objects.filter(type="contact.created").values_list("actor__role", flat=True)) == {"sales_rep"}


def test_demo_contacts_are_deterministic_and_load_once(db):
    load_demo_organisation()
    load_demo_customers(per_rep=1)
    first = demo_state()

    assert load_demo_contacts() == 0  # a second run changes nothing
    assert demo_state() == first

    Contact.objects.all().delete()
    CustomerAddress.objects.all().delete()
    assert load_demo_contacts() > 0
    assert demo_state() == first
