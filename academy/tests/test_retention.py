"""Personal data kept only as long as needed: the report says, the sweep does."""

import datetime as dt

import pytest

from academy import retention
from academy.models import AuditRecord, Cohort
from academy.tests.factories import CohortFactory
from academy.tests.programme import staff_user
from applications.models import ApplicationState, InternalNote
from applications.tests.factories import ApplicationFactory
from notifications.models import EmailState, OutgoingEmail

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2023, 3, 1, 12, 0, tzinfo=dt.UTC)
DECIDED = dt.datetime(2022, 2, 25, 12, 0, tzinfo=dt.UTC)


def counts(lines) -> dict[str, int]:
    return {line.rule: line.count for line in lines}


@pytest.fixture
def cohort() -> Cohort:
    return CohortFactory(keep_unselected_months=6, keep_mail_texts_days=180)


def mail(cohort, key: str, created: dt.datetime, state=EmailState.SENT) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        key=key,
        purpose="test",
        to="hakija@example.fi",
        language="fi",
        subject="Aihe",
        body_text="Hei Hanna",
        body_html="<p>Hei Hanna</p>",
        state=state,
        cohort=cohort,
        created_at=created,
    )


def test_months_before_keeps_the_day_or_takes_the_month_s_last():
    assert retention.months_before(NOW, 6) == dt.datetime(2022, 9, 1, 12, 0, tzinfo=dt.UTC)
    end_of_august = dt.datetime(2022, 8, 31, tzinfo=dt.UTC)
    assert retention.months_before(end_of_august, 6) == dt.datetime(2022, 2, 28, tzinfo=dt.UTC)


def test_the_report_counts_and_the_sweep_then_does_exactly_that(cohort):
    not_selected = ApplicationFactory(cohort=cohort, state=ApplicationState.NOT_SELECTED)
    not_selected.decision_announced_at = DECIDED
    not_selected.save()
    not_selected.versions.create(number=1, answers={"contact_phone": "040 123", "goals": "x"})
    InternalNote.objects.create(application=not_selected, text="Vahva hakemus.")
    selected = ApplicationFactory(cohort=cohort, state=ApplicationState.CONFIRMED)
    selected.decision_announced_at = DECIDED
    selected.save()
    recent = ApplicationFactory(cohort=cohort, state=ApplicationState.NOT_SELECTED)
    recent.decision_announced_at = NOW - dt.timedelta(days=30)
    recent.save()
    mail(cohort, "old", NOW - dt.timedelta(days=181))
    mail(cohort, "new", NOW - dt.timedelta(days=10))
    mail(cohort, "waiting", NOW - dt.timedelta(days=200), state=EmailState.DRAFT)
    mail(None, "code", NOW - dt.timedelta(days=31))
    AuditRecord.objects.create(
        at=NOW - dt.timedelta(days=731), user_email="s@example.fi", action="view", view="x",
        path="/", status=200,
    )  # fmt: skip
    AuditRecord.objects.create(
        at=NOW - dt.timedelta(days=5), user_email="s@example.fi", action="view", view="x",
        path="/", status=200,
    )  # fmt: skip

    expected = {
        "audit_log": 1,
        "mail_texts": 2,
        "unselected_applications": 1,
        "ledger_files": 0,
        "unused_accounts_warned": 0,
        "unused_accounts_erased": 0,
    }
    assert counts(retention.report(NOW)) == expected
    assert counts(retention.sweep(NOW)) == expected
    assert counts(retention.report(NOW)) == dict.fromkeys(expected, 0)

    not_selected.refresh_from_db()
    assert (not_selected.contact_name, not_selected.contact_email) == ("", "")
    assert not_selected.organisation_name  # the organisation stays
    assert not_selected.versions.get().answers == {"contact_phone": "", "goals": "x"}
    assert not not_selected.team.exists()
    assert not not_selected.notes.exists()
    selected.refresh_from_db()
    recent.refresh_from_db()
    assert selected.contact_email
    assert recent.contact_email
    texts = dict(OutgoingEmail.objects.values_list("key", "body_text"))
    assert texts == {"old": "", "new": "Hei Hanna", "waiting": "Hei Hanna", "code": ""}
    assert OutgoingEmail.objects.get(key="old").state == EmailState.SENT
    assert AuditRecord.objects.count() == 1


def test_a_cohort_s_own_period_is_used(cohort):
    cohort.keep_mail_texts_days = 365
    cohort.save()
    mail(cohort, "old", NOW - dt.timedelta(days=181))
    assert counts(retention.report(NOW))["mail_texts"] == 0


def test_staff_see_the_report_before_the_sweep(client, cohort):
    mail(cohort, "old", dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    client.force_login(staff_user())
    page = client.get("/en/admin/academy/cohort/retention/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Texts of sent e-mails older than their cohort" in html
    assert "<td>1</td>" in html
    assert OutgoingEmail.objects.get(key="old").body_text == "Hei Hanna"
    assert (
        "/en/admin/academy/cohort/retention/"
        in client.get("/en/admin/academy/cohort/").content.decode()
    )


def test_the_sweep_is_scheduled_daily():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Retention sweep")
    assert task.task == "academy.retention_sweep"
    assert (task.interval.every, task.interval.period) == (1, "days")


def test_an_unused_account_is_told_then_erased_unless_it_is_used(
    settings, django_capture_on_commit_callbacks
):
    from academy.tests.factories import UserFactory

    settings.ACCOUNT_INACTIVE_DAYS = 3 * 365
    settings.ACCOUNT_WARNING_DAYS = 30
    old = NOW - dt.timedelta(days=3 * 365 + 1)
    sleeper = UserFactory(email="nukkuja@example.fi", last_login=old)
    returner = UserFactory(email="palaaja@example.fi", last_login=old)
    UserFactory(email="tuore@example.fi", last_login=NOW - dt.timedelta(days=10))
    UserFactory(email="henkilo@example.fi", last_login=old, is_staff=True)

    with django_capture_on_commit_callbacks(execute=False):
        assert counts(retention.sweep(NOW))["unused_accounts_warned"] == 2
    warned = OutgoingEmail.objects.filter(purpose="account_inactive")
    assert sorted(warned.values_list("to", flat=True)) == [
        "nukkuja@example.fi",
        "palaaja@example.fi",
    ]
    body = warned.get(to="nukkuja@example.fi").body_text
    assert "poistetaan 31.3.2023" in body
    assert "/accounts/login/" in body
    # Told once: the next night tells nobody again, and erases nobody yet.
    tomorrow = counts(retention.report(NOW + dt.timedelta(days=1)))
    assert (tomorrow["unused_accounts_warned"], tomorrow["unused_accounts_erased"]) == (0, 0)

    returner.last_login = NOW + dt.timedelta(days=5)
    returner.save()
    later = NOW + dt.timedelta(days=31)
    assert counts(retention.sweep(later))["unused_accounts_erased"] == 1
    sleeper.refresh_from_db()
    returner.refresh_from_db()
    assert sleeper.is_erased
    assert not sleeper.is_active
    assert returner.email == "palaaja@example.fi"
    assert returner.is_active
