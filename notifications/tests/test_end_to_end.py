"""The outbox on real parts: Redis, Celery worker processes, an SMTP server, PostgreSQL.

Each test runs its own Redis server on a free port, so that it can stop it, and
an aiosmtpd server that records what arrives. The mail is queued by another
process, as the web server would, against the test database.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from notifications.models import EmailState, OutgoingEmail

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
NO_DISK = ["--save", "", "--appendonly", "no"]
WORKER_OPTIONS = ["--loglevel", "WARNING", "--without-mingle", "--without-gossip"]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="worker processes need a shared PostgreSQL"
    ),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


class Sink:
    """An SMTP server that keeps the key header of every message it accepts."""

    def __init__(self, delay: float = 0.0) -> None:
        self.keys: list[str] = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.startswith("X-Academy-Email-Key:"):
                self.keys.append(line.split(":", 1)[1].strip())
        return "250 OK"


@pytest.fixture
def sink():
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


class Redis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", *NO_DISK],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, 20, "Redis to start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def _answers(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0


@pytest.fixture
def redis():
    server = Redis(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def env(redis, sink) -> dict[str, str]:
    database = connection.settings_dict
    return {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "academy.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_RESULT_BACKEND": "",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
    }


@pytest.fixture
def workers(env):
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        worker = subprocess.Popen(
            [CELERY, "-A", "academy", "worker", "--pool", "solo", *WORKER_OPTIONS],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)


def django_script(env: dict[str, str], code: str) -> None:
    """Run code in a fresh Django process: the web server's side of the outbox."""
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def queue_mails(env: dict[str, str], count: int) -> None:
    django_script(
        env,
        f"""
from django.db import transaction
from django.utils import timezone
from notifications.services import queue_email
with transaction.atomic():
    for n in range({count}):
        queue_email("test_email", f"person{{n}}@example.fi",
                    {{"sent_by": "e2e", "sent_at": timezone.now()}}, f"e2e-{{n}}")
""",
    )


def sweep_stale(env: dict[str, str]) -> None:
    # As the sweep would see it once the rows have waited long enough.
    django_script(
        env,
        """
import datetime as dt
from django.utils import timezone
from notifications.services import requeue_stale
requeue_stale(timezone.now() + dt.timedelta(minutes=10))
""",
    )


def states() -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in OutgoingEmail.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def test_each_mail_arrives_exactly_once(env, sink, workers):
    workers()
    queue_mails(env, 30)
    wait_until(lambda: states().get(EmailState.SENT) == 30, what="30 mails sent")
    time.sleep(1)  # room for a duplicate to show up, if any would
    assert sorted(sink.keys) == sorted(f"e2e-{n}" for n in range(30))


def test_mail_queued_while_redis_is_down_arrives_after_it_is_back(env, sink, workers, redis):
    redis.stop()
    queue_mails(env, 10)  # the enqueue fails; the rows stay queued
    assert states() == {EmailState.QUEUED: 10}
    redis.start()
    workers()
    sweep_stale(env)
    wait_until(lambda: states().get(EmailState.SENT) == 10, what="10 mails sent")
    time.sleep(1)
    assert sorted(sink.keys) == sorted(f"e2e-{n}" for n in range(10))


def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(env, sink, workers):
    sink.delay = 0.1
    worker = workers()
    queue_mails(env, 40)
    wait_until(lambda: len(sink.keys) >= 10, what="the batch to be under way")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    workers()
    sweep_stale(env)  # picks up rows whose messages the killed worker held
    wait_until(
        lambda: states().get(EmailState.SENT, 0) + states().get(EmailState.SENDING, 0) == 40,
        what="every row sent or left uncertain",
    )
    time.sleep(1)
    sent = set(OutgoingEmail.objects.filter(state=EmailState.SENT).values_list("key", flat=True))
    assert len(sink.keys) == len(set(sink.keys)), "a mail arrived twice"
    assert sent <= set(sink.keys)
    # At most the one mail the worker was sending when it died is left for staff to check.
    assert states().get(EmailState.SENDING, 0) <= 1
