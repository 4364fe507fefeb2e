"""Read side of orders and quotes: the scoping functions, who may do what, credit exposure and the approval queue."""

from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet

from salesops.accounts.models import Role, User
from salesops.accounts.scopes import REMIT_ROLES, managed_paths, remit_path, sees_everything, under_paths
from salesops.approvals.queries import pending_task_for, subjects_awaiting, subjects_involving
from salesops.core.scoping import for_user, scope_for
from salesops.customers.models import Customer
from salesops.inventory.models import StockLevel
from salesops.orders.models import OPEN_STATUSES, OrderStatus, Quote, SalesOrder, Shipment

SELLING_ROLES = {Role.SALES_REP, Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR}
# Credit control may stop and release orders as well as the people who sell.
HOLD_ROLES = SELLING_ROLES | {Role.FINANCE, Role.RISK_OFFICER}
# What warehouse staff need to see: orders they may have to ship.
SHIPPABLE_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED)
NO_ORDER_ACCESS = {Role.SUPPLIER, Role.STORE_SUPERVISOR}
ORDER_SUBJECT = "orders.salesorder"  # the approvals subject keys (orders/approval_subjects.py)
QUOTE_SUBJECT = "orders.quote"


@scope_for(SalesOrder)
def orders_for_user(
    queryset: QuerySet, user: User, *, shippable_statuses=SHIPPABLE_STATUSES, subject: str = ORDER_SUBJECT
) -> QuerySet:
    """A rep sees own orders; a manager the team's, a director the region's (whatever unit they manage), and
    anyone the orders whose approval they are part of; finance, risk and legal the orders of offices under their org
    unit; warehouse staff confirmed orders of their region or shipping from its warehouses; a dealer the orders
    of the customer accounts it has portal access to; suppliers and store supervisors none; admins everything."""
    if sees_everything(user):
        return queryset
    if user.role in REMIT_ROLES:
        path = remit_path(user)
        remit = Q(office__path__startswith=path) if path else Q(pk__in=[])
        return queryset.filter(remit | Q(pk__in=subjects_involving(user, subject)))
    if user.role == Role.DEALER:
        return queryset.filter(customer__portal_accesses__user=user)
    if user.role in NO_ORDER_ACCESS:
        return queryset.none()
    if user.role == Role.WAREHOUSE:
        region = user.org_unit.region if user.org_unit_id else None
        if region is None:
            return queryset.none()
        return queryset.filter(Q(region=region) | Q(warehouse__region=region), status__in=shippable_statuses)
    visible = Q(owner=user) | Q(pk__in=subjects_involving(user, subject))
    paths = managed_paths(user)
    if paths:
        visible |= under_paths("owner__org_unit", paths) | under_paths("office", paths)
    return queryset.filter(visible)


def visible_orders(user: User) -> QuerySet:
    return for_user(SalesOrder.objects.select_related("customer", "owner", "office", "region", "warehouse"), user)


def waiting_for_approval(user: User) -> QuerySet:
    """Orders waiting for the user's decision now (their own approval tasks, and those of people they stand
    in for)."""
    return visible_orders(user).filter(status=OrderStatus.SUBMITTED, pk__in=subjects_awaiting(user, ORDER_SUBJECT))


def may_sell(user: User) -> bool:
    """Whether the user's role takes orders: create, edit drafts, submit, cancel."""
    return user.is_authenticated and (sees_everything(user) or user.role in SELLING_ROLES)


def may_hold(user: User) -> bool:
    return user.is_authenticated and (sees_everything(user) or user.role in HOLD_ROLES)


def may_decide(user: User, order: SalesOrder) -> bool:
    """Whether an approval task of this order waits for the user (never the submitter: the engine does not
    ask people to approve their own documents)."""
    return order.is_waiting_for_approval and pending_task_for(order, user) is not None


def may_release_hold(user: User, order: SalesOrder) -> bool:
    """A hold put by hand is lifted by its author, finance, risk control or an administrator; a credit or stock
    hold by anyone who may release orders (the checks run again)."""
    if order.held_by_id is None or order.held_by_id == user.pk:
        return True
    return sees_everything(user) or user.role in {Role.FINANCE, Role.RISK_OFFICER}


def may_ship(user: User) -> bool:
    """Warehouse staff (and administrators) ship goods."""
    return user.is_authenticated and (sees_everything(user) or user.role == Role.WAREHOUSE)


@scope_for(Shipment)
def shipments_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Whoever may see the order sees its shipments; warehouse staff also see every shipment that left a
    warehouse of their region (long after the order itself has left their queue)."""
    visible = Q(order__in=orders_for_user(SalesOrder.objects.all(), user).values("pk"))
    if user.role == Role.WAREHOUSE and user.org_unit_id and user.org_unit.region is not None:
        visible |= Q(warehouse__region=user.org_unit.region)
    return queryset.filter(visible)


def visible_shipments(user: User) -> QuerySet:
    return for_user(Shipment.objects.select_related("order", "order__customer", "warehouse", "shipped_by"), user)


def may_record_prepayment(user: User) -> bool:
    return user.is_authenticated and (sees_everything(user) or user.role == Role.FINANCE)


def open_receivables(customer: Customer) -> Decimal:
    """What the customer owes on issued invoices, less credit it holds (overpayments, credit notes not yet
    set against an invoice). Billing keeps both balances on the customer row, so this reads no history."""
    return customer.receivable_balance - customer.credit_balance


# Only orders in these statuses can hold stock: reserved at confirmation, kept on hold, given back on cancelling
# and by the last shipment.
STOCK_HOLDING_STATUSES = (*OPEN_STATUSES, OrderStatus.ON_HOLD)


def open_orders_amount(customer: Customer, *, excluding: SalesOrder | None = None) -> Decimal:
    """Confirmed, not yet invoiced orders of the customer, less what was prepaid on them.

    Orders holding stock count too: a confirmed order put on hold keeps its reservation and its exposure.
    Invoiced parts are receivables already, the cancelled remainder of a partially shipped order is owed by nobody,
    and an unused prepayment covers part of the rest (see `SalesOrder.open_amount`).
    The status condition lets the (customer, status) index find the customer's open orders without reading their
    history (invoiced, paid, cancelled orders), however long it grows.

    Hand-written SQL (the same on SQLite and PostgreSQL): every submission runs it, and compiling it through the
    ORM took some thirty times longer than running it.
    """
    holding = ", ".join(["%s"] * len(STOCK_HOLDING_STATUSES))
    open_ = ", ".join(["%s"] * len(OPEN_STATUSES))
    # Per order, as `SalesOrder.open_amount`: never below zero (a prepayment larger than what was kept of a
    # partly cancelled order is not credit for the customer's other orders).
    amount = "total - invoiced_amount - cancelled_amount - prepayment_amount + prepayment_applied + prepayment_credited"
    sql = (
        f"SELECT COALESCE(SUM(CASE WHEN {amount} > 0 THEN {amount} ELSE 0 END), 0) "
        f"FROM {connection.ops.quote_name(SalesOrder._meta.db_table)} "
        f"WHERE customer_id = %s AND status IN ({holding}) AND (status IN ({open_}) OR is_stock_reserved)"
    )
    params = [customer.pk, *STOCK_HOLDING_STATUSES, *OPEN_STATUSES]
    if excluding is not None and excluding.pk is not None:
        sql += " AND id <> %s"
        params.append(excluding.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    # SQLite sums its decimal columns as floating point: str() gives the shortest decimal that reads back the same.
    return Decimal(str(value) if isinstance(value, float) else value).quantize(Decimal("0.01"))


def credit_exposure(order: SalesOrder, customer: Customer | None = None) -> Decimal:
    """Open receivables + confirmed-not-invoiced orders + this order (each less its prepayment)."""
    customer = customer or order.customer
    return open_receivables(customer) + open_orders_amount(customer, excluding=order) + order.open_amount


@scope_for(Quote)
def quotes_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Exactly the orders' rule on the same fields (owner, office, region, customer): a rep sees own quotes, a
    manager the team's, a director the region's, finance, risk and legal those under their org unit, a dealer
    its accounts', suppliers and store supervisors none, admins all, and anyone the quotes whose approval they are
    part of. Warehouse staff see none (they ship orders, not offers)."""
    return orders_for_user(queryset, user, shippable_statuses=(), subject=QUOTE_SUBJECT)


def visible_quotes(user: User) -> QuerySet:
    return for_user(
        Quote.objects.select_related("customer", "owner", "office", "region", "warehouse", "converted_order"), user
    )


def available_stock(user: User, warehouse_id: int | None, product_ids) -> dict[int, Decimal]:
    """Product id -> available quantity (on hand - reserved) in one warehouse, for the products stocked there; one
    query. Read through the stock scope (every internal role sees stock)."""
    if warehouse_id is None:
        return {}
    levels = for_user(StockLevel.objects.filter(warehouse_id=warehouse_id, product_id__in=product_ids), user)
    return {level.product_id: level.available for level in levels}
