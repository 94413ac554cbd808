"""A participant enters spend and reads the analysis, in a real browser, with axe-core."""

import pytest
from playwright.sync_api import Page, expect

from academy.tests.programme import (
    ParticipationFactory,
    cohort_around_now,
    participant_with_password,
)
from applications.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def participant(live_server):
    cohort = cohort_around_now(-30)
    participation = ParticipationFactory(cohort=cohort, organisation__name="Esimerkkilän kaupunki")
    participant_with_password(participation, "osallistuja@esimerkkila.fi", PASSWORD, "Olli")
    return participation


def test_a_participant_enters_spend_and_reads_the_chart_and_the_table(
    page: Page, live_server, participant, assert_accessible, csp_violations
):
    sign_in(page, live_server.url, "osallistuja@esimerkkila.fi", PASSWORD)
    page.get_by_role("link", name="Avaa toimenpidesuunnitelma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toimenpidesuunnitelma")
    assert_accessible(page)
    page.get_by_role("link", name="Syötä hankintamenot kategorioittain").click()
    assert_accessible(page)
    page.get_by_role("group", name="Lämmitys").get_by_label("Menot (€)").fill("1 000 000")
    page.get_by_role("group", name="Siivous").get_by_label("Menot (€)").fill("kolme")
    page.get_by_role("button", name="Tallenna ja näytä analyysi").click()
    # The refused entry is summarised, focused, and what was typed stays.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("group", name="Lämmitys").get_by_label("Menot (€)")).to_have_value(
        "1 000 000"
    )
    assert_accessible(page)
    page.get_by_role("group", name="Siivous").get_by_label("Menot (€)").fill("250 000")
    page.get_by_role("button", name="Tallenna ja näytä analyysi").click()
    expect(page.get_by_role("img", name="Suurimmat kategoriat päästöjen mukaan")).to_be_visible()
    table = page.get_by_role("table", name="Hankintakategoriat päästöjen mukaan")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Lämmitys")
    assert_accessible(page)

    # Measures for the top category: from its page, with the potential back on the plan.
    table.get_by_role("link", name="Lämmitys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lämmitys")
    assert_accessible(page)
    page.locator("#id_kind").select_option("tender_criteria")
    page.get_by_label("Otsikko").fill("Kaukolämmön päästöt kilpailutukseen")
    page.get_by_label("Vähenemä, pieni arvio (%)").fill("10")
    page.get_by_label("Vähenemä, suuri arvio (%)").fill("20")
    page.get_by_label("Vaikutusmahdollisuus (1–5)").fill("5")
    page.get_by_role("button", name="Lisää toimenpide").click()
    # 1 000 000 € × 0,608634 kg/€ = 608,6 t; 10–20 % at full influence: 60,9–121,7 t.
    expect(page.get_by_role("cell", name="60,9–121,7 (91,3)")).to_be_visible()
    page.get_by_role("link", name="Toimenpidesuunnitelma").click()
    potential = page.get_by_role("table", name="Toimenpiteet potentiaalin mukaan")
    expect(potential).to_contain_text("Kaukolämmön päästöt kilpailutukseen")
    assert_accessible(page)
    assert csp_violations == []
