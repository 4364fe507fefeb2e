"""Importing customers: a good file creates every customer through the action (with its event); a file with any
bad row creates none and names every problem by row and column."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from salesops.core.imports import apply_job, create_job, validate_job
from salesops.core.models import Event, ImportJob
from salesops.customers.actions import create_customer
from salesops.customers.models import Customer
from salesops.testing.customfields import define_customer_fields
from salesops.testing.imports import csv_file, problems, run_import, xlsx_file
from salesops.testing.org import credit_code

HEADER = ["名称", "统一社会信用代码", "办事处", "负责人", "状态"]


def test_a_good_file_creates_every_customer_with_its_event(org):
    codes = [credit_code(), credit_code()]
    content = csv_file(
        [
            HEADER,
            ["上海导入贸易有限公司", codes[0], "office-a", "sales_rep_a", "active"],
            ["北京导入科技有限公司", codes[1], "Office a", "", "潜在客户"],
        ]
    )

    job = run_import("customers", content, org.admin)

    assert (job.status, job.rows_total, job.created_count, job.errors) == ("done", 2, 2, [])
    first = Customer.objects.get(credit_code=codes[0])
    second = Customer.objects.get(credit_code=codes[1])
    assert (first.name, first.office, first.region, first.owner, first.status) == (
        "上海导入贸易有限公司",
        org.a.office,
        org.a.region,
        org.a.user("sales_rep"),
        "active",
    )
    assert (second.owner, second.status) == (org.admin, "prospect")
    assert Event.objects.filter(type="customer.created", subject_id__in=[first.pk, second.pk]).count() == 2
    applied = Event.objects.get(type="import_job.applied")
    assert (applied.subject_id, applied.actor, applied.payload["data"]["created"]) == (str(job.pk), org.admin, 2)


def test_a_rep_imports_into_own_office_by_default_and_owns_the_customers(org):
    rep = org.a.user("sales_rep")
    code = credit_code()

    job = run_import("customers", csv_file([["name", "credit_code"], ["默认办事处客户", code]]), rep)

    assert job.status == "done"
    customer = Customer.objects.get(credit_code=code)
    assert (customer.office, customer.owner) == (org.a.office, rep)


def test_errors_in_several_rows_create_nothing_and_name_each_row_and_column(org):
    good, taken = credit_code(), org.b.customer.credit_code
    content = csv_file(
        [
            ["名称", "credit_code", "Office", "owner", "status"],
            ["好客户", good, "office-a", "", ""],
            ["", wrong_check_character(credit_code()), "office-a", "", ""],
            ["重复代码", taken, "no-such-office", "nobody", "dormant"],
            ["", "", "", "", ""],
            ["办事处不可达", credit_code(), "office-b", "", ""],
        ]
    )
    customers_before = Customer.objects.count()

    job = run_import("customers", content, org.a.user("sales_rep"))

    assert job.status == "rejected"
    assert (job.rows_total, job.rows_processed, job.created_count) == (4, 4, 0)
    assert problems(job) == [
        (3, "名称", "Enter the company name."),
        (3, "credit_code", "The check character (character 18) is wrong."),
        (4, "Office", "No office has this code or name."),
        (4, "owner", "No user has this username."),
        (4, "credit_code", "Another customer already has this credit code."),
        (4, "status", "Choose one of: prospect, active, inactive."),
        (6, "Office", "You may not place customers in this office."),
    ]
    assert Customer.objects.count() == customers_before
    assert not Customer.objects.filter(credit_code=good).exists()
    assert not Event.objects.filter(type="import_job.applied").exists()


def wrong_check_character(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def test_the_same_credit_code_twice_in_the_file_is_refused_on_the_second_row(org):
    code = credit_code()
    content = csv_file([HEADER, ["甲公司", code, "office-a", "", ""], ["乙公司", code.lower(), "office-a", "", ""]])

    job = run_import("customers", content, org.admin)

    assert job.status == "rejected"
    assert problems(job) == [(3, "统一社会信用代码", "Row 2 already has this value.")]
    assert not Customer.objects.filter(credit_code=code).exists()


def test_a_gb18030_csv_as_excel_writes_it_in_china(org):
    code = credit_code()
    content = csv_file([HEADER, ["广州粤海贸易有限公司", code, "office-a", "", ""]], encoding="gb18030")
    assert content.decode("gb18030").startswith("名称")  # no byte order mark, not UTF-8

    job = run_import("customers", content, org.admin)

    assert job.status == "done"
    assert Customer.objects.get(credit_code=code).name == "广州粤海贸易有限公司"


def test_an_xlsx_file_with_custom_field_columns(org):
    define_customer_fields()
    code = credit_code()
    content = xlsx_file(
        [
            ["名称", "统一社会信用代码", "办事处", "客户等级", "Employees", "customer_since"],
            ["深圳表格客户有限公司", code, "office-a", "A", 250, "2024-03-01"],
        ]
    )

    job = run_import("customers", content, org.admin, filename="customers.xlsx")

    assert job.status == "done", job.errors
    customer = Customer.objects.get(credit_code=code)
    assert customer.custom_fields == {"tier": "A", "employees": 250, "customer_since": "2024-03-01"}


def test_a_missing_required_custom_field_is_reported_under_its_label(org):
    define_customer_fields()

    content = csv_file([["name", "credit_code", "office"], ["无等级", credit_code(), "office-a"]])

    job = run_import("customers", content, org.admin)

    # Messages and headers of columns missing from the file are in the uploader's language (English here).
    assert problems(job) == [(2, "Tier", "This field is required.")]


def test_a_missing_required_column_and_an_unknown_column_are_reported_on_the_header_row(org):
    content = csv_file([["名称", "电话", "名称"], ["甲", "123", "乙"]])

    job = run_import("customers", content, org.admin)

    assert job.status == "rejected"
    assert problems(job) == [
        (1, "电话", "Unknown column: see the template for the columns this file takes."),
        (1, "名称", "This column appears twice."),
        (1, "credit_code", "This column is missing."),
    ]


@pytest.mark.parametrize("role", ["finance", "risk_officer", "legal", "dealer", "warehouse", "supplier"])
def test_roles_that_may_not_create_customers_may_not_import_them(org, role):
    content = csv_file([HEADER, ["甲", credit_code(), "office-a", "", ""]])

    with pytest.raises(PermissionDenied):
        create_job(kind="customers", filename="x.csv", content=content, actor=org.a.user(role))

    assert not ImportJob.objects.exists()


def test_a_customer_created_meanwhile_rolls_the_whole_import_back(org):
    codes = [credit_code(), credit_code(), credit_code()]
    content = csv_file([HEADER] + [[f"公司{n}", code, "office-a", "", ""] for n, code in enumerate(codes)])
    with translation.override("en"):
        job = create_job(kind="customers", filename="race.csv", content=content, actor=org.admin)
        plan = validate_job(job)
        assert plan is not None

        # Between validation and applying, someone else creates the company of the third row ...
        create_customer(actor=org.admin, name="抢先一步", credit_code=codes[2], office=org.b.office)
        apply_job(job, plan)

    # ... so the whole file rolls back and the report names that row.
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("failed", 0)
    assert problems(job) == [(4, "统一社会信用代码", "Another customer already has this credit code.")]
    assert list(Customer.objects.filter(credit_code__in=codes).values_list("name", flat=True)) == ["抢先一步"]
    assert not Event.objects.filter(type="customer.created", subject_label__in=["公司0", "公司1"]).exists()
    assert not Event.objects.filter(type="import_job.applied").exists()
