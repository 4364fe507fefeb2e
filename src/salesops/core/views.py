"""Import pages: upload a file, follow its job (an htmx progress bar), download its problems and the templates."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesops.core.exports import EXPORT_FORMATS
from salesops.core.forms import ImportForm
from salesops.core.imports import (
    MAX_UPLOAD_BYTES,
    error_report,
    get_importer,
    importers_for,
    registered_importers,
    template_file,
)
from salesops.core.models import ImportJob, Notification
from salesops.core.notifications import mark_read
from salesops.core.scoping import for_user, get_for_user
from salesops.core.tasks import queue_import

RECENT_JOBS = 20
ERRORS_SHOWN = 500
# Multipart framing around the file: a request larger than the file limit plus this is refused unread.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def visible_jobs(request):
    return for_user(ImportJob.objects.defer("content").select_related("actor"), request.user)


@login_required
def import_page(request):
    importers = importers_for(request.user)
    if not importers:
        raise PermissionDenied(_("Your role may not import records."))
    upload_error = None
    if (
        request.method == "POST"
        and int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES
    ):
        # Refused before Django parses (and stores) the upload.
        upload_error = _("The file is larger than %(n)d MB.") % {"n": MAX_UPLOAD_BYTES // 2**20}
    posted = request.method == "POST" and upload_error is None
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, importers=importers)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = queue_import(
                kind=form.cleaned_data["kind"], filename=upload.name, content=upload.read(), actor=request.user
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("imports:detail", job_id=job.pk)
    context = {
        "form": form,
        "upload_error": upload_error,
        "importers": importers,
        "jobs": visible_jobs(request).filter(actor=request.user)[:RECENT_JOBS],
    }
    return render(request, "core/imports/page.html", context)


@login_required
def import_detail(request, job_id: int):
    job = get_for_user(visible_jobs(request), request.user, pk=job_id)
    context = {
        "job": job,
        "importer": get_importer(job.kind),
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(job.errors) - ERRORS_SHOWN, 0),
    }
    template = "core/imports/detail.html#progress" if request.htmx else "core/imports/detail.html"
    return render(request, template, context)


@login_required
def import_errors(request, job_id: int):
    return error_report(get_for_user(visible_jobs(request), request.user, pk=job_id))


@login_required
def import_template(request, kind: str, format: str):
    importer = next((importer for importer in registered_importers() if importer.kind == kind), None)
    if importer is None or format not in EXPORT_FORMATS:
        raise Http404("no such template")
    return template_file(importer, format)


@login_required
def notifications_page(request):
    """The signed-in user's in-app notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        mark_read(request.user)
        return redirect("notifications")
    rows = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/notifications.html", {"page": page, "unread": rows.filter(read_at__isnull=True).count()}
    )
