"""Importing customers, products and opening stock from CSV and Excel files: all rows or none.

Each domain app describes one kind of file in its own `imports.py` with a subclass of `Importer` decorated with
`@register_importer`; core imports those modules at start-up (see apps.py) and knows nothing else about them.
An importer declares its columns (English and Chinese headers), checks that the actor may create such records
(the app's own permission check), turns a row into the arguments of the app's existing create action and
validates them with the action's own rules, and finally calls the action.

A job runs in two phases:

1. **Validating.** The whole file is read and every row checked, without writing anything: each problem is
   reported with the spreadsheet row the user sees (the header is row 1), the column as headed in the file and
   the message. Two rows with the same identity (credit code, SKU, ...) are reported too. Any problem rejects
   the file and nothing is written.
2. **Applying.** Every row goes through the app's action, all in one transaction, so each record gets its
   event. If any row still fails (a record created by someone else in the meantime), the whole transaction
   rolls back and the report names that row.

Reading files:

- CSV: UTF-8 with or without a byte order mark, UTF-16 with a byte order mark (Excel's "Unicode text"), or, when
  the bytes are not UTF-8, GB18030 (a superset of GBK, what Excel in China writes as "CSV"). Comma, semicolon or
  tab separated, told from the header row.
- XLSX: the first sheet, read with openpyxl in read-only mode (formulas give their last computed value).
  Text cells are taken as they are. Numeric cells arrive from openpyxl as binary floats; they are turned into
  decimal text with the 15 significant digits Excel itself keeps and shows (`0.1 + 0.2` is 0.3, `12.5` is
  "12.5", 100.0 is "100"), never through float arithmetic after that, and the app parses that text as a
  Decimal. Codes with leading zeros or more than 15 digits must be in cells formatted as text (the downloadable
  templates format their text columns so). Date cells become `YYYY-MM-DD`, booleans `true` / `false`.
"""

import codecs
import csv
import io
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from salesops.core import clock, customfields
from salesops.core.events import record_event
from salesops.core.exports import XLSX_CONTENT_TYPE, csv_response
from salesops.core.models import CustomFieldDefinition, ImportJob

logger = logging.getLogger("salesops.imports")

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# A file where every row is wrong would otherwise produce a report larger than the file.
MAX_ERRORS = 10_000
PROGRESS_EVERY_SECONDS = 0.5
EXCEL_SIGNIFICANT_DIGITS = 15
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls


# --- what an importer declares ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import file, accepted under its English `name`, its Chinese header or an alias.

    `name` is also the key the row's value is filed under. `error_keys` are other keys under which the action
    reports a problem with this column (the customer action says `office_id` for the office column).
    """

    name: str
    chinese: str
    help: Any
    required: bool = False
    aliases: tuple[str, ...] = ()
    error_keys: tuple[str, ...] = ()
    # Whether the XLSX template formats the column as text (codes, names); numbers are left general.
    text: bool = True

    def header(self, language: str | None = None) -> str:
        """The header the templates use: Chinese for Chinese users, English otherwise."""
        return self.chinese if (language or translation.get_language() or "").startswith("zh") else self.name


@dataclass
class Row:
    """One data row: cell text by column name (None when blank), and the custom field cells by field name."""

    number: int
    values: dict[str, str | None]
    custom_fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.values.get(name)


class Importer(ABC):
    """One kind of import file. Subclasses set the attributes and implement the abstract methods."""

    kind: str = ""
    label: Any = ""
    # The API scope resource: uploading needs `<scope>:write`, reading the job `<scope>:read`.
    scope: str = ""
    columns: tuple[Column, ...] = ()
    # A model with custom fields: each active custom field is an optional column (headed by its name or label).
    model: type[models.Model] | None = None
    # Columns that identify a record: two rows with the same values there are duplicates within the file.
    unique: tuple[str, ...] = ()

    @abstractmethod
    def check_permission(self, actor) -> None:
        """Raise PermissionDenied unless the actor may create these records (the app's action check)."""

    def prepare(self, actor) -> Any:
        """Whatever rows share (lookups); passed to `parse` as `context`."""
        return None

    @abstractmethod
    def parse(self, row: Row, *, actor, context) -> dict[str, Any]:
        """The action's keyword arguments for one row, validated by the action's rules without writing.

        Raise ValidationError keyed by column name (or by the action's own field keys) naming every problem."""

    @abstractmethod
    def apply(self, values: dict[str, Any], *, actor) -> models.Model:
        """Create one record through the app's action."""

    def may_import(self, actor) -> bool:
        if actor is None or not actor.is_authenticated or not actor.is_active:
            return False
        try:
            self.check_permission(actor)
        except PermissionDenied:
            return False
        return True

    def custom_fields(self) -> list[CustomFieldDefinition]:
        return CustomFieldDefinition.objects.for_model(self.model) if self.model is not None else []

    def template_headers(self) -> list[tuple[str, bool]]:
        """(header, is_text) for every column, custom fields last, in the current language, as the downloadable
        templates have them."""
        headers = [(column.header(), column.text) for column in self.columns]
        headers += [
            (definition.display_label(), definition.field_type not in NUMERIC_FIELD_TYPES)
            for definition in self.custom_fields()
        ]
        return headers


NUMERIC_FIELD_TYPES = {"number", "decimal"}
_importers: dict[str, Importer] = {}


def register_importer(importer_class: type[Importer]) -> type[Importer]:
    """Class decorator: make the importer available under its `kind`."""
    importer = importer_class()
    _importers[importer.kind] = importer
    return importer_class


def registered_importers() -> list[Importer]:
    return list(_importers.values())


def get_importer(kind: str) -> Importer:
    try:
        return _importers[kind]
    except KeyError:
        raise LookupError(f"no importer for {kind!r}") from None


def importers_for(user) -> list[Importer]:
    """The kinds of file this user may import."""
    return [importer for importer in _importers.values() if importer.may_import(user)]


# --- helpers for importers ----------------------------------------------------------------------------------------


def choice_value(raw: str | None, choices: type[models.TextChoices], default: str) -> str:
    """A choice from its value or its label in Chinese or English ("active", "活跃"); unknown text is passed on
    unchanged for the action to refuse with its own message."""
    if raw is None:
        return default
    wanted = raw.strip().casefold()
    for value, label in choices.choices:
        names = {value.casefold()}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(label).casefold())
        if wanted in names:
            return value
    return raw


def boolean_value(raw: str | None, default: bool) -> bool | str:
    """true/false, yes/no, 1/0, 是/否; other text is passed on for the action to refuse."""
    if raw is None:
        return default
    word = raw.strip().casefold()
    if word in customfields.TRUE_WORDS:
        return True
    if word in customfields.FALSE_WORDS:
        return False
    return raw


def decimal_text(raw: str | None) -> str | None:
    """Number text as people type it: thousands separators (1,200.50) and a trailing % (13% is 0.13) allowed."""
    if raw is None:
        return None
    text = raw.strip().replace(",", "").replace("，", "")
    if text.endswith("%"):
        try:
            return str(Decimal(text[:-1].strip()).scaleb(-2))
        except InvalidOperation:
            return raw
    return text


class Lookup:
    """Find the record a cell names by any of a few text fields (a code, then a name), case-insensitively, with a
    cache; `missing` is the message for a cell that names none."""

    def __init__(self, queryset: models.QuerySet, *fields: str, missing: str):
        self.queryset = queryset
        self.fields = fields
        self.missing = missing
        self.cache: dict[str, models.Model | None] = {}

    def find(self, text: str) -> models.Model | None:
        key = text.strip().casefold()
        if key not in self.cache:
            self.cache[key] = self.search(text.strip())
        return self.cache[key]

    def search(self, text: str) -> models.Model | None:
        for name in self.fields:
            matches = list(self.queryset.filter(**{f"{name}__iexact": text})[:2])
            if len(matches) == 1:
                return matches[0]
        return None

    def cell(self, errors: dict[str, list[str]], column: str, text: str | None, *, required: bool = False):
        """The record the cell names, or None with a message filed under `column` when it names none (or, for a
        required column, when it is blank)."""
        if text is None:
            if required:
                errors[column] = [_("Fill in this cell.")]
            return None
        found = self.find(text)
        if found is None:
            errors[column] = [self.missing]
        return found


def validate_with(errors: dict[str, list[str]], check, *args, **kwargs) -> Any:
    """Run an action's validation, adding its field errors to `errors`; None when it failed."""
    try:
        return check(*args, **kwargs)
    except ValidationError as exc:
        for key, messages in message_dict(exc).items():
            errors.setdefault(key, []).extend(messages)
        return None


def validated(values: dict[str, Any], errors: dict[str, list[str]], check: Callable[[dict], Any]) -> dict[str, Any]:
    """`values`, once `check` (the action's own validation) passes on the values whose cells were understood;
    otherwise one ValidationError with every problem of the row, those found so far in `errors` included."""
    validate_with(errors, check, {key: value for key, value in values.items() if key not in errors})
    if errors:
        raise ValidationError(errors)
    return values


def message_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


# --- reading files ------------------------------------------------------------------------------------------------


class FileRejected(Exception):
    """The file as a whole cannot be read (wrong format, empty, too many rows)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """A file's header row and its data rows as (spreadsheet row number, cell texts), blank rows left out."""

    headers: list[str | None]
    rows: list[tuple[int, list[str | None]]]


def read_table(content: bytes) -> Table:
    """Read an uploaded CSV or XLSX file, told apart by its content rather than its name."""
    if not content:
        raise FileRejected(_("The file is empty."))
    if content.startswith(OLE_MAGIC):
        raise FileRejected(_("Old .xls files cannot be read: save the file as .xlsx or CSV."))
    if content.startswith(ZIP_MAGIC):
        return read_xlsx(content)
    return read_csv(content)


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Excel's "CSV" on Chinese Windows)."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(_("The file is neither a CSV file in UTF-8 or GB18030 nor an .xlsx file."))


def read_csv(content: bytes) -> Table:
    text = decode_csv(content)
    if "\x00" in text:
        raise FileRejected(_("The file is neither a CSV file in UTF-8 or GB18030 nor an .xlsx file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileRejected(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    return table_from(enumerate(records, start=1))


def read_xlsx(content: bytes) -> Table:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged or foreign zip file
        logger.info("unreadable xlsx upload", exc_info=True)
        raise FileRejected(_("The Excel file cannot be read: save it again as .xlsx.")) from None
    try:
        if not workbook.worksheets:
            raise FileRejected(_("The file is empty."))
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read the cells that are there instead.
        sheet.reset_dimensions()
        return table_from(enumerate(sheet.iter_rows(values_only=True), start=1))
    except FileRejected:
        raise
    except Exception:  # a damaged sheet fails deep inside openpyxl's XML parsing, in many ways
        logger.info("unreadable xlsx sheet", exc_info=True)
        raise FileRejected(_("The Excel file cannot be read: save it again as .xlsx.")) from None
    finally:
        workbook.close()


def table_from(rows: Iterable[tuple[int, list]]) -> Table:
    headers: list[str | None] | None = None
    data: list[tuple[int, list[str | None]]] = []
    for number, cells in rows:
        cells = [cell_text(cell) for cell in cells]
        if headers is None:
            headers = cells
            continue
        if any(cell is not None for cell in cells):
            if len(data) >= MAX_ROWS:
                message = _("The file has more than %(n)d rows: split it into smaller files.")
                raise FileRejected(message % {"n": MAX_ROWS})
            data.append((number, cells))
    if not headers or all(header is None for header in headers):
        raise FileRejected(_("The first row must hold the column names."))
    return Table(headers, data)


def cell_text(value: Any) -> str | None:
    """A cell as text, None when blank. Numbers keep the digits Excel shows (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        number = Decimal(format(value, f".{EXCEL_SIGNIFICANT_DIGITS}g"))
        text = format(number, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


# --- headers ------------------------------------------------------------------------------------------------------


def normalise_header(text: str) -> str:
    return "".join(character for character in text.casefold() if character not in " _-\u3000")


@dataclass
class Layout:
    """Where each column is in the file: cell index by column key (`name`, `custom_fields.<name>`), the header
    as the user wrote it, and the header to report a column the file lacks under (in the uploader's language)."""

    index: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    custom_fields: dict[str, int] = field(default_factory=dict)
    absent_headers: dict[str, str] = field(default_factory=dict)

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.absent_headers.get(key, key)


def read_layout(importer: Importer, headers: list[str | None], language: str) -> tuple[Layout, list[dict]]:
    """Match the header row to the importer's columns and custom fields; errors are reported on row 1."""
    accepted: dict[str, str] = {}
    for column in importer.columns:
        for name in (column.name, column.chinese, *column.aliases):
            accepted[normalise_header(name)] = column.name
    layout = Layout(absent_headers={column.name: column.header(language) for column in importer.columns})
    for definition in importer.custom_fields():
        key = f"custom_fields.{definition.name}"
        layout.absent_headers[key] = definition.display_label(language)
        for name in (definition.name, definition.label, definition.label_en):
            if name:
                accepted.setdefault(normalise_header(name), key)
    errors = []
    for position, header in enumerate(headers):
        if header is None:
            continue
        key = accepted.get(normalise_header(header))
        if key is None:
            errors.append(problem(1, header, _("Unknown column: see the template for the columns this file takes.")))
        elif key in layout.index:
            errors.append(problem(1, header, _("This column appears twice.")))
        else:
            layout.index[key] = position
            layout.headers[key] = header
            if key.startswith("custom_fields."):
                layout.custom_fields[key.removeprefix("custom_fields.")] = position
    for column in importer.columns:
        if column.required and column.name not in layout.index:
            errors.append(problem(1, layout.header(column.name), _("This column is missing.")))
    return layout, errors


def row_of(layout: Layout, importer: Importer, number: int, cells: list[str | None]) -> Row:
    def cell(position: int) -> str | None:
        return cells[position] if position < len(cells) else None

    values = {
        column.name: cell(layout.index[column.name]) if column.name in layout.index else None
        for column in importer.columns
    }
    custom = {name: value for name, position in layout.custom_fields.items() if (value := cell(position)) is not None}
    return Row(number, values, custom)


def problem(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": str(message)}


def column_for(importer: Importer, layout: Layout, key: str) -> str:
    """The header an action's error key (`name`, `office_id`, `custom_fields.tier`) points at."""
    column = next((column for column in importer.columns if key in (column.name, *column.error_keys)), None)
    if column is not None:
        return layout.header(column.name)
    return "" if key in ("", "__all__") else layout.header(key)


def row_problems(importer: Importer, layout: Layout, number: int, exc: ValidationError) -> list[dict]:
    return [
        problem(number, column_for(importer, layout, key), message)
        for key, messages in message_dict(exc).items()
        for message in messages
    ]


# --- running a job ------------------------------------------------------------------------------------------------


def create_job(*, kind: str, filename: str, content: bytes, actor) -> ImportJob:
    """Record an uploaded file as a queued job, after checking the kind, the size and the actor's right to import.

    Raises ValidationError on `kind` or `file`, PermissionDenied for an actor who may not create these records."""
    try:
        importer = get_importer(kind)
    except LookupError:
        kinds = ", ".join(_importers)
        raise ValidationError({"kind": [_("Choose one of: %(choices)s.") % {"choices": kinds}]}) from None
    importer.check_permission(actor)
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than %(n)d MB.") % {"n": MAX_UPLOAD_BYTES // 2**20}]})
    return ImportJob.objects.create(
        kind=kind,
        filename=(filename or "upload")[-255:],
        content=content,
        language=translation.get_language() or "zh-hans",
        actor=actor,
    )


@dataclass
class Plan:
    """A validated file: each row's action arguments with its spreadsheet row number."""

    importer: Importer
    layout: Layout
    rows: list[tuple[int, dict[str, Any]]]


def run_job(job: ImportJob) -> ImportJob:
    """Validate the job's file and, when every row passes, apply all rows in one transaction.

    Runs a job once: a job that is no longer queued (another worker took it) is left alone."""
    now = timezone.now()  # the claim is a sign of life too: a job queued for long is not stale when it starts
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, started_at=now, updated_at=now
    )
    job.refresh_from_db()
    if not claimed:
        return job
    with translation.override(job.language):
        try:
            plan = validate_job(job)
            if plan is not None:
                apply_job(job, plan)
        except Exception:
            logger.exception("import job %s failed", job.pk)
            finish(job, ImportJob.Status.FAILED, [problem(None, "", _("The import stopped on an unexpected error."))])
            raise
    return job


def validate_job(job: ImportJob) -> Plan | None:
    """Check every row without writing. Returns the plan, or None after marking the job rejected."""
    importer = get_importer(job.kind)
    actor = job.actor
    if actor is None or not actor.is_active:
        finish(job, ImportJob.Status.REJECTED, [problem(None, "", _("The user who uploaded the file is inactive."))])
        return None
    try:
        importer.check_permission(actor)
        table = read_table(bytes(job.content))
    except PermissionDenied as exc:
        finish(job, ImportJob.Status.REJECTED, [problem(None, "", str(exc) or _("Not allowed."))])
        return None
    except FileRejected as exc:
        finish(job, ImportJob.Status.REJECTED, [problem(None, "", exc.message)])
        return None
    layout, errors = read_layout(importer, table.headers, job.language)
    if not table.rows:
        errors.append(problem(None, "", _("The file has no rows to import.")))
    if errors:
        finish(job, ImportJob.Status.REJECTED, errors)
        return None
    job.rows_total = len(table.rows)
    job.save(update_fields=["rows_total", "updated_at"])

    context = importer.prepare(actor)
    seen: dict[tuple, int] = {}
    planned: list[tuple[int, dict[str, Any]]] = []
    reported = time.monotonic()
    for done, (number, cells) in enumerate(table.rows, start=1):
        row = row_of(layout, importer, number, cells)
        if len(cells) > len(table.headers) and any(cell is not None for cell in cells[len(table.headers) :]):
            errors.append(problem(number, "", _("This row has more cells than the header row has columns.")))
        errors += duplicate_problems(importer, layout, row, seen)
        try:
            planned.append((number, importer.parse(row, actor=actor, context=context)))
        except ValidationError as exc:
            errors += row_problems(importer, layout, number, exc)
        if time.monotonic() - reported > PROGRESS_EVERY_SECONDS:
            alive = ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.RUNNING).update(
                rows_processed=done, updated_at=timezone.now()
            )
            if not alive:  # marked failed as stale while this worker was too slow to report: stop here
                job.refresh_from_db()
                return None
            reported = time.monotonic()
    if errors:
        finish(job, ImportJob.Status.REJECTED, errors)
        return None
    return Plan(importer, layout, planned)


def duplicate_problems(importer: Importer, layout: Layout, row: Row, seen: dict[tuple, int]) -> list:
    """A row whose identity (credit code, SKU, ...) an earlier row of the file already has."""
    if not importer.unique:
        return []
    values = [row.get(name) for name in importer.unique]
    if any(value is None for value in values):
        return []
    key = tuple(value.strip().casefold() for value in values)
    if key not in seen:
        seen[key] = row.number
        return []
    message = _("Row %(row)d already has this value.") % {"row": seen[key]}
    return [problem(row.number, column_for(importer, layout, importer.unique[0]), message)]


class Abandoned(Exception):
    """The job was marked failed as stale (`fail_stale_jobs`) while this worker still ran it."""


def apply_job(job: ImportJob, plan: Plan) -> None:
    """Create every planned record through the app's action in one transaction; on any failure, none.

    The transaction holds the job's row and marks it done before committing, so the stale-job sweep can never
    fail a job whose rows are being (or were) written; a job it failed before is not applied."""
    not_yet_applying = [ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING]
    started = ImportJob.objects.filter(pk=job.pk, status__in=not_yet_applying).update(
        status=ImportJob.Status.APPLYING, rows_processed=job.rows_total, updated_at=timezone.now()
    )
    if not started:  # marked failed as stale meanwhile
        job.refresh_from_db()
        return
    job.status = ImportJob.Status.APPLYING
    number = 0
    try:
        with transaction.atomic():
            holding = ImportJob.objects.select_for_update().filter(pk=job.pk, status=ImportJob.Status.APPLYING)
            if not list(holding.values_list("pk", flat=True)):
                raise Abandoned
            for number, values in plan.rows:  # noqa: B007 (`number` names the failing row below)
                plan.importer.apply(values, actor=job.actor)
            job.created_count = len(plan.rows)
            record_event(
                "import_job.applied",
                job,
                actor=job.actor,
                data={"kind": job.kind, "filename": job.filename, "created": job.created_count},
            )
            finish(job, ImportJob.Status.DONE, [])
    except Abandoned:
        job.refresh_from_db()
        return
    except ValidationError as exc:
        finish(job, ImportJob.Status.FAILED, row_problems(plan.importer, plan.layout, number, exc))
        return
    except PermissionDenied as exc:
        finish(job, ImportJob.Status.FAILED, [problem(number, "", str(exc) or _("Not allowed."))])
        return
    except DatabaseError:
        logger.exception("import job %s: the database refused row %s", job.pk, number)
        message = _("The database refused this row; nothing was imported.")
        finish(job, ImportJob.Status.FAILED, [problem(number, "", message)])
        return


def finish(job: ImportJob, status: str, errors: list[dict]) -> None:
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = [*errors[:MAX_ERRORS], problem(None, "", _("… and %(n)d more problems.") % {"n": more})]
    job.status = status
    job.errors = errors
    job.rows_processed = job.rows_total
    if status != ImportJob.Status.DONE:
        job.created_count = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "rows_processed", "created_count", "finished_at", "updated_at"])


# --- housekeeping -------------------------------------------------------------------------------------------------


def fail_stale_jobs(*, now: datetime | None = None, stale_after: timedelta | None = None) -> int:
    """Mark failed every job left validating or applying with no sign of life (a progress report or a change
    of status) for `stale_after` (default `settings.IMPORT_STALE_AFTER`) before `now` (default the business
    clock's now): its worker died. Nothing of such a job was written (applying is one transaction), and the
    uploader reads why in the job's report, in the job's language. Records `import_job.failed` for each; running
    it again finds nothing more to do. Queued jobs are left alone: their task is still in the queue.

    Each job is failed by a conditional UPDATE, so a job that moved on meanwhile (it was only slow) is not
    touched; a worker that resumes a job failed here stops without writing (`apply_job`). Returns how many jobs
    were failed."""
    now = now or clock.now()
    stale_after = stale_after or settings.IMPORT_STALE_AFTER
    cutoff = now - stale_after
    running = [ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING]
    candidates = ImportJob.objects.filter(status__in=running, updated_at__lt=cutoff).only(
        "pk", "status", "language", "kind", "filename", "updated_at", "rows_total"
    )
    failed = 0
    for job in candidates:
        with translation.override(job.language):
            message = _(
                "The import stopped: nothing was heard from it for %(minutes)d minutes, so the process running it "
                "probably ended. Nothing was imported; upload the file again."
            ) % {"minutes": stale_after // timedelta(minutes=1)}
        with transaction.atomic():
            changed = ImportJob.objects.filter(pk=job.pk, status=job.status, updated_at__lt=cutoff).update(
                status=ImportJob.Status.FAILED,
                errors=[problem(None, "", message)],
                rows_processed=job.rows_total,
                created_count=0,
                finished_at=now,
                updated_at=now,
            )
            if changed:
                record_event(
                    "import_job.failed",
                    job,
                    before={"status": job.status},
                    after={"status": ImportJob.Status.FAILED},
                    data={"reason": "stale", "last_activity": job.updated_at, "kind": job.kind},
                )
                failed += changed
    return failed


def purge_old_files(*, now: datetime | None = None, retention: timedelta | None = None) -> int:
    """Delete the uploaded file and the error report of every job that finished more than `retention` (default
    `settings.IMPORT_RETENTION`) before `now` (default the business clock's now), in one UPDATE. The job row
    stays (who imported what, when, with what outcome and how many records) and `purged_at` says when its files
    went. Jobs purged already are left alone, so running it again deletes nothing more. Returns how many jobs
    were purged."""
    now = now or clock.now()
    cutoff = now - (retention or settings.IMPORT_RETENTION)
    return (
        ImportJob.objects.filter(finished_at__lt=cutoff, purged_at__isnull=True)
        .exclude(status__in=ImportJob.RUNNING)
        .update(content=b"", errors=[], purged_at=now, updated_at=now)
    )


# --- reports and templates ----------------------------------------------------------------------------------------

REPORT_COLUMNS = [
    ("row", lambda item: item["row"]),
    ("column", lambda item: item["column"]),
    ("message", lambda item: item["message"]),
]


def error_report(job: ImportJob) -> HttpResponseBase:
    """The job's problems as a CSV file: row, column, message."""
    return csv_response(f"import-{job.pk}-errors.csv", REPORT_COLUMNS, job.errors)


def template_file(importer: Importer, format: str) -> HttpResponse:
    """An empty file with the importer's header row (custom fields included), as CSV or XLSX."""
    headers = importer.template_headers()
    if format == "csv":
        content = "\ufeff" + ",".join(csv_quote(header) for header, _text in headers) + "\r\n"
        response = HttpResponse(content.encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{importer.kind}-template.csv"'
        return response
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = importer.kind
    for position, (header, is_text) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=position, value=header)
        cell.font = Font(bold=True)
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 20
        if is_text:
            # Whatever the user types below stays text: codes keep their leading zeros and all their digits.
            sheet.column_dimensions[letter].number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{importer.kind}-template.xlsx"'
    return response


def csv_quote(text: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([text])
    return buffer.getvalue().rstrip("\r\n")
