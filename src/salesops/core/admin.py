from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from salesops.core import calendar_admin, customfields  # noqa: F401 (calendar_admin registers its admin)
from salesops.core.actions import delete_configuration, save_configuration
from salesops.core.dispatch import retry_failed
from salesops.core.models import (
    CustomFieldDefinition,
    CustomFieldsModel,
    Event,
    EventDelivery,
    IdempotencyRecord,
    ScheduledRun,
)


def custom_field_model_choices():
    from django.apps import apps

    return [
        (model._meta.label_lower, model._meta.verbose_name)
        for model in apps.get_models()
        if issubclass(model, CustomFieldsModel)
    ]


class CustomFieldDefinitionForm(forms.ModelForm):
    model = forms.ChoiceField(label=_("model"), choices=custom_field_model_choices)

    class Meta:
        model = CustomFieldDefinition
        fields = (
            "model",
            "name",
            "label",
            "label_en",
            "field_type",
            "is_required",
            "choices",
            "min_value",
            "max_value",
            "max_length",
            "decimal_places",
            "pattern",
            "help_text",
            "order",
            "is_active",
        )


class AuditedAdmin(admin.ModelAdmin):
    """Admin for configuration records: every save and delete goes through an action that records an event."""

    def save_model(self, request, obj, form, change):
        save_configuration(obj, actor=request.user)

    def delete_model(self, request, obj):
        delete_configuration(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_configuration(obj, actor=request.user)


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(AuditedAdmin):
    form = CustomFieldDefinitionForm
    list_display = ("model", "name", "label", "label_en", "field_type", "is_required", "is_active", "order")
    list_filter = ("model", "field_type", "is_active")
    search_fields = ("name", "label", "label_en")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "type", "subject_type", "subject_id", "subject_label", "actor_label")
    list_filter = ("type", "subject_type")
    search_fields = ("subject_id", "subject_label", "actor_label", "uuid")
    date_hierarchy = "occurred_at"


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event", "handler", "status", "attempts", "next_attempt_at", "delivered_at")
    list_filter = ("status", "handler")
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # needed for the retry action

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry(self, request, queryset):
        self.message_user(
            request, _("%(n)d deliveries queued again.") % {"n": retry_failed(queryset)}, messages.SUCCESS
        )


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "scheduled_at", "claimed_at", "claimed_by", "task_result_id")
    list_filter = ("job",)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "principal", "key", "method", "path", "response_status")


class CustomFieldsAdminMixin:
    """One admin form field per active custom field; the form's `custom_values()` gathers them for the action.

    The concrete admin's form must define `action_errors(actor)` or the admin must validate through its action.
    """

    custom_field_prefix = "cf_"
    exclude = ("custom_fields",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        prefix = self.custom_field_prefix
        if kwargs.get("fields") is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if not f.startswith(prefix)]
        form = super().get_form(request, obj, change, **kwargs)
        definitions = CustomFieldDefinition.objects.for_model(self.model)

        def __init__(self, *args, **kw):
            form.__init__(self, *args, **kw)
            if self.instance.pk:
                for definition in definitions:
                    self.initial.setdefault(prefix + definition.name, self.instance.custom_fields.get(definition.name))

        def custom_values(self) -> dict:
            return {d.name: self.cleaned_data.get(prefix + d.name) for d in definitions}

        attrs = {prefix + d.name: customfields.form_field(d) for d in definitions}
        attrs["custom_definitions"] = definitions
        attrs.update(__init__=__init__, custom_values=custom_values, request_user=request.user)
        return type(form)(form.__name__, (form,), attrs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        names = [self.custom_field_prefix + d.name for d in CustomFieldDefinition.objects.for_model(self.model)]
        return fields + [name for name in names if name not in fields]
