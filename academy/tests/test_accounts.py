"""Accounts through allauth: e-mail as the login, mandatory verification, sign-in by code."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from academy.models import User
from academy.tests.factories import UserFactory
from notifications.models import EmailState, OutgoingEmail

pytestmark = pytest.mark.django_db

PASSWORD = "Vähähiilinen-2022-hankinta"


def url(name: str, language: str = "fi") -> str:
    with translation.override(language):
        return reverse(name)


SIGNUP = {
    "name": "Hilla Hankkija",
    "email": "Hankinta@Esimerkkila.fi",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_signup_sends_a_verification_mail_and_keeps_the_person_signed_out(client, deliver_mail):
    with deliver_mail():
        response = client.post(url("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == url("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "hankinta@esimerkkila.fi"
    assert user.name == "Hilla Hankkija"
    assert user.preferred_language == "fi"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hankinta@esimerkkila.fi"]
    # Through the outbox, in the page's language, in the programme's name.
    row = OutgoingEmail.objects.get()
    assert (row.state, row.language, row.recipient) == (EmailState.SENT, "fi", user)
    assert "Vähähiilisten hankintojen akatemia" in mail.outbox[0].body
    # Unverified: signing in with the password leads back to verification, not in.
    client.post(url("account_login"), {"login": "hankinta@esimerkkila.fi", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_signing_up_on_the_swedish_pages_prefers_swedish(client):
    client.post(url("account_signup", "sv"), SIGNUP)
    assert User.objects.get().preferred_language == "sv"
    verification = OutgoingEmail.objects.get()
    assert verification.language == "sv"
    assert "Akademin för koldioxidsnåla upphandlingar" in verification.body_text


def test_signup_without_a_name_explains_and_keeps_what_was_typed(client):
    response = client.post(url("account_signup", "en"), {**SIGNUP, "name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert 'value="Hankinta@Esimerkkila.fi"' in response.content.decode()
    assert not User.objects.exists()


def test_profile_changes_name_and_language(client):
    user = UserFactory(email="oma@example.fi", name="Vanha Nimi")
    client.force_login(user)
    response = client.post(
        url("programme:profile"), {"name": "Uusi Nimi", "preferred_language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.preferred_language) == ("Uusi Nimi", "en")


def test_profile_refuses_an_unknown_language_and_keeps_the_name(client):
    user = UserFactory(email="oma@example.fi", name="Vanha Nimi")
    client.force_login(user)
    response = client.post(
        url("programme:profile"), {"name": "Uusi Nimi", "preferred_language": "de"}
    )
    assert response.status_code == 200
    assert "preferred_language" in response.context["form"].errors
    assert 'value="Uusi Nimi"' in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "fi"


def test_profile_is_for_signed_in_people_only(client):
    response = client.get(url("programme:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_verified_person_signs_in_with_e_mail_and_password(client):
    user = UserFactory(email="ostaja@example.fi", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        url("account_login"), {"login": "OSTAJA@example.fi", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_by_e_mailed_code(client, deliver_mail):
    user = UserFactory(email="koodi@example.fi")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with deliver_mail():
        response = client.post(url("account_request_login_code"), {"email": user.email})
    assert response.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    response = client.post(url("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_keeps_the_e_mail_typed_and_explains(client):
    UserFactory(email="ostaja@example.fi", password=PASSWORD)
    response = client.post(
        url("account_login", "en"), {"login": "ostaja@example.fi", "password": "wrong"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="ostaja@example.fi"' in html
    assert "The email address and/or password you specified are not correct." in html


def test_password_reset_sends_a_link(client, deliver_mail):
    UserFactory(email="unohtui@example.fi")
    with deliver_mail():
        response = client.post(url("account_reset_password"), {"email": "unohtui@example.fi"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("language", "heading"), [("fi", "Kirjaudu sisään"), ("sv", "Logga in"), ("en", "Sign In")]
)
def test_sign_in_page_is_translated_and_uses_the_site_layout(client, language, heading):
    html = client.get(url("account_login", language)).content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert 'class="visually-hidden-focusable skip-link"' in html
    assert "form-control" in html  # Bootstrap fields through crispy-forms


def test_failed_sign_ins_are_rate_limited(client):
    UserFactory(email="kohde@example.fi", password=PASSWORD)
    login = url("account_login", "en")
    for _ in range(5):
        client.post(login, {"login": "kohde@example.fi", "password": "wrong"})
    # Even the right password is refused until the limit has passed.
    response = client.post(login, {"login": "kohde@example.fi", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_verification_code_signs_in_and_continues_where_the_person_was_going(
    client, deliver_mail
):
    with deliver_mail():
        response = client.post(url("account_signup") + "?next=/apply/", SIGNUP)
    code_page = response["Location"]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    assert "Hei," in mail.outbox[-1].body
    assert "Terve palvelusta" not in mail.outbox[-1].body
    response = client.post(code_page, {"code": "AAAA-AAAA"})
    assert "_auth_user_id" not in client.session
    response = client.post(code_page, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/apply/"
    assert "_auth_user_id" in client.session
    assert EmailAddress.objects.get(email="hankinta@esimerkkila.fi").verified


def test_staff_land_in_the_admin_after_signing_in(client):
    from allauth.account.models import EmailAddress

    from academy.tests.factories import UserFactory, totp_code

    person = UserFactory(email="henkilo@example.fi", is_staff=True)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": "henkilo@example.fi", "password": "correct horse battery staple"},
    )
    # The password alone is not enough: the authenticator app's code comes next.
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post(response["Location"], {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
