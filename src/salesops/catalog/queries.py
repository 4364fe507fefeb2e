"""Read side of the catalog. Products and prices are company-wide: every internal role and dealers (who order)
see them; suppliers do not. Standard cost is for finance, management and administrators only."""

from django.db.models import Q, QuerySet

from salesops.accounts.models import Role, User
from salesops.accounts.scopes import PORTAL_ROLES, REMIT_ROLES, managed_paths, remit_path, sees_everything, under_paths
from salesops.approvals.queries import subjects_involving
from salesops.catalog.models import DiscountAuthorisation, DiscountLimit, PriceList, Product, ProductLine
from salesops.core.scoping import for_user, scope_for
from salesops.customers.models import Customer, CustomerGroup
from salesops.customers.queries import customers_for_user

NO_CATALOG_ACCESS = {Role.SUPPLIER}
COST_ROLES = {Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR}


def catalog_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Administrators and every internal role see the whole catalog (inactive records included); dealers see
    only active product lines, products and price lists; suppliers see nothing."""
    if sees_everything(user):
        return queryset
    if user.role in NO_CATALOG_ACCESS:
        return queryset.none()
    if user.role == Role.DEALER and hasattr(queryset.model, "is_active"):
        return queryset.filter(is_active=True)
    return queryset


for catalog_model in (ProductLine, Product):
    scope_for(catalog_model)(catalog_for_user)


@scope_for(PriceList)
def price_lists_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Like the rest of the catalog, except that a dealer sees only the default lists and its own group's:
    what other groups pay is not a dealer's business."""
    queryset = catalog_for_user(queryset, user)
    if user.role == Role.DEALER and not sees_everything(user):
        own_groups = CustomerGroup.objects.filter(customers__portal_accesses__user=user)
        queryset = queryset.filter(Q(customer_group__isnull=True) | Q(customer_group__in=own_groups))
    return queryset


@scope_for(DiscountLimit)
def discount_limits_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Internal roles see every role's limit; dealers and suppliers see none."""
    return queryset if user.role not in NO_CATALOG_ACCESS | {Role.DEALER} else queryset.none()


@scope_for(DiscountAuthorisation)
def discount_authorisations_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Scoped like customers: whoever sees a customer sees its authorisations and those of its group (a rep: own
    customers', a manager the team's, a director the region's, finance, risk and legal those under their unit);
    a group's authorisation is also seen by its requester and by whoever manages the requester (or has them in
    their remit); approvers see what they are asked to decide; administrators everything; dealers and suppliers
    nothing."""
    if sees_everything(user):
        return queryset
    if user.role in PORTAL_ROLES:
        return queryset.none()
    customers = customers_for_user(Customer.objects.all(), user)
    visible = (
        Q(customer__in=customers.values("pk"))
        | Q(customer_group__in=customers.filter(group__isnull=False).values("group_id"))
        | Q(requester=user)
        | Q(pk__in=subjects_involving(user, "discount_authorisation"))
    )
    if user.role in REMIT_ROLES:
        path = remit_path(user)
        if path:
            visible |= Q(requester__org_unit__path__startswith=path)
    else:
        visible |= Q(customer__isnull=True) & under_paths("requester__org_unit", managed_paths(user))
    return queryset.filter(visible)


def visible_discount_authorisations(user: User) -> QuerySet:
    return for_user(
        DiscountAuthorisation.objects.select_related(
            "customer__group", "customer_group", "product_line", "requester", "revoked_by"
        ),
        user,
    )


def active_on(queryset: QuerySet, day) -> QuerySet:
    """The authorisations approved and within their dates on `day` (a company date)."""
    return queryset.filter(status=DiscountAuthorisation.Status.APPROVED, valid_from__lte=day, valid_to__gte=day)


# Fields only `sees_cost` roles may read, wherever they appear (API answers, exports, event payloads, timelines).
COST_FIELDS = ("standard_cost",)


def without_costs(payload: dict) -> dict:
    """An event payload with the cost fields left out of `before` and `after`."""
    return {
        part: {k: v for k, v in value.items() if k not in COST_FIELDS} if part in ("before", "after") else value
        for part, value in payload.items()
    }


def sees_cost(user: User) -> bool:
    return sees_everything(user) or user.role in COST_ROLES


def may_edit_catalog(user: User) -> bool:
    """The catalog is master data: administrators maintain it."""
    return sees_everything(user)


def visible_products(user: User) -> QuerySet:
    return for_user(Product.objects.select_related("line"), user)


def visible_product_lines(user: User) -> QuerySet:
    return for_user(ProductLine.objects.all(), user)


def visible_price_lists(user: User) -> QuerySet:
    return for_user(PriceList.objects.select_related("customer_group"), user)


def visible_discount_limits(user: User) -> QuerySet:
    return for_user(DiscountLimit.objects.all(), user)
