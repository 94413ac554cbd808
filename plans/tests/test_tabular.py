"""Reading CSV and XLSX as Finnish finance systems write them."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
