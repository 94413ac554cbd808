"""Outbox benchmark: prints figures, asserts nothing.

1. Delivery: queues N mails through the outbox and times a real Celery worker
   delivering them over SMTP into a local sink, next to a bare smtplib loop that
   sends the same N messages to the same sink in the same run.
2. Sweep: the number of SQL queries one reminder sweep makes with N due reminders.

Run against PostgreSQL and Redis (the database is emptied of bench rows first):

    DATABASE_URL=postgres://academy:academy@127.0.0.1:5432/academy_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 \\
    .venv/bin/python bench/outbox.py [N] [worker concurrency]
"""

import datetime as dt
import logging
import os
import smtplib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DEBUG", "true")


class Sink:
    def __init__(self) -> None:
        self.count = 0
        self.first = self.last = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.last = time.perf_counter()
            self.first = self.first or self.last
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bare_smtplib(port: int, messages: list) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as server:
        for message in messages:
            server.send_message(message.message())
    return time.perf_counter() - started


def wait_for(sink: Sink, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while sink.count < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {sink.count} of {count} mails arrived in {seconds} s")
        time.sleep(0.05)


def main(count: int, concurrency: int) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from academy.celery import app
    from notifications.models import OutgoingEmail
    from notifications.services import as_message, queue_email, send_drafts

    if not app.conf.broker_url.startswith("redis"):
        raise SystemExit("Set CELERY_BROKER_URL to a Redis server.")
    call_command("migrate", verbosity=0)
    OutgoingEmail.objects.filter(key__startswith="bench-").delete()
    app.control.purge()

    # Staff send a batch of drafts (as with decision mails): delivery is enqueued
    # in batches once the transaction commits.
    context = {"sent_by": "bench", "sent_at": timezone.now()}
    started = time.perf_counter()
    with transaction.atomic():
        rows = [
            queue_email("test_email", f"person{n}@example.fi", context, f"bench-{n}", review=True)
            for n in range(count)
        ]
        send_drafts(OutgoingEmail.objects.filter(key__startswith="bench-"))
    queued = time.perf_counter() - started

    options = ["--concurrency", str(concurrency), "--without-mingle", "--without-gossip"]
    worker = subprocess.Popen(  # noqa: S603 - our own worker, with our own arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "academy",
            "worker",
            "--loglevel",
            "WARNING",
            *options,
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        wait_for(sink, count, seconds=1800)
        # From the first mail to arrive to the last: the worker's start-up is not counted.
        delivered = sink.last - sink.first
    finally:
        worker.terminate()
        worker.wait(60)

    bare = bare_smtplib(controller.port, [as_message(row) for row in rows])
    controller.stop()

    rate = count / delivered
    print(f"mails:                         {count}")
    print(f"queue (render, store, enqueue): {queued:7.2f} s  {count / queued:7.0f} mails/s")
    print(f"outbox worker, {concurrency} processes: {delivered:8.2f} s  {rate:7.0f} mails/s")
    print(f"bare smtplib loop:             {bare:8.2f} s  {count / bare:7.0f} mails/s")
    print(f"outbox / bare:                 {bare / delivered:8.2f}")
    sweep_queries(count, connection)


def sweep_queries(count: int, connection) -> None:
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from academy.models import HELSINKI, Cohort, Membership, Organisation, User
    from notifications import reminders
    from notifications.models import OffsetDirection, OutgoingEmail

    class Everyone(reminders.ReminderRule):
        name = "bench_everyone"
        label = "bench"
        purpose = "test_email"
        default_offsets = ((1, OffsetDirection.BEFORE),)

        def objects(self, cohort):
            return Membership.objects.filter(organisation__name="bench").select_related("user")

        def date(self, obj):
            return KICKOFF

        def recipients(self, obj):
            return [reminders.Recipient(obj.user.email, obj.user)]

        def context(self, obj):
            return {"sent_by": "bench", "sent_at": KICKOFF}

    KICKOFF = dt.datetime(2030, 3, 16, 9, 0, tzinfo=HELSINKI)
    reminders.register(Everyone())
    organisation, _ = Organisation.objects.get_or_create(
        business_id="9000007-0", defaults={"name": "bench", "kind": "municipality"}
    )
    Membership.objects.filter(organisation=organisation).delete()
    User.objects.filter(email__startswith="bench-").delete()
    users = User.objects.bulk_create([User(email=f"bench-{n}@example.fi") for n in range(count)])
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation=organisation, role="procurement_specialist")
            for u in users
        ]
    )
    cohort = Cohort.objects.filter(slug="bench").first()
    if cohort is None:
        cohort = Cohort.objects.create(
            name="bench", slug="bench", year=2030,
            application_opens=KICKOFF - dt.timedelta(days=90),
            application_closes=KICKOFF - dt.timedelta(days=60),
            interviews_start=(KICKOFF - dt.timedelta(days=70)).date(),
            interviews_end=(KICKOFF - dt.timedelta(days=50)).date(),
            decisions_on=(KICKOFF - dt.timedelta(days=40)).date(),
            kickoff_start=KICKOFF, kickoff_end=KICKOFF + dt.timedelta(hours=2),
            ends_on=(KICKOFF + dt.timedelta(days=200)).date(), contact_email="bench@example.fi",
        )  # fmt: skip
    reminders.create_default_offsets(cohort)
    OutgoingEmail.objects.filter(key__startswith="reminder:bench_everyone:").delete()

    from academy.celery import app

    reset_queries()  # the delivery part filled Django's query log
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        created = reminders.sweep(KICKOFF - dt.timedelta(hours=12))
        elapsed = time.perf_counter() - started
    reset_queries()
    with CaptureQueriesContext(connection) as again:
        repeated = reminders.sweep(KICKOFF - dt.timedelta(hours=11))
    app.control.purge()
    print(
        f"sweep, {count} due reminders: {created} queued, {len(queries)} queries, {elapsed:.2f} s"
    )
    print(f"second sweep:                 {repeated} queued, {len(again)} queries")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 10_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )
