"""The action plan from a purchase ledger to the PDF, in a real browser, in Finnish, with axe-core.

A participant imports the organisation's purchase invoices as a Finnish finance
system exports them, maps the accounts, reads the analysis, adds a measure to the
largest category, describes the pilot procurement and downloads the plan.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from academy.tests.programme import (
    ParticipationFactory,
    cohort_around_now,
    participant_with_password,
)
from applications.tests.test_browser import sign_in
from plans.demo import load_demo_suggestions
from plans.models import (
    AccountMapping,
    ActionPlan,
    ImportState,
    LedgerImport,
    PilotProcurement,
    ReductionMeasure,
)
from plans.services.analysis import analyse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

# As a Finnish finance system writes it: semicolons, decimal commas, spaces between
# thousands, dates as 31.12.2021, a credit note, UTF-8 with a BOM. "Laskun arvo"
# (invoice value) is a name the import cannot guess: the participant picks it.
LEDGER = (
    "\ufeffTili;Tilin nimi;Kustannuspaikka;Tositepäivä;Laskun arvo;Toimittaja\r\n"
    "4340;Lämmitys;1100;15.01.2021;120 000,00;Esimerkkilän Energia Oy\r\n"
    "4340;Lämmitys;1100;15.02.2021;80 500,50;Esimerkkilän Energia Oy\r\n"
    "4340;Lämmitys;1100;31.12.2021;-1 234,56;Esimerkkilän Energia Oy\r\n"
    "4310;Siivouspalvelut;2200;28.02.2021;45 678,90;Siisti Oy\r\n"
    "4310;Siivouspalvelut;2200;31.03.2021;4 321,10;Siisti Oy\r\n"
    "4500;Elintarvikkeet;3300;10.06.2021;30 000,00;Tukku Oy\r\n"
    "4500;Elintarvikkeet;3300;31.12.2020;99 999,99;Tukku Oy\r\n"
    "4950;Sisäiset vuokrat;1100;01.07.2021;250 000,00;Esimerkkilän Tilapalvelut\r\n"
).encode()

# By hand: heating 120 000,00 + 80 500,50 − 1 234,56 = 199 265,94;
# cleaning 45 678,90 + 4 321,10 = 50 000,00; food 30 000,00 (the 2020 row is left out);
# internal rents 250 000,00, not procurement. The ledger: 529 265,94 €; mapped: 279 265,94 €.
HEATING = Decimal("199265.94")
MAPPED = HEATING + Decimal("50000.00") + Decimal("30000.00")


@pytest.fixture
def participant(live_server):
    cohort = cohort_around_now(-30)
    participation = ParticipationFactory(cohort=cohort, organisation__name="Esimerkkilän kaupunki")
    participant_with_password(participation, "osallistuja@esimerkkila.fi", PASSWORD, "Olli")
    load_demo_suggestions()  # staff's library of measures
    return participation


def plain(text: str) -> str:
    """Page text with the no-break spaces Finnish number formats use as ordinary spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def submit(page: Page, field_selector: str) -> None:
    """Press the submit button of the form that holds the field."""
    page.locator(f"form:has({field_selector}) button[type=submit]").click()


def test_a_participant_goes_from_the_purchase_ledger_to_the_plan_pdf(
    page: Page, live_server, participant, assert_accessible, csp_violations, eager_celery
):
    sign_in(page, live_server.url, "osallistuja@esimerkkila.fi", PASSWORD)
    page.get_by_role("link", name="Avaa toimenpidesuunnitelma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toimenpidesuunnitelma")
    assert_accessible(page)
    plan_url = page.url

    page.locator('main a[href$="/plan/ledger/"]').first.click()
    expect(page).to_have_url(plan_url + "ledger/")
    expect(page.locator("#id_year")).to_have_value(str(participant.cohort.year - 1))
    assert_accessible(page)
    page.locator("#id_file").set_input_files(
        files=[{"name": "ostolaskut_2021.csv", "mimeType": "text/csv", "buffer": LEDGER}]
    )
    page.locator("#id_year").fill("2021")
    submit(page, "#id_file")

    # The columns: the usual names are guessed, the amount is the participant's choice.
    expect(page).to_have_url(re.compile(r"/plan/ledger/\d+/columns/$"))
    expect(page.locator("#id_account")).to_have_value("Tili")
    expect(page.locator("#id_account_name")).to_have_value("Tilin nimi")
    expect(page.locator("#id_date")).to_have_value("Tositepäivä")
    expect(page.locator("#id_amount")).to_have_value("")
    assert_accessible(page)
    page.locator("#id_amount").select_option("Laskun arvo")
    # A name the guess does not know says nothing of VAT: the participant says it.
    expect(page.get_by_label("Summat ovat ilman arvonlisäveroa")).not_to_be_checked()
    page.get_by_label("Summat ovat ilman arvonlisäveroa").check()
    submit(page, "#id_amount")

    # Read in the server (Celery runs eagerly there) and applied: no row was refused.
    expect(page).to_have_url(re.compile(r"/plan/ledger/\d+/$"))
    ledger_import = LedgerImport.objects.get()
    assert ledger_import.state == ImportState.APPLIED
    assert (ledger_import.rows_read, ledger_import.rows_bad) == (7, 0)
    assert ledger_import.other_years == {"2020": 1}
    assert ledger_import.total_eur == Decimal("529265.94")
    expect(page.locator("main")).to_contain_text(re.compile(r"529\s265,94"))
    assert_accessible(page)
    page.locator('main a[href$="/plan/ledger/accounts/"]').click()

    # The accounts, largest first, each with a category suggested from its name but none
    # chosen: a suggestion is stored only when the participant accepts it.
    expect(page).to_have_url(re.compile(r"/plan/ledger/accounts/$"))
    suggested = {
        "4340 Lämmitys": "Lämmitys",
        "4310 Siivouspalvelut": "Siivous",
        "4500 Elintarvikkeet": "Ruokapalvelut ja elintarvikkeet",
        # Internal charges are suggested to be left out.
        "4950 Sisäiset vuokrat": "Ei hankintaa: jätä pois",
    }
    for account, suggestion in suggested.items():
        choice = page.get_by_label(account, exact=True)
        expect(choice).to_have_value("")
        expect(choice).to_have_accessible_description(
            f"Ehdotus {suggestion} (ei tallenneta ennen kuin hyväksytte sen)"
        )
    assert not AccountMapping.objects.exclude(category=None).exists()
    assert not AccountMapping.objects.filter(excluded=True).exists()
    assert_accessible(page)
    page.get_by_role("button", name="Hyväksy tämän sivun ehdotukset").click()
    expect(page.get_by_label("4340 Lämmitys", exact=True)).to_have_value("heating")
    expect(page.get_by_label("4950 Sisäiset vuokrat", exact=True)).to_have_value("-")
    # Saved: the three suggestions and the one left out; nothing is left unmapped.
    expect(page.locator("main [role=status].alert-success")).to_be_visible()
    mappings = dict(
        AccountMapping.objects.filter(organisation=participant.organisation).values_list(
            "account", "category__code"
        )
    )
    assert mappings == {
        "4340": "heating",
        "4310": "cleaning",
        "4500": "catering_food",
        "4950": None,
    }
    assert AccountMapping.objects.get(account="4950").excluded

    # The analysis: the chart and the table, ranked by spend × factor.
    page.locator('.breadcrumb a[href$="/plan/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toimenpidesuunnitelma")
    plan = ActionPlan.objects.get(participation=participant)
    analysis = analyse(plan)
    assert (analysis.year, analysis.total_spend) == (2021, MAPPED)
    assert {row.category.code for row in analysis.rows} == {"heating", "cleaning", "catering_food"}
    top = analysis.ranked[0]
    assert top.category.code == "heating"
    chart = page.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(3)
    table = page.get_by_role(
        "table", name=re.compile("Hankintakategoriat päästöjen mukaan|Procurement categories")
    )
    first = table.locator("tbody tr").first
    expect(first.locator("td").first).to_have_text("1")
    expect(first.get_by_role("rowheader").get_by_role("link")).to_have_text(top.category.name)
    expect(first.get_by_role("rowheader")).to_contain_text("ostoreskontrasta")  # its source
    # 199 265,94 € × 0,608634 kg/€ (EPA 221330, district heat) = 121,3 t.
    expect(first.locator("td").nth(1)).to_have_text(re.compile(r"^199\s266$"))
    expect(first.locator("td").nth(4)).to_have_text("121,3")
    spend_card = page.locator("#analysis-heading ~ .row .card").first
    assert plain(spend_card.inner_text()).split("\n")[-1] == "279 266 €"
    assert_accessible(page)

    # A measure from the library for the largest category, and its potential.
    table.get_by_role("link", name=top.category.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(top.category.name)
    assert_accessible(page)
    page.locator("a[href^='?suggestion=']", has_text="Kaukolämmön päästöt").click()
    expect(page.locator("#id_title")).to_have_value(
        "Kaukolämmön päästöt mukaan toimittajan valintaan"
    )
    page.locator("#id_reduction_low").fill("10")
    page.locator("#id_reduction_high").fill("20")
    page.locator("#id_influence").fill("4")
    submit(page, "#id_influence")
    # 121,280 t × 10–20 % × 4/5 = 9,7–19,4 t, midpoint 14,6.
    measures = page.get_by_role("table", name=re.compile("Toimenpiteet|Measures"))
    expect(measures.get_by_role("cell", name="9,7–19,4 (14,6)")).to_be_visible()
    measure = ReductionMeasure.objects.get()
    assert (measure.category.code, measure.influence) == ("heating", 4)
    assert measure.suggestion.title_fi == "Kaukolämmön päästöt mukaan toimittajan valintaan"
    assert_accessible(page)

    # The pilot procurement, with a value typed the Finnish way and one milestone.
    page.locator('.breadcrumb a[href$="/plan/"]').click()
    page.locator('main a[href$="/plan/pilot/"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilottihankinta")
    assert_accessible(page)
    tender = timezone.localdate() + dt.timedelta(days=90)
    page.locator("#id_pilot-subject").fill("Kaukolämmön toimitus 2027–2030")
    page.locator("#id_pilot-category").select_option(label=top.category.name)
    page.locator("#id_pilot-state").select_option("preparation")
    page.locator("#id_pilot-estimated_value").fill("1 250 000,50")
    page.locator("#id_pilot-planned_tender_date").fill(tender.isoformat())
    page.locator("#id_milestones-0-title").fill("Markkinavuoropuhelu")
    page.locator("#id_milestones-0-due").fill((tender - dt.timedelta(days=30)).isoformat())
    submit(page, "#id_pilot-subject")
    expect(page.locator("#id_pilot-estimated_value")).to_have_value("1250000,5")
    expect(page.locator("#id_milestones-0-title")).to_have_value("Markkinavuoropuhelu")
    pilot = PilotProcurement.objects.get(plan=plan)
    assert pilot.estimated_value == Decimal("1250000.50")
    assert (pilot.category.code, pilot.state, pilot.planned_tender_date) == (
        "heating",
        "preparation",
        tender,
    )
    assert list(pilot.milestones.values_list("title", flat=True)) == ["Markkinavuoropuhelu"]
    assert_accessible(page)

    # The whole plan as a PDF, from the plan page.
    page.locator('.breadcrumb a[href$="/plan/"]').click()
    potential = page.get_by_role("table", name=re.compile("Toimenpiteet potentiaalin mukaan"))
    expect(potential).to_contain_text("Kaukolämmön päästöt mukaan toimittajan valintaan")
    with page.expect_download() as download:
        page.locator('a[href$="/plan/export/plan.pdf"]').click()
    content = download.value.path().read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(content) > 10_000
    assert csp_violations == []
