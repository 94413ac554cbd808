"""Sessions in the admin: a change sends calendar updates, actions, the recording link, exports."""

import csv
import io

import pytest

from academy.tests.programme import SessionFactory, helsinki, pdf_upload
from notifications.models import OutgoingEmail
from workshops import services
from workshops.models import Attendance, RecordingRequest, Session, SessionKind, SessionState

from .conftest import mails, parse, posted_form, recipients

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_kickoff")]

ADMIN = "/admin/workshops/"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def published(kickoff, everyone):
    kickoff.agenda = "1. Tervetuloa\n2. Tavoitetilakeskustelut"
    kickoff.save()
    services.publish(kickoff)
    return kickoff


def change_form(staff_client, session) -> dict[str, str]:
    """The change form as a browser posts it back: a textarea's lines end in CRLF."""
    page = staff_client.get(f"{ADMIN}session/{session.pk}/change/")
    assert page.status_code == 200
    data = posted_form(page.content.decode())
    data["agenda"] = data["agenda"].replace("\n", "\r\n")
    return data


def save(staff_client, session, data):
    response = staff_client.post(f"{ADMIN}session/{session.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    return response


def test_moving_a_session_in_the_admin_sends_everyone_an_update(staff_client, published):
    data = change_form(staff_client, published)
    # Finnish admin: 16.03.2022 / 09.00.00
    assert (data["starts_at_0"], data["starts_at_1"]) == ("16.03.2022", "09.00.00")
    data.update(starts_at_0="17.03.2022", starts_at_1="12.00.00")
    data.update(ends_at_0="17.03.2022", ends_at_1="14.00.00")
    save(staff_client, published, data)
    published.refresh_from_db()
    assert published.starts_at == helsinki(2022, 3, 17, 12, 0)
    assert published.sequence == 1
    changed = mails("session_changed")
    assert len(changed) == 3
    for email in changed:
        _calendar, event = parse(email.calendar)
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == helsinki(2022, 3, 17, 12, 0)


def test_a_new_agenda_is_a_change_too(staff_client, published):
    data = change_form(staff_client, published)
    data["agenda"] += "\r\n3. Kysymykset"
    save(staff_client, published, data)
    assert len(mails("session_changed")) == 3


def test_saving_without_changing_the_time_place_or_agenda_sends_nothing(staff_client, published):
    data = change_form(staff_client, published)
    # Staff record who attended, and save: the agenda comes back with CRLF line ends.
    data["attendances-0-attended"] = "true"
    save(staff_client, published, data)
    assert OutgoingEmail.objects.exclude(purpose="session_invitation").count() == 0
    published.refresh_from_db()
    assert published.sequence == 0
    assert Attendance.objects.filter(attended=True).count() == 1


def test_a_draft_changed_in_the_admin_sends_nothing(staff_client, kickoff, everyone):
    data = change_form(staff_client, kickoff)
    data.update(starts_at_1="10.00.00")
    save(staff_client, kickoff, data)
    kickoff.refresh_from_db()
    assert kickoff.starts_at == helsinki(2022, 3, 16, 10, 0)
    assert (kickoff.sequence, OutgoingEmail.objects.count()) == (0, 0)


def test_who_a_published_session_is_for_cannot_be_changed_in_the_admin(
    staff_client, cohort, ours, theirs, everyone
):
    sparring = SessionFactory(
        cohort=cohort,
        kind=SessionKind.SPARRING,
        title="Sparraus",
        organisation=ours.organisation,
        starts_at=helsinki(2022, 4, 5, 13, 0),
        ends_at=helsinki(2022, 4, 5, 14, 0),
    )
    draft_form = change_form(staff_client, sparring)
    assert draft_form["organisation"] == str(ours.organisation_id)
    services.publish(sparring)
    data = change_form(staff_client, sparring)
    assert "organisation" not in data
    assert "kind" not in data
    data.update(organisation=str(theirs.organisation_id), kind=SessionKind.WORKSHOP)
    save(staff_client, sparring, data)
    sparring.refresh_from_db()
    assert (sparring.organisation_id, sparring.kind) == (ours.organisation_id, "sparring")
    assert recipients("session_invitation") == ["kollega@esimerkkila.fi", "yhteys@esimerkkila.fi"]


def test_staff_add_a_material_file_in_the_admin(staff_client, published, staff):
    data = change_form(staff_client, published)
    data.update(
        {
            "materials-TOTAL_FORMS": "1",
            "materials-0-session": str(published.pk),
            "materials-0-title": "Diat",
            "materials-0-url": "",
            "materials-0-visible": "before",
            "materials-0-position": "0",
            "materials-0-upload": pdf_upload("Diat.pdf"),
        }
    )
    save(staff_client, published, data)
    material = published.materials.get()
    assert (material.title, material.file.original_name) == ("Diat", "Diat.pdf")
    assert material.file.uploaded_by == staff
    assert OutgoingEmail.objects.exclude(purpose="session_invitation").count() == 0


def test_a_material_is_a_file_or_a_link_not_both(staff_client, published):
    data = change_form(staff_client, published)
    data.update(
        {
            "materials-TOTAL_FORMS": "1",
            "materials-0-session": str(published.pk),
            "materials-0-title": "Diat",
            "materials-0-url": "https://example.fi/diat",
            "materials-0-visible": "before",
            "materials-0-position": "0",
            "materials-0-upload": pdf_upload("Diat.pdf"),
        }
    )
    response = staff_client.post(f"{ADMIN}session/{published.pk}/change/", data)
    assert response.status_code == 200
    assert not published.materials.exists()


def action(staff_client, name: str, *sessions, confirmed: bool = True, language: str = "fi"):
    data = {"action": name, "_selected_action": [session.pk for session in sessions]}
    if confirmed:
        data["confirmed"] = "1"
    prefix = "" if language == "fi" else f"/{language}"
    return staff_client.post(f"{prefix}{ADMIN}session/", data, follow=True)


def test_publishing_and_cancelling_ask_first_and_say_who_gets_mail(
    staff_client, cohort, kickoff, everyone
):
    offline = SessionFactory(
        cohort=cohort,
        kind=SessionKind.WORKSHOP,
        title="Ilman paikkaa",
        online_url="",
        starts_at=helsinki(2022, 3, 1, 9, 0),
        ends_at=helsinki(2022, 3, 1, 10, 0),
    )
    response = action(staff_client, "publish", kickoff, offline, confirmed=False, language="en")
    html = response.content.decode()
    assert "6 people will get an e-mail" in html
    assert "It has neither an online link nor a place." in html
    assert "It has already begun." in html
    assert 'name="confirmed"' in html
    assert OutgoingEmail.objects.count() == 0
    kickoff.refresh_from_db()
    assert kickoff.state == SessionState.DRAFT
    action(staff_client, "publish", kickoff)
    response = action(staff_client, "cancel_sessions", kickoff, confirmed=False, language="en")
    assert "3 people will get an e-mail" in response.content.decode()
    assert OutgoingEmail.objects.filter(purpose="session_cancelled").count() == 0


def test_the_publish_action_invites_and_the_cancel_action_cancels(staff_client, kickoff, everyone):
    action(staff_client, "publish", kickoff)
    assert len(mails("session_invitation")) == 3
    action(staff_client, "cancel_sessions", kickoff)
    assert len(mails("session_cancelled")) == 3
    kickoff.refresh_from_db()
    assert kickoff.state == SessionState.CANCELLED


def test_publishing_an_unpicked_sparring_time_is_refused_with_a_message(
    staff_client, cohort, everyone
):
    session = SessionFactory(cohort=cohort, kind=SessionKind.SPARRING, title="Sparraus")
    response = action(staff_client, "publish", session)
    assert "Sparraus:" in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.DRAFT
    assert OutgoingEmail.objects.count() == 0


def test_the_offer_action_offers_only_draft_sparring_times_without_an_organisation(
    staff_client, cohort, ours, kickoff
):
    free = SessionFactory(cohort=cohort, kind=SessionKind.SPARRING, title="Vapaa")
    own = SessionFactory(
        cohort=cohort, kind=SessionKind.SPARRING, title="Oma", organisation=ours.organisation
    )
    action(staff_client, "offer", free, own, kickoff)
    states = dict(Session.objects.values_list("title", "state"))
    assert states == {
        "Vapaa": SessionState.OFFERED,
        "Oma": SessionState.DRAFT,
        "Aloitustilaisuus": SessionState.DRAFT,
    }


# The info session's recording link, added by staff


@pytest.fixture
def info(cohort):
    session = SessionFactory(
        cohort=cohort,
        kind=SessionKind.INFO,
        title="Infotilaisuus",
        starts_at=helsinki(2022, 1, 24, 13, 0),
        ends_at=helsinki(2022, 1, 24, 14, 30),
    )
    services.publish(session)
    return session


def test_adding_the_recording_link_sends_it_to_everyone_waiting_once(staff_client, info):
    for email in ["eka@example.fi", "toka@example.fi"]:
        services.request_recording(info, email, "fi")
    assert OutgoingEmail.objects.count() == 0
    data = change_form(staff_client, info)
    data["recording_url"] = "https://video.example.fi/info"
    save(staff_client, info, data)
    sent = mails("recording_link")
    assert [email.to for email in sent] == ["eka@example.fi", "toka@example.fi"]
    assert all("https://video.example.fi/info" in email.body_text for email in sent)
    assert RecordingRequest.objects.filter(sent_at__isnull=True).count() == 0
    # Saved again, or with another link, nobody gets it twice.
    data = change_form(staff_client, info)
    data["recording_url"] = "https://video.example.fi/info-2"
    save(staff_client, info, data)
    assert len(mails("recording_link")) == 2


# The attendance export


def export_csv(staff_client) -> list[list[str]]:
    page = staff_client.get(f"{ADMIN}attendance/export/")
    assert page.status_code == 200
    form = page.context["form"]
    csv_format = next(value for value, label in form.fields["format"].choices if label == "csv")
    data = {"format": csv_format, "resource": "0"}
    data.update(
        {
            name: "on"
            for name, field in form.fields.items()
            if name not in data and field.__class__.__name__ == "BooleanField"
        }
    )
    response = staff_client.post(f"{ADMIN}attendance/export/", data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_the_attendance_export_lists_everyone_with_coming_and_attended(
    staff_client, published, contact, colleague, outsider
):
    services.set_coming(published, contact.memberships.get().organisation_id, {contact.pk})
    Attendance.objects.filter(user=outsider).update(attended=True)
    header, *rows = export_csv(staff_client)
    assert len(header) == 7
    assert all(len(row) == 7 for row in rows)
    by_email = {row[4]: row for row in rows}
    assert set(by_email) == {contact.email, colleague.email, outsider.email}
    assert by_email[contact.email][3] == "Yrjö Yhteys"
    assert by_email[contact.email][0] == "Aloitustilaisuus"
    assert by_email[contact.email][1] == "2022-03-16 09:00"
    assert by_email[contact.email][2] == "Esimerkkilän kaupunki"
    yes, no = by_email[contact.email][5], by_email[colleague.email][5]
    assert yes
    assert no
    assert yes != no
    # Not told, not recorded: empty, not "no".
    assert by_email[outsider.email][5] == ""
    assert by_email[outsider.email][6] == yes
    assert by_email[contact.email][6] == ""


def test_the_export_keeps_a_formula_like_name_as_text(staff_client, published, contact):
    contact.name = "=HYPERLINK(1)"
    contact.save()
    _header, *rows = export_csv(staff_client)
    (row,) = [row for row in rows if row[4] == contact.email]
    assert row[3] == "'=HYPERLINK(1)"


def test_invited_counts_in_the_session_list(staff_client, published):
    response = staff_client.get(f"{ADMIN}session/")
    assert response.status_code == 200
    (row,) = response.context["cl"].result_list
    assert row.invited_count == 3


def test_a_moved_session_s_mail_says_what_changed_and_when_it_was(staff_client, kickoff, everyone):
    action(staff_client, "publish", kickoff)
    form = posted_form(staff_client.get(f"{ADMIN}session/{kickoff.pk}/change/").content.decode())
    form.update({"starts_at_0": "17.3.2022", "ends_at_0": "17.3.2022", "notify": "on"})
    response = staff_client.post(f"{ADMIN}session/{kickoff.pk}/change/", form)
    assert response.status_code == 302
    (mail, *_rest) = mails("session_changed")
    assert "alkaa, päättyy" in mail.body_text or "starts, ends" in mail.body_text
    assert "aiemmin 16.3.2022 klo 9.00–11.00" in mail.body_text
    assert "17.3.2022 klo 9.00–11.00" in mail.body_text


def test_a_change_saved_without_notifying_mails_no_one(staff_client, kickoff, everyone):
    action(staff_client, "publish", kickoff)
    form = posted_form(staff_client.get(f"{ADMIN}session/{kickoff.pk}/change/").content.decode())
    form.pop("notify", None)
    form["place"] = "Helsinki"
    response = staff_client.post(f"{ADMIN}session/{kickoff.pk}/change/", form)
    assert response.status_code == 302
    assert mails("session_changed") == []
    kickoff.refresh_from_db()
    assert (kickoff.place, kickoff.sequence) == ("Helsinki", 0)


def test_staff_read_an_invitation_s_calendar_entry_in_the_outbox(staff_client, kickoff, everyone):
    action(staff_client, "publish", kickoff)
    email = mails("session_invitation")[0]
    page = staff_client.get(f"/admin/notifications/outgoingemail/{email.pk}/change/")
    assert "BEGIN:VCALENDAR" in page.content.decode()
    assert "METHOD:REQUEST" in page.content.decode()
