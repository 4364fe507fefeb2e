"""Names for the ids a metrics row is grouped by (regions, offices, salespeople, customer groups, product lines)."""

from salesops.accounts.models import OrgUnit, User
from salesops.catalog.models import ProductLine
from salesops.customers.models import CustomerGroup


def group_labels(group_by: str | None, ids: set[int]) -> dict[int, str]:
    if not group_by or not ids:
        return {}
    if group_by in ("region", "office"):
        return dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group_by == "salesperson":
        return {user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=ids)}
    if group_by == "customer_group":
        return dict(CustomerGroup.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group_by == "product_line":
        return dict(ProductLine.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {}
