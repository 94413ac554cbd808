"""The ledger's figures can be trusted: the right amount column, files read as written,
a look before an import replaces the one in use, and totals to check against the books."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from plans.models import (
    AccountMapping,
    ActionPlan,
    CategorySpend,
    ImportState,
    LedgerImport,
    ProcurementCategory,
)
from plans.services.columns import AmountKind, amount_kind, guess

from .test_ledger import (
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

# The municipal open purchase-invoice data as a city publishes it (Oulu's shape).
OPEN_DATA = [
    "kuntanumero",
    "kunnan_nimi",
    "tulosyksikon_id",
    "tulosyksikon_nimi",
    "kustannuspaikan_id",
    "kustannuspaikan_nimi",
    "laskun_paivamaara",
    "tositteen_numero",
    "tiliryhman_numero",
    "tiliryhman_nimi",
    "tilin_numero",
    "tilin_nimi",
    "toimittajan_nimi",
    "toimittajan_y_tunnus",
    "summa_alv0_euroina",
    "alv_maara_euroina",
    "kokonaisumma_euroina",
]


def open_data_row(account: str, name: str, net: str, vat: str, gross: str) -> str:
    return ";".join(
        [
            "564",
            "Oulu",
            "10",
            "Sivistyspalvelut",
            "1100",
            "Koulut",
            "15.03.2021",
            "900123",
            "43",
            "Palvelujen ostot",
            account,
            name,
            "Toimittaja Oy",
            "1234567-8",
            net,
            vat,
            gross,
        ]
    )


OPEN_DATA_ROWS = [
    open_data_row("4340", "Tietoliikennepalvelut", "1 000,00", "240,00", "1 240,00"),
    open_data_row("4340", "Tietoliikennepalvelut", "500,00", "120,00", "620,00"),
    open_data_row("4500", "Elintarvikkeet", "2 000,00", "280,00", "2 280,00"),
]


# ------------------------------------------------------------------ which column is which


def test_the_open_data_shape_gets_the_amount_without_vat_and_its_date():
    found = guess(OPEN_DATA)
    assert found.columns == {
        "account": "tilin_numero",
        "account_name": "tilin_nimi",
        "amount": "summa_alv0_euroina",
        "date": "laskun_paivamaara",
    }
    assert found.vat_mode == "excluded"


def test_the_posting_date_comes_before_the_invoice_date():
    header = [*OPEN_DATA, "kirjauspaivamaara"]
    assert guess(header).columns["date"] == "kirjauspaivamaara"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # Raindance, as a town publishes it.
        (["tositelaji", "tili", "tilinnimi", "kp", "kp:n nimi", "tositepvm", "tositenumero",
          "toteutuneet eurot", "toimittajan nimi", "toimittajan y-tunnus"],
         {"account": "tili", "account_name": "tilinnimi", "date": "tositepvm",
          "amount": "toteutuneet eurot"}),
        # The State Treasury's procurement data.
        (["Kirjanpitoyksikkö", "Hallinnonala", "Toimittajan nimi", "Tili", "Hankintakategoria",
          "Laskun kirjauspäivämäärä", "Tiliöintisumma"],
         {"account": "Tili", "date": "Laskun kirjauspäivämäärä", "amount": "Tiliöintisumma"}),
        # A Basware-style export with net, VAT and gross.
        (["Laskunumero", "Tilinumero", "Tilin nimi", "Tiliöintipvm", "Eräpäivä", "Netto", "ALV",
          "Brutto"],
         {"account": "Tilinumero", "account_name": "Tilin nimi", "date": "Tiliöintipvm",
          "amount": "Netto"}),
        # English.
        (["GL account", "Account name", "Posting date", "Gross amount", "Net amount"],
         {"account": "GL account", "account_name": "Account name", "date": "Posting date",
          "amount": "Net amount"}),
    ],
)  # fmt: skip
def test_finance_systems_exports_are_recognised(header, expected):
    assert guess(header).columns == expected


def test_only_an_amount_with_vat_is_not_chosen_and_the_team_is_asked():
    header = [name for name in OPEN_DATA if name != "summa_alv0_euroina"]
    found = guess(header)
    assert "amount" not in found.columns
    assert found.columns["vat"] == "alv_maara_euroina"
    assert found.vat_mode == ""


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("summa_alv0_euroina", AmountKind.WITHOUT_VAT),
        ("Summa (ALV 0 %)", AmountKind.WITHOUT_VAT),
        ("Veroton summa", AmountKind.WITHOUT_VAT),
        ("Belopp exkl. moms", AmountKind.WITHOUT_VAT),
        ("kokonaisumma_euroina", AmountKind.WITH_VAT),
        ("Summa sis. alv", AmountKind.WITH_VAT),
        ("Summa ALV 24 %", AmountKind.WITH_VAT),
        ("Brutto", AmountKind.WITH_VAT),
        ("alv_maara_euroina", AmountKind.VAT),
        ("Momsbelopp", AmountKind.VAT),
        ("Summa", AmountKind.UNSAID),
        ("Alv-koodi", None),
        ("Tositenumero", None),
    ],
)
def test_what_an_amount_column_says_of_vat(name, kind):
    assert amount_kind(name) == kind


def open_data_file(rows=OPEN_DATA_ROWS, header=OPEN_DATA) -> bytes:
    return ("\r\n".join([";".join(header), *rows]) + "\r\n").encode("utf-8")


def test_the_columns_page_says_which_amount_was_chosen_and_why(member, ours):
    upload(member, ours, open_data_file())
    made = LedgerImport.objects.get()
    page = member.get(ledger_url(ours, f"{made.pk}/columns/")).content.decode()
    assert (
        "The file has amounts both without VAT and with it (“kokonaisumma_euroina”): "
        "“summa_alv0_euroina”, the amount without VAT, is chosen."
    ) in page
    with member.run_tasks():
        member.post(
            ledger_url(ours, f"{made.pk}/columns/"), {**made.columns, "vat_mode": "excluded"}
        )
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    assert dict(made.totals.values_list("account", "amount_eur")) == {
        "4340": Decimal("1500.00"),
        "4500": Decimal("2000.00"),
    }


def columns_of(made: LedgerImport, **chosen) -> dict:
    return {
        "account": "tilin_numero",
        "account_name": "tilin_nimi",
        "date": "laskun_paivamaara",
        **chosen,
    }


def test_an_amount_with_vat_cannot_pass_for_one_without(member, ours):
    upload(member, ours, open_data_file())
    made = LedgerImport.objects.get()
    url = ledger_url(ours, f"{made.pk}/columns/")
    response = member.post(
        url, columns_of(made, amount="kokonaisumma_euroina", vat_mode="excluded")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["vat_mode"] == [
        "The name “kokonaisumma_euroina” says the amounts include VAT. Choose the column without "
        "VAT, or how VAT is taken out."
    ]
    assert response.context["form"]["amount"].value() == "kokonaisumma_euroina"
    response = member.post(url, columns_of(made, amount="alv_maara_euroina", vat_mode="excluded"))
    assert response.context["form"].errors["amount"] == [
        "“alv_maara_euroina” is the VAT, not the amount of the purchase."
    ]
    made.refresh_from_db()
    assert made.state == ImportState.UPLOADED


def test_vat_is_subtracted_row_by_row_from_the_amount_with_it(member, ours):
    upload(member, ours, open_data_file())
    made = LedgerImport.objects.get()
    with member.run_tasks():
        response = member.post(
            ledger_url(ours, f"{made.pk}/columns/"),
            columns_of(made, amount="kokonaisumma_euroina", vat="alv_maara_euroina",
                       vat_mode="subtract"),
        )  # fmt: skip
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    assert made.total_eur == Decimal("3500.00")
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert "“kokonaisumma_euroina” less the VAT in “alv_maara_euroina”" in page


def test_vat_taken_out_at_a_rate_waits_for_a_look(member, ours):
    upload(member, ours, open_data_file())
    made = LedgerImport.objects.get()
    with member.run_tasks():
        member.post(
            ledger_url(ours, f"{made.pk}/columns/"),
            columns_of(made, amount="kokonaisumma_euroina", vat_mode="rate", vat_rate="24"),
        )
    made.refresh_from_db()
    assert made.state == ImportState.REVIEW
    # 1 860 / 1,24 = 1 500 and 2 280 / 1,24 = 1 838,71 (food's VAT was 14 %, not 24 %).
    assert dict(made.totals.values_list("account", "amount_eur")) == {
        "4340": Decimal("1500.00"),
        "4500": Decimal("1838.71"),
    }
    page = put_in_use(member, ours, made).content.decode()
    assert "VAT was taken out at 24.0 %" in page


def test_the_vat_choices_are_checked_next_to_their_fields(member, ours):
    upload(member, ours, open_data_file())
    made = LedgerImport.objects.get()
    url = ledger_url(ours, f"{made.pk}/columns/")
    form = member.post(url, columns_of(made, amount="kokonaisumma_euroina")).context["form"]
    assert form.errors["vat_mode"] == ["Say whether the amounts include VAT."]
    form = member.post(
        url, columns_of(made, amount="kokonaisumma_euroina", vat_mode="subtract")
    ).context["form"]
    assert form.errors["vat"] == ["Choose the column of the VAT."]
    form = member.post(
        url, columns_of(made, amount="kokonaisumma_euroina", vat_mode="rate", vat_rate="")
    ).context["form"]
    assert form.errors["vat_rate"] == ["Give the VAT rate."]
    form = member.post(
        url, columns_of(made, amount="kokonaisumma_euroina", vat_mode="rate", vat_rate="240")
    ).context["form"]
    assert form.errors["vat_rate"] == ["Ensure this value is less than or equal to 50."]


def test_the_vat_treatment_is_remembered_with_the_columns(member, ours):
    upload(member, ours, open_data_file())
    made = LedgerImport.objects.get()
    chosen = columns_of(made, amount="kokonaisumma_euroina", vat="alv_maara_euroina")
    with member.run_tasks():
        member.post(ledger_url(ours, f"{made.pk}/columns/"), {**chosen, "vat_mode": "subtract"})
    upload(member, ours, open_data_file(), name="seuraava.csv")
    later = LedgerImport.objects.latest("created_at")
    assert (later.columns, later.vat_mode) == (chosen, "subtract")


# ------------------------------------------------------------------ read as written or refused

# The open data written with commas between fields and unquoted decimal commas.
COMMA_FILE = (
    "\r\n".join(
        [
            ",".join(OPEN_DATA),
            *(row.replace(";", ",").replace(" ", "") for row in OPEN_DATA_ROWS * 3),
        ]
    )
    + "\r\n"
).encode()


def test_a_comma_file_with_decimal_commas_is_refused_and_the_import_in_use_stays(member, ours):
    with member.run_tasks():
        good = import_file(member, ours, open_data_file())
    good.refresh_from_db()
    assert good.state == ImportState.APPLIED
    with member.run_tasks():
        bad = import_file(member, ours, COMMA_FILE, name="pilkut.csv")
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == ImportState.FAILED
    assert (
        "9 of the 9 rows have more fields than the header, so the file is not used. Commas "
        "separate its fields, and the amounts seem to have a decimal comma too"
    ) in bad.error_text
    assert not bad.totals.exists()
    assert good.state == ImportState.APPLIED
    assert bad.problem_texts[0] == (
        2,
        "The row has 20 fields but the header has 17: its values may be in the wrong columns.",
    )


def test_rows_with_another_number_of_fields_are_bad_rows_not_misread():
    rows = [*ROWS, "4570;Lämmitys;1100;15.01.2021;1006;1 000,00;Lämpö; Oy;1234567-8"]
    reading = read(csv_bytes(rows))
    assert sums(reading)["4570"] == Decimal("20000.50")
    assert reasons(reading) == [
        (7, "The row has 9 fields but the header has 8: its values may be in the wrong columns.")
    ]


def test_a_separator_at_the_end_of_each_line_is_harmless():
    rows = [row + ";" for row in ROWS]
    reading = read(csv_bytes(rows))
    assert sums(reading)["4570"] == Decimal("20000.50")
    assert reading.rows_bad == 0


def test_most_rows_unreadable_fails_rather_than_summing_the_rest(member, ours):
    rows = [*ROWS[:2], *["4570;Lämmitys;1;01.01.2021;1;ei summaa;A;1"] * 3]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    made.refresh_from_db()
    assert made.state == ImportState.FAILED
    assert made.error_text.startswith("3 of the 5 rows could not be read, so the file is not used")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Tili\tSumma\r\n4570\t100,00\r\n".encode("utf-16"),
            "The file is UTF-16 text (what Excel calls “Unicode text”)",
        ),
        (
            b"Tili|Tilin nimi|Summa\r\n4570|L\xc3\xa4mmitys|100,00\r\n",
            "The first row's fields seem to be separated by “|”, which is not read",
        ),
        (b"Tili\r\n4570\r\n", "The first row has only one column, “Tili”"),
    ],
)
def test_files_read_otherwise_than_written_are_refused_at_upload(member, ours, content, message):
    response = upload(member, ours, content)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert "CSV UTF-8" in errors
    assert not LedgerImport.objects.exists()


# ------------------------------------------------------------------ a look before it replaces


def test_a_new_import_replaces_the_one_in_use_only_after_a_look(member, ours):
    with member.run_tasks():
        first = import_file(member, ours, csv_bytes())
    map_accounts(member, ours)
    plan = ActionPlan.objects.get(participation=ours)
    before = spend_by_code(plan)
    rows = [ROWS[0].replace("12 000,00", "90 000,00"), *ROWS[1:4], ROWS[0].replace("4570", "4580")]
    with member.run_tasks():
        second = import_file(member, ours, csv_bytes(rows), name="uusi.csv")
    second.refresh_from_db()
    assert second.state == ImportState.REVIEW
    assert spend_by_code(plan) == before
    page = member.get(ledger_url(ours, f"{second.pk}/"))
    review = page.context["review"]
    assert review.in_use == first
    assert [c.account for c in review.appeared.shown] == ["4580"]
    assert [c.account for c in review.disappeared.shown] == ["4999"]
    assert [(c.account, c.difference) for c in review.largest][:1] == [
        ("4570", Decimal("78000.00"))
    ]
    text = page.content.decode()
    assert "The total differs by +342.3 % from the import in use" in text
    assert "In use now: ostot.csv" in text
    put_in_use(member, ours, second)
    first.refresh_from_db()
    assert first.state == ImportState.REPLACED
    assert spend_by_code(plan)["heating"] == Decimal("98000.50")


def test_a_look_at_an_import_no_longer_in_use_is_taken_again(member, ours):
    """Two tabs: the team compared with one import, and another was put in use meanwhile."""
    with member.run_tasks():
        first = import_file(member, ours, csv_bytes())
        second = import_file(member, ours, csv_bytes(ROWS[:3]), name="toinen.csv")
        third = import_file(member, ours, csv_bytes(ROWS[:4]), name="kolmas.csv")
    put_in_use(member, ours, LedgerImport.objects.get(pk=second.pk))
    response = member.post(
        ledger_url(ours, f"{third.pk}/"), {"action": "apply", "replacing": first.pk}, follow=True
    )
    third.refresh_from_db()
    assert third.state == ImportState.REVIEW
    assert "Another import of the year was put in use meanwhile." in response.content.decode()
    assert LedgerImport.objects.get(state=ImportState.APPLIED).pk == second.pk


def test_an_import_with_most_rows_in_other_years_waits(member, ours):
    rows = [ROWS[0], *(row.replace("2021", "2020") for row in ROWS[1:])]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    made.refresh_from_db()
    assert made.state == ImportState.REVIEW
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert "More rows are dated in other years (4) than in 2021 (1): is the year right?" in page


# ------------------------------------------------------------------ totals to check


def test_the_totals_per_account_and_category_add_up_to_the_import(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes())
    map_accounts(member, ours)  # heating, cleaning, and 4999 left out
    AccountMapping.objects.filter(account="4440").update(category=None)
    response = member.get(ledger_url(ours, f"{made.pk}/totals.xlsx"))
    assert response.status_code == 200
    assert 'filename="ostot-2021-totals.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    about = dict(workbook["import"].iter_rows(values_only=True))
    assert about["File"] == "ostot.csv"
    assert about["SHA-256 of the file"] == made.file.sha256
    assert about["Year of the purchases"] == 2021
    assert about["Total (€, excluding VAT)"] == 26000.5
    assert about["Amounts"] == "“Summa”, without VAT"
    accounts = list(workbook["accounts"].iter_rows(values_only=True))
    assert accounts[0] == ("Account", "Account name", "Rows", "Sum (€)", "Category")
    assert accounts[1:] == [
        ("4440", "Siivouspalvelut", 2, 5000, "Not mapped yet"),
        ("4570", "Lämmitys", 2, 20000.5, "Heating"),
        ("4999", "Sisäiset vyörytykset", 1, 1000, "Not procurement: left out"),
        ("Total", None, 5, 26000.5, None),
    ]
    categories = list(workbook["categories"].iter_rows(values_only=True))
    assert categories[1:] == [
        ("Heating", 1, 2, 20000.5),
        ("Not procurement: left out", 1, 1, 1000),
        ("Not mapped yet", 1, 2, 5000),
        ("Total", 3, 5, 26000.5),
    ]


def test_the_totals_as_csv_in_finnish_keep_numbers_and_text_apart(member, ours):
    rows = [*ROWS, '4600;=HYPERLINK("http://x");1;01.01.2021;9;10,00;A;1']
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    response = member.get(f"/workspace/{ours.pk}/plan/ledger/{made.pk}/totals.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Tiedosto", "ostot.csv"] in lines
    assert ["4570", "Lämmitys", "2", "20000,50", "Ei vielä kohdistettu"] in lines
    assert ["4600", '\'=HYPERLINK("http://x")', "1", "10,00", "Ei vielä kohdistettu"] in lines


def test_a_failed_import_has_no_totals(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, COMMA_FILE)
    assert member.get(ledger_url(ours, f"{made.pk}/totals.xlsx")).status_code == 404


def test_totals_of_a_category_come_from_the_mapping_not_a_suggestion(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes())
    assert not AccountMapping.objects.exclude(category=None).exists()
    workbook = load_workbook(
        io.BytesIO(member.get(ledger_url(ours, f"{made.pk}/totals.xlsx")).content)
    )
    assert {row[4] for row in list(workbook["accounts"].iter_rows(values_only=True))[1:-1]} == {
        "Not mapped yet"
    }
    assert ProcurementCategory.objects.filter(code="heating").exists()
    assert not CategorySpend.objects.exists()
