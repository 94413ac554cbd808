"""Redis down or hanging: sign-in, sign-up, codes and password reset keep working with
their rate limits, and publishing a task gives up instead of holding the request."""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.urls import reverse
from django.utils import translation

from academy.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Vähähiilinen-2022-hankinta"


class Hanging:
    """A server that accepts connections and never answers, like a stuck Redis."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                accepted, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(accepted)

    def close(self) -> None:
        self.listener.close()
        for accepted in self.accepted:
            accepted.close()


@pytest.fixture
def hanging():
    server = Hanging()
    yield server
    server.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def redis_cache(settings, port: int) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        },
    }


def url(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


def sign_in_pages_work(client) -> None:
    person = UserFactory(email="ostaja@example.fi", password=PASSWORD)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    for name in ("account_login", "account_signup", "account_request_login_code"):
        assert client.get(url(name)).status_code == 200, name
    response = client.post(url("account_reset_password"), {"email": person.email})
    assert response.status_code == 302
    response = client.post(url("account_request_login_code"), {"email": person.email})
    assert response.status_code == 302
    client.logout()
    response = client.post(url("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def failed_sign_ins_are_still_limited(client) -> None:
    client.logout()
    UserFactory(email="kohde@example.fi", password=PASSWORD)
    login = url("account_login")
    for _ in range(5):
        client.post(login, {"login": "kohde@example.fi", "password": "wrong"})
    response = client.post(login, {"login": "kohde@example.fi", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_redis_down_signing_in_works_and_is_still_rate_limited(client, settings, caplog):
    redis_cache(settings, closed_port())
    sign_in_pages_work(client)
    failed_sign_ins_are_still_limited(client)
    assert "Cache unavailable" in caplog.text
    # The limits were kept where every web process sees them.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM academy_cache_fallback")
        assert cursor.fetchone()[0] > 0


def test_with_redis_hanging_signing_in_works_and_waits_once(client, settings, hanging):
    redis_cache(settings, hanging.port)
    sign_in_pages_work(client)
    failed_sign_ins_are_still_limited(client)
    # After the first timeout the cache leaves Redis alone for a while.
    assert len(hanging.accepted) == 1


def test_publishing_to_a_hanging_broker_gives_up_and_leaves_the_mail_queued(hanging):
    script = (
        "import django; django.setup(); "
        "from notifications.services import enqueue; enqueue([1]); print('returned')"
    )
    env = {
        **os.environ,
        "DEBUG": "true",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{hanging.port}/0",
        "CELERY_RESULT_BACKEND": "",
        "BROKER_SOCKET_TIMEOUT": "1",
    }
    # Without timeouts the publish waits for ever and this runs into its own limit.
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "returned", result.stderr
    assert "Could not enqueue 1 e-mails; the sweep will retry." in result.stderr
    assert hanging.accepted
