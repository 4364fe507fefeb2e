"""Back office for approvals: approver groups are configuration (audited); policies are edited on their own page
(/approvals/policies/), requests and delegations are read here, changed through the actions."""

from django.contrib import admin

from salesops.approvals.models import ApprovalRequest, ApproverGroup, Delegation
from salesops.core.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(ApproverGroup)
class ApproverGroupAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    filter_horizontal = ("members",)


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "submitter", "created_at", "decided_at")
    list_filter = ("status", "subject_type")
    search_fields = ("title",)


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("user", "delegate", "starts_on", "ends_on", "is_active")
