"""The action plan as files: the analysis spreadsheet and the printed plan, and who gets them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from academy.models import HELSINKI
from plans.models import (
    CategorySpend,
    MeasureKind,
    PilotMilestone,
    PilotProcurement,
    PilotState,
    ProcurementCategory,
    ReductionMeasure,
)
from plans.services import exports
from plans.services import plan as plan_service

pytestmark = pytest.mark.django_db

MADE_AT = dt.datetime(2022, 5, 20, 14, 30, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def heat_measure(plan, **fields) -> ReductionMeasure:
    values = {
        "plan": plan,
        "category": plan.categories["heat"],
        "kind": MeasureKind.TENDER_CRITERIA,
        "title": "Lämmön kilpailutus",
        "reduction_low": 10,
        "reduction_high": 30,
        "influence": 4,
        "next_tender": dt.date(2023, 2, 1),
    }
    values.update(fields)
    return ReductionMeasure.objects.create(**values)


def with_pilot(plan) -> PilotProcurement:
    pilot = PilotProcurement.objects.create(
        plan=plan,
        subject="Koulujen ruokapalvelut 2023–2027",
        category=plan.categories["food"],
        state=PilotState.PREPARATION,
        estimated_value=Decimal("2400000"),
        low_carbon_criteria="Kasvisruokavaihtoehto joka päivä",
    )
    PilotMilestone.objects.create(
        pilot=pilot, title="Markkinavuoropuhelu", due=dt.date(2022, 10, 1)
    )
    return pilot


def workbook(plan):
    return load_workbook(io.BytesIO(exports.analysis_xlsx(plan)))


def table(sheet, first_header: str) -> list[tuple]:
    """The rows under the header row that starts with ``first_header``."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    return rows[start + 1 :]


# The spreadsheet.


def test_the_analysis_sheet_has_the_hand_worked_figures_as_numbers(plan):
    book = workbook(plan)
    assert book.sheetnames == ["analysis", "measures"]
    rows = table(book["analysis"], "Rank")
    # Heat 100 000 € × 0.5 = 50 t; food 300 000 € × 0.1 = 30 t; ict 20 000 € × 1.05 = 21 t;
    # 101 t in all. Shares of spend: of 500 000 €.
    values = [[c.value for c in row[:9]] for row in rows[:4]]
    assert values[0] == [1, "heat", 100000, 0.5, "Testisarja 1", 50, 0.2, 0.495, 0.495]
    assert values[1][:6] == [2, "food", 300000, 0.1, "Testisarja 1", 30]
    assert values[1][6:] == [0.6, pytest.approx(0.297), pytest.approx(0.7921)]
    assert values[2][:6] == [3, "ict", 20000, 1.05, "Testisarja 1", 21]
    assert values[2][8] == 1
    assert values[3] == [
        None,
        "electricity",
        80000,
        None,
        "no factor in the set",
        None,
        0.16,
        None,
        None,
    ]
    [total] = [row for row in rows if row[1].value == "Total"]
    assert (total[2].value, total[5].value) == (500000, 101)
    heat = rows[0]
    assert [heat[i].number_format for i in (2, 3, 5, 6)] == [
        "#,##0.00",
        "0.000000",
        "#,##0.000",
        "0.0%",
    ]


def test_the_header_block_names_the_organisation_year_and_factor_set(plan):
    plan.factor_set.indicative = True
    plan.factor_set.save()
    with time_machine.travel(MADE_AT, tick=False):
        sheet = workbook(plan)["analysis"]
    header = {row[0].value: row[1].value for row in sheet.iter_rows(max_row=11) if len(row) > 1}
    assert header["Organisation"] == plan.participation.organisation.name
    assert header["Year"] == 2021
    assert header["Factor set"] == "Testisarja 1"
    assert header["Indicative factors"] == "yes"
    assert header["Price year of the factors"] == 2022
    assert header["Spend converted to the factors' prices by"] == (
        "nothing: the price index lacks one of the years"
    )
    assert header["Made"].startswith("May 20, 2022, 2:30 p.m.")
    assert "Helsinki time, UTC+3" in header["Made"]


def test_an_own_factor_is_named_with_its_justification(plan):
    CategorySpend.objects.filter(category=plan.categories["food"]).update(
        factor_override=Decimal("0.2"), override_justification="Kasvispainotteinen ruokalista"
    )
    rows = table(workbook(plan)["analysis"], "Rank")
    food = next(row for row in rows if row[1].value == "food")
    # 300 000 € × 0.2 kg/€ = 60 t: now the largest.
    assert (food[0].value, food[3].value, food[5].value) == (1, 0.2, 60)
    assert food[4].value == "own factor: Kasvispainotteinen ruokalista"


def test_the_measures_sheet_has_each_potential_and_the_capped_total(plan):
    # Heat 50 t × 10–30 % × 4/5 = 4–12 t (mid 8); ict 21 t × 100 % × 5/5, twice: capped at 21 t.
    heat_measure(plan)
    for title in ("Käyttöiän pidennys", "Uudelleenkäyttö"):
        heat_measure(
            plan,
            category=plan.categories["ict"],
            title=title,
            reduction_low=100,
            reduction_high=100,
            influence=5,
            next_tender=None,
        )
    rows = table(workbook(plan)["measures"], "Priority")
    heat = next(row for row in rows if row[1].value == "Lämmön kilpailutus")
    assert [c.value for c in heat[:10]] == [
        3,
        "Lämmön kilpailutus",
        "heat",
        "Criteria in the tender",
        0.1,
        0.3,
        4,
        4,
        12,
        8,
    ]
    assert heat[10].value.date() == dt.date(2023, 2, 1)
    assert heat[10].number_format == "d.m.yyyy"
    total = rows[-1]
    # 8 t from heat + 21 t from ict (42 t of measures, capped at the category's 21 t).
    assert total[9].value == 29


def test_category_names_are_in_the_active_language(plan):
    ProcurementCategory.objects.filter(pk=plan.categories["heat"].pk).update(name_fi="lämpö")
    with translation.override("fi"):
        book = workbook(plan)
    names = [row[1].value for row in table(book.worksheets[0], "Sija")[:4]]
    assert names == ["lämpö", "food", "ict", "electricity"]


# The printed plan.


def test_the_print_html_has_every_section_of_the_plan(plan):
    heat_measure(plan)
    with_pilot(plan)
    with time_machine.travel(MADE_AT, tick=False):
        html = exports.plan_html(plan)
    assert plan.participation.organisation.name in html
    assert plan.participation.cohort.name in html
    assert "May 20, 2022, 2:30 p.m. (Helsinki time, UTC+3)" in html
    assert "<svg" in html
    analysis, measures, pilot = (
        html.split('id="analysis-heading"')[1],
        html.split('id="measures-heading"')[1],
        html.split('id="pilot-heading"')[1],
    )
    assert ">heat<" in analysis.split("</table>")[0]
    assert "49.5 %" in analysis
    assert "Lämmön kilpailutus" in measures
    assert "4.0–12.0 (8.0)" in measures
    assert "Koulujen ruokapalvelut 2023–2027" in pilot
    assert "Markkinavuoropuhelu" in pilot
    assert "Preparation" in pilot


def test_a_plan_without_measures_or_pilot_says_so(plan):
    html = exports.plan_html(plan)
    assert "No measures yet." in html
    assert "The pilot procurement has not been described yet." in html


def test_the_pdf_is_made_and_only_the_print_stylesheet_is_fetched(plan, monkeypatch):
    fetched = []
    read = exports.print_stylesheet

    def recording(url):
        fetched.append(url)
        return read(url)

    monkeypatch.setattr(exports, "print_stylesheet", recording)
    with_pilot(plan)
    pdf = exports.plan_pdf(plan)
    assert pdf.startswith(b"%PDF-")
    assert fetched == ["https://academy.invalid/static/plans/print.css"]


def pdf_of(plan, language: str) -> PdfReader:
    with translation.override(language):
        return PdfReader(io.BytesIO(exports.plan_pdf(plan)))


def page_text(reader: PdfReader, caption: str) -> tuple[str, bool]:
    """The text of the page with ``caption``, without spaces (so that a heading may wrap
    anywhere), and whether the page is landscape."""
    for page in reader.pages:
        text = "".join(page.extract_text().split())
        if "".join(caption.split()) in text:
            return text, page.mediabox.width > page.mediabox.height
    raise AssertionError(f"No page has {caption!r}")


def in_order(text: str, expected: list[str]) -> bool:
    """Each of ``expected`` (spaces aside) in ``text``, in that order."""
    position = 0
    for each in expected:
        found = text.find("".join(each.split()), position)
        if found < 0:
            return False
        position = found + 1
    return True


ANALYSIS_COLUMNS = {
    "fi": [
        "Sija",
        "Kategoria",
        "Menot (€)",
        "Osuus menoista",
        "Kerroin (kg CO2e/€)",
        "Päästöt (t CO2e)",
        "Osuus päästöistä",
        "Kumulatiivinen osuus",
    ],
    "en": [
        "Rank",
        "Category",
        "Spend (€)",
        "Share of spend",
        "Factor (kg CO2e/€)",
        "Emissions (t CO2e)",
        "Share of emissions",
        "Cumulative share",
    ],
}
# Food, second by emissions: 300 000 € of 500 000 €, × 0.1 kg/€ = 30 t of 101 t, and
# 79.2 % cumulated with heat's 50 t. A value in every column, in their order.
FOOD_ROW = {
    "fi": ["2", "food", "300 000", "60,0 %", "0,100", "30,0", "29,7 %", "79,2 %"],
    "en": ["2", "food", "300,000", "60.0 %", "0.100", "30.0", "29.7 %", "79.2 %"],
}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_pdf_shows_every_column_of_the_analysis(plan, language):
    caption = {"fi": "Hankintakategoriat päästöjen mukaan", "en": "Procurement categories"}
    text, landscape = page_text(pdf_of(plan, language), caption[language])
    assert landscape
    assert in_order(text, ANALYSIS_COLUMNS[language])
    assert "".join(FOOD_ROW[language]).replace(" ", "") in text


MEASURE_COLUMNS = {
    "fi": [
        "Prioriteetti",
        "Toimenpide",
        "Kategoria",
        "Vähenemä",
        "Vaikutusmahdollisuus (1–5)",
        "Potentiaali (t CO2e)",
        "Seuraava kilpailutus",
    ],
    "en": [
        "Priority",
        "Measure",
        "Category",
        "Reduction",
        "Influence (1–5)",
        "Potential (t CO2e)",
        "Next tender",
    ],
}
# Heat's 50 t × 10–30 % × 4/5 = 4–12 t, midpoint 8.
HEAT_MEASURE = {
    "fi": ["1", "Lämmön kilpailutus", "heat", "10–30 %", "4", "4,0–12,0 (8,0)", "1.2.2023"],
    "en": ["1", "Lämmön kilpailutus", "heat", "10–30 %", "4", "4.0–12.0 (8.0)", "Feb. 1, 2023"],
}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_pdf_shows_every_column_of_the_measures(plan, language):
    heat_measure(plan)
    caption = {"fi": "Toimenpiteet potentiaalin mukaan", "en": "Measures by potential"}
    text, landscape = page_text(pdf_of(plan, language), caption[language])
    assert landscape
    assert in_order(text, MEASURE_COLUMNS[language])
    # The measure's kind is printed under its title, before the category.
    assert in_order(text, HEAT_MEASURE[language])
    assert "".join("".join(HEAT_MEASURE[language][2:]).split()) in text


def structure_types(element, found: set[str]) -> set[str]:
    """The structure types (/H2, /Table, …) of a tagged PDF's structure tree."""
    element = element.get_object()
    if "/S" in element:
        found.add(element["/S"])
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
            structure_types(kid, found)
    return found


def test_the_pdf_is_tagged_for_screen_readers_in_the_plan_s_language(plan):
    heat_measure(plan)
    catalog = pdf_of(plan, "fi").trailer["/Root"]
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/Lang"] == "fi"
    types = structure_types(catalog["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Caption", "/Figure"} <= types


def test_the_pdf_renders_the_pilot_s_markdown(plan):
    pilot = with_pilot(plan)
    pilot.market_dialogue = "Toimittajat **kutsutaan** infoon"
    pilot.save()
    reader = pdf_of(plan, "en")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Toimittajat kutsutaan infoon" in text
    assert "**" not in text


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/tracker.png",
        "https://academy.invalid/static/academy/site.css",
        "https://academy.invalid/static/plans/../../academy/settings.py",
        "file:///etc/passwd",
    ],
)
def test_the_pdf_fetcher_refuses_anything_but_the_print_stylesheet(url):
    with pytest.raises(ValueError, match="Not fetched"):
        exports.local_fetcher().fetch(url)


def test_the_pdf_fetcher_reads_the_print_stylesheet_from_disk():
    found = exports.print_stylesheet("https://academy.invalid/static/plans/print.css")
    assert b"@page" in found


def test_with_collected_static_files_the_pdf_keeps_its_print_stylesheet(
    plan, settings, tmp_path, monkeypatch
):
    """As in production (DEBUG off, collectstatic, hashed names): the stylesheet that
    turns the analysis page landscape is still read."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    fetched = []
    read = exports.print_stylesheet
    monkeypatch.setattr(exports, "print_stylesheet", lambda url: fetched.append(url) or read(url))
    _text, landscape = page_text(pdf_of(plan, "en"), "Procurement categories")
    assert landscape
    [url] = fetched
    assert url != "https://academy.invalid/static/plans/print.css"  # the hashed name
    assert url.startswith("https://academy.invalid/static/plans/print.")


# Downloading.


def analysis_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/export/analysis.xlsx"


def pdf_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/export/plan.pdf"


@pytest.fixture
def started(ours):
    plan = plan_service.plan_for(ours)
    CategorySpend.objects.create(
        plan=plan,
        year=plan.spend_year,
        category=ProcurementCategory.objects.get(code="heating"),
        amount_eur=Decimal("1000000"),
    )
    return plan


@pytest.mark.parametrize(
    ("who", "status"),
    [("contact", 200), ("colleague", 200), ("staff", 200), ("outsider", 404), ("nobody", 404)],
)
@pytest.mark.parametrize("page", [analysis_url, pdf_url])
def test_who_downloads_the_plan(client, request, started, ours, who, status, page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page(ours)).status_code == status


@pytest.mark.parametrize("page", [analysis_url, pdf_url])
def test_anonymous_visitors_sign_in_before_downloading(client, started, ours, page):
    response = client.get(page(ours))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", [analysis_url, pdf_url])
def test_a_plan_not_started_has_nothing_to_download(client, ours, contact, page):
    client.force_login(contact)
    assert client.get(page(ours)).status_code == 404


def test_the_analysis_downloads_as_a_named_spreadsheet(client, started, ours, contact):
    client.force_login(contact)
    response = client.get(analysis_url(ours))
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="esimerkkilan-kaupunki-2022-emissions-analysis.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(response.content))
    heating = table(book["analysis"], "Rank")[0]
    # 1 000 000 € × 0.608634 kg/€ = 608.634 t.
    assert (heating[1].value, heating[5].value) == ("Heating", 608.634)


def test_the_plan_downloads_as_a_named_pdf(client, started, ours, staff):
    client.force_login(staff)
    response = client.get(pdf_url(ours))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="esimerkkilan-kaupunki-2022-action-plan.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")


def test_the_plan_page_links_to_both_downloads(client, started, ours, contact):
    client.force_login(contact)
    page = client.get(f"/en/workspace/{ours.pk}/plan/").content.decode()
    assert f'href="{analysis_url(ours)}"' in page
    assert f'href="{pdf_url(ours)}"' in page


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(client, ours, contact):
    from io import BytesIO

    from openpyxl import load_workbook

    from plans.models import MeasureKind, ProcurementCategory, ReductionMeasure
    from plans.services import plan as plan_service

    plan = plan_service.plan_for(ours)
    ReductionMeasure.objects.create(
        plan=plan,
        category=ProcurementCategory.objects.get(code="heating"),
        kind=MeasureKind.OTHER,
        title='=HYPERLINK("http://example.invalid","klik")',
        reduction_low=1,
        reduction_high=2,
        influence=3,
    )
    client.force_login(contact)
    response = client.get(f"/en/workspace/{ours.pk}/plan/export/analysis.xlsx")
    book = load_workbook(BytesIO(response.content))
    cells = [c for row in book.worksheets[1].iter_rows() for c in row if c.value]
    titled = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert titled
    assert all(c.data_type == "s" for c in titled)
    # Saved as CSV and opened again, it still cannot run: the apostrophe comes first.
    assert all(c.value == '\'=HYPERLINK("http://example.invalid","klik")' for c in titled)


def test_the_pdf_renders_markdown_and_marks_overdue_items(ours, contact):
    import datetime as dt

    from plans.models import ActionItem, MeasureKind, ProcurementCategory, ReductionMeasure
    from plans.services import plan as plan_service
    from plans.services.exports import plan_html

    plan = plan_service.plan_for(ours)
    ReductionMeasure.objects.create(
        plan=plan,
        category=ProcurementCategory.objects.get(code="heating"),
        kind=MeasureKind.OTHER,
        title="Uusiutuva lämpö",
        description="Kilpailutetaan **kaukolämpö**",
        reduction_low=1,
        reduction_high=2,
        influence=3,
    )
    ActionItem.objects.create(plan=plan, title="Myöhässä", owner=contact, due=dt.date(2020, 1, 1))
    from django.utils import translation

    with translation.override("en"):
        html = plan_html(plan)
    assert "<strong>kaukolämpö</strong>" in html
    assert "**" not in html
    assert 'Open, <strong class="text-danger">overdue</strong>' in html
