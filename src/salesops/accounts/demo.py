"""A deterministic demo organisation: one company, 3 regions, 9 offices, a team per office, one login per role."""

from dataclasses import dataclass

from django.db import transaction

from salesops.accounts.models import OrgUnit, Role, User

DEMO_PASSWORD = "salesops-demo-2026"
REGIONS = {
    "east": ("华东大区", [("sh", "上海办事处"), ("hz", "杭州办事处"), ("nj", "南京办事处")]),
    "south": ("华南大区", [("gz", "广州办事处"), ("sz", "深圳办事处"), ("xm", "厦门办事处")]),
    "north": ("华北大区", [("bj", "北京办事处"), ("tj", "天津办事处"), ("jn", "济南办事处")]),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "丽", "涛", "明", "超"]


@dataclass
class DemoLogin:
    username: str
    role: str
    where: str


def person_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def make_user(username: str, role: str, unit: OrgUnit | None, name: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "org_unit": unit,
            "display_name": name,
            "email": f"{username}@demo.salesops.localhost",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def load_demo_organisation() -> list[DemoLogin]:
    """Create (or reuse) the demo org tree and users; return one login per role."""
    company, _ = OrgUnit.objects.get_or_create(code="demo", defaults={"kind": OrgUnit.Kind.COMPANY, "name": "示例集团"})
    logins = [DemoLogin("admin", Role.ADMIN, company.name)]
    make_user("admin", Role.ADMIN, company, "系统管理员", is_staff=True, is_superuser=True)
    general_manager = make_user("gm", Role.REGIONAL_DIRECTOR, company, "总经理 刘洋")
    OrgUnit.objects.filter(pk=company.pk).update(manager=general_manager)
    logins.append(DemoLogin("gm", Role.REGIONAL_DIRECTOR, company.name))
    for role, username, name in [
        (Role.FINANCE, "finance", "财务 周敏"),
        (Role.RISK_OFFICER, "risk", "风控 吴静"),
        (Role.LEGAL, "legal", "法务 郑强"),
        (Role.WAREHOUSE, "warehouse", "仓库 孙涛"),
        (Role.SUPPLIER, "supplier", "供应商 联络人"),
    ]:
        make_user(username, role, company, name)
        logins.append(DemoLogin(username, role, company.name))
    counter = 0
    for region_code, (region_name, offices) in REGIONS.items():
        region, _ = OrgUnit.objects.get_or_create(
            code=region_code, defaults={"kind": OrgUnit.Kind.REGION, "name": region_name, "parent": company}
        )
        director = make_user(f"director_{region_code}", Role.REGIONAL_DIRECTOR, region, f"{region_name}总监")
        OrgUnit.objects.filter(pk=region.pk).update(manager=director)
        for office_code, office_name in offices:
            office, _ = OrgUnit.objects.get_or_create(
                code=office_code, defaults={"kind": OrgUnit.Kind.OFFICE, "name": office_name, "parent": region}
            )
            team, _ = OrgUnit.objects.get_or_create(
                code=f"{office_code}-team1",
                defaults={"kind": OrgUnit.Kind.TEAM, "name": f"{office_name[:2]}一组", "parent": office},
            )
            counter += 1
            manager = make_user(f"manager_{office_code}", Role.SALES_MANAGER, team, person_name(counter) + "（经理）")
            OrgUnit.objects.filter(pk=team.pk).update(manager=manager)
            # 40 reps: five in every other office, four in the rest.
            offices_done = OrgUnit.objects.filter(
                kind=OrgUnit.Kind.TEAM, code__endswith="-team1", pk__lt=team.pk
            ).count()
            for number in range(1, 5 + (offices_done % 2)):
                counter += 1
                make_user(f"rep_{office_code}{number}", Role.SALES_REP, team, person_name(counter))
            make_user(f"store_{office_code}", Role.STORE_SUPERVISOR, office, f"{office_name[:2]}门店主管")
    logins += [
        DemoLogin("director_east", Role.REGIONAL_DIRECTOR, "华东大区"),
        DemoLogin("manager_sh", Role.SALES_MANAGER, "上海办事处"),
        DemoLogin("rep_sh1", Role.SALES_REP, "上海办事处"),
        DemoLogin("store_sh", Role.STORE_SUPERVISOR, "上海办事处"),
        DemoLogin("dealer", Role.DEALER, "—"),
    ]
    make_user("dealer", Role.DEALER, None, "经销商 联络人")
    return logins
