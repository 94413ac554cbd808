"""Files shaped otherwise than our own: what other people's exports do to the ledger import,
and timings a single tab never produces."""

import html
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from plans.models import (
    ActionPlan,
    CategorySpend,
    ImportState,
    LedgerAccountTotal,
    LedgerImport,
    ProcurementCategory,
    SpendSource,
)
from plans.services import ledger
from plans.services.columns import AmountKind, amount_kind, guess
from plans.services.tabular import TableError, open_table

from .test_ledger import (
    HEADER,
    ROWS,
    csv_bytes,
    import_file,
    ledger_url,
    map_accounts,
    put_in_use,
    read,
    reasons,
    spend_by_code,
    sums,
    upload,
)

pytestmark = pytest.mark.django_db


def failure(content: bytes, **columns) -> str:
    with pytest.raises(ledger.ImportError_) as raised, translation.override("en"):
        read(content, **columns)
    return raised.value.message % raised.value.params


# ------------------------------------------------------------------ read as written or refused


def test_a_quotation_mark_left_open_refuses_the_file_rather_than_swallowing_lines():
    rows = [ROWS[0], '4570;"Iso kone;1100;15.01.2021;1;5,00;A;1', *ROWS[1:], '4440;x";1;a;1;1;A;1']
    message = failure(csv_bytes(rows))
    assert message.startswith(
        "A quotation mark opened on line 3 closes only on line 8, so the lines in between would "
        "be read as one field."
    )


def test_a_quoted_line_break_inside_one_field_is_still_read():
    rows = ['4570;"Lämmitys\nkaukolämpö";1;01.01.2021;1;1,00;A;1', *ROWS[1:]]
    assert sums(read(csv_bytes(rows)))["4570"] == Decimal("8001.50")


def test_a_comma_file_with_a_separator_after_the_header_and_decimal_commas_is_refused(member, ours):
    # "Tili,Summa," : the header's trailing separator leaves room for the cents.
    content = b"Tili,Summa,\r\n" + b"".join(b"4570,%d,50\r\n" % n for n in range(1, 10))
    reading = read(content, account="Tili", amount="Summa")
    assert reading.totals == {}
    assert reasons(reading)[0] == (
        2,
        "The row has a value in column 3, which the header does not name: its values may be in "
        "the wrong columns.",
    )
    with member.run_tasks():
        made = import_file(member, ours, content)
    made.refresh_from_db()
    assert made.state == ImportState.FAILED
    assert "the amounts seem to have a decimal comma too" in made.error_text


def test_a_comma_file_with_a_separator_after_each_line_is_read():
    content = b"Tili,Summa,\r\n4570,12.50,\r\n4570,1.25,\r\n"
    reading = read(content, account="Tili", amount="Summa")
    assert sums(reading) == {"4570": Decimal("13.75")}
    assert reading.rows_bad == 0


def test_a_thousand_or_a_decimal_written_as_text_is_refused_in_a_row():
    rows = [
        *ROWS,
        "4570;Lämmitys;1;01.01.2021;9;1,234;A;1",
        "4570;Lämmitys;1;01.01.2021;9;1.234;A;1",
    ]
    reading = read(csv_bytes(rows))
    assert reasons(reading) == [
        (7, "“1,234” may be a thousand or a decimal number: write it as 1234 or 1234,00."),
        (8, "“1.234” may be a thousand or a decimal number: write it as 1234 or 1234,00."),
    ]
    assert sums(reading)["4570"] == Decimal("20000.50")


def test_a_spreadsheet_number_is_not_unclear():
    book = Workbook()
    book.active.append(["Tili", "Summa"])
    book.active.append([4570, 1.234])
    book.active.append([4570, 1234])
    buffer = io.BytesIO()
    book.save(buffer)
    assert sums(read(buffer.getvalue(), account="Tili", amount="Summa")) == {
        "4570": Decimal("1235.234")
    }


@pytest.mark.parametrize("word", ["Yhteensä", "YHTEENSÄ:", "Yht.", "Total", "Summa totalt"])
def test_a_total_row_is_refused_not_summed_as_an_account(word):
    rows = [*ROWS, f"{word};;;31.12.2021;;26 000,50;;"]
    reading = read(csv_bytes(rows))
    assert word.strip() not in reading.totals
    assert reasons(reading) == [(7, f"“{word}” is a total of other rows, not an account.")]
    assert sum(sums(reading).values()) == Decimal("26000.50")


def test_a_total_row_is_refused_in_the_fast_path_too():
    """Rows in blocks of bytes (no VAT column, a CSV): the total row still stops there."""
    rows = [*ROWS * 50, "Yhteensä;;;31.12.2021;;1 300 025,00;;"]
    reading = read(csv_bytes(rows))
    assert "Yhteensä" not in reading.totals
    assert reading.rows_bad == 1


def test_a_byte_order_mark_in_the_middle_of_a_file_is_not_part_of_an_account():
    content = csv_bytes() + csv_bytes(ROWS[:1]).split(b"\r\n", 1)[1].replace(
        b"4570", b"\xef\xbb\xbf4570"
    )
    reading = read(content)
    assert set(reading.totals) == {"4570", "4440", "4999"}
    assert sums(reading)["4570"] == Decimal("32000.50")


def test_a_missing_date_is_said_to_be_missing():
    rows = [*ROWS, "4570;Lämmitys;1;;9;10,00;A;1"]
    assert reasons(read(csv_bytes(rows))) == [(7, "The date is missing.")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Tositepäivä;Tili;Summa\r\n".encode()
            + "01.01.2021;4570;1,00\r\nÄ;1;1\r\n".encode("cp1252"),
            "The file mixes two character encodings (UTF-8 and Windows-1252)",
        ),
        (
            b"Tili;Summa;Tili\r\n4570;1,00;1\r\n",
            "The first row names the column \u201cTili\u201d twice.",
        ),
    ],
)
def test_headers_that_cannot_be_trusted_are_refused(content, message):
    with pytest.raises(TableError) as raised:
        open_table(io.BytesIO(content))
    with translation.override("en"):
        assert message in str(raised.value)


def test_excels_separator_line_above_the_header_is_honoured():
    content = b"sep=;\r\n" + csv_bytes(ROWS * 30)
    table = open_table(io.BytesIO(content))
    assert table.header == HEADER.split(";")
    table.close()
    reading = read(content)
    assert sums(reading)["4570"] == Decimal("600015.00")
    assert reading.rows_bad == 0
    bad = content.replace(b"x;1", b"x").replace(b"1001;12 000,00", b"1001;x")
    assert reasons(read(bad))[0] == (3, "“x” is not an amount.")  # line numbers count the sep line


def test_an_unreadable_spreadsheet_row_fails_the_import_with_its_line(monkeypatch):
    from plans.services import tabular

    book = Workbook()
    book.active.append(["Tili", "Summa"])
    book.active.append([4570, 1])
    book.active.append([4570, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    real = tabular._cell_text

    def broken(cell):
        if cell == 2:
            raise ValueError("a cell openpyxl cannot read")
        return real(cell)

    monkeypatch.setattr(tabular, "_cell_text", broken)
    assert failure(buffer.getvalue(), account="Tili", amount="Summa") == (
        "Row 3 of the spreadsheet cannot be read. Open the file in Excel, save it again and "
        "upload it."
    )


def test_the_columns_page_of_an_unreadable_file_says_so_instead_of_failing(
    member, ours, monkeypatch
):
    from plans.views import ledger as ledger_views

    upload(member, ours, csv_bytes())
    made = LedgerImport.objects.get()

    def unreadable(chosen):
        raise TableError("The file is empty.")

    monkeypatch.setattr(ledger_views, "_preview", unreadable)
    response = member.get(ledger_url(ours, f"{made.pk}/columns/"), follow=True)
    assert response.status_code == 200
    assert "The file is empty." in response.content.decode()


# ------------------------------------------------------------------ which column is which


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Summa (ei sis. alv)", AmountKind.WITHOUT_VAT),
        ("Amount ex VAT", AmountKind.WITHOUT_VAT),
        ("Belopp ex moms", AmountKind.WITHOUT_VAT),
        ("Summa veroineen", AmountKind.WITH_VAT),
        ("Summa alv:n kanssa", AmountKind.WITH_VAT),
        ("Belopp med moms", AmountKind.WITH_VAT),
        ("Total inc VAT", AmountKind.WITH_VAT),
        ("Alv %", None),
        ("Alv-kanta", None),
        ("Momssats", None),
        ("Alv-määrä", AmountKind.VAT),
        ("Yhteensä", AmountKind.UNSAID),
    ],
)
def test_more_ways_of_saying_what_an_amount_holds(name, kind):
    assert amount_kind(name) == kind


def test_a_payment_date_is_not_taken_for_the_purchase_date():
    assert "date" not in guess(["Tili", "Summa alv 0", "Maksettu pvm"]).columns
    assert (
        guess(["Tili", "Summa alv 0", "Maksettu pvm", "Tositepvm"]).columns["date"] == "Tositepvm"
    )


def test_an_amount_that_says_nothing_beside_a_vat_column_is_asked_about(member, ours):
    header = "Tili;Tositepäivä;Summa;Alv"
    found = guess(header.split(";"))
    assert found.columns["amount"] == "Summa"
    assert found.vat_mode == ""
    upload(member, ours, f"{header}\r\n4570;01.01.2021;124,00;24,00\r\n".encode())
    made = LedgerImport.objects.get()
    page = member.get(ledger_url(ours, f"{made.pk}/columns/")).content.decode()
    assert (
        "The file has a column of VAT (“Alv”), and “Summa” does not say whether it includes "
        "VAT: say which."
    ) in page


def open_data(rows: list[str]) -> bytes:
    header = "Tili;Tositepäivä;Summa alv 0;Alv-määrä;Verollinen summa;Alv %"
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def test_vat_cannot_be_taken_out_of_an_amount_without_it(member, ours):
    upload(member, ours, open_data(["4570;01.01.2021;100,00;24,00;124,00;24"]))
    made = LedgerImport.objects.get()
    url = ledger_url(ours, f"{made.pk}/columns/")
    chosen = {"account": "Tili", "date": "Tositepäivä", "amount": "Summa alv 0"}
    form = member.post(url, {**chosen, "vat_mode": "subtract", "vat": "Alv-määrä"}).context["form"]
    assert form.errors["vat_mode"] == [
        "The name “Summa alv 0” says the amounts are without VAT: VAT cannot be taken out of "
        "them again."
    ]
    form = member.post(
        url, {**chosen, "amount": "Verollinen summa", "vat_mode": "subtract", "vat": "Alv %"}
    ).context["form"]
    assert form.errors["vat"] == ["“Alv %” does not look like each row's VAT in euros."]
    form = member.post(
        url, {**chosen, "amount": "Verollinen summa", "vat_mode": "rate", "vat_rate": "2.4e1"}
    ).context["form"]
    assert form.errors["vat_rate"] == ["Write the rate as a number, such as 25,5."]
    assert form["vat_rate"].value() == "2.4e1"


def test_a_blank_vat_is_a_purchase_without_vat(member, ours):
    rows = ["4570;01.01.2021;100,00;24,00;124,00;24", "4570;01.02.2021;50,00;;50,00;0"]
    upload(member, ours, open_data(rows))
    made = LedgerImport.objects.get()
    with member.run_tasks():
        member.post(
            ledger_url(ours, f"{made.pk}/columns/"),
            {"account": "Tili", "date": "Tositepäivä", "amount": "Verollinen summa",
             "vat_mode": "subtract", "vat": "Alv-määrä"},
        )  # fmt: skip
    made.refresh_from_db()
    assert (made.rows_bad, made.total_eur) == (0, Decimal("150.00"))


def test_the_vat_rate_is_not_remembered_for_the_next_file(member, ours):
    upload(member, ours, open_data(["4570;01.01.2021;100,00;24,00;124,00;24"]))
    made = LedgerImport.objects.get()
    with member.run_tasks():
        member.post(
            ledger_url(ours, f"{made.pk}/columns/"),
            {"account": "Tili", "date": "Tositepäivä", "amount": "Verollinen summa",
             "vat_mode": "rate", "vat_rate": "24"},
        )  # fmt: skip
    put_in_use(member, ours, made)
    upload(member, ours, open_data(["4570;01.01.2025;100,00;25,50;125,50;25,5"]), year=2025)
    later = LedgerImport.objects.latest("created_at")
    assert (later.vat_mode, later.vat_rate) == ("rate", None)
    form = member.get(ledger_url(ours, f"{later.pk}/columns/")).context["form"]
    assert form["vat_rate"].value() == Decimal("25.5")


# ------------------------------------------------------------------ a look before it replaces


def test_an_import_without_a_date_column_waits_and_says_why(member, ours):
    content = b"Tili;Summa\r\n4570;100,00\r\n"
    with member.run_tasks():
        made = import_file(member, ours, content)
    made.refresh_from_db()
    assert made.state == ImportState.REVIEW
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert "No date column was chosen, so rows of every year are summed as purchases of 2021." in (
        page
    )


def test_an_import_of_another_year_than_the_plans_spend_waits_and_says_so(member, ours):
    plan = ActionPlan.objects.get(participation=ours)
    heating = ProcurementCategory.objects.get(code="heating")
    CategorySpend.objects.create(plan=plan, year=2021, category=heating, amount_eur=20000)
    rows = [row.replace("2021", "2022") for row in ROWS]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows), year=2022)
    made.refresh_from_db()
    assert made.state == ImportState.REVIEW
    page = html.unescape(member.get(ledger_url(ours, f"{made.pk}/")).content.decode())
    assert (
        "The plan's analysis is of 2021: putting this import of 2022 in use moves the analysis "
        "to 2022."
    ) in page


def test_the_first_spend_of_a_plan_may_be_of_any_year(member, ours):
    rows = [row.replace("2021", "2022") for row in ROWS]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows), year=2022)
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    assert ActionPlan.objects.get(participation=ours).spend_year == 2022


# ------------------------------------------------------------------ totals to check


def test_the_import_total_is_the_sum_of_its_accounts_to_the_cent(member, ours):
    rows = [f"{4000 + n};Tili {n};1;01.01.2021;{n};0,125;A;1" for n in range(200)]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    made.refresh_from_db()
    # Each account 0,13 (half up), not 200 × 0,125 = 25,00 rounded once.
    assert made.total_eur == Decimal("26.00")
    assert sum(made.totals.values_list("amount_eur", flat=True)) == made.total_eur
    workbook = load_workbook(
        io.BytesIO(member.get(ledger_url(ours, f"{made.pk}/totals.xlsx")).content)
    )
    accounts = list(workbook["accounts"].iter_rows(values_only=True))
    assert accounts[-1][3] == pytest.approx(26.0)


def test_control_characters_in_names_do_not_break_the_totals_workbook(member, ours):
    rows = ["4570;Lämmi\x01tys\x1b;1;01.01.2021;1;10,00;A;1"]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    assert LedgerAccountTotal.objects.get().name == "Lämmi\x01tys\x1b"
    response = member.get(ledger_url(ours, f"{made.pk}/totals.xlsx"))
    assert response.status_code == 200
    accounts = list(
        load_workbook(io.BytesIO(response.content))["accounts"].iter_rows(values_only=True)
    )
    assert accounts[1][:2] == ("4570", "Lämmitys")


# ------------------------------------------------------------------ two tabs, one import


def test_an_import_discarded_in_another_tab_cannot_be_put_in_use(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes([*ROWS, "4570;x;1;01.01.2021;1;x;A;1"]))
    made.refresh_from_db()
    assert made.state == ImportState.REVIEW
    stale = LedgerImport.objects.get(pk=made.pk)
    LedgerImport.objects.filter(pk=made.pk).update(state=ImportState.APPLIED)
    with pytest.raises(ledger.NotAnyMore):
        ledger.discard(stale)
    assert LedgerImport.objects.filter(pk=made.pk).exists()
    LedgerImport.objects.filter(pk=made.pk).update(state=ImportState.REVIEW)
    ledger.discard(LedgerImport.objects.get(pk=made.pk))
    with pytest.raises(ledger.NotAnyMore):
        ledger.apply(stale, by=None, replacing=None)
    assert not CategorySpend.objects.exists()


def test_the_second_tab_is_told_the_import_was_already_used(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes([*ROWS, "4570;x;1;01.01.2021;1;x;A;1"]))
    page = member.get(ledger_url(ours, f"{made.pk}/"))
    in_use = page.context["review"].in_use
    post = {"action": "apply", "replacing": in_use.pk if in_use else ""}
    assert member.post(ledger_url(ours, f"{made.pk}/"), post).status_code == 302
    # The other tab, showing the same page, discards it.
    response = member.post(ledger_url(ours, f"{made.pk}/"), {"action": "discard"}, follow=True)
    assert LedgerImport.objects.get(pk=made.pk).state == ImportState.APPLIED
    assert response.status_code == 200
    assert "The import has been discarded" not in response.content.decode()


# ------------------------------------------------------------------ spend entered by hand


def test_spend_entered_by_hand_comes_back_when_the_ledger_has_none_for_it_any_more(member, ours):
    plan = ActionPlan.objects.get(participation=ours)
    heating = ProcurementCategory.objects.get(code="heating")
    CategorySpend.objects.create(plan=plan, year=2021, category=heating, amount_eur=19000)
    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    put_in_use(member, ours, LedgerImport.objects.get())
    map_accounts(member, ours)
    assert spend_by_code(plan)["heating"] == Decimal("20000.50")
    # The heating account is mapped elsewhere: the ledger has no heating any more.
    map_accounts(member, ours, **{"4570": ""})
    row = CategorySpend.objects.get(plan=plan, category=heating)
    assert (row.amount_eur, row.source, row.hand_amount_eur) == (
        Decimal("19000.00"),
        SpendSource.MANUAL,
        None,
    )
