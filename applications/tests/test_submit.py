"""Submitting on time, editing after submitting, withdrawing, reopening; and the e-mails."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from academy.models import HELSINKI
from applications import services
from applications.models import Application, ApplicationState, ApplicationVersion
from notifications.models import OutgoingEmail

from .conftest import form_data, url
from .factories import LAST_SECOND, ONE_SECOND_LATE, ApplicationFactory

pytestmark = pytest.mark.django_db


def submit(client, application, when):
    with time_machine.travel(when, tick=False):
        return client.post(url("submit", application))


def test_submit_at_the_last_second_is_accepted(signed_in, draft, deliver_mail):
    with deliver_mail():
        response = submit(signed_in, draft, LAST_SECOND)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED
    assert draft.submitted_at == LAST_SECOND
    assert draft.versions.count() == 1
    change = draft.state_changes.last()
    assert (change.from_state, change.to_state, change.by) == (
        "draft",
        "submitted",
        draft.applicant,
    )


def test_submit_within_the_last_second_is_accepted(signed_in, draft):
    submit(signed_in, draft, LAST_SECOND + dt.timedelta(microseconds=999_999))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED


def test_submit_one_second_late_is_refused_and_the_draft_kept(signed_in, draft):
    before = Application.objects.filter(pk=draft.pk).values().get()
    response = submit(signed_in, draft, ONE_SECOND_LATE)
    assert response.status_code == 302
    after = Application.objects.filter(pk=draft.pk).values().get()
    assert after == before
    assert OutgoingEmail.objects.count() == 0
    page = signed_in.get(response["Location"]).content.decode()
    assert "Hakemusta ei lähetetty: Hakuaika päättyi 11.2.2022 klo 23.59.59" in page


def test_an_extension_lets_the_organisation_submit_after_the_close(signed_in, draft):
    draft.deadline_extended_to = dt.datetime(2022, 2, 14, 16, 0, tzinfo=HELSINKI)
    draft.extension_reason = "Valtuuston kokous 14.2."
    draft.save()
    with time_machine.travel(ONE_SECOND_LATE, tick=False):
        page = signed_in.get(url("detail", draft)).content.decode()
    assert "määräaikaa on jatkettu 14.2.2022 klo 16.00" in page
    submit(signed_in, draft, dt.datetime(2022, 2, 14, 16, 0, tzinfo=HELSINKI))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED


def test_an_extension_has_an_end_too(signed_in, draft):
    draft.deadline_extended_to = dt.datetime(2022, 2, 14, 16, 0, tzinfo=HELSINKI)
    draft.extension_reason = "Valtuuston kokous 14.2."
    draft.save()
    submit(signed_in, draft, dt.datetime(2022, 2, 14, 16, 0, 1, tzinfo=HELSINKI))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_an_incomplete_draft_is_not_submitted(signed_in, draft, during_call):
    draft.team.all().delete()
    draft.privacy_consent = False
    draft.save()
    signed_in.post(url("submit", draft))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    page = signed_in.get(url("detail", draft)).content.decode()
    assert "Vahvista, että olet lukenut tietosuojaselosteen." in page
    assert "Nimeä henkilö rooliin" in page


def test_confirmation_has_a_copy_of_the_answers_and_what_happens_next(
    signed_in, draft, during_call, deliver_mail
):
    draft.contact_email = "yhteys@esimerkkila.fi"
    draft.save()
    with deliver_mail():
        signed_in.post(url("submit", draft))
    # The applicant's verified address and staff; not the contact address typed on the form.
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["akatemia@example.fi", draft.applicant.email]
    to_applicant = by_address[draft.applicant.email]
    to_staff = by_address["akatemia@example.fi"]
    assert to_applicant.subject.startswith("Hakemus vastaanotettu: Esimerkkilän kunta")
    body = to_applicant.body
    assert "31.1.2022–20.2.2022" in body
    assert "11.2.2022 klo 23.59.59 (Helsingin aikaa, UTC+2)" in body
    assert "Hiilineutraali 2030." in body
    assert "125\xa0000\xa0000 €" in body
    assert "Maija Meikäläinen, Hankintapäällikkö <maija@example.fi>" in body
    assert f"/applications/{draft.public_id}/" in body
    assert "yhteys@esimerkkila.fi" in body
    assert "Uusi hakemus" in to_staff.subject
    assert f"/admin/applications/application/{draft.pk}/change/" in to_staff.body


def test_double_submit_from_two_tabs_submits_once_and_confirms_once(
    signed_in, draft, during_call, deliver_mail
):
    with deliver_mail():
        first = signed_in.post(url("submit", draft))
        second = signed_in.post(url("submit", draft))
    assert first.status_code == second.status_code == 302
    assert "Tämä hakemus on jo lähetetty." in signed_in.get(url("detail", draft)).content.decode()
    draft.refresh_from_db()
    assert draft.submission_count == 1
    assert draft.state_changes.filter(to_state="submitted").count() == 1
    assert len([m for m in mail.outbox if m.to == [draft.applicant.email]]) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_concurrent_submits_submit_once(cohort, applicant):
    application = ApplicationFactory(cohort=cohort, applicant=applicant)
    results, barrier = [], threading.Barrier(4)

    def attempt():
        barrier.wait()
        try:
            with time_machine.travel(LAST_SECOND, tick=False):
                services.submit_application(application, by=applicant, now=LAST_SECOND)
            results.append("submitted")
        except services.AlreadySubmitted:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already", "already", "already", "submitted"]
    assert OutgoingEmail.objects.filter(purpose="application_submitted").count() == 1
    assert ApplicationVersion.objects.count() == 1


def test_editing_after_submitting_keeps_the_earlier_version(signed_in, draft, during_call):
    signed_in.post(url("submit", draft))
    response = signed_in.post(
        url("edit", draft), form_data(draft, goals="Tarkennettu tavoite", review="1")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.goals == "Tarkennettu tavoite"
    assert draft.state == ApplicationState.SUBMITTED
    first, second = draft.versions.order_by("number")
    assert first.answers["fields"]["goals"] == "Toimintamalli ja kaksi kategoriasuunnitelmaa."
    assert second.answers["fields"]["goals"] == "Tarkennettu tavoite"


def test_a_submitted_application_must_stay_complete(signed_in, draft, during_call):
    signed_in.post(url("submit", draft))
    response = signed_in.post(url("edit", draft), form_data(draft, goals="", motivation="Uusi"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ei tallennettu: lähetetyn hakemuksen on pysyttävä täydellisenä." in html
    assert "Täytä:" in html
    assert ">\nUusi</textarea>" in html
    draft.refresh_from_db()
    assert draft.motivation != "Uusi"
    assert draft.versions.count() == 1


def test_after_the_close_the_application_is_read_only(signed_in, draft, during_call):
    signed_in.post(url("submit", draft))
    with time_machine.travel(ONE_SECOND_LATE, tick=False):
        assert signed_in.get(url("edit", draft))["Location"] == url("detail", draft)
        signed_in.post(url("edit", draft), form_data(draft, goals="Liian myöhään"))
        page = signed_in.get(url("detail", draft)).content.decode()
    draft.refresh_from_db()
    assert draft.goals != "Liian myöhään"
    assert url("edit", draft) not in page


def test_a_save_racing_the_close_keeps_the_state(signed_in, draft, during_call):
    """The edit page's copy of the application is stale once the other tab submits."""
    signed_in.post(url("submit", draft))
    stale = Application.objects.get(pk=draft.pk)
    stale.state = ApplicationState.DRAFT
    from applications.forms import ApplicationForm, team_formset

    data = form_data(draft, goals="Toinen välilehti")
    form, formset = ApplicationForm(data, instance=stale), team_formset(stale, data)
    assert form.is_valid()
    assert formset.is_valid()
    services.save_answers(stale, form, formset, by=draft.applicant, now=timezone.now())
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED
    assert draft.goals == "Toinen välilehti"


def test_withdraw_and_reopen(signed_in, draft, during_call, deliver_mail):
    with deliver_mail():
        signed_in.post(url("submit", draft))
        response = signed_in.post(url("withdraw", draft), {"reason": "Resurssit eivät riitä"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN
    assert draft.state_changes.last().note == "Resurssit eivät riitä"
    (notice,) = [
        m for m in mail.outbox if m.to == ["akatemia@example.fi"] and "peruttu" in m.subject
    ]
    assert "Syy: Resurssit eivät riitä" in notice.body
    assert any(m.to == [draft.applicant.email] and "peruttu" in m.subject for m in mail.outbox)
    signed_in.post(url("reopen", draft))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    assert draft.submitted_at is None
    assert [c.to_state for c in draft.state_changes.all()] == ["submitted", "withdrawn", "draft"]


def test_withdrawing_ends_with_the_window_for_the_applicant(signed_in, draft, during_call):
    signed_in.post(url("submit", draft))
    with time_machine.travel(ONE_SECOND_LATE, tick=False):
        assert signed_in.get(url("withdraw", draft))["Location"] == url("detail", draft)
        signed_in.post(url("withdraw", draft))
        page = signed_in.get(url("detail", draft)).content.decode()
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED
    assert url("withdraw", draft) not in page
    assert "akatemia@example.fi" in page


def test_a_save_from_an_older_page_is_a_conflict_and_keeps_what_was_typed(
    signed_in, draft, during_call
):
    page = signed_in.get(url("edit", draft)).content.decode()
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    # Another window saves first.
    signed_in.post(url("edit", draft), form_data(draft, goals="Toisen ikkunan tavoite", seen=seen))
    response = signed_in.post(url("edit", draft), form_data(draft, goals="Tämä ikkuna", seen=seen))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ei tallennettu: hakemusta muutettiin toisessa ikkunassa" in html
    assert ">\nTämä ikkuna</textarea>" in html
    draft.refresh_from_db()
    assert draft.goals == "Toisen ikkunan tavoite"
    # The page now carries the newer version: saving again replaces the other window's answer.
    newer = re.search(r'name="seen" value="([^"]+)"', html).group(1)
    signed_in.post(url("edit", draft), form_data(draft, goals="Tämä ikkuna", seen=newer))
    draft.refresh_from_db()
    assert draft.goals == "Tämä ikkuna"


def test_reopening_is_refused_when_the_applicant_started_another_application(
    signed_in, draft, during_call
):
    signed_in.post(url("withdraw", draft))
    signed_in.post(url("start"), {"kind": "parish"})
    assert "Avaa uudelleen" not in signed_in.get(url("detail", draft)).content.decode()
    signed_in.post(url("reopen", draft))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN


def test_withdrawing_needs_a_confirmation_step(signed_in, draft, during_call):
    response = signed_in.get(url("withdraw", draft))
    assert response.status_code == 200
    assert url("withdraw", draft) in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_reopening_is_refused_when_another_application_took_the_place(
    signed_in, draft, during_call
):
    signed_in.post(url("withdraw", draft))
    ApplicationFactory(cohort=draft.cohort, business_id=draft.business_id)
    signed_in.post(url("reopen", draft))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN
    assert (
        "Tälle organisaatiolle on jo tehty hakemus"
        in signed_in.get(url("detail", draft)).content.decode()
    )


def test_html_in_the_answers_goes_into_the_mails_as_plain_text(
    signed_in, cohort, applicant, during_call, deliver_mail
):
    script = "<script>alert(1)</script>"
    draft = ApplicationFactory(
        cohort=cohort, applicant=applicant, organisation_name=script, answers={"goals": script}
    )
    with deliver_mail():
        signed_in.post(url("submit", draft))
    for message in mail.outbox:
        # Plain text only: no HTML part in which the answers could run.
        assert message.alternatives == []
        assert script in message.body
