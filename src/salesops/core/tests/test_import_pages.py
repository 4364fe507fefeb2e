"""The import page: upload, a job page whose progress polls with htmx until the worker is done, the error report,
the templates, and the navigation link for roles that may import."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from salesops.core.imports import MAX_UPLOAD_BYTES
from salesops.core.models import ImportJob
from salesops.customers.models import Customer
from salesops.testing.customfields import define_customer_fields
from salesops.testing.imports import csv_file, run_queued_tasks, xlsx_file
from salesops.testing.org import credit_code


def upload(client, kind: str, content: bytes, name: str = "customers.csv"):
    return client.post(reverse("imports:page"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_queues_a_job_whose_page_polls_until_the_worker_has_run_it(org, client_for):
    rep = org.a.user("sales_rep")
    client = client_for(rep)
    code = credit_code()

    response = upload(client, "customers", csv_file([["名称", "统一社会信用代码"], ["页面导入客户", code]]))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    assert (job.status, job.kind, job.filename, job.actor) == ("queued", "customers", "customers.csv", rep)
    assert DBTaskResult.objects.filter(task_path="salesops.core.tasks.run_import").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page

    assert run_queued_tasks() == ["done"]

    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert 'data-status="done"' in partial
    assert "hx-trigger" not in partial  # finished: polling stops
    assert Customer.objects.get(credit_code=code).owner == rep


def test_a_rejected_file_shows_the_error_table_and_offers_the_report(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    upload(client, "customers", xlsx_file([["name", "credit_code"], ["", credit_code()]]), "bad.xlsx")
    run_queued_tasks()
    job = ImportJob.objects.get()

    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    report = client.get(reverse("imports:errors", args=[job.pk]))

    assert job.status == "rejected"
    assert 'data-testid="import-errors"' in page
    assert reverse("imports:errors", args=[job.pk]) in page
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,message"
    assert [line.split(",")[:2] for line in lines[1:]] == [["2", "name"]]


@pytest.mark.parametrize("excess", [1, 200 * 1024])
def test_a_file_over_the_size_limit_is_refused_on_the_form(org, client_for, excess):
    # Just over the limit the form refuses the file; far over it the request is refused before it is parsed.
    client = client_for(org.admin)
    content = b"x" * (MAX_UPLOAD_BYTES + excess)

    response = client.post(
        reverse("imports:page"),
        {"kind": "customers", "file": SimpleUploadedFile("big.csv", content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert '<ul class="errorlist' in response.content.decode()
    assert "The file is larger than 10 MB." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_page_offers_only_the_kinds_the_user_may_import(org, client_for):
    page = client_for(org.a.user("warehouse")).get(reverse("imports:page")).content.decode()

    assert 'data-testid="import-kind-stock"' in page
    assert 'data-testid="import-kind-customers"' not in page
    assert 'value="customers"' not in page


def test_posting_a_kind_the_user_may_not_import_creates_nothing(org, client_for):
    response = upload(client_for(org.a.user("warehouse")), "customers", csv_file([["name"], ["甲"]]))

    assert response.status_code == 200
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("role", "shown"),
    [("admin", True), ("sales_rep", True), ("warehouse", True), ("finance", True), ("dealer", False)],
)
def test_the_navigation_link_is_shown_to_roles_that_may_import(org, client_for, role, shown):
    home = client_for(org.a.user(role)).get(reverse("home")).content.decode()

    assert (f'href="{reverse("imports:page")}"' in home) is shown


def test_roles_that_may_import_nothing_get_403(org, client_for):
    assert client_for(org.a.user("legal")).get(reverse("imports:page")).status_code == 403


def test_another_users_job_is_not_found(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    upload(client, "customers", csv_file([["name"], ["甲"]]))
    job = ImportJob.objects.get()

    other = client_for(org.a.user("sales_manager"))

    assert other.get(reverse("imports:detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("imports:errors", args=[job.pk])).status_code == 404


def test_templates_have_the_header_row_with_custom_fields(org, client_for):
    define_customer_fields()
    client = client_for(org.a.user("sales_rep"))

    csv_template = client.get(reverse("imports:template", args=["customers", "csv"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    xlsx_template = client.get(reverse("imports:template", args=["customers", "xlsx"]), HTTP_ACCEPT_LANGUAGE="en")

    assert (
        csv_template.content.decode("utf-8-sig")
        == "名称,统一社会信用代码,办事处,负责人,状态,客户组,合作起始日,员工人数,客户等级\r\n"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_template.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "name",
        "credit_code",
        "office",
        "owner",
        "status",
        "group",
        "Customer since",
        "Employees",
        "Tier",
    ]
    assert sheet.column_dimensions["B"].number_format == "@"  # codes typed there stay text
    assert sheet.column_dimensions["H"].number_format == "General"  # a whole-number custom field
    assert sheet.column_dimensions["I"].number_format == "@"
    assert client.get(reverse("imports:template", args=["customers", "pdf"])).status_code == 404
