"""The programme page in a real browser: language switch, skip link, axe-core, CSP."""

import re

import pytest
from playwright.sync_api import Page, expect

from academy.tests.browser import staff_signs_in
from academy.tests.factories import CohortFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def programme(live_server):
    CohortFactory(name="Vähähiilisten hankintojen akatemia 2022", slug="2022")
    return live_server.url


def test_programme_page_switch_to_swedish_and_follow_the_skip_link(
    page: Page, programme, assert_accessible, csp_violations
):
    page.goto(programme + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=2, name="Aikataulu")).to_be_visible()
    expect(page.get_by_text("16.3.2022 klo 9.00–11.00 (Helsingin aikaa, UTC+2)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Svenska").click()
    expect(page).to_have_url(re.compile(r"/sv/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=2, name="Tidtabell")).to_be_visible()
    assert_accessible(page)

    # The first Tab press reaches the skip link, which becomes visible and moves focus to main.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert csp_violations == []


@pytest.mark.parametrize("path", ["/en/accessibility/", "/privacy/", "/accounts/login/"])
def test_other_public_pages_pass_axe(
    page: Page, programme, assert_accessible, csp_violations, path
):
    page.goto(programme + path)
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    assert csp_violations == []


def test_menu_collapses_and_opens_with_the_keyboard_on_a_narrow_screen(page: Page, programme):
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(programme + "/en/")
    toggle = page.get_by_role("button", name="Show or hide the menu")
    expect(page.get_by_role("link", name="Sign in")).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")


@pytest.fixture
def superuser_page(page: Page, live_server, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.fi", "pääkäyttäjä-salasana")
    staff_signs_in(page, live_server.url, admin, "pääkäyttäjä-salasana")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/academy/cohort/add/",
        "/admin/academy/organisation/add/",
        "/admin/academy/user/add/",
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/notifications/outgoingemail/",
        "/admin/notifications/emailtemplate/add/?purpose=test_email&language=fi",
        "/admin/notifications/reminderoffset/",
        "/admin/applications/application/",
        "/admin/applications/application/export/",
        "/admin/applications/review/add/",
        "/admin/applications/reviewcriterion/",
    ],
)
def test_admin_pages_work_under_the_content_security_policy(
    superuser_page: Page, live_server, csp_violations, path
):
    superuser_page.goto(live_server.url + path)
    expect(superuser_page.locator("#content")).to_be_visible()
    superuser_page.wait_for_load_state("networkidle")
    assert csp_violations == []
