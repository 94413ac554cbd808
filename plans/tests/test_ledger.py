"""The purchase-ledger import: reading, the steps a team takes, and what reaches the analysis."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from plans.models import (
    AccountMapping,
    ActionPlan,
    CategorySpend,
    ImportState,
    LedgerImport,
    ProcurementCategory,
    SpendSource,
    problem_text,
)
from plans.services import ledger
from plans.services.columns import guess

pytestmark = pytest.mark.django_db

HEADER = "Tili;Tilin nimi;Kustannuspaikka;Tositepäivä;Tositenumero;Summa;Toimittaja;Y-tunnus"
ROWS = [
    "4570;Lämmitys;1100;15.01.2021;1001;12 000,00;Lämpö Oy;1234567-8",
    "4570;Lämmitys;1100;15.02.2021;1002;8 000,50;Lämpö Oy;1234567-8",
    "4440;Siivouspalvelut;1200;03.03.2021;1003;5 500,25;Puhdas Oy;2345678-9",
    "4440;Siivouspalvelut;1200;04.03.2021;1004;-500,25;Puhdas Oy;2345678-9",
    "4999;Sisäiset vyörytykset;1300;31.12.2021;1005;1 000,00;Kaupunki;0000000-0",
]


def csv_bytes(rows=ROWS, *, header=HEADER, encoding="utf-8", delimiter=";") -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return text.replace(";", delimiter).encode(encoding)


def read(content: bytes, year: int = 2021, **columns) -> ledger.Reading:
    chosen = columns or {
        "account": "Tili",
        "account_name": "Tilin nimi",
        "amount": "Summa",
        "date": "Tositepäivä",
    }
    with translation.override("en"):
        return ledger.read_ledger(io.BytesIO(content), chosen, year)


def reasons(reading: ledger.Reading) -> list[tuple[int, str]]:
    with translation.override("en"):
        return [(problem["line"], problem_text(problem)) for problem in reading.problems]


def sums(reading: ledger.Reading) -> dict[str, Decimal]:
    return {account: entry[0] for account, entry in reading.totals.items()}


# ------------------------------------------------------------------ reading


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "iso-8859-1"])
def test_each_encoding_gives_the_same_sums_and_names(encoding):
    reading = read(csv_bytes(encoding=encoding))
    assert sums(reading) == {
        "4570": Decimal("20000.50"),
        "4440": Decimal("5000.00"),
        "4999": Decimal("1000.00"),
    }
    assert reading.totals["4570"][2] == "Lämmitys"
    assert reading.totals["4999"][2] == "Sisäiset vyörytykset"
    assert reading.rows_read == 5
    assert reading.rows_bad == 0


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_each_separator_is_recognised(delimiter):
    assert sums(read(csv_bytes(delimiter=delimiter)))["4570"] == Decimal("20000.50")


def test_comma_separated_files_with_english_numbers():
    header = "Account,Account name,Date,Amount"
    rows = ['4570,Heating,2021-01-15,"1,200.50"', "4570,Heating,2021-02-15,799.50"]
    reading = read(
        csv_bytes(rows, header=header, delimiter=","),
        account="Account",
        amount="Amount",
        date="Date",
    )
    assert sums(reading) == {"4570": Decimal("2000.00")}


def test_decimal_commas_thousand_spaces_and_credit_notes():
    rows = [
        "4570;Lämmitys;1;01.01.2021;1;1\u00a0234\u00a0567,89;A;1",
        "4570;Lämmitys;1;01.01.2021;2;-1 234,56;A;1",
        "4570;Lämmitys;1;01.01.2021;3;0,67;A;1",
    ]
    assert sums(read(csv_bytes(rows)))["4570"] == Decimal("1233334.00")


def test_bad_rows_are_reported_with_their_line_numbers_and_reasons():
    rows = [
        "4570;Lämmitys;1;01.01.2021;1;100,00;A;1",
        "4570;Lämmitys;1;01.01.2021;2;sata euroa;A;1",
        ";Ei tiliä;1;01.01.2021;3;5,00;A;1",
        "4570;Lämmitys;1;31.02.2021;4;5,00;A;1",
        "4570;Lämmitys",
        "",
        "4570;Lämmitys;1;01.01.2021;5;1_000;A;1",
    ]
    reading = read(csv_bytes(rows))
    assert sums(reading) == {"4570": Decimal("100.00")}
    assert reasons(reading) == [
        (3, "“sata euroa” is not an amount."),
        (4, "The account number is missing."),
        (5, "“31.02.2021” is not a date."),
        (6, "The row has 2 fields but the header has 8: its values may be in the wrong columns."),
        (8, "“1_000” is not an amount."),
    ]
    assert reading.rows_bad == 5
    assert reading.rows_read == 1


def test_rows_of_other_years_are_counted_and_left_out():
    rows = [
        "4570;Lämmitys;1;31.12.2020;1;100,00;A;1",
        "4570;Lämmitys;1;2021-01-01;2;50,00;A;1",
        "4570;Lämmitys;1;20220101;3;7,00;A;1",
        "4570;Lämmitys;1;01/06/2021;4;1,00;A;1",
    ]
    reading = read(csv_bytes(rows))
    assert sums(reading) == {"4570": Decimal("51.00")}
    assert dict(reading.other_years) == {2020: 1, 2022: 1}
    assert reading.rows_bad == 0


def test_a_quoted_field_over_two_lines_keeps_the_line_numbers_right():
    rows = ['4570;"Lämmitys\nkaukolämpö";1;01.01.2021;1;1,00;A;1', "4570;x;1;01.01.2021;2;x;A;1"]
    reading = read(csv_bytes(rows))
    assert reasons(reading) == [(4, "“x” is not an amount.")]


def test_xlsx_reads_the_same_with_numbers_and_dates_as_cells():
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["Tili", "Tilin nimi", "Tositepäivä", "Summa"])
    sheet.append([4570, "Lämmitys", dt.date(2021, 1, 15), 12000.5])
    sheet.append([4570, "Lämmitys", dt.date(2021, 2, 15), -0.5])
    sheet.append([4440, "Siivous", dt.date(2020, 12, 31), 99])
    buffer = io.BytesIO()
    book.save(buffer)
    reading = read(
        buffer.getvalue(),
        account="Tili",
        account_name="Tilin nimi",
        amount="Summa",
        date="Tositepäivä",
    )
    assert sums(reading) == {"4570": Decimal("12000.0")}
    assert dict(reading.other_years) == {2020: 1}


def test_a_wrong_account_column_stops_before_memory_runs_out(monkeypatch):
    monkeypatch.setattr(ledger, "MAX_ACCOUNTS", 3)
    with pytest.raises(ledger.ImportError_) as raised:
        read(csv_bytes(), account="Tositenumero", amount="Summa")
    assert raised.value.params == {"count": 3}
    assert "more than %(count)s different accounts" in raised.value.message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.split(";"), {"account": "Tili", "account_name": "Tilin nimi",
                             "amount": "Summa", "date": "Tositepäivä"}),
        (["Konto", "Kontonamn", "Belopp exkl. moms", "Verifikatdatum"],
         {"account": "Konto", "account_name": "Kontonamn",
          "amount": "Belopp exkl. moms", "date": "Verifikatdatum"}),
        (["Tositepäivämäärä", "Tili", "Tilin nimi", "Summa (alv 0 %)", "Toimittaja"],
         {"account": "Tili", "account_name": "Tilin nimi",
          "amount": "Summa (alv 0 %)", "date": "Tositepäivämäärä"}),
        (["TILINUMERO", "TILI_NIMI", "SUMMA_ALV_0", "TOSITEPVM"],
         {"account": "TILINUMERO", "account_name": "TILI_NIMI",
          "amount": "SUMMA_ALV_0", "date": "TOSITEPVM"}),
    ],
)  # fmt: skip
def test_columns_are_guessed_from_the_names_finance_systems_use(header, expected):
    assert guess(header).columns == expected


# ------------------------------------------------------------------ the team's steps


def ledger_url(participation, rest: str = "") -> str:
    return f"/en/workspace/{participation.pk}/plan/ledger/{rest}"


COLUMNS = {
    "account": "Tili",
    "account_name": "Tilin nimi",
    "amount": "Summa",
    "date": "Tositepäivä",
}


def upload(client, participation, content: bytes, name: str = "ostot.csv", year: int = 2021):
    return client.post(
        ledger_url(participation), {"file": SimpleUploadedFile(name, content), "year": year}
    )


def import_file(client, participation, content: bytes, **kwargs) -> LedgerImport:
    """Upload, keep the suggested columns, and read the file in the worker (eagerly)."""
    response = upload(client, participation, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = LedgerImport.objects.latest("created_at")
    assert response["Location"].endswith(f"/ledger/{made.pk}/columns/")
    response = client.post(
        ledger_url(participation, f"{made.pk}/columns/"),
        {**made.columns, "vat_mode": made.vat_mode or "excluded"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made.refresh_from_db()
    return made


def put_in_use(client, participation, made: LedgerImport):
    """Look at what the import changes, then put it in use as the page offers."""
    page = client.get(ledger_url(participation, f"{made.pk}/"))
    in_use = page.context["review"].in_use
    response = client.post(
        ledger_url(participation, f"{made.pk}/"),
        {"action": "apply", "replacing": in_use.pk if in_use else ""},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    return page


def spend_by_code(plan) -> dict[str, Decimal]:
    return {
        row.category.code: row.amount_eur
        for row in CategorySpend.objects.filter(plan=plan, year=2021).select_related("category")
    }


def map_accounts(client, participation, *, accept_suggestions: bool = True, **choices):
    """Save the accounts page with these choices, accepting its suggestions unless told not to."""
    page = client.get(ledger_url(participation, "accounts/"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if not name.startswith("accept-")}
    for item in form.items():
        if item.row.total.account in choices:
            data[item.field.html_name] = choices[item.row.total.account]
    if accept_suggestions:
        data[form.ACCEPT_ALL] = "1"
    return client.post(ledger_url(participation, "accounts/"), data)


def mapped() -> dict[str, str | None]:
    """Account → the category code stored for it, "-" when left out, None when unmapped."""
    return {
        m.account: ledger.EXCLUDED if m.excluded else (m.category.code if m.category else None)
        for m in AccountMapping.objects.select_related("category")
    }


def test_an_import_without_bad_rows_is_used_and_mapped_accounts_reach_the_analysis(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes())
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    assert made.total_eur == Decimal("26000.50")
    plan = ActionPlan.objects.get(participation=ours)
    # Nothing is mapped yet: the accounts are listed with suggestions, none of them chosen.
    assert spend_by_code(plan) == {}
    page = member.get(f"/en/workspace/{ours.pk}/plan/").content.decode()
    assert "3 accounts (26,001 €) have no category yet and are outside the analysis." in page
    page = member.get(ledger_url(ours, "accounts/")).content.decode()
    assert "3 accounts are not mapped yet: 26,001 €, 100.0 % of the ledger" in page
    assert page.count(">Suggestion</span>") == 3
    response = map_accounts(member, ours)
    assert response.status_code == 302
    assert spend_by_code(plan) == {"heating": Decimal("20000.50"), "cleaning": Decimal("5000.00")}
    assert AccountMapping.objects.get(account="4999").excluded
    page = member.get(ledger_url(ours, "accounts/")).content.decode()
    assert "Every account is mapped or left out." in page
    page = member.get(f"/en/workspace/{ours.pk}/plan/").content.decode()
    assert "Spend from the purchase ledger: ostot.csv." in page
    assert "no category yet" not in page
    analysis = member.get(f"/en/workspace/{ours.pk}/plan/").context["analysis"]
    assert analysis.total_spend == Decimal("25000.50")


def test_a_suggestion_is_shown_but_not_chosen_and_saving_stores_none(member, ours):
    from plans.forms.ledger import field_name

    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    response = member.get(ledger_url(ours, "accounts/"))
    form = response.context["form"]
    assert [form[field_name(account)].value() for account in ("4570", "4440", "4999")] == [""] * 3
    page = response.content.decode()
    assert 'aria-describedby="id_account-34353730-suggestion"' in page
    assert (
        '<span class="badge text-bg-secondary">Suggestion</span> Heating'
        ' <span class="visually-hidden">(not stored until you accept it)</span>'
    ) in page
    response = map_accounts(member, ours, accept_suggestions=False)
    assert response.status_code == 302
    assert mapped() == {"4570": None, "4440": None, "4999": None}
    assert spend_by_code(ActionPlan.objects.get(participation=ours)) == {}


def test_accepting_one_suggestion_stores_that_one_only(member, ours):
    from plans.forms.ledger import accept_name

    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    page = member.get(ledger_url(ours, "accounts/"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if not name.startswith("accept-")}
    data[accept_name("4440")] = "on"
    member.post(ledger_url(ours, "accounts/"), data)
    assert mapped() == {"4570": None, "4440": "cleaning", "4999": None}


def test_accepting_every_suggestion_keeps_the_categories_chosen_by_hand(member, ours):
    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    response = map_accounts(member, ours, **{"4440": "printing"})
    assert response.status_code == 302
    assert mapped() == {"4570": "heating", "4440": "printing", "4999": ledger.EXCLUDED}


def test_only_the_suggestion_the_page_showed_is_stored(member, ours):
    """Keywords edited between showing the page and saving it store nothing unseen."""
    from plans.forms.ledger import shown_name

    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    page = member.get(ledger_url(ours, "accounts/"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if not name.startswith("accept-")}
    data[shown_name("4570")] = "electricity"
    data[form.ACCEPT_ALL] = "1"
    member.post(ledger_url(ours, "accounts/"), data)
    assert mapped() == {"4570": None, "4440": "cleaning", "4999": ledger.EXCLUDED}


def test_a_second_import_of_the_year_replaces_the_first_rather_than_adding(member, ours):
    with member.run_tasks():
        first = import_file(member, ours, csv_bytes())
    map_accounts(member, ours, **{"4999": ledger.EXCLUDED})
    plan = ActionPlan.objects.get(participation=ours)
    with member.run_tasks():
        second = import_file(member, ours, csv_bytes(ROWS[:2]), name="korjattu.csv")
    second.refresh_from_db()
    assert second.state == ImportState.REVIEW  # it would replace the import in use
    put_in_use(member, ours, second)
    first.refresh_from_db()
    assert first.state == ImportState.REPLACED
    # The mapping is the organisation's: the second file needed none.
    assert spend_by_code(plan) == {"heating": Decimal("20000.50")}
    assert second.columns == COLUMNS


def test_a_failed_import_changes_nothing(member, ours):
    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    map_accounts(member, ours)
    plan = ActionPlan.objects.get(participation=ours)
    before = spend_by_code(plan)
    broken = csv_bytes(["4570;Lämmitys;1;01.01.2021;1;ei summaa;A;1"] * 3)
    with member.run_tasks():
        failed = import_file(member, ours, broken)
    failed.refresh_from_db()
    assert failed.state == ImportState.FAILED
    assert "None of the 3 rows could be read" in failed.error_text
    assert not failed.totals.exists()
    assert spend_by_code(plan) == before
    assert LedgerImport.objects.get(state=ImportState.APPLIED).pk != failed.pk
    page = member.get(ledger_url(ours, f"{failed.pk}/")).content.decode()
    assert "Nothing was changed in the plan." in page


def test_an_import_with_bad_rows_waits_for_the_team_and_shows_them(member, ours):
    rows = [*ROWS, "4570;Lämmitys;1;01.01.2021;9;??;A;1"]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    made.refresh_from_db()
    assert made.state == ImportState.REVIEW
    plan = ActionPlan.objects.get(participation=ours)
    assert not AccountMapping.objects.exists()
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert "<td>7</td><td>“??” is not an amount.</td>" in page
    member.post(ledger_url(ours, f"{made.pk}/"), {"action": "apply"})
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    assert AccountMapping.objects.count() == 3
    map_accounts(member, ours)
    assert spend_by_code(plan)["heating"] == Decimal("20000.50")


def test_discarding_an_import_removes_it_and_its_file(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes([*ROWS, "x;y;1;01.01.2021;1;z;A;1"]))
    stored = made.file
    response = member.post(ledger_url(ours, f"{made.pk}/"), {"action": "discard"})
    assert response.status_code == 302
    assert not LedgerImport.objects.exists()
    assert not type(stored).objects.filter(pk=stored.pk).exists()


def test_the_columns_are_remembered_for_the_organisations_next_file(member, ours):
    renamed = HEADER.replace("Summa", "Laskun arvo").replace("Tili;", "Kirjanpitotili X;")
    with member.run_tasks():
        response = upload(member, ours, csv_bytes(header=renamed))
        made = LedgerImport.objects.get()
        assert made.columns.get("amount") is None  # not a name the guess knows
        chosen = {**COLUMNS, "account": "Kirjanpitotili X", "amount": "Laskun arvo"}
        member.post(ledger_url(ours, f"{made.pk}/columns/"), {**chosen, "vat_mode": "excluded"})
    assert response.status_code == 302
    upload(member, ours, csv_bytes(header=renamed), name="seuraava.csv")
    assert LedgerImport.objects.latest("created_at").columns == chosen


def test_the_columns_step_explains_its_errors_and_keeps_the_choice(member, ours):
    upload(member, ours, csv_bytes())
    made = LedgerImport.objects.get()
    response = member.post(
        ledger_url(ours, f"{made.pk}/columns/"),
        {"account": "Tili", "amount": "Tili", "account_name": "", "date": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["amount"] == ["The same column is chosen for “Account number”."]
    assert form["amount"].value() == "Tili"
    assert '<th scope="col">Kustannuspaikka</th>' in response.content.decode()
    made.refresh_from_db()
    assert made.state == ImportState.UPLOADED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ostot.csv", b"", "The submitted file is empty."),
        ("ostot.pdf", b"%PDF-1.4", "Files ending in .pdf are not accepted here."),
        ("ostot.csv", b"<script>alert(1)</script>;x\n1;2\n", "web page or program code"),
        ("ostot.xlsx", b"PK\x03\x04 not really a workbook", "is not"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_next_to_the_field(
    member, ours, name, content, message
):
    response = upload(member, ours, content, name=name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not LedgerImport.objects.exists()


def test_hand_entered_spend_stays_and_ledger_spend_keeps_its_own_factor(member, ours):
    plan = ActionPlan.objects.get(participation=ours)
    printing = ProcurementCategory.objects.get(code="printing")
    CategorySpend.objects.create(plan=plan, year=2021, category=printing, amount_eur=700)
    heating = ProcurementCategory.objects.get(code="heating")
    CategorySpend.objects.create(
        plan=plan,
        year=2021,
        category=heating,
        amount_eur=1,
        factor_override=Decimal("0.2"),
        override_justification="Kaukolämmön toimittajan ilmoittama.",
    )
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes())
    made.refresh_from_db()
    # 26 000,50 € read against 701 € entered by hand: the team puts it in use on purpose.
    assert made.state == ImportState.REVIEW
    page = put_in_use(member, ours, made).content.decode()
    assert "The total differs by +3609.1 % from the spend entered by hand for the year" in page
    assert "(701.00 € → 26,000.50 €)" in page
    map_accounts(member, ours)
    row = CategorySpend.objects.get(plan=plan, category=heating)
    assert (row.amount_eur, row.source, row.factor_override) == (
        Decimal("20000.50"),
        SpendSource.LEDGER,
        Decimal("0.2"),
    )
    assert CategorySpend.objects.get(plan=plan, category=printing).amount_eur == 700
    rows = {
        row.category.code: row.from_ledger
        for row in member.get(f"/en/workspace/{ours.pk}/plan/").context["analysis"].rows
    }
    assert rows == {"heating": True, "cleaning": True, "printing": False}
    # On the spend page the ledger's amount cannot be typed over; its factor can be changed.
    page = member.get(f"/en/workspace/{ours.pk}/plan/spend/")
    assert page.context["form"].fields[f"amount_{heating.pk}"].disabled


def test_progress_is_reported_while_the_worker_reads(member, ours):
    upload(member, ours, csv_bytes())
    made = LedgerImport.objects.get()
    member.post(
        ledger_url(ours, f"{made.pk}/columns/"), {**made.columns, "vat_mode": "excluded"}
    )  # not run: no worker
    data = member.get(ledger_url(ours, f"{made.pk}/progress/")).json()
    assert data["state"] == "queued"
    assert data["working"] is True
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert 'role="status"' in page
    assert "Start reading again" not in page
    LedgerImport.objects.filter(pk=made.pk).update(touched_at=made.created_at.replace(year=2020))
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert "Start reading again" in page


def test_reading_twice_does_nothing_the_second_time(member, ours):
    upload(member, ours, csv_bytes())
    made = LedgerImport.objects.get()
    member.post(ledger_url(ours, f"{made.pk}/columns/"), {**made.columns, "vat_mode": "excluded"})
    ledger.run(made.pk)
    ledger.run(made.pk)
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    assert made.totals.count() == 3


# ------------------------------------------------------------------ who may


@pytest.fixture
def imported(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes())
    member.logout()
    return made


def pages(participation, made) -> list[str]:
    return [
        ledger_url(participation),
        ledger_url(participation, f"{made.pk}/"),
        ledger_url(participation, f"{made.pk}/progress/"),
        ledger_url(participation, f"{made.pk}/totals.xlsx"),
        ledger_url(participation, f"{made.pk}/totals.csv"),
        ledger_url(participation, "accounts/"),
    ]


def test_another_organisation_sees_nothing_of_the_ledger(client, ours, imported, outsider):
    client.force_login(outsider)
    for url in [*pages(ours, imported), ledger_url(ours, f"{imported.pk}/columns/")]:
        assert client.get(url).status_code == 404, url
        if not url.endswith(("/progress/", ".xlsx", ".csv")):  # these answer GET alone
            assert client.post(url, {"action": "discard"}).status_code == 404, url
    assert LedgerImport.objects.filter(pk=imported.pk).exists()


def test_an_import_is_found_only_under_its_own_organisation(client, ours, theirs, imported):
    from academy.tests.programme import member as make_member

    client.force_login(make_member(theirs, "toinen@example.fi"))
    client.get(f"/en/workspace/{theirs.pk}/plan/")
    assert client.get(ledger_url(theirs, f"{imported.pk}/")).status_code == 404


def test_anonymous_visitors_sign_in_first(client, ours, imported):
    for url in pages(ours, imported):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_staff_look_at_the_ledger_but_change_nothing(client, ours, imported, staff):
    client.force_login(staff)
    for url in pages(ours, imported):
        assert client.get(url).status_code == 200, url
    page = client.get(ledger_url(ours, "accounts/")).content.decode()
    assert "Save the categories" not in page
    assert client.post(ledger_url(ours, "accounts/"), {}).status_code == 404
    assert client.post(ledger_url(ours), {"year": 2021}).status_code == 404
    assert not AccountMapping.objects.exclude(category=None).exists()


def test_the_accounts_page_takes_a_fixed_number_of_queries(member, ours):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for accounts in (3, 59):
        rows = [f"{4000 + n};Tili {n};1;01.01.2021;{n};{n},00;A;1" for n in range(accounts)]
        with member.run_tasks():
            made = import_file(member, ours, csv_bytes(rows))
        made.refresh_from_db()
        if made.state == ImportState.REVIEW:
            put_in_use(member, ours, made)
        map_accounts(member, ours, **{"4001": "heating"})
        with CaptureQueriesContext(connection) as queries:
            response = member.get(ledger_url(ours, "accounts/"))
        assert len(response.context["form"].rows) == accounts
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_blocks_and_rows_read_alike_whatever_the_block_size(monkeypatch):
    """Plain blocks are summed at once, others row by row: the sums and line numbers agree."""
    from plans.services import tabular

    rows, expected = [], {}
    for n in range(1, 400):
        account = f"4{n % 7}00"
        cents = (n * 7919) % 500_000 - 40_000
        amount = f"{cents // 100 if cents >= 0 else -(-cents // 100)},{abs(cents) % 100:02d}"
        if cents < 0 and cents > -100:
            amount = "-" + amount.lstrip("-")
        rows.append(f"{account};Tili {account};1;01.01.2021;{n};{amount};A;1")
        expected[account] = expected.get(account, Decimal(0)) + Decimal(cents) / 100
    rows[149] = "4000;Tili 4000;1;01.01.2021;150;viisi;A;1"
    expected["4300"] -= Decimal((150 * 7919) % 500_000 - 40_000) / 100  # 150 % 7 == 3
    rows[299] = '4100;"Tili, jossa pilkku";1;01.01.2021;300;1 000,00;A;1'
    expected["4600"] -= Decimal((300 * 7919) % 500_000 - 40_000) / 100  # 300 % 7 == 6
    expected["4100"] += Decimal(1000)
    rows.insert(200, "")
    for size in (1 << 20, 700, 64):
        monkeypatch.setattr(tabular, "BLOCK", size)
        reading = read(csv_bytes(rows))
        assert sums(reading) == expected, size
        assert reasons(reading) == [(151, "“viisi” is not an amount.")], size
        assert reading.rows_read == 398, size


def test_a_page_out_of_date_changes_only_the_accounts_it_sent(member, ours):
    """Another tab's import, or a page of the list, does not unmap the other accounts."""
    from plans.forms.ledger import field_name

    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    map_accounts(member, ours, **{"4999": ledger.EXCLUDED})
    stale = {field_name("4570"): "catering_food", field_name("9999"): "heating"}
    with member.run_tasks():
        import_file(member, ours, csv_bytes(ROWS[:3]), name="toinen.csv")
    response = member.post(ledger_url(ours, "accounts/"), stale)
    assert response.status_code == 302
    mapped = {m.account: (m.category.code if m.category else None, m.excluded) for m in
              AccountMapping.objects.select_related("category")}  # fmt: skip
    assert mapped == {
        "4570": ("catering_food", False),
        "4440": ("cleaning", False),
        "4999": (None, True),
    }


def test_many_accounts_are_mapped_a_page_at_a_time(member, ours, monkeypatch):
    from plans.views import ledger as ledger_views

    monkeypatch.setattr(ledger_views, "ACCOUNTS_PER_PAGE", 2)
    with member.run_tasks():
        import_file(member, ours, csv_bytes())
    first = member.get(ledger_url(ours, "accounts/"))
    assert len(first.context["form"].rows) == 2
    assert 'aria-current="page">1</a>' in first.content.decode()
    map_accounts(member, ours)
    assert AccountMapping.objects.exclude(category=None).count() == 2
    assert AccountMapping.objects.filter(category=None, excluded=False).count() == 1


@pytest.mark.parametrize(
    ("prefix", "words"), [("", "laskurivi"), ("/sv", "fakturarad"), ("/en", "invoice line")]
)
def test_the_upload_form_speaks_the_page_s_language(member, ours, prefix, words):
    page = member.get(f"{prefix}/workspace/{ours.pk}/plan/ledger/").content.decode()
    assert words in page


def test_a_wrong_amount_column_fails_with_a_reason_instead_of_hanging(member, ours):
    rows = [f"4570;Lämmitys;1;01.01.2021;{n};2021000123456789{n},00;A;1" for n in range(3)]
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes(rows))
    made.refresh_from_db()
    assert made.state == ImportState.FAILED
    assert "is the amount column the right one?" in made.error_text
    assert not made.totals.exists()


@pytest.mark.parametrize("amount", ["1E+30", "12,34,56", "1e3"])
def test_amounts_that_only_look_like_numbers_are_refused(amount):
    reading = read(csv_bytes([f"4570;Lämmitys;1;01.01.2021;1;{amount};A;1"]))
    assert reading.rows_bad == 1
    assert not reading.totals


def test_two_digit_years_are_not_dates():
    reading = read(csv_bytes(["4570;Lämmitys;1;1.1.21;1;1,00;A;1"]))
    assert reasons(reading) == [(2, "“1.1.21” is not a date.")]


def test_reasons_are_shown_in_the_reader_s_language(member, ours):
    with member.run_tasks():
        made = import_file(member, ours, csv_bytes([*ROWS, "4570;Lämmitys;1;01.01.2021;9;??;A;1"]))
    made.refresh_from_db()
    finnish = member.get(f"/workspace/{ours.pk}/plan/ledger/{made.pk}/").content.decode()
    swedish = member.get(f"/sv/workspace/{ours.pk}/plan/ledger/{made.pk}/").content.decode()
    assert "<td>7</td><td>”??” ei ole rahamäärä.</td>" in finnish
    assert "<td>7</td><td>" in swedish
    assert "ei ole rahamäärä" not in swedish


def test_a_failed_import_s_columns_are_not_remembered(member, ours):
    header = HEADER.replace("Summa", "Laskun arvo")
    upload(member, ours, csv_bytes(header=header))
    made = LedgerImport.objects.get()
    with member.run_tasks():  # the supplier's name is no amount: every row fails
        member.post(
            ledger_url(ours, f"{made.pk}/columns/"),
            {"account": "Tili", "amount": "Toimittaja", "vat_mode": "excluded"},
        )
    made.refresh_from_db()
    assert made.state == ImportState.FAILED
    assert len(made.problem_texts) == 5
    upload(member, ours, csv_bytes(header=header), name="toinen.csv")
    assert LedgerImport.objects.latest("created_at").columns.get("amount") is None


def test_the_columns_page_reads_the_file_once_and_shortens_long_cells(member, ours, monkeypatch):
    long_name = "Hyvin pitkä tilin nimi " * 40
    rows = [ROWS[0].replace("Lämmitys", long_name), *ROWS[1:]]
    upload(member, ours, csv_bytes(rows))
    made = LedgerImport.objects.get()
    opened = []
    real = ledger.open_table
    monkeypatch.setattr(ledger, "open_table", lambda binary: opened.append(1) or real(binary))
    first = member.get(ledger_url(ours, f"{made.pk}/columns/"))
    again = member.get(ledger_url(ours, f"{made.pk}/columns/"))
    assert first.status_code == again.status_code == 200
    assert len(opened) == 1  # the reload showed what was read the first time
    html = again.content.decode()
    assert long_name[: ledger.PREVIEW_CELL - 1] + "…" in html
    assert long_name not in html
