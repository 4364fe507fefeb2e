"""Back office for briefings: targets and subscriptions are configuration (written through the actions, so
each change is an event); briefings and their deliveries are read here."""

from django.contrib import admin

from salesops.core.admin import ReadOnlyAdmin
from salesops.reporting import briefing_actions as actions
from salesops.reporting.models import Briefing, BriefingDelivery, BriefingSubscription, SalesTarget


@admin.register(SalesTarget)
class SalesTargetAdmin(admin.ModelAdmin):
    list_display = ("region", "month", "orders_amount", "revenue_amount")
    list_filter = ("region",)
    date_hierarchy = "month"
    fields = ("region", "month", "orders_amount", "revenue_amount")

    def save_model(self, request, obj, form, change):
        actions.save_sales_target(
            actor=request.user,
            region=obj.region,
            month=obj.month,
            orders_amount=obj.orders_amount,
            revenue_amount=obj.revenue_amount,
            target=SalesTarget.objects.get(pk=obj.pk) if change else None,
        )

    def delete_model(self, request, obj):
        actions.delete_sales_target(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            actions.delete_sales_target(target, actor=request.user)


@admin.register(BriefingSubscription)
class BriefingSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("region", "user", "language")
    list_filter = ("region", "language")
    fields = ("region", "user", "language")

    def save_model(self, request, obj, form, change):
        actions.subscribe(actor=request.user, region=obj.region, user=obj.user, language=obj.language)

    def delete_model(self, request, obj):
        actions.unsubscribe(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:
            actions.unsubscribe(subscription, actor=request.user)


class DeliveryInline(admin.TabularInline):
    model = BriefingDelivery
    extra = 0
    can_delete = False
    fields = ("round", "recipient", "email", "language", "status", "attempts", "sent_at", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Briefing)
class BriefingAdmin(ReadOnlyAdmin):
    list_display = ("region", "date", "as_of")
    list_filter = ("region",)
    date_hierarchy = "date"
    inlines = [DeliveryInline]
