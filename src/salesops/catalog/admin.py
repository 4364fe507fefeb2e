"""Back-office screens for the catalog. Every save goes through the catalog actions, so it is validated the same
way as the API and the pages, refused for anyone but administrators, and recorded as an event.

Product lines and products are not deleted (price lists, stock and orders refer to them): retire them by
clearing "active"."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from salesops.catalog import actions
from salesops.catalog.models import DiscountAuthorisation, DiscountLimit, PriceList, PriceListItem, Product, ProductLine
from salesops.catalog.queries import may_edit_catalog
from salesops.core.admin import CustomFieldsAdminMixin

PRODUCT_FIELDS = ("sku", "name", "line", "unit", "list_price", "standard_cost", "tax_rate", "is_active")
PRICE_LIST_FIELDS = ("name", "customer_group", "valid_from", "valid_to", "is_active")


def show_action_errors(form, exc: ValidationError, *, renames: dict[str, str] | None = None) -> None:
    """Put an action's errors next to the admin form's fields (`line_id` → `line`, `custom_fields.x` → `cf_x`)."""
    renames = {"line_id": "line", "customer_group_id": "customer_group", **(renames or {})}
    for key, messages in exc.message_dict.items():
        field = renames.get(key, key).replace("custom_fields.", "cf_")
        form.add_error(field if field in form.fields else None, messages)


class CatalogAdmin(admin.ModelAdmin):
    """Only those who may edit the catalog get the add, change and delete screens; others may look."""

    def has_add_permission(self, request):
        return may_edit_catalog(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_edit_catalog(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_catalog(request.user) and super().has_delete_permission(request, obj)


def validating_form(form, request, check):
    """Wrap an admin form so `check(form, cleaned_data)` runs the action's validation in `clean()`: errors show
    next to the fields instead of surfacing as a server error at save time."""

    def clean(self):
        cleaned = form.clean(self)
        try:
            check(self, cleaned)
        except ValidationError as exc:
            show_action_errors(self, exc)
        return cleaned

    return type(form)(form.__name__, (form,), {"clean": clean})


@admin.register(ProductLine)
class ProductLineAdmin(CatalogAdmin):
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    fields = ("code", "name", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        def check(bound, cleaned):
            values = {key: cleaned[key] for key in ("code", "name", "is_active") if key in cleaned}
            actions.clean_line_fields(values, instance=bound.instance if bound.instance.pk else None)

        return validating_form(form, request, check)

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in ("code", "name", "is_active")}
        if change:
            saved = actions.update_product_line(obj, actor=request.user, changes=values)
        else:
            saved = actions.create_product_line(actor=request.user, **values)
        obj.pk = saved.pk


@admin.register(Product)
class ProductAdmin(CustomFieldsAdminMixin, CatalogAdmin):
    list_display = ("sku", "name", "line", "list_price", "standard_cost", "tax_rate", "is_active")
    list_filter = ("is_active", "line")
    search_fields = ("sku", "name")
    fields = PRODUCT_FIELDS

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        def check(bound, cleaned):
            values = {key: cleaned[key] for key in PRODUCT_FIELDS if key in cleaned}
            values["custom_fields"] = bound.custom_values()
            actions.clean_product_fields(values, instance=bound.instance if bound.instance.pk else None)

        return validating_form(form, request, check)

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in PRODUCT_FIELDS}
        values["custom_fields"] = form.custom_values()
        if change:
            saved = actions.update_product(obj, actor=request.user, changes=values)
        else:
            saved = actions.create_product(actor=request.user, **values)
        obj.pk = saved.pk


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    fields = ("product", "unit_price")
    autocomplete_fields = ("product",)
    extra = 1


def formset_items(formsets) -> tuple[list[dict], list]:
    """The item inline's rows as action arguments: prices to set, and products whose items to remove (deleted
    rows, and the old product of a row whose product was changed)."""
    items, removed = [], []
    for formset in formsets:
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None) or {}
            original = row.instance.pk and row.initial.get("product")
            if data.get("DELETE"):
                if original:
                    removed.append(original)
                continue
            if not data.get("product"):
                continue
            if original and original != data["product"].pk:
                removed.append(original)
            items.append({"product": data["product"], "unit_price": data["unit_price"]})
    return items, removed


@admin.register(PriceList)
class PriceListAdmin(CatalogAdmin):
    list_display = ("name", "customer_group", "valid_from", "valid_to", "is_active")
    list_filter = ("is_active", "customer_group")
    search_fields = ("name",)
    date_hierarchy = "valid_from"
    fields = PRICE_LIST_FIELDS
    inlines = [PriceListItemInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        def check(bound, cleaned):
            values = {key: cleaned[key] for key in PRICE_LIST_FIELDS if key in cleaned}
            actions.clean_price_list_fields(values, instance=bound.instance if bound.instance.pk else None)

        return validating_form(form, request, check)

    def save_model(self, request, obj, form, change):
        """Saved with its items in `save_related`, through one action, so the change is one event."""

    def save_related(self, request, form, formsets, change):
        items, removed_ids = formset_items(formsets)
        values = {key: form.cleaned_data[key] for key in PRICE_LIST_FIELDS}
        if change:
            removed = list(Product.objects.filter(pk__in=removed_ids))
            saved = actions.update_price_list(
                form.instance, actor=request.user, changes=values, items=items, remove_products=removed
            )
        else:
            saved = actions.create_price_list(actor=request.user, items=items, **values)
        form.instance.pk = saved.pk
        for formset in formsets:  # the admin's change message reads these after a formset.save()
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        actions.delete_price_list(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for price_list in queryset:
            actions.delete_price_list(price_list, actor=request.user)


@admin.register(DiscountLimit)
class DiscountLimitAdmin(CatalogAdmin):
    list_display = ("role", "max_discount_percent")
    fields = ("role", "max_discount_percent")

    def get_readonly_fields(self, request, obj=None):
        return ("role",) if obj is not None else ()  # another role's limit is another row

    def save_model(self, request, obj, form, change):
        role = obj.role if change else form.cleaned_data["role"]
        saved = actions.set_discount_limit(
            actor=request.user, role=role, max_discount_percent=form.cleaned_data["max_discount_percent"]
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.delete_discount_limit(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for limit in queryset:
            actions.delete_discount_limit(limit, actor=request.user)


@admin.register(DiscountAuthorisation)
class DiscountAuthorisationAdmin(admin.ModelAdmin):
    """Read-only: authorisations are asked for on their page or through the API, decided through the approval
    engine and revoked through their action; an approved one is never edited (a new request changes it)."""

    list_display = (
        "number",
        "customer",
        "customer_group",
        "product_line",
        "max_discount_percent",
        "valid_from",
        "valid_to",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("number", "customer__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
