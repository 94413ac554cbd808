"""Headers and methods every response answers with, whoever asks."""

import pytest
from django.test import RequestFactory

from academy.context_processors import site
from academy.tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cohort():
    return CohortFactory(slug="2022")


def test_trace_is_refused_everywhere(client):
    for path in ("/", "/accounts/login/", "/admin/", "/ei-ole/"):
        response = client.generic("TRACE", path)
        assert response.status_code == 405, path
        assert b"TRACE" not in response.content


def test_every_response_says_what_the_browser_may_not_use(client):
    policy = client.get("/")["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "publickey-credentials-get=(self)" in policy
    assert "Permissions-Policy" in client.get("/ei-ole/")


def test_signed_in_pages_are_not_stored_and_public_ones_may_be(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(UserFactory())
    for path in ("/", "/profile/"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control, path
        assert "private" in cache_control, path


def test_staff_pages_are_not_stored(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "no-store" in client.get("/admin/academy/cohort/")["Cache-Control"]


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/", "/ei-ole/"])
def test_a_missing_page_s_language_links_stay_on_the_site(path):
    request = RequestFactory().get("/")
    request.path = request.path_info = path
    links = {link["code"]: link["url"] for link in site(request)["language_links"]}
    assert links == {"fi": "/", "sv": "/sv/", "en": "/en/"}


def test_a_missing_page_is_a_404_with_links_home(client):
    response = client.get("/ei-ole/")
    assert response.status_code == 404
    assert 'href="/sv/"' in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "a%00=1", "x=1&x=2%00", "e=%00"])
def test_a_nul_character_in_the_address_is_a_bad_request(client, query):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/", "/admin/academy/organisation/"):
        assert client.get(f"{path}?{query}").status_code == 400
