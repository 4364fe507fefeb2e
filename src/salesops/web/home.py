"""What each role's home page shows: a greeting, its key figures and the shortcuts to its daily work."""

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.accounts.models import Role, User
from salesops.core.scoping import for_user
from salesops.customers.models import Customer
from salesops.customers.queries import can_change_customers, visible_customers
from salesops.inventory.filters import with_availability
from salesops.inventory.models import StockLevel
from salesops.inventory.queries import PORTAL_ROLES, may_change_stock
from salesops.orders.models import OrderStatus
from salesops.orders.queries import NO_ORDER_ACCESS, may_sell, visible_orders, waiting_for_approval

ROLE_FOCUS = {
    Role.ADMIN: gettext_lazy("Configure the organisation, users, API keys and custom fields."),
    Role.SALES_REP: gettext_lazy("Your customers and today's follow-ups."),
    Role.SALES_MANAGER: gettext_lazy("Your team's customers and the work waiting for you."),
    Role.REGIONAL_DIRECTOR: gettext_lazy("Your region at a glance."),
    Role.FINANCE: gettext_lazy("Customers and receivables within your remit."),
    Role.WAREHOUSE: gettext_lazy("Goods in, stock counts and stock below safety levels."),
    Role.RISK_OFFICER: gettext_lazy("Customer credit and risk within your remit."),
    Role.LEGAL: gettext_lazy("Customers and contracts within your remit."),
    Role.STORE_SUPERVISOR: gettext_lazy("Your stores."),
    Role.DEALER: gettext_lazy("Your account with us."),
    Role.SUPPLIER: gettext_lazy("Your replenishment orders."),
}


@dataclass
class Section:
    title: str
    figures: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    chart: dict | None = None
    chart_id: str = ""


def customers_by_region_chart(customers) -> dict | None:
    """An ECharts option: the user's visible customers per region, stacked by status."""
    rows = list(customers.order_by().values("region__name", "status").annotate(count=Count("id")))
    if not rows:
        return None
    regions = sorted({row["region__name"] for row in rows})
    series = []
    for status, label in Customer.Status.choices:
        counts = {row["region__name"]: row["count"] for row in rows if row["status"] == status}
        series.append(
            {
                "name": str(label),
                "type": "bar",
                "stack": "customers",
                "data": [counts.get(region, 0) for region in regions],
            }
        )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 10, "top": 10, "bottom": 50},
        "xAxis": {"type": "category", "data": regions},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }


def home_sections(user: User) -> list[Section]:
    sections = []
    customers = visible_customers(user)
    if user.role not in {Role.WAREHOUSE, Role.STORE_SUPERVISOR, Role.SUPPLIER}:
        section = Section(
            _("Customers"),
            figures=[
                (_("Visible to you"), customers.count()),
                (_("Active"), customers.filter(status=Customer.Status.ACTIVE).count()),
            ],
            links=[(_("All customers"), reverse("customers:list"))],
            chart=customers_by_region_chart(customers),
            chart_id="chart-customers",
        )
        if can_change_customers(user):
            section.links.append((_("New customer"), reverse("customers:create")))
        sections.append(section)
    if user.role not in NO_ORDER_ACCESS:
        sections.append(orders_section(user))
    if user.role not in PORTAL_ROLES:
        sections.append(stock_section(user))
    if user.is_staff:
        sections.append(Section(_("Configuration"), links=[(_("Administration"), reverse("admin:index"))]))
    return sections


def orders_section(user: User) -> Section:
    orders = visible_orders(user)
    waiting = waiting_for_approval(user).count()
    section = Section(
        _("Orders"),
        figures=[
            (_("Waiting for my approval"), waiting),
            (_("On hold"), orders.filter(status=OrderStatus.ON_HOLD).count()),
        ],
        links=[(_("All orders"), reverse("orders:list"))],
    )
    if waiting:
        section.links.append((_("Waiting for my approval"), reverse("orders:list") + "?queue=approval"))
    if may_sell(user):
        section.links.append((_("New order"), reverse("orders:create")))
    return section


def stock_section(user: User) -> Section:
    levels = with_availability(for_user(StockLevel.objects.all(), user))
    below = levels.filter(safety_minimum__isnull=False, available_quantity__lt=F("safety_minimum")).count()
    section = Section(
        _("Stock"),
        figures=[(_("Below safety stock"), below)],
        links=[
            (_("Stock levels"), reverse("inventory:list")),
            (_("Below safety stock"), reverse("inventory:list") + "?below_safety=true"),
        ],
    )
    if may_change_stock(user):
        section.links.append((_("Receive stock"), reverse("inventory:receive")))
    return section


def role_focus(user: User) -> str:
    return str(ROLE_FOCUS.get(user.role, ""))
