"""Staff accounts: the admin's login is allauth's, a second factor comes before any page,
and staff sessions are short."""

import datetime as dt
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from academy.middleware import STARTED
from academy.tests.factories import TOTP_SECRET, UserFactory, totp_code
from programme.accounts import MFAAdapter

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def staff():
    return verified(UserFactory(email="henkilosto@example.fi", is_staff=True))


def test_the_admin_login_page_sends_people_to_the_sign_in_page(client, staff):
    response = client.get("/admin/login/?next=/admin/academy/cohort/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Facademy%2Fcohort%2F"
    # Its own form no longer signs anyone in.
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_for_a_staff_account_are_limited(client, staff):
    for _attempt in range(5):
        response = client.post("/en/accounts/login/", {"login": staff.email, "password": "väärä"})
        assert response.status_code == 200
    response = client.post("/en/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_the_password_alone_does_not_open_the_admin(client, staff):
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_sign_in_code_by_e_mail_is_not_a_second_factor(client, staff, deliver_mail):
    with deliver_mail():
        client.post(reverse("account_request_login_code"), {"email": staff.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_a_used_code_does_not_open_a_second_session(client, staff):
    code = totp_code()
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" in client.session
    client.logout()
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_without_a_second_factor_see_nothing_until_they_set_one_up(client):
    person = verified(UserFactory(email="uusi@example.fi", is_staff=True, second_factor=False))
    client.force_login(person)
    for path in ("/admin/", "/admin/academy/cohort/", "/", "/profile/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path
    # Setting it up (after confirming the password) is allowed.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": "123456"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=person).exists()
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_participants_need_no_second_factor_but_may_set_one_up(client):
    person = verified(UserFactory(email="osallistuja@example.fi"))
    client.force_login(person)
    assert client.get("/profile/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200


def test_staff_cannot_remove_their_only_second_factor(client, staff):
    client.force_login(staff)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_staff_sessions_end_after_half_an_hour_without_a_request(client, staff):
    participant = verified(UserFactory(email="osallistuja@example.fi"))
    client.force_login(staff)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 30 * 60
    client.force_login(participant)
    client.get("/profile/")
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_a_staff_session_ends_ten_hours_after_signing_in_however_busy(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[STARTED] = int(time.time() - dt.timedelta(hours=10, minutes=1).total_seconds())
    session.save()
    response = client.get("/admin/academy/cohort/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Facademy%2Fcohort%2F"
    assert "_auth_user_id" not in client.session


def test_the_authenticator_secret_is_stored_encrypted_and_survives_a_key_rotation(staff, settings):
    stored = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP).data["secret"]
    assert TOTP_SECRET not in stored
    assert MFAAdapter().decrypt(stored) == TOTP_SECRET
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "x" * 60
    assert MFAAdapter().decrypt(stored) == TOTP_SECRET


def test_staff_see_their_sessions_and_can_end_the_others(client, staff):
    other = type(client)()
    for browser in (client, other):
        browser.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
        browser.post("/accounts/2fa/authenticate/", {"code": totp_code()})
        cache.clear()  # a code is taken once: the second browser signs in as if a moment later
    url = reverse("usersessions_list")
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    client.post(url, {"action": "logout"})
    assert other.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 200


def test_the_admin_s_pages_of_allauth_s_models_also_wait_for_the_second_factor(client):
    person = UserFactory(
        email="uusi2@example.fi", is_staff=True, is_superuser=True, second_factor=False
    )
    client.force_login(person)
    for path in (
        "/admin/account/emailaddress/",
        "/admin/usersessions/usersession/",
        "/admin/mfa/authenticator/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path
