"""Reading tables people export from spreadsheets and finance systems: CSV or XLSX.

CSV may be UTF-8 (with or without a BOM) or Windows-1252 / ISO-8859-1, with
``;``, ``,`` or tab between fields. Numbers may be written the Finnish way
(``1 234,56``, ``-1 234,56``, a non-breaking space between thousands) or the
English way (``1234.56``, ``1,234.56``).

A file that would not be read the way it was written is refused rather than
guessed at: UTF-16 text (Excel's "Unicode text"), and a first row that holds a
single column (fields separated by something else, such as ``|``).
"""

import codecs
import csv
import datetime as dt
import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from academy.uploads import ZipLimits, check_zip

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ";,\t"
ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
OTHER_SEPARATORS = "|:^~#"
CHUNK = 1 << 20
BLOCK = 1 << 20
# No line of a ledger is anywhere near this long; a longer one is not read whole, so a
# file of one endless line costs a megabyte of memory, not the file's size.
MAX_LINE = 1 << 20


class TableError(ValueError):
    """The file as a whole cannot be read.

    It keeps its message untranslated with its values, so that what a worker
    found is shown to each reader in their own language; ``str()`` translates.
    """

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return _(self.message) % self.params if self.params else _(self.message)


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


def detect_encoding(binary: BinaryIO) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, else ISO-8859-1: read through in chunks."""
    if _is_utf8(binary):
        binary.seek(0)
        return "utf-8-sig"
    for encoding in ENCODINGS[1:]:
        binary.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := binary.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        binary.seek(0)
        return encoding
    binary.seek(0)
    return "latin-1"


def _is_utf8(binary: BinaryIO) -> bool:
    """Whether the whole file is UTF-8; a chunk of plain ASCII needs no decoding at all."""
    binary.seek(0)
    left = b""
    while chunk := binary.read(CHUNK):
        chunk = left + chunk if left else chunk
        if chunk.isascii():
            left = b""
            continue
        try:
            _text, used = codecs.utf_8_decode(chunk, "strict", False)
        except UnicodeDecodeError:
            return False
        left = chunk[used:]
    return not left


def sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ";"


class Table:
    """A table read as it streams: ``header``, and ``rows()`` as (line number, cells).

    Blank rows are skipped; the line number is the file's (a CSV record spanning
    lines is numbered by its last line), so people find the row in their editor.
    ``progress()`` tells how far reading has come, 0–1, when that can be known.
    ``fixed_width``: whether a row with another number of cells than the header
    was written differently from it (a CSV's), or is just a row with empty cells
    left off (a spreadsheet's).
    """

    header: list[str]
    raw_encoding: str | None = None
    delimiter: str | None = None
    fixed_width = False

    def rows(self, until: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """The rows up to line ``until`` (all when None)."""
        raise NotImplementedError

    def raw_batches(self) -> Iterator[tuple[int, list, bytes | None, bool]]:
        """The rows in batches: (line number of the batch's first row, rows, separator, even).

        Row *i* of a batch is on line *first + i*; a batch may hold blank rows.
        With a separator, each row is a line of bytes still to be split by it;
        without, a list of cells. Cells are bytes in ``raw_encoding`` when that
        is set, else text. ``even``: every row of the batch is known to have as
        many fields as the header.
        """
        for line, cells in self.rows():
            yield line, [cells], None, False

    def progress(self) -> float | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class CsvTable(Table):
    """CSV read line by line: a line without quotes is split as it is, which is most of a
    finance system's export and several times faster; a line with quotes goes through the
    csv module, which reads on for as many lines as a quoted field spans."""

    delimiter: str
    fixed_width = True

    def __init__(self, binary: BinaryIO):
        self.binary = binary
        self.size = _size(binary)
        _refuse_utf16(binary)
        self.encoding = detect_encoding(binary)
        self.text = io.TextIOWrapper(binary, encoding=self.encoding, newline="")
        self.lines = _bounded(iter(lambda: self.text.readline(MAX_LINE + 1), ""))
        first = next(self.lines, "")
        hint = _separator_hint(first)
        before = 1 if hint else 0  # Excel's "sep=;" line above the header
        if hint:
            first = next(self.lines, "")
        self.delimiter = hint or sniff_delimiter(first)
        reader = csv.reader(itertools.chain([first], self.lines), delimiter=self.delimiter)
        try:
            self.header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise TableError(gettext_noop("The file is empty.")) from None
        except csv.Error as error:
            raise TableError(gettext_noop("The first row cannot be read as CSV.")) from error
        self.line = reader.line_num + before
        _check_header(self.header)
        _check_separator(self.header, first)
        if self.encoding != "utf-8-sig":
            _refuse_mixed_encodings(first)
        # Bytes can be split as they are where the header took one line ending in \n:
        # ; , and tab are single bytes that no multi-byte UTF-8 character contains.
        self.header_lines = None
        if reader.line_num == 1 and first.endswith("\n"):
            self.header_lines = 1 + before

    def raw_batches(self):
        """Blocks of about a megabyte split into lines of bytes, decoded only where needed:
        several times faster than text. From the first quote on, row by row.

        The reader splits each line as it goes: a block's rows all split at once
        would be thousands of lists alive together, which sets off Python's
        garbage collector again and again.
        """
        if self.header_lines is None:
            yield from super().raw_batches()
            return
        # The BOM is behind, in the header: the rest is plain UTF-8.
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        self.raw_encoding = encoding
        binary = self.binary
        self.text.detach()
        binary.seek(0)
        for _line in range(self.header_lines):
            binary.readline()
        delimiter = self.delimiter.encode()
        even = _EvenRows(delimiter, len(self.header))
        line = self.line + 1  # the number of the next line
        while block := binary.read(BLOCK):
            if not block.endswith(b"\n"):
                block += _bounded_line(binary.readline(MAX_LINE + 1))
            if b'"' in block:
                # Django's File iterates from the start again: read its lines without that.
                rest = itertools.chain(
                    block.splitlines(True),
                    _bounded(iter(lambda: binary.readline(MAX_LINE + 1), b"")),
                )
                yield from self._quoted(rest, line, encoding)
                return
            if b"\r" not in block:
                lines = block.split(b"\n")
            else:
                lines = block.split(b"\r\n")
                if block.count(b"\n") != len(lines) - 1:  # not every line ends in CR LF
                    lines = block.replace(b"\r\n", b"\n").split(b"\n")
            if not lines[-1]:
                lines.pop()
            yield line, lines, delimiter, even(block, len(lines))
            line += len(lines)
        self.line = line - 1

    def rows(self, until: int | None = None):
        delimiter, lines, line = self.delimiter, self.lines, self.line
        blank = " \t\r\n" + delimiter
        try:
            for text in lines:
                line += 1
                if until is not None and line > until:
                    return
                if '"' in text:
                    reader = csv.reader(itertools.chain([text], lines), delimiter=delimiter)
                    row = next(reader)
                    start, line = line, line + reader.line_num - 1
                    self._check_span(row, start, line, delimiter)
                    if any(cell.strip() for cell in row):
                        yield line, row
                elif text.strip(blank):
                    yield line, text.rstrip("\r\n").split(delimiter)
        except csv.Error as error:
            raise TableError(
                gettext_noop("Line %(line)s cannot be read as CSV: %(error)s"),
                line=line,
                error=str(error),
            ) from error
        finally:
            self.line = line

    def _quoted(self, source, line: int, encoding: str):
        delimiter = self.delimiter
        separator = delimiter.encode()
        try:
            for data in source:
                if b'"' in data:
                    lines = (chunk.decode(encoding) for chunk in itertools.chain([data], source))
                    reader = csv.reader(lines, delimiter=delimiter)
                    row = next(reader)
                    start, line = line, line + reader.line_num - 1
                    self._check_span(row, start, line, delimiter)
                    yield line, [[cell.encode(encoding) for cell in row]], None, False
                else:
                    yield line, [data.rstrip(b"\r\n")], separator, False
                line += 1
        except csv.Error as error:
            raise TableError(
                gettext_noop("Line %(line)s cannot be read as CSV: %(error)s"),
                line=line,
                error=str(error),
            ) from error
        finally:
            self.line = line

    def _check_span(self, row: list[str], start: int, end: int, delimiter: str) -> None:
        """A quoted field may hold a line break, but not whole lines of the file: a quote
        left open (``"Iso kone;…``) would take every line up to the next quote as one
        field, and their amounts would be lost without a trace."""
        if end == start:
            return
        separators = len(self.header) - 1
        if any("\n" in cell and cell.count(delimiter) >= separators for cell in row):
            raise TableError(
                gettext_noop(
                    "A quotation mark opened on line %(start)s closes only on line %(end)s, so "
                    "the lines in between would be read as one field. Remove the quotation mark "
                    "or close it in the file, and upload it again."
                ),
                start=start,
                end=end,
            )

    def progress(self) -> float | None:
        return min(self.binary.tell() / self.size, 1.0) if self.size else None

    def close(self) -> None:
        if self.raw_encoding is None:
            self.text.detach()


def _bounded_line(line):
    """A line read with a limit of MAX_LINE + 1: refused if it reached the limit unended."""
    if len(line) > MAX_LINE and not line.endswith(b"\n" if isinstance(line, bytes) else "\n"):
        raise TableError(
            gettext_noop(
                "The file has a line longer than %(limit)s characters, so it is not read as a "
                "table. Is it the purchase ledger exported from the finance system?"
            ),
            limit=f"{MAX_LINE:,}".replace(",", " "),
        )
    return line


def _bounded(lines):
    for line in lines:
        yield _bounded_line(line)


class _EvenRows:
    """Whether every line of a block has as many fields as the header, in two passes of C.

    The block's separators and line ends are all that is kept of it, and that
    must be one header's worth of separators and a line end per line.
    """

    def __init__(self, delimiter: bytes, width: int):
        self.others = bytes(byte for byte in range(256) if byte not in (delimiter[0], 10))
        self.line = delimiter * (width - 1) + b"\n"

    def __call__(self, block: bytes, lines: int) -> bool:
        marks = block.translate(None, self.others)
        if not marks.endswith(b"\n"):
            marks += b"\n"
        return marks == self.line * lines


# A workbook is opened only within these bounds, read from its directory first (see
# academy.uploads.check_zip). Shared strings are all held in memory while a sheet is
# read, so they get a cap of their own.
XLSX_LIMITS = ZipLimits(parts=(("xl/sharedStrings.xml", 64 * 1024**2),))
# A sheet says how large it is (<dimension ref="A1:H5000"/>) before its rows; how far
# into a sheet that is looked for.
DIMENSION_WITHIN = 64 * 1024
# Excel's largest sheet.
EXCEL_ROWS = 1_048_576
# Any other part openpyxl reads whole (styles, the workbook, a theme) is small in a real file.
OTHER_PART_CAP = 16 * 1024**2
TOO_LARGE = gettext_noop(
    "The workbook unpacks to far more than its size, so it is not read. Open it in Excel, "
    "save it again and upload it."
)
DIMENSION_MISSING = gettext_noop(
    "The workbook does not say how large its sheets are, as Excel and LibreOffice do. Open it "
    "in Excel, save it again and upload it."
)


class XlsxTable(Table):
    """The first sheet of an XLSX workbook, read row by row.

    Before openpyxl opens it: the archive is checked against ``XLSX_LIMITS``, and each
    sheet must say its size before its rows (without it, openpyxl reads every sheet
    through to find the size). The rows are then read as they are in the file, not as
    many as the sheet says; a sheet whose rows end elsewhere than it says is refused,
    since programs that trust the size would read other rows than these.
    """

    def __init__(self, binary: BinaryIO):
        from openpyxl import load_workbook

        _check_workbook(binary)
        try:
            self.workbook = load_workbook(binary, read_only=True, data_only=True)
            sheet = self.workbook.worksheets[0]
            declared = sheet.max_row
            sheet.reset_dimensions()
            self.values = sheet.iter_rows(values_only=True)
            first = next(self.values, None)
        except Exception as error:  # a damaged or foreign zip: openpyxl raises many kinds
            raise TableError(gettext_noop("The spreadsheet could not be read.")) from error
        if first is None:
            raise TableError(gettext_noop("The file is empty."))
        if not declared or declared > EXCEL_ROWS:
            raise TableError(DIMENSION_MISSING)
        self.max_row: int = declared
        self.header = [str(cell).strip() if cell is not None else "" for cell in first]
        _check_header(self.header)
        self.line = 1

    def rows(self, until: int | None = None):
        line = 2  # the row being read, whether openpyxl or a cell's text fails
        try:
            for row in self.values:
                if line > self.max_row:
                    # openpyxl makes every row a row number skips: refuse at once.
                    raise TableError(
                        gettext_noop(
                            "The spreadsheet says its sheet has %(declared)s rows, but it has "
                            "more. Open the file in Excel, save it again and upload it."
                        ),
                        declared=self.max_row,
                    )
                if until is not None and line > until:
                    return
                self.line = line
                cells = ["" if cell is None else _cell_text(cell) for cell in row]
                if any(cells):
                    yield line, cells
                line += 1
        except TableError:
            raise
        except Exception as error:  # a cell its writer got wrong: openpyxl raises many kinds
            raise TableError(
                gettext_noop(
                    "Row %(line)s of the spreadsheet cannot be read. Open the file in Excel, save "
                    "it again and upload it."
                ),
                line=line,
            ) from error
        if line - 1 != self.max_row:
            raise _rows_disagree(self.max_row, line - 1)

    def progress(self) -> float | None:
        # The rows come out of a compressed part, so the file offset says little;
        # the sheet's size in rows is known when the program that wrote it said so.
        return min(self.line / self.max_row, 1.0) if self.max_row else None

    def close(self) -> None:
        self.workbook.close()


def _rows_disagree(declared: int, rows: int) -> TableError:
    return TableError(
        gettext_noop(
            "The spreadsheet says its sheet has %(declared)s rows, but it has %(rows)s. "
            "Open the file in Excel, save it again and upload it."
        ),
        declared=declared,
        rows=rows,
    )


def _check_workbook(binary: BinaryIO) -> None:
    """Refuse a workbook that would unpack beyond XLSX_LIMITS, or whose sheets do not say
    their size before their rows; nothing but the sheets' first kilobytes is unpacked."""
    try:
        problem = _workbook_problem(binary)
    except Exception as error:  # a damaged zip: zipfile and zlib raise many kinds
        raise TableError(gettext_noop("The spreadsheet could not be read.")) from error
    finally:
        binary.seek(0)
    if problem is not None:
        raise TableError(problem)


def _workbook_problem(binary: BinaryIO) -> str | None:
    binary.seek(0)
    with zipfile.ZipFile(binary) as archive:
        try:
            check_zip(archive, XLSX_LIMITS)
        except ValidationError:
            return TOO_LARGE
        sheets = _sheet_parts(archive)
        for member in archive.infolist():
            # What openpyxl reads whole besides the sheets: styles, the workbook, themes.
            if member.filename not in sheets and member.file_size > _part_cap(member.filename):
                return TOO_LARGE
        for name in sheets:
            if not _declares_size_first(archive, name):
                return DIMENSION_MISSING
    return None


def _sheet_parts(archive: zipfile.ZipFile) -> set[str]:
    """The workbook's sheets, as its relationships name them (where openpyxl finds them)."""
    from defusedxml import ElementTree as DefusedET

    with archive.open("xl/_rels/workbook.xml.rels") as rels:
        tree = DefusedET.parse(io.BytesIO(rels.read(OTHER_PART_CAP + 1)))
    sheets = set()
    for relation in tree.getroot():
        if relation.get("Type", "").endswith("/worksheet"):
            target = relation.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            sheets.add(posixpath.normpath(path))
    return sheets


def _part_cap(name: str) -> int:
    return dict(XLSX_LIMITS.parts).get(name, OTHER_PART_CAP)


def _declares_size_first(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether the sheet's first elements (read with an XML parser, within its first
    DIMENSION_WITHIN bytes) hold its <dimension> before its <sheetData>."""
    from defusedxml import ElementTree as DefusedET

    with archive.open(name) as part:
        start = io.BytesIO(part.read(DIMENSION_WITHIN))
    try:
        for _event, element in DefusedET.iterparse(start, events=("start",)):
            local = element.tag.rpartition("}")[2]
            if local == "dimension":
                return True
            if local == "sheetData":
                return False
    except DefusedET.ParseError:
        return False  # the sheet's start ran past the bytes read
    return False


def _size(binary: BinaryIO) -> int:
    here = binary.tell()
    size = binary.seek(0, io.SEEK_END)
    binary.seek(here)
    return size


def open_table(binary: BinaryIO) -> Table:
    """A CSV or XLSX table, told apart by its first bytes. Raises TableError."""
    binary.seek(0)
    head = binary.read(4)
    binary.seek(0)
    if head == ZIP_MAGIC:
        return XlsxTable(binary)
    return CsvTable(binary)


def read_rows(upload) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and the rows as (line number, {column: text}); blank rows are skipped."""
    table = open_table(upload)
    header = table.header

    def rows():
        for line, cells in table.rows():
            yield line, dict(zip(header, (cell.strip() for cell in cells), strict=False))

    return header, rows()


def _cell_text(cell) -> str:
    if isinstance(cell, float):
        return repr(cell)
    if isinstance(cell, dt.datetime) and not (cell.hour or cell.minute or cell.second):
        return cell.date().isoformat()
    if isinstance(cell, dt.date | dt.datetime):
        return cell.isoformat()
    return str(cell).strip()


def _check_header(header: list[str]) -> None:
    if not any(header):
        raise TableError(gettext_noop("The first row must name the columns."))
    seen: set[str] = set()
    for name in filter(None, header):
        if name in seen:
            raise TableError(
                gettext_noop(
                    "The first row names the column “%(name)s” twice. Rename one of them in the "
                    "file and upload it again."
                ),
                name=name[:80],
            )
        seen.add(name)


def _separator_hint(first: str) -> str | None:
    """The separator of Excel's "sep=;" line, which it writes above the header."""
    line = first.lstrip("\ufeff").rstrip("\r\n")
    if line.lower().startswith("sep=") and len(line) == 5 and line[4] in DELIMITERS:
        return line[4]
    return None


def _refuse_mixed_encodings(first: str) -> None:
    """A header that is UTF-8 read as Windows-1252 ("TositepÃ¤ivÃ¤"): the file is not all
    UTF-8, so its parts are in two encodings and its names would come out garbled."""
    try:
        recoded = first.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return
    if recoded != first:
        raise TableError(
            gettext_noop(
                "The file mixes two character encodings (UTF-8 and Windows-1252), so its names "
                "would come out garbled. Save it as “CSV UTF-8” (in Excel: Save as → CSV UTF-8) "
                "or as an Excel workbook (.xlsx), and upload it again."
            )
        )


def _refuse_utf16(binary: BinaryIO) -> None:
    """UTF-16 text (Excel's "Unicode text") would read as cp1252 with a NUL in every other byte."""
    head = binary.read(4096)
    binary.seek(0)
    if head.startswith(UTF16_BOMS) or b"\x00" in head:
        raise TableError(
            gettext_noop(
                "The file is UTF-16 text (what Excel calls “Unicode text”), which cannot be read "
                "here. Save it as “CSV UTF-8” (in Excel: Save as → CSV UTF-8) or as an Excel "
                "workbook (.xlsx), and upload it again."
            )
        )


def _check_separator(header: list[str], first: str) -> None:
    """A first row of one column: its fields are separated by something not read here."""
    if len(header) > 1:
        return
    seen = [mark for mark in OTHER_SEPARATORS if mark in first]
    if seen:
        raise TableError(
            gettext_noop(
                "The first row's fields seem to be separated by “%(separator)s”, which is not "
                "read: only a semicolon, a comma or a tab is. Save the file as “CSV UTF-8” (in "
                "Excel: Save as → CSV UTF-8) or as an Excel workbook (.xlsx), and upload it again."
            ),
            separator=seen[0],
        )
    raise TableError(
        gettext_noop(
            "The first row has only one column, “%(name)s”: a purchase ledger needs at least the "
            "account and the amount, separated by a semicolon, a comma or a tab. Save the file as "
            "“CSV UTF-8” (in Excel: Save as → CSV UTF-8) or as an Excel workbook (.xlsx), and "
            "upload it again."
        ),
        name=header[0][:80],
    )


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: str) -> Decimal:
    """``1 234,56`` → 1234.56; ``-1 234,56``, ``1234.56``, ``1,234.56`` and ``(12,50)`` too."""
    cleaned = _SPACES.sub("", text or "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    cleaned = cleaned.replace("\u2212", "-")  # the minus sign some programs write
    if "_" in cleaned or "e" in cleaned or "E" in cleaned:  # Decimal reads 1_000 and 1E3
        raise NumberError(text)
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
