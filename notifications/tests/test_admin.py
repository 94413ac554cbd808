import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.models import HELSINKI
from academy.tests.factories import UserFactory
from notifications import services
from notifications.models import EmailState, EmailTemplate, OutgoingEmail

pytestmark = pytest.mark.django_db

# The administration in English, for readable assertions (Finnish lives at /admin/).
OUTBOX = "/en/admin/notifications/outgoingemail/"
TEMPLATES = "/en/admin/notifications/emailtemplate/"
NOW = dt.datetime(2022, 3, 14, 10, 0, tzinfo=HELSINKI)


@pytest.fixture
def staff_client(client):
    staff = UserFactory(email="staff@example.fi", name="Sini Staff", is_staff=True)
    staff.groups.add(Group.objects.get(name="Programme staff"))
    client.force_login(staff)
    return client


def queue(key: str, **kwargs) -> OutgoingEmail:
    context = {"sent_by": "<script>x</script>", "sent_at": NOW}
    return services.queue_email("test_email", f"{key}@example.fi", context, key, **kwargs)


def act(client, action: str, emails) -> str:
    response = client.post(
        OUTBOX, {"action": action, "_selected_action": [e.pk for e in emails]}, follow=True
    )
    return " ".join(str(m) for m in response.context["messages"])


def test_outbox_shows_counts_per_state_and_filters(staff_client):
    queue("a")
    queue("b", review=True)
    queue("c", review=True)
    html = staff_client.get(OUTBOX).content.decode()
    assert "Draft: waiting for review: <strong>2</strong>" in html
    assert "Queued: <strong>1</strong>" in html
    response = staff_client.get(OUTBOX, {"state__exact": "draft"})
    assert response.context["cl"].result_count == 2
    response = staff_client.get(OUTBOX, {"q": "a@example.fi"})
    assert [e.key for e in response.context["cl"].result_list] == ["a"]


def test_outbox_list_query_count_does_not_grow(staff_client):
    queue("first")
    with CaptureQueriesContext(connection) as one:
        staff_client.get(OUTBOX)
    for n in range(29):
        queue(f"more{n}")
    with CaptureQueriesContext(connection) as thirty:
        staff_client.get(OUTBOX)
    assert len(thirty) == len(one)


def test_staff_send_selected_drafts(staff_client, django_capture_on_commit_callbacks):
    drafts = [queue("d1", review=True), queue("d2", review=True)]
    sent = queue("s1")
    with django_capture_on_commit_callbacks() as callbacks:
        message = act(staff_client, "send_drafts", [*drafts, sent])
    assert "2 drafts queued for sending." in message
    assert len(callbacks) == 1
    assert set(
        OutgoingEmail.objects.filter(key__in=["d1", "d2"]).values_list("state", flat=True)
    ) == {EmailState.QUEUED}


def test_staff_retry_failed_and_discard(staff_client):
    failed = queue("f1")
    OutgoingEmail.objects.filter(pk=failed.pk).update(state=EmailState.FAILED, attempts=6)
    act(staff_client, "retry_failed", [failed])
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (EmailState.QUEUED, 0)
    assert "1 e-mail discarded." in act(staff_client, "discard", [failed])
    failed.refresh_from_db()
    assert failed.state == EmailState.DISCARDED


def test_uncertain_rows_are_shown_and_can_be_resent(staff_client):
    with time_machine.travel(NOW, tick=False):
        email = queue("u1")
        services.claim(email.pk)
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        response = staff_client.get(OUTBOX, {"uncertain": "yes"})
        assert [e.key for e in response.context["cl"].result_list] == ["u1"]
        assert "Uncertain: sending was interrupted" in response.content.decode()
        assert "1 uncertain e-mail queued again." in act(staff_client, "resend_uncertain", [email])


def test_only_drafts_can_be_edited(staff_client):
    draft = queue("d", review=True)
    response = staff_client.post(
        f"{OUTBOX}{draft.pk}/change/",
        {"subject": "Korjattu otsikko", "body_text": "Korjattu teksti", "body_html": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.subject, draft.body_text) == ("Korjattu otsikko", "Korjattu teksti")
    sent = queue("s")
    services.deliver(sent.pk)
    staff_client.post(f"{OUTBOX}{sent.pk}/change/", {"subject": "Muutettu"})
    sent.refresh_from_db()
    assert sent.subject != "Muutettu"


def test_html_preview_is_escaped_and_runs_nothing(staff_client):
    email = queue("p")
    response = staff_client.get(f"{OUTBOX}{email.pk}/preview/")
    assert response.status_code == 200
    assert "&lt;script&gt;x&lt;/script&gt;" in response.content.decode()
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_staff_send_a_test_e_mail_to_themselves(
    staff_client, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{OUTBOX}send-test/", follow=True)
    assert "A test e-mail is on its way to staff@example.fi." in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.fi"]
    assert "Sini Staff" in mail.outbox[0].body
    assert staff_client.get(f"{OUTBOX}send-test/").status_code == 405


def test_staff_cannot_add_or_delete_outbox_rows(staff_client):
    email = queue("x")
    assert staff_client.get(f"{OUTBOX}add/").status_code == 403
    assert staff_client.get(f"{OUTBOX}{email.pk}/delete/").status_code == 403


TEMPLATE_FORM = {
    "purpose": "test_email",
    "language": "sv",
    "subject": "Test till {{ recipient.name }}",
    "body_text": "Hej, skickat {{ sent_at|helsinki }}.",
    "body_html": "<p>Hej {{ sent_by }}</p>",
}


def test_template_override_is_used_and_previewed(staff_client):
    response = staff_client.post(f"{TEMPLATES}add/", TEMPLATE_FORM)
    assert response.status_code == 302
    template = EmailTemplate.objects.get()
    change = staff_client.get(f"{TEMPLATES}{template.pk}/change/").content.decode()
    assert "Hej, skickat" in change
    assert "(Helsingforstid, UTC+" in change
    person = UserFactory(name="Sara", preferred_language="sv")
    email = services.queue_email(
        "test_email", person.email, {"sent_by": "<i>x</i>", "sent_at": NOW}, "o", recipient=person
    )
    assert email.subject == "Test till Sara"
    assert email.body_html == "<p>Hej &lt;i&gt;x&lt;/i&gt;</p>"


def test_template_that_cannot_render_is_refused_and_kept(staff_client):
    broken = {**TEMPLATE_FORM, "body_text": "Hej {% if %} trasig"}
    response = staff_client.post(f"{TEMPLATES}add/", broken)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "body_text" in form.errors
    assert "cannot be rendered" in str(form.errors["body_text"])
    assert "Hej {% if %} trasig" in response.content.decode()
    assert not EmailTemplate.objects.exists()


def test_new_template_starts_from_the_shipped_one(staff_client):
    response = staff_client.get(f"{TEMPLATES}add/", {"purpose": "test_email", "language": "sv"})
    form = response.context["adminform"].form
    assert form.initial["subject"].startswith("Testmeddelande")
    assert "{{ sent_by }}" in form.initial["body_text"]


def test_reminder_times_are_listed_per_cohort(staff_client):
    response = staff_client.get("/en/admin/notifications/reminderoffset/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "tag",
    ["{% load static %}", "{% include 'base.html' %}", "{% debug %}", "{% extends 'base.html' %}"],
)
def test_staff_templates_cannot_load_include_or_debug(staff_client, tag):
    response = staff_client.post(f"{TEMPLATES}add/", {**TEMPLATE_FORM, "body_text": f"Hej {tag}"})
    assert response.status_code == 200
    assert "body_text" in response.context["adminform"].form.errors
    assert not EmailTemplate.objects.exists()


def test_account_mail_with_a_secret_is_hidden_from_staff_and_removed_after_sending(staff_client):
    from django.test import Client

    visitor = Client()
    UserFactory(email="unohtui@example.fi")
    visitor.post("/accounts/password/reset/", {"email": "unohtui@example.fi"})
    email = OutgoingEmail.objects.get(to="unohtui@example.fi")
    assert email.sensitive
    page = staff_client.get(f"{OUTBOX}{email.pk}/change/").content.decode()
    assert "/password/reset/key/" not in page
    assert "Hidden: this mail contains a sign-in code or link." in page
    assert staff_client.get(f"{OUTBOX}{email.pk}/preview/").status_code == 404
    services.deliver(email.pk)
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert "/password/reset/key/" not in email.body_text + email.body_html
    assert "/password/reset/key/" in mail.outbox[0].body


def test_saving_a_row_that_stopped_being_a_draft_meanwhile_changes_nothing(
    staff_client, monkeypatch
):
    from notifications.admin import OutgoingEmailAdmin

    draft = queue("d", review=True)
    as_loaded = OutgoingEmail.objects.get(pk=draft.pk)
    # The admin read the row as a draft; a moment later staff elsewhere sent it.
    monkeypatch.setattr(
        OutgoingEmailAdmin,
        "get_object",
        lambda self, request, object_id, from_field=None: as_loaded,
    )
    services.send_drafts(OutgoingEmail.objects.filter(pk=draft.pk))
    staff_client.post(
        f"{OUTBOX}{draft.pk}/change/",
        {"subject": "Myöhästynyt muutos", "body_text": "x", "body_html": ""},
    )
    draft.refresh_from_db()
    assert draft.state == EmailState.QUEUED
    assert draft.subject != "Myöhästynyt muutos"


def test_the_outbox_names_purposes_in_the_readers_language_not_by_code(staff_client):
    services.queue_email(
        "test_email", "a@example.fi", {"sent_by": "x", "sent_at": "y"}, "purpose-label"
    )
    finnish = staff_client.get(OUTBOX.replace("/en/", "/", 1)).content.decode()
    assert "Ylläpidosta lähetetty testiviesti" in finnish
    assert ">test_email<" not in finnish
    filtered = staff_client.get(OUTBOX, {"purpose": "test_email"})
    assert filtered.status_code == 200
    assert "1 outgoing e-mail" in filtered.content.decode()


def test_every_field_of_a_mail_has_its_own_label(staff_client):
    services.queue_email("test_email", "a@example.fi", {"sent_by": "x", "sent_at": "y"}, "labels")
    email = OutgoingEmail.objects.get(key="labels")
    page = staff_client.get(f"{OUTBOX}{email.pk}/change/").content.decode()
    assert "Html preview" not in page
    assert "HTML version:</label>" in page
    assert "Calendar entry (iCalendar):</label>" in page
