"""Production settings, checked in a fresh interpreter with a clean environment."""

import os
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
            ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SECURE_", "DJANGO_ALLOW")
        )
    }
    clean.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="academy.settings", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


LOAD_SETTINGS = ["-c", "import django; django.setup()"]


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    result = run(LOAD_SETTINGS, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "weak", ["short", "django-insecure-development-key-only-used-when-debug-is-on"]
)
def test_debug_off_with_a_weak_secret_key_refuses_to_start(tmp_path, weak):
    result = run(LOAD_SETTINGS, tmp_path, SECRET_KEY=weak)
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
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_secure_cookies_hsts_and_tls_redirect(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = run(["-c", script], tmp_path, SECRET_KEY=STRONG_KEY)
    assert result.stdout.split() == ["True", "True", "True", "31536000", "None"]
    behind_proxy = run(["-c", script], tmp_path, SECRET_KEY=STRONG_KEY, SECURE_PROXY_SSL_HEADER="1")
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in behind_proxy.stdout


def test_language_and_time_zone_settings(settings):
    assert settings.LANGUAGE_CODE == "fi"
    assert [code for code, _ in settings.LANGUAGES] == ["fi", "sv", "en"]
    assert settings.TIME_ZONE == "Europe/Helsinki"
    assert settings.USE_TZ is True
