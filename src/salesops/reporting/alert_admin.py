"""Back office for the dashboard and alerts: stage targets and alert rules are configuration, saved through the
actions (validated whole, each change an event); alerts are read here and handled on their pages."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from salesops.core.admin import ReadOnlyAdmin
from salesops.reporting import actions
from salesops.reporting.models import Alert, AlertRule, StageTarget
from salesops.reporting.stages import stages


def stage_choices():
    return [("", "—")] + [(item.key, f"{item.label} ({item.key})") for item in stages()]


class AlertRuleForm(forms.ModelForm):
    stage = forms.ChoiceField(choices=stage_choices, required=False)

    class Meta:
        model = AlertRule
        fields = (*actions.RULE_FIELDS, "owner")

    def clean(self):
        cleaned = super().clean()
        candidate = AlertRule(**{name: cleaned.get(name) for name in actions.RULE_FIELDS if name in cleaned})
        candidate.owner = cleaned.get("owner")
        try:
            actions.clean_rule(candidate)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    form = AlertRuleForm
    list_display = ("name", "stage", "metric", "per", "condition", "threshold", "min_volume", "owner", "is_active")
    list_filter = ("metric", "condition", "is_active")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in actions.RULE_FIELDS} | {"owner": obj.owner}
        saved = actions.save_alert_rule(
            AlertRule.objects.get(pk=obj.pk) if change else None, actor=request.user, data=data
        )
        obj.pk = saved.pk


class StageTargetForm(forms.ModelForm):
    stage = forms.ChoiceField(choices=stage_choices)

    class Meta:
        model = StageTarget
        fields = ("stage", "target_hours")


@admin.register(StageTarget)
class StageTargetAdmin(admin.ModelAdmin):
    form = StageTargetForm
    list_display = ("stage", "target_hours", "updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        saved = actions.set_stage_target(obj.stage, target_hours=obj.target_hours, actor=request.user)
        obj.pk = saved.pk


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("message", "region_id", "day", "status", "owner", "fired_count", "opened_at")
    list_filter = ("status", "rule")
