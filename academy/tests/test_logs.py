"""JSON log lines with the request's id, carried into the worker, and no personal data."""

import gzip
import http.server
import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading

import brotli
import pytest
import sentry_sdk
from django.db import connection

from academy.logs import JsonFormatter, RequestIdFilter, TextFormatter, redact, request_id
from notifications.tests.test_end_to_end import (  # noqa: F401 - fixtures
    CELERY,
    ROOT,
    WORKER_OPTIONS,
    env,
    redis,
    sink,
    wait_until,
)

pytestmark = pytest.mark.django_db


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("academy.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_json_line_leaves_out_addresses_and_secrets():
    try:
        raise ValueError("no invitation for liisa.virtanen@kunta.fi")
    except ValueError:
        exc_info = sys.exc_info()
    request_id.set("0123456789abcdef")
    line = JsonFormatter().format(
        record(
            "Sent to %s: /fi/invitations/%s/ and /calendar/%s.ics?key=%s",
            "Matti.Meikalainen@example.fi",
            "tOkEn-123",
            "feedsecret",
            "abc",
            exc_info=exc_info,
        )
    )
    parsed = json.loads(line)
    assert parsed["message"] == (
        "Sent to [e-mail]: /fi/invitations/[secret]/ and /calendar/[secret].ics?key=[secret]"
    )
    assert parsed["request_id"] == "0123456789abcdef"
    assert parsed["level"] == "WARNING"
    assert "liisa.virtanen" not in parsed["exception"]
    assert "ValueError: no invitation for [e-mail]" in parsed["exception"]
    request_id.set("-")


def test_the_text_format_redacts_too():
    formatter = TextFormatter("%(levelname)s [%(request_id)s] %(message)s")
    line = formatter.format(record("reset /accounts/password/reset/key/3-abc-def/ for a@b.fi"))
    assert line == "WARNING [-] reset /accounts/password/reset/key/[secret]/ for [e-mail]"


def test_every_response_names_its_request(client):
    fresh = client.get("/en/")
    assert len(fresh["X-Request-ID"]) == 32
    given = client.get("/en/", HTTP_X_REQUEST_ID="proxy-req-42a7")
    assert given["X-Request-ID"] == "proxy-req-42a7"
    odd = client.get("/en/", HTTP_X_REQUEST_ID="<script>")
    assert odd["X-Request-ID"] not in ("<script>", "-")


def test_a_logged_404_carries_the_request_id_and_not_the_token(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/en/invitations/salainen-kutsu-123/calendar/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["request_id"] == response["X-Request-ID"]
    assert "salainen" not in line["message"]
    assert line["message"] == "Not Found: /en/invitations/[secret]/calendar/"
    assert request_id.get() == "-"  # forgotten once the response has gone


@pytest.mark.worker
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_task_logs_with_the_id_of_the_request_that_queued_it(tmp_path, env):  # noqa: F811
    log_file = tmp_path / "worker.log"
    worker_env = {**env, "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
    with log_file.open("w") as output:
        worker = subprocess.Popen(
            [CELERY, "-A", "academy", "worker", "--pool", "solo", "--loglevel", "INFO"]
            + [option for option in WORKER_OPTIONS if option.startswith("--without")],
            cwd=ROOT,
            env=worker_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        script = (
            "import django; django.setup()\n"
            "from academy.logs import request_id\n"
            "from academy.tasks import ping\n"
            "request_id.set('req-from-web-0001')\n"
            "print(ping.delay('hei').get(timeout=60))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=worker_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.stdout.strip() == "hei", result.stderr

        def logged() -> list[dict]:
            lines = [text for text in log_file.read_text().splitlines() if text.startswith("{")]
            return [json.loads(text) for text in lines if "academy.ping" in text]

        wait_until(
            lambda: any("succeeded" in line["message"] for line in logged()), what="its line"
        )
        (done,) = [line for line in logged() if "succeeded" in line["message"]]
        assert done["request_id"] == "req-from-web-0001"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)


class Collector(http.server.BaseHTTPRequestHandler):
    """Stands in for Sentry: keeps each envelope it is sent."""

    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_errors_reach_sentry_when_configured_without_personal_data(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Collector.received = []
    script = (
        "import logging, django; django.setup()\n"
        "import sentry_sdk\n"
        "from academy.logs import request_id\n"
        "request_id.set('req-sentry-00042')\n"
        "try:\n"
        "    raise RuntimeError('no account for liisa@kunta.fi at /fi/invitations/abc123/')\n"
        "except RuntimeError:\n"
        "    logging.getLogger('academy.test').exception('Sending to liisa@kunta.fi failed')\n"
        "sentry_sdk.flush(10)\n"
    )
    reporting = {
        **os.environ,
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),
        "SENTRY_DSN": f"http://public@127.0.0.1:{server.server_port}/1",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=reporting,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    sent = b"".join(Collector.received).decode()
    assert "RuntimeError" in sent
    assert "req-sentry-00042" in sent
    assert "liisa" not in sent
    assert "abc123" not in sent
    assert "[e-mail]" in sent


def test_without_a_dsn_nothing_is_reported():
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/fi/apply/?email=matti%40kunta.fi", "/fi/apply/?email=[e-mail]"),
        ("no account for pirkko@äänekoski.fi", "no account for [e-mail]"),
        ("allauth:rl:login:ip:203.0.113.7", "allauth:rl:login:ip:[ip]"),
        ("from 2001:db8::1", "from [ip]"),
        (
            "at 19:45:01.123 on 2026-12-03T19:45:01+00:00",
            "at 19:45:01.123 on 2026-12-03T19:45:01+00:00",
        ),
    ],
)
def test_what_else_is_left_out_and_what_is_not(text, shown):
    assert redact(text) == shown
