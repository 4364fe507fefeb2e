"""/api/v1/imports: upload a CSV or Excel file of customers, products or opening stock, then follow the job."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from salesops.accounts.auth import require_scope
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.imports import MAX_UPLOAD_BYTES, error_report, get_importer, registered_importers
from salesops.core.models import ImportJob
from salesops.core.scoping import get_for_user
from salesops.core.tasks import queue_import

router = Router(tags=["imports"])
KINDS = [importer.kind for importer in registered_importers()]


class ImportProblemOut(Schema):
    row: int | None = Field(description="The spreadsheet row (the header is row 1); null: the file as a whole.")
    column: str = Field(description="The column as headed in the file; empty when no one column is at fault.")
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str = Field(description=", ".join(KINDS))
    filename: str
    status: str = Field(description="queued, validating, rejected, applying, done or failed.")
    rows_total: int = Field(description="Data rows in the file (blank rows not counted).")
    rows_processed: int = Field(description="Rows checked so far.")
    created_count: int = Field(description="Records created: all rows when done, otherwise 0.")
    errors: list[ImportProblemOut]
    uploaded_by: str | None = Field(None, description="Username of the uploader.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    purged_at: datetime | None = Field(
        description="When the uploaded file and the error report (`errors`, then empty) were deleted: finished "
        "imports keep them for a limited number of days (30 unless the operator changed it)."
    )

    @staticmethod
    def resolve_uploaded_by(job: ImportJob) -> str | None:
        return job.actor.username if job.actor_id else None


def get_job(request: HttpRequest, job_id: int) -> ImportJob:
    job = get_for_user(ImportJob.objects.defer("content").select_related("actor"), request.user, pk=job_id)
    require_scope(request, f"{get_importer(job.kind).scope}:read")
    return job


@router.post(
    "/imports",
    response={201: ImportJobOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Upload a file to import",
)
@idempotent
def upload_import(
    request: HttpRequest,
    kind: Annotated[str, Form(..., pattern=f"^({'|'.join(KINDS)})$", description="What the file holds.")],
    file: Annotated[UploadedFile, File(..., description="A CSV (UTF-8 or GB18030) or .xlsx file, at most 10 MB.")],
):
    """Queue the file for import: the whole file is checked first, then every row is created in one transaction,
    or nothing is. Follow the job at `GET /imports/{id}`."""
    require_scope(request, f"{get_importer(kind).scope}:write")
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than %(n)d MB.") % {"n": MAX_UPLOAD_BYTES // 2**20}]})
    job = queue_import(kind=kind, filename=file.name or "", content=file.read(), actor=request.user)
    return Status(201, ImportJobOut.from_orm(job))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **READ_ERRORS}, summary="Read an import job")
def read_import(request: HttpRequest, job_id: int):
    """The job's status, progress and, once it is rejected or failed, the row-by-row problems."""
    return get_job(request, job_id)


@router.get(
    "/imports/{job_id}/errors.csv",
    response={200: None, **READ_ERRORS},
    summary="Download an import job's problems as CSV",
)
def import_errors(request: HttpRequest, job_id: int):
    return error_report(get_job(request, job_id))
