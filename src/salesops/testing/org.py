"""Test helpers: a two-region org tree with one user per role in each region, and customers in both."""

from dataclasses import dataclass, field

from salesops.accounts.models import OrgUnit, Role, User
from salesops.customers.actions import create_customer
from salesops.customers.credit_code import complete_credit_code
from salesops.customers.models import Customer, CustomerPortalAccess

PASSWORD = "correct-horse-battery-9"


@dataclass
class Region:
    region: OrgUnit
    office: OrgUnit
    team: OrgUnit
    users: dict[str, User] = field(default_factory=dict)
    customer: Customer | None = None

    def user(self, role: str) -> User:
        return self.users[role]


@dataclass
class Org:
    company: OrgUnit
    a: Region
    b: Region
    admin: User


_code_counter = [0]


def credit_code(division: str = "310115") -> str:
    _code_counter[0] += 1
    return complete_credit_code(f"91{division}{_code_counter[0]:08d}")


def make_user(username: str, role: str, unit: OrgUnit | None, **extra) -> User:
    user = User.objects.create(username=username, role=role, org_unit=unit, **extra)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def make_region(company: OrgUnit, code: str) -> Region:
    region = OrgUnit.objects.create(kind="region", name=f"Region {code}", code=f"region-{code}", parent=company)
    office = OrgUnit.objects.create(kind="office", name=f"Office {code}", code=f"office-{code}", parent=region)
    team = OrgUnit.objects.create(kind="team", name=f"Team {code}", code=f"team-{code}", parent=office)
    result = Region(region, office, team)
    for role in Role.values:
        unit = {Role.SALES_REP: team, Role.SALES_MANAGER: team, Role.REGIONAL_DIRECTOR: region, Role.DEALER: None}.get(
            role, region
        )
        result.users[role] = make_user(f"{role}_{code}", role, unit)
    region.manager = result.users[Role.REGIONAL_DIRECTOR]
    region.save()
    team.manager = result.users[Role.SALES_MANAGER]
    team.save()
    return result


def build_org() -> Org:
    company = OrgUnit.objects.create(kind="company", name="Test Co", code="testco")
    admin = make_user("root", Role.ADMIN, company, is_staff=True, is_superuser=True)
    org = Org(company, make_region(company, "a"), make_region(company, "b"), admin)
    for region in (org.a, org.b):
        region.customer = create_customer(
            actor=admin,
            name=f"Customer of {region.region.name}",
            credit_code=credit_code(),
            office=region.office,
            owner=region.user(Role.SALES_REP),
        )
        CustomerPortalAccess.objects.create(user=region.user(Role.DEALER), customer=region.customer)
    return org
