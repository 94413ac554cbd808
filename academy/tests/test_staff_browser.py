"""A new staff member's first sign-in in a real browser: the second factor is set up first."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from academy.tests.factories import UserFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "henkilökunnan-salasana-2022"


def test_new_staff_set_up_an_authenticator_app_then_sign_in_with_it(
    page: Page, live_server, assert_accessible, csp_violations
):
    person = UserFactory(
        email="uusi.henkilo@example.fi", is_staff=True, second_factor=False, password=PASSWORD
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    base = live_server.url + "/en"
    page.goto(base + "/admin/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # Why, then the password once more, then the authenticator app's set-up page.
    expect(page.get_by_text("Programme staff sign in with a second factor")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    assert_accessible(page)
    page.goto(base + "/admin/")
    expect(page.get_by_role("heading", name="Programme administration")).to_be_visible()

    # Next time: the password, then the code the app shows.
    page.context.clear_cookies()
    page.goto(base + "/admin/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Programme administration")).to_be_visible()
    assert csp_violations == []


def test_staff_add_a_security_key_and_sign_in_with_it(
    page: Page, live_server, assert_accessible, csp_violations
):
    """WebAuthn in Chromium's virtual authenticator: the key a staff member adds after
    their authenticator app is then asked for at sign-in instead of the app's code."""
    person = UserFactory(email="avain@example.fi", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    base = live_server.url + "/en"
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Programme administration")).to_be_visible()

    page.goto(base + "/accounts/2fa/webauthn/add/")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add").click()
    expect(
        page.get_by_role("heading", name="Recovery Codes").or_(
            page.get_by_role("heading", name="Security Keys")
        )
    ).to_be_visible()
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.WEBAUTHN).exists()

    # Next time: the password, then the key instead of the app's code.
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_role("heading", name="Programme administration")).to_be_visible()
    assert csp_violations == []
