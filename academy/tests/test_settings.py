"""Production settings, checked in a fresh interpreter with a clean environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-production-secret-that-is-long-enough-0123456789"


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            (
                "DEBUG",
                "SECRET_KEY",
                "SITE_URL",
                "DATABASE_URL",
                "ALLOWED_HOSTS",
                "SECURE_",
                "DJANGO_ALLOW",
            )
        )
    }
    clean.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="academy.settings", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


LOAD_SETTINGS = ["-c", "import django; django.setup()"]
SITE = "https://akatemia.example.fi"


def test_debug_off_without_site_url_refuses_to_start(tmp_path):
    result = run(LOAD_SETTINGS, tmp_path, SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "bad", ["akatemia.example.fi", "ftp://akatemia.example.fi", "https://x.fi/akatemia", "https://"]
)
def test_a_site_url_that_is_no_site_address_refuses_to_start(tmp_path, bad):
    result = run(LOAD_SETTINGS, tmp_path, DEBUG="true", SITE_URL=bad)
    assert result.returncode != 0
    assert "SITE_URL must be an address such as" in result.stderr


def test_links_in_mails_use_site_url(tmp_path):
    script = (
        "import django; django.setup(); from academy.links import absolute_url; "
        "from workshops.calendar import host; "
        "print(absolute_url('programme:programme'), host())"
    )
    result = run(["-c", script], tmp_path, DEBUG="true", SITE_URL="http://127.0.0.1:8123/")
    assert result.stdout.split() == ["http://127.0.0.1:8123/", "127.0.0.1"], result.stderr


@pytest.mark.parametrize(
    ("site", "hosts", "warnings"),
    [
        ("http://akatemia.example.fi", "akatemia.example.fi", ["academy.W001"]),
        ("https://akatemia.example.fi", "muu.example.fi", ["academy.W002"]),
        ("https://akatemia.example.fi:8443", ".example.fi", []),
    ],
)
def test_check_deploy_asks_for_an_https_site_url_on_an_allowed_host(
    tmp_path, site, hosts, warnings
):
    result = run(
        ["manage.py", "check", "--deploy"],
        tmp_path,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS=hosts,
        SITE_URL=site,
    )
    found = sorted(set(re.findall(r"academy\.W\d+", result.stdout + result.stderr)))
    assert found == warnings, result.stdout + result.stderr


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    result = run(LOAD_SETTINGS, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "weak", ["short", "django-insecure-development-key-only-used-when-debug-is-on"]
)
def test_debug_off_with_a_weak_secret_key_refuses_to_start(tmp_path, weak):
    result = run(LOAD_SETTINGS, tmp_path, SECRET_KEY=weak, SITE_URL=SITE)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_debug_on_starts_without_a_secret_key(tmp_path):
    result = run(LOAD_SETTINGS, tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="akatemia.example.fi",
        SITE_URL=SITE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_secure_cookies_hsts_and_tls_redirect(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = run(["-c", script], tmp_path, SECRET_KEY=STRONG_KEY, SITE_URL=SITE)
    assert result.stdout.split() == ["True", "True", "True", "31536000", "None"]
    behind_proxy = run(
        ["-c", script], tmp_path, SECRET_KEY=STRONG_KEY, SITE_URL=SITE, SECURE_PROXY_SSL_HEADER="1"
    )
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in behind_proxy.stdout


def test_language_and_time_zone_settings(settings):
    assert settings.LANGUAGE_CODE == "fi"
    assert [code for code, _ in settings.LANGUAGES] == ["fi", "sv", "en"]
    assert settings.TIME_ZONE == "Europe/Helsinki"
    assert settings.USE_TZ is True
