from django.contrib import admin

from salesops.core.admin import AuditedAdmin, ReadOnlyAdmin
from salesops.orders.models import OrderLine, OrderPolicy, Quote, QuoteLine, SalesOrder


@admin.register(OrderPolicy)
class OrderPolicyAdmin(AuditedAdmin):
    """The approval threshold (one row); saving records `orderpolicy.updated`."""

    list_display = ("__str__", "approval_threshold", "updated_at")

    def has_add_permission(self, request):
        return not OrderPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


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
