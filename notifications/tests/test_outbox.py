import datetime as dt
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction

from academy.models import HELSINKI
from academy.tests.factories import UserFactory
from notifications import services
from notifications.models import EmailState, OutgoingEmail
from notifications.rendering import TemplateMissing

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 3, 14, 10, 0, tzinfo=HELSINKI)


def queue(key="k1", to="ostaja@example.fi", **kwargs):
    context = kwargs.pop("context", {"sent_by": "Testi", "sent_at": NOW})
    return services.queue_email("test_email", to, context, key, **kwargs)


def test_same_key_twice_makes_one_row_and_one_delivery(
    eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
    with django_capture_on_commit_callbacks(execute=True):
        second = queue(context={"sent_by": "Joku muu", "sent_at": NOW})
    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.state == EmailState.SENT
    assert first.sent_at is not None
    assert mail.outbox[0].extra_headers["X-Academy-Email-Key"] == "k1"


def test_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("the surrounding work failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_delivery_is_enqueued_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue()
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.get().state == EmailState.QUEUED
    assert email.attempts == 0


def test_review_keeps_the_mail_as_a_draft_until_staff_send_it(
    eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(review=True)
    assert email.state == EmailState.DRAFT
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_drafts(OutgoingEmail.objects.all()) == 1
    assert len(mail.outbox) == 1


def test_swedish_preferring_person_gets_the_swedish_template():
    person = UserFactory(name="Sara", preferred_language="sv")
    email = queue(to=person.email, recipient=person)
    assert email.language == "sv"
    assert email.subject.startswith("Testmeddelande")
    assert "Hej Sara" in email.body_text
    assert "14 mars 2022 10:00 (Helsingforstid, UTC+2)" in email.body_text


def test_missing_swedish_template_falls_back_to_finnish():
    person = UserFactory(preferred_language="sv")
    email = services.queue_email(
        "fi_only", person.email, {"when": NOW}, "fi-only", recipient=person
    )
    assert email.language == "fi"
    assert email.subject == "Vain suomeksi"
    assert "14.3.2022 klo 10.00 (Helsingin aikaa, UTC+2)" in email.body_text


def test_times_are_helsinki_time_with_the_zone_in_summer_too():
    email = queue(context={"sent_by": "x", "sent_at": dt.datetime(2022, 6, 1, 6, 0, tzinfo=dt.UTC)})
    assert "1.6.2022 klo 9.00 (Helsingin aikaa, UTC+3)" in email.body_text


def test_placeholders_are_escaped_in_the_html_part_only():
    email = queue(context={"sent_by": "<b>Mallory</b> & co", "sent_at": NOW})
    assert "&lt;b&gt;Mallory&lt;/b&gt; &amp; co" in email.body_html
    assert "<b>Mallory</b> & co" in email.body_text


def test_unknown_purpose_is_an_error_not_a_silent_mail():
    with pytest.raises(TemplateMissing):
        services.queue_email("no_such_purpose", "x@example.fi", {}, "k")
    assert not OutgoingEmail.objects.exists()


def test_mails_queued_together_go_in_batches_each_claimed_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import tasks

    batches = []
    monkeypatch.setattr(
        tasks.deliver_emails, "apply_async", lambda args, **kw: batches.append(args[0])
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emails = [queue(f"k{n}") for n in range(services.BATCH + 5)]
    assert [len(batch) for batch in batches] == [1] * (services.BATCH + 5)
    services.enqueue([email.pk for email in emails])
    assert [len(batch) for batch in batches[-2:]] == [services.BATCH, 5]
    services.deliver_many(batches[-2])
    services.deliver_many(batches[-2])  # a repeated message sends nothing more
    assert len(mail.outbox) == services.BATCH


def test_two_deliveries_of_one_row_send_once():
    email = queue()
    services.deliver(email.pk)
    services.deliver(email.pk)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 1)


def test_delivery_of_a_row_that_is_gone_returns_quietly():
    assert services.deliver(123456) is None
    assert mail.outbox == []


class FlakyBackend(BaseEmailBackend):
    """An e-mail backend that fails as configured, for the delivery tests."""

    error: Exception | None = None
    fail_times = None  # fail only this many times, then work
    accept = True
    sent: list = []
    connections = 0
    idle_check_fails = False

    def open(self):
        FlakyBackend.connections += 1
        self.connection = self  # looks like an open smtplib connection

    def noop(self):
        if FlakyBackend.idle_check_fails:
            raise smtplib.SMTPServerDisconnected("closed while idle")
        return (250, b"OK")

    def send_messages(self, messages):
        if FlakyBackend.error is not None and FlakyBackend.fail_times != 0:
            if FlakyBackend.fail_times:
                FlakyBackend.fail_times -= 1
            raise FlakyBackend.error
        if not FlakyBackend.accept:
            return 0
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.error, FlakyBackend.sent, FlakyBackend.fail_times = None, [], None
    FlakyBackend.connections, FlakyBackend.accept, FlakyBackend.idle_check_fails = 0, True, False
    return FlakyBackend


def test_one_connection_serves_many_mails(flaky):
    for n in range(3):
        services.deliver(queue(f"k{n}").pk)
    assert len(flaky.sent) == 3
    assert flaky.connections == 1


def test_idle_connection_the_server_closed_is_replaced_before_sending(flaky, monkeypatch):
    services.deliver(queue("first").pk)
    flaky.idle_check_fails = True
    monkeypatch.setattr(services, "_last_used", services._last_used - 3600)  # an hour idle
    email = queue("second")
    assert services.deliver(email.pk) is None
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 1)
    assert flaky.connections == 2


def test_disconnect_while_sending_is_not_resent_at_once(flaky):
    # The server may have taken the mail before the line dropped: wait, do not repeat now.
    services.deliver(queue("first").pk)
    flaky.error, flaky.fail_times = smtplib.SMTPServerDisconnected("lost"), 1
    with time_machine.travel(NOW, tick=False):
        email = queue("second")
        assert services.deliver(email.pk) == 60
    assert len(flaky.sent) == 1


def attempt_until_final(email, first: dt.datetime) -> list:
    delays, moment = [], first
    for _ in range(services.MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            delay = services.deliver(email.pk)
        delays.append(delay)
        moment += dt.timedelta(seconds=delay or 0, milliseconds=1)
    return delays


def test_transient_error_backs_off_and_then_fails_with_the_error_shown(flaky):
    flaky.error = smtplib.SMTPServerDisconnected("connection lost")
    with time_machine.travel(NOW, tick=False):
        email = queue()
    assert attempt_until_final(email, NOW) == [60, 120, 240, 480, 960, None]
    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.attempts == services.MAX_ATTEMPTS
    assert "SMTPServerDisconnected: connection lost" in email.last_error


def test_an_early_duplicate_message_does_not_skip_the_backoff(flaky):
    flaky.error = ConnectionRefusedError("no server")
    with time_machine.travel(NOW, tick=False):
        email = queue()
        assert services.deliver(email.pk) == 60
    flaky.error = None
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        assert services.deliver(email.pk) is None  # too early: left alone
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.QUEUED, 1)
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        services.deliver(email.pk)
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == (EmailState.SENT, 2, "")
    assert len(flaky.sent) == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPSenderRefused(421, b"4.4.2 timeout", "akatemia@example.fi"),
        smtplib.SMTPDataError(451, b"try again later"),
        smtplib.SMTPRecipientsRefused({"x@example.fi": (450, b"greylisted")}),
        TimeoutError("timed out"),
        OSError(101, "Network is unreachable"),
    ],
)
def test_temporary_answers_and_network_errors_are_retried(flaky, error):
    flaky.error = error
    with time_machine.travel(NOW, tick=False):
        assert services.deliver(queue().pk) == 60
    assert OutgoingEmail.objects.get().state == EmailState.QUEUED


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"x@example.fi": (550, b"no such user")}),
        smtplib.SMTPDataError(554, b"message refused"),
    ],
)
def test_refusals_fail_at_once(flaky, error):
    flaky.error = error
    email = queue()
    assert services.deliver(email.pk) is None
    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.attempts == 1
    assert type(error).__name__ in email.last_error


def test_a_mail_the_server_did_not_take_is_not_marked_sent(flaky):
    flaky.accept = False
    email = queue()
    services.deliver(email.pk)
    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert "accepted no recipient" in email.last_error


def test_sweep_enqueues_queued_rows_the_broker_lost(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        old = queue("old")
    with time_machine.travel(NOW + dt.timedelta(minutes=4), tick=False):
        queue("fresh")
        draft = queue("draft", review=True)
    later = NOW + dt.timedelta(minutes=6)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.requeue_stale(later) == 1
    assert len(callbacks) == 1
    old.refresh_from_db()
    assert old.next_attempt_at > NOW + dt.timedelta(minutes=4)
    assert OutgoingEmail.objects.get(pk=draft.pk).state == EmailState.DRAFT


def test_row_left_sending_is_uncertain_and_never_resent_by_the_sweep():
    with time_machine.travel(NOW, tick=False):
        email = queue()
        assert services.claim(email.pk)
    later = NOW + dt.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        assert services.requeue_stale(later) == 0
        assert list(OutgoingEmail.objects.uncertain()) == [email]
        email.refresh_from_db()
        assert email.is_uncertain
        assert services.deliver(email.pk) is None
    assert mail.outbox == []


def test_staff_resend_an_uncertain_row_or_discard_it(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        first, second = queue("a"), queue("b")
        services.claim(first.pk)
        services.claim(second.pk)
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        assert services.resend_uncertain(OutgoingEmail.objects.filter(pk=first.pk)) == 1
        assert services.discard(OutgoingEmail.objects.filter(pk=second.pk)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.attempts) == (EmailState.QUEUED, 0)
    assert second.state == EmailState.DISCARDED


def test_sent_mail_cannot_be_discarded_or_retried():
    email = queue()
    services.deliver(email.pk)
    everything = OutgoingEmail.objects.all()
    assert services.discard(everything) == 0
    assert services.retry_failed(everything) == 0
    assert services.send_drafts(everything) == 0
    email.refresh_from_db()
    assert email.state == EmailState.SENT


def test_broker_down_leaves_rows_queued_and_waits_for_one_failure_only(
    monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import tasks

    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_emails, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            queue(f"k{n}")
    assert len(attempts) == 1
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {EmailState.QUEUED}


def test_context_must_be_plain_data_so_templates_cannot_walk_the_database():
    person = UserFactory()
    with pytest.raises(TypeError, match="plain data"):
        services.queue_email("test_email", person.email, {"sent_by": person}, "k")
    assert not OutgoingEmail.objects.exists()


def test_staff_template_that_fails_on_real_data_falls_back_to_the_shipped_one():
    from notifications.models import EmailTemplate

    EmailTemplate.objects.create(
        purpose="test_email",
        language="fi",
        subject="Oma otsikko",
        body_text="{{ sent_at|date:'Y' }} {{ sent_by|divisibleby:'3' }}",
    )
    email = queue(context={"sent_by": "ei numero", "sent_at": NOW})
    assert email.subject.startswith("Testiviesti")  # the shipped template


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_workers_racing_to_deliver_one_row_send_it_once():
    email = queue()
    start = threading.Barrier(6)

    def worker():
        start.wait()
        services.deliver(email.pk)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 1)
