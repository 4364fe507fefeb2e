"""/api/v1/imports: upload (multipart, idempotent), status and error report; bad input is a 4xx naming the field;
who sees which jobs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from salesops.core.api import imports as api_imports
from salesops.core.models import ImportJob
from salesops.customers.models import Customer
from salesops.testing.api import api_key_for, bearer
from salesops.testing.imports import csv_file, run_import, run_queued_tasks
from salesops.testing.org import credit_code


def post_file(client, content: bytes, kind="customers", name="customers.csv", **headers):
    data = {"file": SimpleUploadedFile(name, content)}
    if kind is not None:
        data["kind"] = kind
    return client.post("/api/v1/imports", data, **headers)


def customers_file(*codes: str) -> bytes:
    return csv_file([["name", "credit_code", "office"], *[[f"API 客户 {code}", code, "office-a"] for code in codes]])


def test_upload_then_follow_the_job_to_done(org):
    client = Client()
    headers = bearer(api_key_for(org.a.user("sales_manager"), scopes=["customers:write"]))
    code = credit_code()

    created = post_file(client, customers_file(code), **headers)

    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("kind", "filename", "status", "rows_total", "created_count", "errors")} == {
        "kind": "customers",
        "filename": "customers.csv",
        "status": "queued",
        "rows_total": 0,
        "created_count": 0,
        "errors": [],
    }
    assert body["uploaded_by"] == "sales_manager_a"

    run_queued_tasks()
    status = client.get(f"/api/v1/imports/{body['id']}", **headers).json()

    assert (status["status"], status["rows_total"], status["rows_processed"], status["created_count"]) == (
        "done",
        1,
        1,
        1,
    )
    assert Customer.objects.get(credit_code=code).owner == org.a.user("sales_manager")


def test_a_rejected_job_reports_its_rows_and_offers_the_csv_report(org):
    client = Client()
    headers = bearer(api_key_for(org.admin))
    created = post_file(client, csv_file([["name", "credit_code", "office"], ["甲", "123", "office-a"]]), **headers)
    run_queued_tasks()
    job_id = created.json()["id"]

    status = client.get(f"/api/v1/imports/{job_id}", HTTP_ACCEPT_LANGUAGE="en", **headers).json()
    report = client.get(f"/api/v1/imports/{job_id}/errors.csv", **headers)

    assert status["status"] == "rejected"
    assert [(e["row"], e["column"]) for e in status["errors"]] == [(2, "credit_code")]
    assert report.status_code == 200
    assert report["Content-Disposition"] == f'attachment; filename="import-{job_id}-errors.csv"'
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,message"
    assert lines[1].startswith("2,credit_code,")


@pytest.mark.parametrize(
    ("kind", "content", "field"),
    [
        (None, b"name\n", "kind"),
        ("invoices", b"name\n", "kind"),
        ("customers", b"", "file"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_creates_nothing(org, kind, content, field):
    response = post_file(Client(), content, kind=kind, **bearer(api_key_for(org.admin)))

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    assert not ImportJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_missing_file_is_a_422_naming_the_file(org):
    response = Client().post("/api/v1/imports", {"kind": "customers"}, **bearer(api_key_for(org.admin)))

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["file"]
    assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_a_422_naming_the_file(org, monkeypatch):
    monkeypatch.setattr(api_imports, "MAX_UPLOAD_BYTES", 10)

    response = post_file(Client(), b"name,credit_code\n", **bearer(api_key_for(org.admin)))

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["file"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("role", "scopes", "kind", "status", "code"),
    [
        ("sales_rep", ["customers:read"], "customers", 403, "insufficient_scope"),
        ("sales_rep", ["catalog:write"], "products", 403, "forbidden"),
        ("finance", ["*"], "customers", 403, "forbidden"),
        ("warehouse", ["stock:write"], "customers", 403, "insufficient_scope"),
    ],
)
def test_uploads_need_the_kinds_write_scope_and_a_role_that_may_create(org, role, scopes, kind, status, code):
    response = post_file(Client(), b"x\n", kind=kind, **bearer(api_key_for(org.a.user(role), scopes=scopes)))

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert not ImportJob.objects.exists()


def test_the_same_idempotency_key_replays_a_multipart_upload_and_refuses_another_file(org):
    client = Client()
    headers = {**bearer(api_key_for(org.admin)), "HTTP_IDEMPOTENCY_KEY": "upload-1"}
    content = customers_file(credit_code())

    first = post_file(client, content, **headers)
    retry = post_file(client, content, **headers)  # a new multipart boundary, the same parts
    other = post_file(client, customers_file(credit_code()), **headers)

    assert (first.status_code, retry.status_code, other.status_code) == (201, 201, 409)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert ImportJob.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_reading_a_job_needs_the_kinds_read_scope(org):
    job = run_import("customers", customers_file(credit_code()), org.a.user("sales_rep"))
    rep = org.a.user("sales_rep")

    allowed = Client().get(f"/api/v1/imports/{job.pk}", **bearer(api_key_for(rep, scopes=["customers:read"])))
    refused = Client().get(f"/api/v1/imports/{job.pk}", **bearer(api_key_for(rep, scopes=["stock:read"])))

    assert (allowed.status_code, refused.status_code) == (200, 403)


# --- who sees which import jobs ------------------------------------------------------------------------------------

ROLES_THAT_IMPORT = ["sales_rep", "sales_manager", "regional_director"]


@pytest.mark.parametrize("owner_role", ROLES_THAT_IMPORT)
@pytest.mark.parametrize("region", ["a", "b"])
@pytest.mark.parametrize(
    "viewer_role",
    [
        "sales_rep",
        "sales_manager",
        "regional_director",
        "finance",
        "warehouse",
        "risk_officer",
        "legal",
        "store_supervisor",
        "dealer",
        "supplier",
    ],
)
def test_a_job_is_seen_only_by_its_uploader_and_administrators(org, owner_role, region, viewer_role):
    owner = org.a.user(owner_role)
    job = run_import("customers", customers_file(credit_code()), owner)
    viewer = getattr(org, region).user(viewer_role)
    before = ImportJob.objects.values().get(pk=job.pk)

    seen = Client().get(f"/api/v1/imports/{job.pk}", **bearer(api_key_for(viewer)))
    report = Client().get(f"/api/v1/imports/{job.pk}/errors.csv", **bearer(api_key_for(viewer)))
    by_owner = Client().get(f"/api/v1/imports/{job.pk}", **bearer(api_key_for(owner)))
    by_admin = Client().get(f"/api/v1/imports/{job.pk}", **bearer(api_key_for(org.admin)))

    expected = 200 if viewer == owner else 404
    assert (seen.status_code, report.status_code) == (expected, expected)
    assert (by_owner.status_code, by_admin.status_code) == (200, 200)
    assert ImportJob.objects.values().get(pk=job.pk) == before
