"""/api/v1 endpoints for the catalog: product lines, products (with prices), price lists and discount limits.

Parse, authorise, call an action, return. Reads need the `catalog:read` scope, writes `catalog:write`; what a
caller sees is decided by the scoping functions in `queries.py` (suppliers see nothing, dealers only active
records), and only administrators may write (403 otherwise)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.catalog import actions
from salesops.catalog.exports import products_export
from salesops.catalog.filters import filter_price_lists, filter_product_lines, filter_products
from salesops.catalog.models import PriceList, Product, ProductLine
from salesops.catalog.pricing import company_today, quote_for
from salesops.catalog.queries import (
    sees_cost,
    visible_discount_limits,
    visible_price_lists,
    visible_product_lines,
    visible_products,
    without_costs,
)
from salesops.catalog.schemas import (
    DiscountLimitOut,
    PriceListDetailOut,
    PriceListFilters,
    PriceListIn,
    PriceListOut,
    PriceListPatch,
    PriceOut,
    PriceQuery,
    ProductFilters,
    ProductIn,
    ProductLineFilters,
    ProductLineIn,
    ProductLineOut,
    ProductOut,
    ProductPatch,
)
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import ListParams, Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import get_for_user
from salesops.customers.models import Customer, CustomerGroup

router = Router(tags=["catalog"])


def lookup(model, pk: int | None, field: str):
    if pk is None:
        return None
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise ValidationError({field: [f"No {model._meta.verbose_name} with id {pk}."]}) from None


def get_product(request: HttpRequest, product_id: int) -> Product:
    return get_for_user(visible_products(request.user), request.user, pk=product_id)


def get_price_list(request: HttpRequest, price_list_id: int) -> PriceList:
    return get_for_user(visible_price_lists(request.user), request.user, pk=price_list_id)


def price_list_detail(request: HttpRequest, price_list: PriceList) -> dict:
    """A price list with its items, limited to the products the caller may see."""
    items = (
        price_list.items.filter(product__in=visible_products(request.user).values("pk"))
        .select_related("product")
        .order_by("product__sku")
    )
    return {**PriceListOut.from_orm(price_list).dict(), "items": list(items)}


def item_values(items, field_prefix: str = "items") -> list[dict]:
    """Body items with their products loaded in one query; an unknown product id is reported on its item."""
    products = Product.objects.in_bulk([item.product_id for item in items])
    values, errors = [], {}
    for index, item in enumerate(items):
        product = products.get(item.product_id)
        if product is None:
            errors[f"{field_prefix}.{index}.product_id"] = [f"No product with id {item.product_id}."]
        values.append({"product": product, "unit_price": item.unit_price})
    if errors:
        raise ValidationError(errors)
    return values


# --- product lines ------------------------------------------------------------------------------------------------


@router.get("/product-lines", response={200: Page[ProductLineOut], **READ_ERRORS}, summary="List product lines")
def list_product_lines(request: HttpRequest, filters: Query[ProductLineFilters]):
    require_scope(request, "catalog:read")
    return paginate(filter_product_lines(visible_product_lines(request.user), filters), filters)


@router.post(
    "/product-lines",
    response={201: ProductLineOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Create a product line",
)
@idempotent
def create_product_line(request: HttpRequest, payload: ProductLineIn):
    require_scope(request, "catalog:write")
    line = actions.create_product_line(
        actor=request.user, code=payload.code, name=payload.name, is_active=payload.is_active
    )
    return Status(201, ProductLineOut.from_orm(line))


@router.get("/product-lines/{line_id}", response={200: ProductLineOut, **READ_ERRORS}, summary="Read a product line")
def read_product_line(request: HttpRequest, line_id: int):
    require_scope(request, "catalog:read")
    return get_for_user(visible_product_lines(request.user), request.user, pk=line_id)


# --- products -----------------------------------------------------------------------------------------------------


@router.get("/products", response={200: Page[ProductOut], **READ_ERRORS}, summary="List products")
def list_products(request: HttpRequest, filters: Query[ProductFilters]):
    """Products the caller may see. Filter with `cf_<name>=value` on custom fields too. `standard_cost` is null
    for callers who may not see costs."""
    require_scope(request, "catalog:read")
    return paginate(filter_products(visible_products(request.user), filters, request.GET), filters)


@export_routes(router, "/products/export", summary="Export products")
def export_products(request: HttpRequest, filters: Query[ProductFilters]):
    """The same filters and ordering as the list, all pages, with custom fields as columns. The
    `standard_cost` column is left out for callers who may not see costs."""
    require_scope(request, "catalog:read")
    queryset = filter_products(visible_products(request.user), filters, request.GET)
    return products_export(queryset, export_format(request), include_cost=sees_cost(request.user))


@router.post(
    "/products", response={201: ProductOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Create a product"
)
@idempotent
def create_product(request: HttpRequest, payload: ProductIn):
    require_scope(request, "catalog:write")
    product = actions.create_product(
        actor=request.user,
        sku=payload.sku,
        name=payload.name,
        line=lookup(ProductLine, payload.line_id, "line_id"),
        unit=payload.unit,
        list_price=payload.list_price,
        standard_cost=payload.standard_cost,
        tax_rate=payload.tax_rate,
        is_active=payload.is_active,
        custom_fields=payload.custom_fields,
    )
    return Status(201, ProductOut.from_orm(product, context={"request": request}))


@router.get("/products/{product_id}", response={200: ProductOut, **READ_ERRORS}, summary="Read a product")
def read_product(request: HttpRequest, product_id: int):
    require_scope(request, "catalog:read")
    return get_product(request, product_id)


@router.patch("/products/{product_id}", response={200: ProductOut, **WRITE_ERRORS}, summary="Update a product")
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch):
    require_scope(request, "catalog:write")
    product = get_product(request, product_id)
    changes = payload.dict(exclude_unset=True)
    if "line_id" in changes:
        changes["line"] = lookup(ProductLine, changes.pop("line_id"), "line_id")
    return actions.update_product(product, actor=request.user, changes=changes)


@router.get(
    "/products/{product_id}/price",
    response={200: PriceOut, **READ_ERRORS},
    summary="The unit price a customer pays for a product on a day",
)
def product_price(request: HttpRequest, product_id: int, query: Query[PriceQuery]):
    """The customer group's price list valid on the day, else the default price list, else the list price; the
    newest valid list of a kind wins. `customer_id` must be a customer the caller may see (404 otherwise)."""
    require_scope(request, "catalog:read")
    customer = None
    if query.customer_id is not None:
        require_scope(request, "customers:read")
    product = get_product(request, product_id)
    if query.customer_id is not None:
        customer = get_for_user(Customer.objects.all(), request.user, pk=query.customer_id)
    on = query.on or company_today()
    quote = quote_for(product, customer, on)
    return {
        "product_id": product.pk,
        "customer_id": customer.pk if customer else None,
        "on": on,
        "unit_price": quote.unit_price,
        "source": quote.source,
        "price_list": quote.price_list,
    }


@router.get(
    "/products/{product_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="A product's event timeline (audit trail)",
)
def product_events(request: HttpRequest, product_id: int):
    """The product's events, newest first; cost fields are left out for callers who may not see costs."""
    require_scope(request, "catalog:read")
    events = event_list(get_product(request, product_id))
    if not sees_cost(request.user):
        for event in events:
            event["payload"] = without_costs(event["payload"])
    return events


# --- price lists --------------------------------------------------------------------------------------------------


@router.get("/price-lists", response={200: Page[PriceListOut], **READ_ERRORS}, summary="List price lists")
def list_price_lists(request: HttpRequest, filters: Query[PriceListFilters]):
    require_scope(request, "catalog:read")
    return paginate(filter_price_lists(visible_price_lists(request.user), filters), filters)


@router.post(
    "/price-lists",
    response={201: PriceListDetailOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Create a price list with its items",
)
@idempotent
def create_price_list(request: HttpRequest, payload: PriceListIn):
    require_scope(request, "catalog:write")
    price_list = actions.create_price_list(
        actor=request.user,
        name=payload.name,
        customer_group=lookup(CustomerGroup, payload.customer_group_id, "customer_group_id"),
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        is_active=payload.is_active,
        items=item_values(payload.items),
    )
    return Status(201, PriceListDetailOut.from_orm(price_list_detail(request, price_list)))


@router.get(
    "/price-lists/{price_list_id}",
    response={200: PriceListDetailOut, **READ_ERRORS},
    summary="Read a price list with its items",
)
def read_price_list(request: HttpRequest, price_list_id: int):
    require_scope(request, "catalog:read")
    return price_list_detail(request, get_price_list(request, price_list_id))


@router.patch(
    "/price-lists/{price_list_id}",
    response={200: PriceListDetailOut, **WRITE_ERRORS},
    summary="Update a price list: its fields, item prices to set, items to remove",
)
def update_price_list(request: HttpRequest, price_list_id: int, payload: PriceListPatch):
    require_scope(request, "catalog:write")
    price_list = get_price_list(request, price_list_id)
    changes = payload.dict(exclude_unset=True)
    items = changes.pop("items", None)
    removed_ids = changes.pop("remove_product_ids", None)
    if "customer_group_id" in changes:
        changes["customer_group"] = lookup(CustomerGroup, changes.pop("customer_group_id"), "customer_group_id")
    removed = []
    if removed_ids:
        products = Product.objects.in_bulk(removed_ids)
        missing = {
            f"remove_product_ids.{index}": [f"No product with id {pk}."]
            for index, pk in enumerate(removed_ids)
            if pk not in products
        }
        if missing:
            raise ValidationError(missing)
        removed = [products[pk] for pk in removed_ids]
    updated = actions.update_price_list(
        price_list,
        actor=request.user,
        changes=changes,
        items=item_values(payload.items) if items is not None else None,
        remove_products=removed,
    )
    return price_list_detail(request, updated)


@router.get(
    "/price-lists/{price_list_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="A price list's event timeline (audit trail)",
)
def price_list_events(request: HttpRequest, price_list_id: int):
    require_scope(request, "catalog:read")
    return event_list(get_price_list(request, price_list_id))


# --- discount limits ----------------------------------------------------------------------------------------------


@router.get(
    "/discount-limits",
    response={200: Page[DiscountLimitOut], **READ_ERRORS},
    summary="List discount limits per role",
)
def list_discount_limits(request: HttpRequest, filters: Query[ListParams]):
    """The largest line discount each role may give without approval; a role without a row may give none."""
    require_scope(request, "catalog:read")
    return paginate(visible_discount_limits(request.user).order_by("role", "pk"), filters)
