"""Reading tables people export from spreadsheets and finance systems: CSV or XLSX.

CSV may be UTF-8 (with or without a BOM) or Windows-1252 / ISO-8859-1, with
``;``, ``,`` or tab between fields. Numbers may be written the Finnish way
(``1 234,56``, ``-1 234,56``, a non-breaking space between thousands) or the
English way (``1234.56``, ``1,234.56``).
"""

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ";,\t"
ZIP_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file as a whole cannot be read."""


class NumberError(ValueError):
    """A cell that should hold a number does not."""


def decode(raw: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; ISO-8859-1 reads every byte.
    return raw.decode("latin-1")


def sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def read_rows(upload) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and the rows as (line number, {column: text}); blank rows are skipped."""
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head == ZIP_MAGIC:
        return _xlsx_rows(upload)
    return _csv_rows(upload)


def _csv_rows(upload):
    text = decode(upload.read())
    lines = io.StringIO(text, newline="")
    first = text.split("\n", 1)[0]
    reader = csv.reader(lines, delimiter=sniff_delimiter(first))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    _check_header(header)

    def rows():
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, dict(zip(header, (cell.strip() for cell in row), strict=False))

    return header, rows()


def _xlsx_rows(upload):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign zip: openpyxl raises many kinds
        raise TableError(_("The spreadsheet could not be read.")) from error
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [str(cell).strip() if cell is not None else "" for cell in next(values)]
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    _check_header(header)

    def rows():
        for line, row in enumerate(values, start=2):
            cells = ["" if cell is None else _cell_text(cell) for cell in row]
            if not any(cells):
                continue
            yield line, dict(zip(header, cells, strict=False))
        workbook.close()

    return header, rows()


def _cell_text(cell) -> str:
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def _check_header(header: list[str]) -> None:
    if not any(header):
        raise TableError(_("The first row must name the columns."))


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: str) -> Decimal:
    """``1 234,56`` → 1234.56; ``-1 234,56``, ``1234.56``, ``1,234.56`` and ``(12,50)`` too."""
    cleaned = _SPACES.sub("", text or "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    cleaned = cleaned.replace("\u2212", "-")  # the minus sign some programs write
    if "," in cleaned and "." in cleaned:
        # The last separator is the decimal one: 1.234,56 or 1,234.56.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise NumberError(text) from None
    if not value.is_finite():
        raise NumberError(text)
    return -value if negative else value
