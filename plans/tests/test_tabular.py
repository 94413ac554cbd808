"""Reading CSV and XLSX as Finnish finance systems write them."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from plans.services.tabular import NumberError, TableError, parse_number, read_rows


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,56", "1234.56"),
        ("-1 234,56", "-1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("12", "12"),
        ("(12,50)", "-12.50"),
        ("\u221212,5", "-12.5"),
        ("0,000001", "0.000001"),
    ],
)
def test_numbers_in_finnish_and_english_notation(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3x", "NaN", "Infinity"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(NumberError):
        parse_number(text)


def rows_of(content: bytes, name: str = "t.csv"):
    header, rows = read_rows(SimpleUploadedFile(name, content))
    return header, list(rows)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Tili;Nimi;Summa\n4000;Lämmitys;1 234,56\n", "utf-8"),
        ("\ufeffTili;Nimi;Summa\n4000;Lämmitys;1 234,56\n", "utf-8"),
        ("Tili;Nimi;Summa\r\n4000;Lämmitys;1 234,56\r\n", "cp1252"),
        ("Tili;Nimi;Summa\n4000;Lämmitys;1 234,56\n", "iso-8859-1"),
    ],
)
def test_each_encoding_reads_the_same(content, encoding):
    header, rows = rows_of(content.encode(encoding))
    assert header == ["Tili", "Nimi", "Summa"]
    assert rows == [(2, {"Tili": "4000", "Nimi": "Lämmitys", "Summa": "1 234,56"})]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_each_separator_is_recognised(delimiter):
    content = delimiter.join(["Tili", "Summa"]) + "\n" + delimiter.join(["4000", '"12,5"']) + "\n"
    header, rows = rows_of(content.encode())
    assert header == ["Tili", "Summa"]
    assert rows[0][1]["Summa"] == "12,5"


def test_blank_rows_are_skipped_and_line_numbers_kept():
    _header, rows = rows_of(b"A;B\n1;2\n;\n3;4\n")
    assert [line for line, _row in rows] == [2, 4]


def test_an_xlsx_sheet_reads_like_a_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Tili", "Nimi", "Summa"])
    sheet.append([4000, "Lämmitys", 1234.56])
    sheet.append([None, None, None])
    sheet.append([4100, "Sähkö", -12.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, rows = rows_of(buffer.getvalue(), "t.xlsx")
    assert header == ["Tili", "Nimi", "Summa"]
    assert rows == [
        (2, {"Tili": "4000", "Nimi": "Lämmitys", "Summa": "1234.56"}),
        (4, {"Tili": "4100", "Nimi": "Sähkö", "Summa": "-12.5"}),
    ]


def test_an_empty_file_is_a_table_error():
    with pytest.raises(TableError):
        rows_of(b"")


def test_a_broken_spreadsheet_is_a_table_error():
    with pytest.raises(TableError):
        rows_of(b"PK\x03\x04 not really a zip", "t.xlsx")


# Hostile and careless workbooks and files: bounded before they are read.


def english(error: TableError) -> str:
    with translation.override("en"):
        return str(error)


def xlsx(rows: int = 3, *, sheet_xml=None) -> bytes:
    """A workbook of ``rows`` rows; ``sheet_xml`` may rewrite its sheet's XML."""
    import zipfile

    workbook = Workbook()
    for n in range(rows):
        workbook.active.append(["Tili", "Summa"] if n == 0 else [4000 + n, n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    if sheet_xml is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml(data)
            to.writestr(item.filename, data)
    return out.getvalue()


def declaring(ref: str):
    import re

    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)


def test_a_sheet_with_more_rows_than_it_declares_is_refused():
    with pytest.raises(TableError) as refused:
        rows_of(xlsx(6, sheet_xml=declaring("A1:B3")), "t.xlsx")
    assert "says its sheet has 3 rows, but it has more" in english(refused.value)


def test_a_sheet_declaring_a_million_rows_is_read_as_it_is_and_refused():
    with pytest.raises(TableError) as refused:
        rows_of(xlsx(4, sheet_xml=declaring("A1:D1048576")), "t.xlsx")
    assert "says its sheet has 1048576 rows, but it has 4" in english(refused.value)


def test_a_sheet_that_does_not_declare_its_size_is_refused_before_it_is_read():
    import re

    without = xlsx(4, sheet_xml=lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    with pytest.raises(TableError) as refused:
        rows_of(without, "t.xlsx")
    assert "does not say how large its sheets are" in english(refused.value)


def test_a_sheet_declaring_its_size_after_its_rows_is_refused():
    import re

    def moved(xml: bytes) -> bytes:
        dimension = re.search(rb"<dimension [^>]*/>", xml).group(0)
        return xml.replace(dimension, b"").replace(b"</sheetData>", b"</sheetData>" + dimension)

    with pytest.raises(TableError):
        rows_of(xlsx(4, sheet_xml=moved), "t.xlsx")


def inflating_workbook(part: str, size: int) -> bytes:
    """A workbook whose ``part`` inflates to ``size`` bytes from a few kilobytes."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx(2))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to,
    ):
        for item in source.infolist():
            if item.filename != part:
                to.writestr(item.filename, source.read(item.filename))
        with to.open(part, "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><sst>')
            block = b"<si><t>x</t></si>" * 60000
            for _ in range(size // len(block)):
                member.write(block)
            member.write(b"</sst>")
    return out.getvalue()


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_workbook_that_inflates_is_refused_in_little_memory(part):
    import tracemalloc

    content = inflating_workbook(part, 300 * 1024**2)
    assert len(content) < 3 * 1024**2
    tracemalloc.start()
    try:
        with pytest.raises(TableError) as refused:
            rows_of(content, "t.xlsx")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "unpacks to far more than its size" in english(refused.value)
    assert peak < 20 * 1024**2


def test_shared_strings_over_their_cap_are_refused_however_ordinary_they_look():
    """65 MB of distinct strings compress only some ten times: not a bomb, but more text
    than a ledger's names need, and all of it would be held in memory."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx(2))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to,
    ):
        for item in source.infolist():
            to.writestr(item.filename, source.read(item.filename))
        with to.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b"<sst>")
            written, n = 0, 0
            while written < 65 * 1024**2:
                chunk = "".join(f"<si><t>Toimittaja {k}</t></si>" for k in range(n, n + 10000))
                member.write(chunk.encode())
                written, n = written + len(chunk), n + 10000
            member.write(b"</sst>")
    with pytest.raises(TableError) as refused:
        rows_of(out.getvalue(), "t.xlsx")
    assert "unpacks to far more than its size" in english(refused.value)


def test_a_file_of_one_endless_line_is_refused_in_little_memory():
    import tracemalloc

    content = b"Tili;Summa" + b"x" * (20 * 1024**2)
    tracemalloc.start()
    try:
        with pytest.raises(TableError) as refused:
            rows_of(content)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "line longer than" in english(refused.value)
    assert peak < 12 * 1024**2


def test_an_endless_line_after_the_header_is_refused_too():
    content = b"Tili;Summa\n4000;12\n" + b"4100;" + b"9" * (5 * 1024**2) + b"\n"
    with pytest.raises(TableError) as refused:
        rows_of(content)
    assert "line longer than" in english(refused.value)


def test_an_endless_line_is_refused_when_the_ledger_reads_in_blocks():
    from plans.services.tabular import open_table

    content = b"Tili;Summa\n4000;12\n" + b"4100;" + b"9" * (5 * 1024**2)
    table = open_table(io.BytesIO(content))
    with pytest.raises(TableError) as refused:
        list(table.raw_batches())
    assert "line longer than" in english(refused.value)


def test_a_row_number_far_past_the_declared_size_is_refused_at_once():
    import re
    import time

    def far(xml: bytes) -> bytes:
        return (
            re.sub(rb'<row r="3"', b'<row r="300000000"', xml)
            .replace(b'r="A3"', b'r="A300000000"')
            .replace(b'r="B3"', b'r="B300000000"')
        )

    started = time.monotonic()
    with pytest.raises(TableError):
        rows_of(xlsx(3, sheet_xml=far), "t.xlsx")
    assert time.monotonic() - started < 5


def test_a_size_hidden_in_a_comment_is_no_size():
    import re

    def commented(xml: bytes) -> bytes:
        return re.sub(rb"(<dimension [^>]*/>)", rb"<!--\1-->", xml)

    with pytest.raises(TableError) as refused:
        rows_of(xlsx(3, sheet_xml=commented), "t.xlsx")
    assert "does not say how large its sheets are" in english(refused.value)


def test_large_styles_are_refused_before_openpyxl_reads_them():
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx(2))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(
                    b"</styleSheet>",
                    b"".join(b"<!-- %d -->" % n for n in range(1_500_000)) + b"</styleSheet>",
                )
            to.writestr(item.filename, data)
    with pytest.raises(TableError) as refused:
        rows_of(out.getvalue(), "t.xlsx")
    assert "unpacks to far more than its size" in english(refused.value)
