from django.contrib import admin

from salesops.core.admin import ReadOnlyAdmin
from salesops.orders.models import OrderLine, Quote, QuoteLine, SalesOrder


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("position", "product", "quantity", "unit_price", "discount_percent", "tax_rate", "amount")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SalesOrder)
class SalesOrderAdmin(ReadOnlyAdmin):
    """Orders change only through their actions (pages, API); the admin shows them."""

    list_display = ("number", "customer", "status", "total", "owner", "region", "created_at")
    list_filter = ("status", "region")
    search_fields = ("number", "customer__name")
    list_select_related = ("customer", "owner", "region")
    inlines = [OrderLineInline]


class QuoteLineInline(OrderLineInline):
    model = QuoteLine


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    """Quotes change only through their actions (pages, API); the admin shows them."""

    list_display = ("number", "customer", "status", "total", "valid_until", "owner", "region", "created_at")
    list_filter = ("status", "region")
    search_fields = ("number", "customer__name")
    list_select_related = ("customer", "owner", "region")
    inlines = [QuoteLineInline]
