"""Steps the browser tests share."""

from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from academy.tests.factories import give_second_factor, totp_code


def staff_signs_in(page: Page, base_url: str, user, password: str, language: str = "fi") -> None:
    """Sign in as staff the way staff do: e-mail and password, then the authenticator's code."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    give_second_factor(user)
    prefix = "" if language == "fi" else f"/{language}"
    page.goto(f"{base_url}{prefix}/accounts/login/?next={prefix}/admin/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.locator("input[name=code]").fill(totp_code())
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(f"{base_url}{prefix}/admin/")
