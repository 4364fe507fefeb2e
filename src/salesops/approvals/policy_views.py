"""Pages for administrators: policies and their versions, the rule editor, simulation, and analytics (the
analytics page is for anyone with requests to look at; it reads through the scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesops.accounts.scopes import PORTAL_ROLES, sees_everything
from salesops.approvals import policy_actions, simulation
from salesops.approvals.analytics import approval_analytics, default_start
from salesops.approvals.models import ApprovalPolicy, ApprovalRequest, PolicyVersion
from salesops.approvals.policy_forms import document_from, rows_for, with_errors
from salesops.approvals.subjects import subject_type
from salesops.core import clock, rules
from salesops.core.charts import bar_chart, parse_day
from salesops.core.scoping import for_user
from salesops.core.timezones import day_end, day_start


def check_staff(user) -> None:
    if user.role in PORTAL_ROLES:
        raise PermissionDenied


@login_required
def policy_list(request):
    check_staff(request.user)
    policies = ApprovalPolicy.objects.select_related("active_version").prefetch_related("versions")
    return render(request, "approvals/policies.html", {"policies": policies, "may_edit": sees_everything(request.user)})


def editing_document(policy: ApprovalPolicy) -> tuple[PolicyVersion | None, dict]:
    draft = policy.versions.filter(status=PolicyVersion.Status.DRAFT).first()
    source = draft or policy.active_version
    return draft, (source.document if source else {"rules": []})


@login_required
def policy_detail(request, policy_id: int):
    """The policy's versions and the editor of its draft (started from the active version)."""
    check_staff(request.user)
    policy = get_object_or_404(ApprovalPolicy.objects.select_related("active_version"), pk=policy_id)
    draft, document = editing_document(policy)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not sees_everything(request.user):
            raise PermissionDenied
        if request.POST.get("activate"):
            try:
                policy_actions.activate_version(
                    get_object_or_404(PolicyVersion, pk=request.POST["activate"], policy=policy), actor=request.user
                )
                messages.success(request, _("The new version is active."))
                return redirect("approvals:policy", policy_id=policy.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
        else:
            document, errors = document_from(request.POST)
            if not errors:
                try:
                    policy_actions.save_draft(
                        policy, document=document, note=request.POST.get("note", ""), actor=request.user
                    )
                    messages.success(request, _("Draft saved. Simulate it, then activate it."))
                    return redirect("approvals:policy", policy_id=policy.pk)
                except ValidationError as exc:
                    errors = exc.message_dict
            messages.error(request, _("The draft was not saved: see the problems below."))
    fields = subject_type(policy.subject_type).schema().describe()
    return render(
        request,
        "approvals/policy.html",
        {
            "policy": policy,
            "draft": draft,
            "versions": policy.versions.select_related("created_by", "activated_by").order_by("-number"),
            "editor": with_errors(rows_for(document), errors),
            "fields": fields,
            "may_edit": sees_everything(request.user),
            "modes": (
                ("any", _("any one (或签)")),
                ("all", _("all (会签)")),
                ("sequence", _("one after another (依次)")),
            ),
            "outcomes": (
                ("route", _("ask for approval")),
                ("approve", _("approve, stop here")),
                ("reject", _("reject")),
            ),
        },
    )


@login_required
def policy_simulate(request, policy_id: int):
    """Simulate the draft (or a chosen version) over a past period, side by side with the active version."""
    check_staff(request.user)
    policy = get_object_or_404(ApprovalPolicy.objects.select_related("active_version"), pk=policy_id)
    today = clock.today()
    end_day = parse_day(request.GET.get("end"), today)
    start_day = parse_day(request.GET.get("start"), default_start(end_day))
    version = (
        policy.versions.filter(pk=request.GET.get("version")).first()
        if request.GET.get("version", "").isdigit()
        else None
    )
    draft, _document = editing_document(policy)
    version = version or draft or policy.active_version
    report = compared = None
    if version is not None and request.GET.get("run"):
        start, end = day_start(start_day), day_end(end_day)
        try:
            report = simulation.simulate(policy.subject_type, version.document, start=start, end=end)
            if policy.active_version and policy.active_version.pk != version.pk:
                compared = simulation.simulate(
                    policy.subject_type, policy.active_version.document, start=start, end=end
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    charts = {}
    if report:
        charts["rules_chart"] = bar_chart(
            [r["name"] for r in report["rules"]], [r["caught"] for r in report["rules"]], _("documents")
        )
        top = report["load"][:15]
        charts["load_chart"] = bar_chart([r["name"] for r in top], [r["tasks"] for r in top], _("tasks"))
        charts["steps_chart"] = bar_chart(
            [s["key"] for s in report["steps"]], [s["expected_hours"] for s in report["steps"]], _("hours")
        )
    return render(
        request,
        "approvals/simulate.html",
        {
            "policy": policy,
            "version": version,
            "versions": policy.versions.order_by("-number"),
            "start": start_day,
            "end": end_day,
            "report": report,
            "compared": compared,
            **charts,
        },
    )


@login_required
def analytics_page(request):
    check_staff(request.user)
    today = clock.today()
    end_day = parse_day(request.GET.get("end"), today)
    start_day = parse_day(request.GET.get("start"), default_start(end_day))
    data = approval_analytics(
        for_user(ApprovalRequest.objects.all(), request.user),
        start=day_start(start_day),
        end=day_end(end_day),
    )
    steps = data["steps"][:15]
    regions = data["sla_breach"]["region"]
    return render(
        request,
        "approvals/analytics.html",
        {
            "data": data,
            "start": start_day,
            "end": end_day,
            "steps_chart": bar_chart([s["step"] for s in steps], [s["median_hours"] for s in steps], _("median hours")),
            "breach_chart": bar_chart(
                [r["key"] for r in regions], [r["rate"] * 100 for r in regions], _("breach rate %")
            ),
        },
    )


@login_required
def check_condition(request, policy_id: int):
    """htmx: the problems of one condition as the administrator types it, each with a caret under the fault."""
    check_staff(request.user)
    policy = get_object_or_404(ApprovalPolicy, pk=policy_id)
    source = next((value for key, value in request.POST.items() if key.endswith("-condition")), "")
    problems = rules.validate_rule(source, subject_type(policy.subject_type).schema()) if source.strip() else []
    return render(
        request, "approvals/policy.html#condition-check", {"problems": problems, "checked": bool(source.strip())}
    )
