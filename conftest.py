"""Test-wide setup: settings for the test run, the browser, and the accessibility check."""

import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate-limit counters live in the cache: no test inherits another's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the test's own process, as soon as they are sent."""
    from academy.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=False, task_eager_propagates=False)


@pytest.fixture
def deliver_mail(eager_celery, django_capture_on_commit_callbacks):
    """Wrap a request: the outbox mails it queues are delivered to mail.outbox on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # A real hasher costs a third of a second per password, by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def chromium_path() -> str | None:
    """The system Chromium (Debian's package), or None to use Playwright's own browser."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {
        **browser_type_launch_args,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
    if path := chromium_path():
        args["executable_path"] = path
    return args


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page and fail with its report when it finds any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Content Security Policy violations the browser reports while the test runs."""
    reported: list[str] = []
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reported


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    where = database.get("HOST") or database["NAME"]
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({where})",
        f"celery broker: {broker}",
        f"browser: {chromium_path() or 'Playwright chromium'}",
    ]


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    # Uploads of one test never reach another test, nor the developer's own files.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _default_language():
    # A request to /en/ through the test client leaves English active in the test's
    # thread; every test starts from the site's default language instead.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
