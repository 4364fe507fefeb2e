"""Deterministic demo customers, created through the actions so each has its `customer.created` event."""

import random

from salesops.accounts.models import OrgUnit, Role, User
from salesops.customers.actions import create_customer
from salesops.customers.credit_code import ALPHABET, complete_credit_code
from salesops.customers.models import Customer, CustomerPortalAccess

DIVISIONS = {
    "sh": "310115",
    "hz": "330106",
    "nj": "320106",
    "gz": "440106",
    "sz": "440305",
    "xm": "350206",
    "bj": "110108",
    "tj": "120116",
    "jn": "370102",
}
PREFIXES = ["华", "恒", "鑫", "瑞", "新", "宏", "中", "金", "盛", "远", "嘉", "永"]
TRADES = ["机械", "电子", "化工", "食品", "物流", "建材", "医药", "纺织", "汽配", "家电"]
SUFFIXES = ["有限公司", "股份有限公司", "贸易有限公司", "科技有限公司"]


def demo_credit_code(rng: random.Random, division: str) -> str:
    body = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    return complete_credit_code("91" + division + body)


def load_demo_customers(per_rep: int = 4, seed: int = 2026, total: int | None = None) -> int:
    """Give every demo rep `per_rep` customers in their office (or share `total` customers out among the reps);
    returns how many were created."""
    if Customer.objects.exists():
        return 0
    rng = random.Random(seed)
    created = 0
    reps = list(User.objects.filter(role=Role.SALES_REP).select_related("org_unit").order_by("username"))
    for index, rep in enumerate(reps):
        office = rep.org_unit.ancestor_of_kind(OrgUnit.Kind.OFFICE)
        count = per_rep if total is None else total // len(reps) + (index < total % len(reps))
        for _ in range(count):
            city = office.name[:2]
            name = f"{city}{rng.choice(PREFIXES)}{rng.choice(PREFIXES)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            code = demo_credit_code(rng, DIVISIONS.get(office.code, "310115"))
            if Customer.objects.filter(credit_code=code).exists():
                continue
            status = rng.choices(list(Customer.Status.values), weights=[2, 7, 1])[0]
            # Each rep enters their own customers, as they would in the field.
            create_customer(actor=rep, name=name, credit_code=code, office=office, owner=rep, status=status)
            created += 1
    dealer = User.objects.filter(username="dealer").first()
    first = Customer.objects.order_by("pk").first()
    if dealer and first:
        CustomerPortalAccess.objects.get_or_create(user=dealer, customer=first)
    return created
