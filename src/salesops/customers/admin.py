from django.contrib import admin
from django.core.exceptions import ValidationError

from salesops.core.admin import AuditedAdmin, CustomFieldsAdminMixin
from salesops.customers import actions
from salesops.customers.models import Customer, CustomerPortalAccess
from salesops.customers.queries import visible_customers


@admin.register(Customer)
class CustomerAdmin(CustomFieldsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "credit_code", "status", "region", "office", "owner")
    list_filter = ("status", "region")
    search_fields = ("name", "credit_code")
    readonly_fields = (
        "region",
        "payment_term",
        "credit_limit",
        "credit_status",
        "credit_status_reason",
        "credit_status_set_by",
    )
    fields = ("name", "credit_code", "status", "office", "region", "owner", "group", *readonly_fields[1:])

    def get_queryset(self, request):
        return visible_customers(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        def clean(self):
            cleaned = form.clean(self)
            values = {
                k: v for k, v in cleaned.items() if k in {"name", "credit_code", "status", "office", "owner", "group"}
            }
            values["custom_fields"] = self.custom_values()
            try:
                actions.clean_fields(request.user, values, instance=self.instance if self.instance.pk else None)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    key = {"office_id": "office", "owner_id": "owner"}.get(key, key).replace("custom_fields.", "cf_")
                    self.add_error(key if key in self.fields else None, messages)
            return cleaned

        return type(form)(form.__name__, (form,), {"clean": clean})

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {key: data[key] for key in ("name", "credit_code", "status", "office", "owner", "group")}
        values["custom_fields"] = form.custom_values()
        if change:
            saved = actions.update_customer(obj, actor=request.user, changes=values)
        else:
            saved = actions.create_customer(actor=request.user, **values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.delete_customer(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for customer in queryset:
            actions.delete_customer(customer, actor=request.user)


@admin.register(CustomerPortalAccess)
class CustomerPortalAccessAdmin(AuditedAdmin):
    list_display = ("user", "customer")
    autocomplete_fields = ("customer",)
