"""The import framework: reading CSV in every encoding Excel writes and XLSX cells, the job lifecycle, and the
`salesops import` command."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from salesops.core import imports
from salesops.core.dispatch import wake_dispatcher
from salesops.core.imports import (
    MAX_UPLOAD_BYTES,
    FileRejected,
    cell_text,
    create_job,
    importers_for,
    read_table,
    registered_importers,
    run_job,
)
from salesops.core.models import ImportJob
from salesops.customers.models import Customer
from salesops.testing.imports import csv_file, problems, run_import, xlsx_file
from salesops.testing.org import build_org, credit_code
from salesops.testing.subprocess import run_python

ROWS = [["名称", "统一社会信用代码"], ["上海甲公司", "91310115000000011X"], [], ["北京乙公司", "x"]]
EXPECTED_ROWS = [(2, ["上海甲公司", "91310115000000011X"]), (4, ["北京乙公司", "x"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_is_read_in_the_encodings_excel_writes(encoding):
    table = read_table(csv_file(ROWS, encoding=encoding))

    assert table.headers == ["名称", "统一社会信用代码"]
    assert table.rows == EXPECTED_ROWS


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_told_from_the_header(delimiter):
    content = "\n".join(delimiter.join(row) for row in ROWS).encode()

    assert read_table(content).rows == EXPECTED_ROWS


def test_xlsx_first_sheet_is_read_with_spreadsheet_row_numbers():
    table = read_table(xlsx_file(ROWS))

    assert table.headers == ["名称", "统一社会信用代码"]
    assert table.rows == EXPECTED_ROWS


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("  ", None),
        (" 甲 ", "甲"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (1234567.891, "1234567.891"),
        (1e-7, "0.0000001"),
        (123456789012345678.0, "123456789012346000"),
        (True, "true"),
        (datetime.datetime(2026, 3, 1), "2026-03-01"),
        (datetime.datetime(2026, 3, 1, 8, 30), "2026-03-01 08:30:00"),
        (datetime.date(2026, 3, 1), "2026-03-01"),
    ],
)
def test_cells_become_text_with_the_digits_excel_shows(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0rest of an old workbook", "Old .xls files cannot be read: save the file as .xlsx or CSV."),
        (b"PK\x03\x04not really a zip", "The Excel file cannot be read: save it again as .xlsx."),
        (b"\x81\x30\xff\xff", "The file is neither a CSV file in UTF-8 or GB18030 nor an .xlsx file."),
        (b",,\nx,y\n", "The first row must hold the column names."),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content, message):
    with translation.override("en"), pytest.raises(FileRejected) as refused:
        read_table(content)
    assert str(refused.value.message) == message


def test_a_file_with_no_rows_is_rejected(org):
    job = run_import("customers", csv_file([["name", "credit_code"]]), org.admin)

    assert (job.status, problems(job)) == ("rejected", [(None, "", "The file has no rows to import.")])


def test_a_job_runs_once(org):
    content = csv_file([["name", "credit_code", "office"], ["甲", credit_code(), "office-a"]])
    job = run_import("customers", content, org.admin)

    again = run_job(job)

    assert (again.status, again.created_count) == ("done", 1)
    assert Customer.objects.filter(name="甲").count() == 1


def test_a_job_of_a_user_deactivated_since_the_upload_is_rejected(org):
    rep = org.a.user("sales_rep")
    job = create_job(kind="customers", filename="a.csv", content=csv_file([["name"], ["甲"]]), actor=rep)
    rep.is_active = False
    rep.save(update_fields=["is_active"])

    run_job(job)

    assert job.status == "rejected"
    assert len(job.errors) == 1


def test_each_role_may_import_what_it_may_create(org):
    kinds = {role: [importer.kind for importer in importers_for(org.a.user(role))] for role in org.a.users}

    everything = ["customers", "products", "stock", "sales_ledger"]
    assert [importer.kind for importer in registered_importers()] == everything
    assert [i.kind for i in importers_for(org.admin)] == everything
    assert kinds == {
        "admin": everything,
        "sales_rep": ["customers"],
        "sales_manager": ["customers"],
        "regional_director": ["customers"],
        "finance": ["sales_ledger"],
        "warehouse": ["stock"],
        "risk_officer": [],
        "legal": [],
        "store_supervisor": [],
        "dealer": [],
        "supplier": [],
    }


def test_an_oversized_file_or_an_unknown_kind_is_refused_before_a_job_exists(org, settings):
    with pytest.raises(ValidationError) as unknown:
        create_job(kind="invoices", filename="a.csv", content=b"x", actor=org.admin)
    with pytest.raises(ValidationError) as too_big:
        create_job(kind="customers", filename="a.csv", content=b"x" * (MAX_UPLOAD_BYTES + 1), actor=org.admin)

    assert list(unknown.value.message_dict) == ["kind"]
    assert list(too_big.value.message_dict) == ["file"]
    assert not ImportJob.objects.exists()


# --- the command ---------------------------------------------------------------------------------------------------


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_as_the_first_administrator_and_prints_a_summary(org, tmp_path):
    code = credit_code()
    path = tmp_path / "customers.csv"
    path.write_bytes(csv_file([["名称", "统一社会信用代码", "办事处"], ["命令行客户", code, "office-a"]]))

    out, _err = run_command("customers", str(path))

    job = ImportJob.objects.get()
    assert out == f"customers.csv: done, 1 rows, 1 created (import {job.pk}).\n"
    assert (job.actor, Customer.objects.get(credit_code=code).owner) == (org.admin, org.admin)


def test_command_prints_the_row_report_and_fails_on_errors(org, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_file([["name", "credit_code"], ["", "123"], ["好名字", credit_code()]]))

    with pytest.raises(CommandError) as failed:
        run_command("customers", str(path), "--as", "sales_rep_a")

    assert str(failed.value) == "Nothing was imported: 2 problems."
    job = ImportJob.objects.get()
    assert job.actor == org.a.user("sales_rep")
    assert len(job.errors) == 2 and {item["row"] for item in job.errors} == {2}
    assert not Customer.objects.filter(name="好名字").exists()


@pytest.mark.django_db(transaction=True)
def test_the_salesops_command_exits_with_status_1_on_errors(tmp_path):
    build_org()
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([["name", "credit_code"], ["甲", "123"]]))

    result = run_python(f"""
        from django.utils import translation
        from salesops.cli import main
        translation.activate("en")
        main(["salesops", "import", "customers", {str(path)!r}])
    """)

    job = ImportJob.objects.get()
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"bad.csv: rejected, 1 rows, 0 created (import {job.pk}).",
        "2\tcredit_code\tA unified social credit code has 18 characters, not 3.",
        "2\toffice\tChoose an office.",
    ]
    assert result.stderr == "CommandError: Nothing was imported: 2 problems.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody"], "No active user named 'nobody'."),
        (["--as", "finance_a"], "finance_a: Your role may not change customers."),
    ],
)
def test_command_refuses_unknown_users_and_users_without_the_right(org, tmp_path, args, message):
    path = tmp_path / "c.csv"
    path.write_bytes(csv_file([["name"], ["甲"]]))

    with translation.override("en"), pytest.raises(CommandError) as refused:
        run_command("customers", str(path), *args)

    assert str(refused.value) == message
    assert not ImportJob.objects.exists()


def test_command_refuses_to_guess_a_user_when_there_is_no_administrator(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(csv_file([["name"], ["甲"]]))

    with pytest.raises(CommandError) as refused:
        run_command("customers", str(path))

    assert str(refused.value) == "No active administrator: name the importing user with --as USERNAME."


def test_an_import_schedules_the_event_dispatcher_once_for_all_its_events(org):
    codes = [credit_code() for _ in range(5)]
    content = csv_file(
        [["name", "credit_code", "office"], *[[f"公司{n}", code, "office-a"] for n, code in enumerate(codes)]]
    )

    job = run_import("customers", content, org.admin)

    assert job.created_count == 5
    scheduled = [function for _sids, function, _robust in connection.run_on_commit if function == wake_dispatcher]
    assert len(scheduled) == 1


def test_cells_beyond_the_header_and_too_many_rows_are_refused(org, monkeypatch):
    content = csv_file([["name", "credit_code", "office"], ["甲", credit_code(), "office-a", "多余"]])
    wide = run_import("customers", content, org.admin)
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    long = run_import("customers", csv_file([["name"], ["甲"], ["乙"], ["丙"]]), org.admin)

    assert problems(wide) == [(2, "", "This row has more cells than the header row has columns.")]
    assert problems(long) == [(None, "", "The file has more than 2 rows: split it into smaller files.")]
