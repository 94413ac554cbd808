"""The person's own data page in a real browser: accessible, and the request form works."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from academy.models import ErasureRequest
from academy.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_finds_their_data_and_asks_for_erasure(
    page: Page, live_server, assert_accessible, csp_violations
):
    person = UserFactory(email="hakija@esimerkkila.fi", password="hakijan-salasana-2022")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    base = live_server.url + "/en"
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill("hakijan-salasana-2022")
    page.get_by_role("button", name="Sign In").click()
    page.goto(base + "/profile/")
    assert_accessible(page)
    page.get_by_role("link", name="Download a copy, or ask for erasure").click()
    expect(page.get_by_role("heading", level=1, name="Your personal data")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download a copy (zip)").click()
    assert info.value.suggested_filename.startswith("my-data-")
    page.get_by_label("What should be erased, and why (optional)").fill("En osallistu enää.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("What should be erased, and why (optional)")).to_have_value(
        "En osallistu enää."
    )
    assert_accessible(page)
    page.get_by_label("I ask for my personal data to be erased.", exact=False).check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request has been sent.")).to_be_visible()
    assert ErasureRequest.objects.filter(user=person).count() == 1
    assert csp_violations == []


def test_in_finnish_with_the_keyboard_alone(page: Page, live_server, assert_accessible):
    person = UserFactory(email="nappaimisto@esimerkkila.fi", password="hakijan-salasana-2022")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill("hakijan-salasana-2022")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(live_server.url + "/profile/data/")
    expect(page.get_by_role("heading", level=1, name="Henkilötietonne")).to_be_visible()
    assert_accessible(page)
    reason = page.get_by_label("Mitä pitäisi poistaa ja miksi (vapaaehtoinen)")
    reason.focus()
    page.keyboard.type("Tilia ei enää tarvita.")
    page.keyboard.press("Tab")  # to the confirmation, left unticked
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Lähetä pyyntö")).to_be_focused()
    page.keyboard.press("Enter")
    expect(reason).to_have_value("Tilia ei enää tarvita.")
    assert not ErasureRequest.objects.exists()
    assert_accessible(page)
    confirm = page.get_by_label("Pyydän henkilötietojeni poistamista.", exact=False)
    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Pyyntönne on lähetetty.")).to_be_visible()
    assert ErasureRequest.objects.filter(user=person).count() == 1
