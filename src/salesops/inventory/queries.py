"""Read side of stock. Stock availability is company-wide for internal staff (a rep quoting in Shanghai may ship
from the Beijing warehouse); dealers and suppliers do not see it."""

from django.db.models import QuerySet

from salesops.accounts.models import Role, User
from salesops.accounts.scopes import sees_everything
from salesops.core.scoping import scope_for
from salesops.inventory.models import SafetyStock, StockLevel, StockMovement, Warehouse

PORTAL_ROLES = {Role.DEALER, Role.SUPPLIER}


def stock_for_user(queryset: QuerySet, user: User) -> QuerySet:
    if sees_everything(user):
        return queryset
    if user.role in PORTAL_ROLES:
        return queryset.none()
    return queryset


for stock_model in (Warehouse, StockLevel, StockMovement, SafetyStock):
    scope_for(stock_model)(stock_for_user)


def may_change_stock(user: User) -> bool:
    return sees_everything(user) or user.role == Role.WAREHOUSE
