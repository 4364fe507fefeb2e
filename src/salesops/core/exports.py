"""CSV and Excel export of list pages and API lists, with the model's custom fields as extra columns.

Each app's exports.py has one list of columns, (header, getter) pairs, and one function taking the format, so
the CSV and the Excel file of a list always have the same columns.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from salesops.core.models import CustomFieldDefinition

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

Columns = list[tuple[str, Callable[[Any], Any]]]


class Echo:
    def write(self, value):
        return value


def export_response(name: str, format: str, columns: Columns, rows: Iterable, *, model=None):
    """`name`.csv or `name`.xlsx (`format` is one of EXPORT_FORMATS) with the same columns."""
    if format == "xlsx":
        return xlsx_response(f"{name}.xlsx", columns, rows, model=model)
    return csv_response(f"{name}.csv", columns, rows, model=model)


def export_format(request) -> str:
    """The format an API export route was called for, from its path (`.../export.xlsx`)."""
    return "xlsx" if request.path.endswith(".xlsx") else "csv"


def header_and_definitions(columns: Columns, model) -> tuple[list[str], list[CustomFieldDefinition]]:
    definitions = CustomFieldDefinition.objects.for_model(model) if model is not None else []
    return [title for title, _ in columns] + [definition.display_label() for definition in definitions], definitions


def csv_response(filename: str, columns: Columns, rows: Iterable, *, model=None) -> StreamingHttpResponse:
    """Stream `rows` as CSV (UTF-8 with BOM, so Excel opens Chinese text correctly)."""
    header, definitions = header_and_definitions(columns, model)

    def render(value):
        if value is None:
            return ""
        if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
            # A cell starting with = + - @ runs as a formula in Excel; the quote makes it plain text.
            return "'" + value
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        return value

    def lines():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            values = [render(getter(row)) for _, getter in columns]
            values += [render((row.custom_fields or {}).get(d.name)) for d in definitions]
            yield writer.writerow(values)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, columns: Columns, rows: Iterable, *, model=None) -> FileResponse:
    """`rows` as an Excel workbook of one sheet: the same header and columns as `csv_response`.

    Written with openpyxl's write-only mode into a temporary file that is then streamed, so memory stays flat
    however many rows there are. Decimals are numbers shown with their own places (money with 2, quantities with
    3), times are real dates in the user's time zone, and text that Excel would take for a formula is stored as
    text with Excel's quote prefix.
    """
    header, definitions = header_and_definitions(columns, model)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename.rsplit(".", 1)[0][:31] or "export")
    bold = Font(bold=True)
    sheet.append([styled(WriteOnlyCell(sheet, title), font=bold) for title in header])
    kinds = [definition.field_type for definition in definitions]
    for row in rows:
        values = [getter(row) for _, getter in columns]
        if definitions:
            custom = row.custom_fields or {}
            values += [custom_value(kind, custom.get(d.name)) for kind, d in zip(kinds, definitions, strict=True)]
        sheet.append([xlsx_cell(sheet, value) for value in values])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def styled(cell: WriteOnlyCell, **attributes) -> WriteOnlyCell:
    for name, value in attributes.items():
        setattr(cell, name, value)
    return cell


def custom_value(kind: str, value: Any) -> Any:
    """A stored custom field value as its spreadsheet type: decimals are stored as exact text, dates as ISO."""
    if value is None:
        return None
    try:
        if kind == "decimal":
            return Decimal(str(value))
        if kind == "date":
            return datetime.date.fromisoformat(str(value))
    except (ArithmeticError, ValueError):
        return str(value)
    return value


def xlsx_cell(sheet, value: Any) -> Any:
    """One value as an Excel cell: numbers as numbers, dates as dates, text guarded against formulas."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        places = max(-value.as_tuple().exponent, 0)
        return styled(WriteOnlyCell(sheet, value), number_format="0." + "0" * places if places else "0")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
        return styled(WriteOnlyCell(sheet, value), number_format=DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return styled(WriteOnlyCell(sheet, value), number_format=DATE_FORMAT)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text[:1] in FORMULA_PREFIXES:
        # openpyxl would write "=..." as a formula; a text cell with the quote prefix stays text even when the
        # user edits it in Excel.
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return text
