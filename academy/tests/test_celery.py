"""A task goes through a real broker to a real worker process and its result comes back."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = pytest.mark.worker
# One worker process that talks to nobody but the broker.
QUIET = ["--without-mingle", "--without-gossip", "--loglevel", "INFO"]


@pytest.fixture
def client_env(monkeypatch):
    # Celery lets these variables override what a client is built with.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)


def start_worker(queue: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "academy", "worker", "--pool", "solo", "--queues", queue, *QUIET],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def round_trip(client: Celery, worker: subprocess.Popen, queue: str) -> None:
    try:
        payload = uuid.uuid4().hex
        result = client.send_task("academy.ping", args=[payload], queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        print(output)  # shown by pytest when the test fails
    assert answer == payload
    assert "academy.ping" in output


def test_round_trip_through_the_embedded_file_system_broker(tmp_path, client_env):
    queue = f"round-trip-{uuid.uuid4().hex}"
    # The worker runs on the project's own settings with an empty VAR_DIR, and
    # they must make the broker's and the results' folders themselves.
    worker = start_worker(
        queue, VAR_DIR=str(tmp_path), CELERY_BROKER_URL="", CELERY_RESULT_BACKEND=""
    )
    broker, results = tmp_path / "celery" / "broker", tmp_path / "celery" / "results"
    wait_for(results)
    client = Celery(
        "test-client",
        broker="filesystem://",
        backend=f"file://{results}",
        broker_transport_options={
            "data_folder_in": str(broker),
            "data_folder_out": str(broker),
            "control_folder": str(tmp_path / "celery" / "control"),
        },
    )
    round_trip(client, worker, queue)


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
    reason="CELERY_BROKER_URL does not name a Redis server (CI sets it)",
)
def test_round_trip_through_redis():
    url = os.environ["CELERY_BROKER_URL"]
    queue = f"round-trip-{uuid.uuid4().hex}"
    worker = start_worker(queue, CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url)
    round_trip(Celery("test-client", broker=url, backend=url), worker, queue)
