"""A smoke journey against the built image, as production runs it.

Starts the image's web process (gunicorn, DEBUG off, static files collected into the
image) and a Celery worker in two containers on the host's network, against a fresh
PostgreSQL database and a Redis database of the host, with mail going to an SMTP
sink this script runs. Then, as a visitor and a participant would:

1. the programme page and its (hashed) stylesheet, and ``/healthz``;
2. signing up: the verification mail goes through the outbox and the worker to the
   sink, and its code signs the person in; they submit an application (the demo's
   draft, its window opened for the smoke) and its confirmation reaches the sink;
3. the demo participant signs in and downloads the action plan's PDF, drawn with the
   print stylesheet (the web container logs no stylesheet it could not load).

Prints each step's time and exits non-zero at the first failure.

    .venv/bin/python deploy/smoke.py [IMAGE]       # default localhost/academy:latest

Needs Podman (deploy/containers.conf), PostgreSQL at 127.0.0.1:5432 with the
``academy`` role (CREATEDB), Redis at 127.0.0.1:6379, and aiosmtpd (requirements-dev).
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from email import message_from_string, policy
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
PORT = 8766
DATABASE = "academy_smoke"
REDIS = "redis://127.0.0.1:6379/12"
CONTAINERS = ("academy-smoke-web", "academy-smoke-worker")
OPEN_A_DRAFT = """
import datetime as dt
from django.utils import timezone
from academy.models import Cohort, User
from applications.models import Application
now = timezone.now()
Cohort.objects.update(
    application_opens=now - dt.timedelta(days=1), application_closes=now + dt.timedelta(days=30)
)
person = User.objects.get(email="{email}")
draft = Application.objects.get(state="draft")
Application.objects.filter(pk=draft.pk).update(applicant=person, contact_email=person.email)
print(draft.public_id)
"""


class Sink:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own arguments
        ["podman", *args],  # noqa: S607 - Podman from the PATH
        capture_output=True,
        text=True,
        check=check,
        env={**os.environ, "CONTAINERS_CONF": str(ROOT / "deploy" / "containers.conf")},
    )


class Browser:
    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), data

    def get(self, path: str):
        return self.request("GET", path)

    def form(self, path: str, fields: dict):
        _status, _headers, page = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no form at {path}"
        fields = {"csrfmiddlewaretoken": token.group(1).decode(), **fields}
        return self.request("POST", path, fields)


def step(name: str, started: float) -> float:
    now = time.monotonic()
    print(f"  {name:<60} {now - started:6.1f} s", flush=True)
    return now


def main() -> None:
    image = sys.argv[1] if len(sys.argv) > 1 else "localhost/academy:latest"
    begun = started = time.monotonic()
    psql = ["psql", "-h", "127.0.0.1", "-U", "academy", "-d", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=True)  # noqa: S603
    subprocess.run([*psql, f"CREATE DATABASE {DATABASE}"], check=True)  # noqa: S603
    subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True, capture_output=True)  # noqa: S607
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://academy:academy@127.0.0.1:5432/{DATABASE}",
        "CACHE_URL": REDIS,
        "CELERY_BROKER_URL": REDIS,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
    }
    run = ["run", "--rm", "--network", "host"] + [f"--env={k}={v}" for k, v in env.items()]
    for name in CONTAINERS:
        podman("rm", "--force", name, check=False)
    try:
        podman(*run, image, "python", "manage.py", "migrate", "-v0")
        demo = podman(*run, image, "python", "manage.py", "load_demo").stdout
        password = re.search(r"osallistuja@example\.fi / (\S+)", demo).group(1)
        started = step("database migrated and the demo loaded in a container", started)
        detached = ["run", "--detach", "--network", "host", *run[4:]]
        podman(
            *detached,
            "--name",
            CONTAINERS[0],
            image,
            "gunicorn",
            "academy.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
        )
        podman(*detached, "--name", CONTAINERS[1], image, "celery", "-A", "academy", "worker")
        for _ in range(100):
            try:
                if Browser().get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        started = step("web and worker containers answering /healthz", started)

        visitor = Browser()
        status, _headers, page = visitor.get("/")
        assert status == 200, status
        stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "no hashed stylesheet on the programme page"
        assert visitor.get(stylesheet.group(1).decode())[0] == 200
        started = step("programme page and its collected stylesheet", started)

        person = Browser()
        email = "uusi.hakija@example.fi"
        status, headers, _ = person.form(
            "/en/accounts/signup/",
            {
                "name": "Uusi Hakija",
                "email": email,
                "password1": "Vähähiilinen-2027-hankinta",
                "password2": "Vähähiilinen-2027-hankinta",
            },
        )
        assert status == 302, status
        for _ in range(150):
            if any(email in message for message in sink.messages):
                break
            time.sleep(0.2)
        (raw,) = [message for message in sink.messages if email in message]
        parsed = message_from_string(raw, policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",)).get_content()
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text, re.MULTILINE)
        assert code, "no verification code in the mail"
        code_page = headers.get("Location", "/en/accounts/confirm-email/")
        status, headers, _ = person.form(code_page, {"code": code.group(1)})
        assert status == 302, status
        assert person.get("/en/profile/")[0] == 200
        started = step("signed up; the verification mail reached the sink; signed in", started)

        # The demo's 2022 window has closed: open it for the smoke, and give the demo's
        # unsubmitted draft to the person who just signed up.
        opened = podman(
            *run,
            image,
            "python",
            "manage.py",
            "shell",
            "-c",
            OPEN_A_DRAFT.format(email=email),
        ).stdout
        public_id = opened.strip().splitlines()[-1]
        detail = f"/en/applications/{public_id}/"
        _, _, page = person.get(detail)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, headers, _ = person.request(
            "POST", f"{detail}submit/", {"csrfmiddlewaretoken": token}
        )
        assert status == 302, status
        _, _, page = person.get(detail)
        assert b"has been submitted" in page, page[-3000:]
        for _ in range(150):
            if sum(email in message for message in sink.messages) >= 2:
                break
            time.sleep(0.2)
        assert sum(email in message for message in sink.messages) == 2, "no confirmation mail"
        started = step("an application submitted; its confirmation reached the sink", started)

        participant = Browser()
        status, _, _ = participant.form(
            "/en/accounts/login/", {"login": "osallistuja@example.fi", "password": password}
        )
        assert status == 302, status
        status, headers, _ = participant.get("/en/workspace/")
        workspace = re.search(r"/workspace/(\d+)/", headers.get("Location", ""))
        assert workspace, headers
        status, headers, pdf = participant.get(
            f"/en/workspace/{workspace.group(1)}/plan/export/plan.pdf"
        )
        assert status == 200, status
        assert pdf.startswith(b"%PDF")
        logs = podman("logs", CONTAINERS[0]).stderr
        assert "Failed to load stylesheet" not in logs, logs[-2000:]
        started = step(f"the plan PDF ({len(pdf) // 1024} KB), drawn with its stylesheet", started)
        print(f"smoke journey passed in {time.monotonic() - begun:.1f} s")
    finally:
        for name in CONTAINERS:
            podman("rm", "--force", name, check=False)
        smtp.stop()
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=False)  # noqa: S603


if __name__ == "__main__":
    main()
