"""The analysis on a phone: the page keeps its width, the chart and the table scroll sideways,
each in a region the keyboard reaches, and axe-core finds nothing to fault."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from academy.tests.programme import (
    ParticipationFactory,
    cohort_around_now,
    participant_with_password,
)
from applications.tests.test_browser import sign_in
from plans.models import CategorySpend, ProcurementCategory
from plans.services import plan as plan_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def largest_spend(live_server):
    """Ten categories of a large city's spend, 250 000 000 € and down."""
    participation = ParticipationFactory(
        cohort=cohort_around_now(-30), organisation__name="Esimerkkilän kaupunki"
    )
    participant_with_password(participation, "osallistuja@esimerkkila.fi", PASSWORD, "Olli")
    plan = plan_service.plan_for(participation)
    categories = ProcurementCategory.objects.filter(is_active=True).order_by("position")[:10]
    for index, category in enumerate(categories):
        CategorySpend.objects.create(
            plan=plan,
            year=plan.spend_year,
            category=category,
            amount_eur=Decimal(250_000_000 - index * 1_000_000),
        )
    return participation


def scrolls_sideways(region) -> bool:
    return region.evaluate("element => element.scrollWidth > element.clientWidth")


def test_on_a_phone_the_chart_and_the_table_scroll_and_the_page_keeps_its_width(
    page: Page, live_server, largest_spend, assert_accessible, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "osallistuja@esimerkkila.fi", PASSWORD)
    page.goto(f"{live_server.url}/workspace/{largest_spend.pk}/plan/")
    chart = page.get_by_role("region", name="Suurimmat kategoriat päästöjen mukaan")
    table = page.get_by_role("region", name="Hankintakategoriat päästöjen mukaan")
    expect(chart.get_by_role("img")).to_be_visible()
    expect(table.get_by_role("table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for region in (chart, table):
        assert scrolls_sideways(region)
        region.focus()
        expect(region).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("element => element.scrollLeft > 0", arg=region.element_handle())
    assert_accessible(page)
    assert csp_violations == []
