from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesops.accounts.actions import create_api_key, revoke_api_key, save_org_unit, validate_scopes
from salesops.accounts.models import ApiKey, OrgUnit, User
from salesops.core.actions import delete_configuration, save_configuration
from salesops.core.admin import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Sales organisation"), {"fields": ("role", "org_unit", "display_name", "phone", "time_zone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Sales organisation"), {"fields": ("role", "org_unit", "display_name")}),
    )
    list_display = ("username", "display_name", "role", "org_unit", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "org_unit")
    search_fields = ("username", "display_name", "email")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "kind", "code", "manager")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    readonly_fields = ("path",)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit):
        return "— " * (unit.path.count("/") - 2) + unit.name

    def save_model(self, request, obj, form, change):
        save_org_unit(obj, actor=request.user)

    def delete_model(self, request, obj):
        delete_configuration(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for unit in queryset:
            delete_configuration(unit, actor=request.user)


class ApiKeyForm(forms.ModelForm):
    scopes = forms.CharField(
        label=_("scopes"),
        initial="*",
        help_text=_("Space-separated, e.g. customers:read customers:write; * grants everything."),
    )

    class Meta:
        model = ApiKey
        fields = ("user", "name", "scopes", "expires_at")

    def clean_scopes(self):
        try:
            return validate_scopes(self.cleaned_data["scopes"].split())
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["scopes"]) from None


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("name", "prefix", "user", "scope_list", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A key's secret and rights are fixed once issued: revoke it and create another instead.
        return ("user", "scopes", "prefix", "last_used_at", "revoked_at", "created_at") if obj else ()

    def get_fields(self, request, obj=None):
        return ("user", "name", "scopes", "expires_at") + (
            ("prefix", "last_used_at", "revoked_at", "created_at") if obj else ()
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the key's history stays

    @admin.display(description=_("scopes"))
    def scope_list(self, key):
        return " ".join(key.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            save_configuration(obj, actor=request.user)
            return
        key, secret = create_api_key(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
            actor=request.user,
        )
        obj.pk = key.pk
        messages.warning(
            request, _("API key created. Copy it now, it is not shown again: %(secret)s") % {"secret": secret}
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_api_key(key, actor=request.user)
        self.message_user(request, _("Keys revoked."), messages.SUCCESS)
