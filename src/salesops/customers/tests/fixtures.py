"""Contact and address helpers for tests: built through the actions, with valid defaults."""

from salesops.customers.contact_actions import create_address, create_contact
from salesops.customers.models import Contact, Customer, CustomerAddress


def add_contact(customer: Customer, actor, **overrides) -> Contact:
    values = {"name": "王伟", "job_title": "采购经理", "mobile_phone": "13812345678", "email": "wang.wei@example.com"}
    return create_contact(actor=actor, customer=customer, **{**values, **overrides})


def add_address(customer: Customer, actor, **overrides) -> CustomerAddress:
    values = {
        "kind": "shipping",
        "label": "仓库",
        "recipient_name": "李娜",
        "recipient_phone": "13900001111",
        "province": "上海市",
        "city": "上海市",
        "district": "浦东新区",
        "street": "张江路 88 号",
        "postal_code": "201203",
        "latitude": "31.203900",
        "longitude": "121.590300",
    }
    return create_address(actor=actor, customer=customer, **{**values, **overrides})


def reload[M](instance: M) -> M:
    return type(instance).objects.get(pk=instance.pk)
