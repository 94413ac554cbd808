"""The person's own data page in a real browser: accessible, and the request form works."""

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
