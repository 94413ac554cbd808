"""The info session's public recording request: stored until there is a link, or sent at once."""

import pytest

from academy.tests.programme import SessionFactory, helsinki
from notifications.models import OutgoingEmail
from workshops import services
from workshops.models import RecordingRequest, SessionKind, SessionState

from .conftest import mails

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_kickoff")]

LINK = "https://video.example.fi/infotilaisuus"


@pytest.fixture
def info(cohort):
    return SessionFactory(
        cohort=cohort,
        kind=SessionKind.INFO,
        title="Infotilaisuus",
        starts_at=helsinki(2022, 1, 24, 13, 0),
        ends_at=helsinki(2022, 1, 24, 14, 30),
        state=SessionState.PUBLISHED,
    )


def page(session, language: str = "en") -> str:
    prefix = "" if language == "fi" else f"/{language}"
    return f"{prefix}/info-session/{session.pk}/recording/"


def test_anyone_may_open_the_request_page(client, info):
    response = client.get(page(info))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Infotilaisuus was held on" in html
    assert 'name="email"' in html
    assert client.get(page(info, "fi")).status_code == 200


def test_a_request_before_there_is_a_link_is_stored_and_nothing_sent(client, info):
    response = client.post(page(info), {"email": "utelias@example.fi"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/en/info-session/{info.pk}/recording/requested/"
    request = RecordingRequest.objects.get()
    assert (request.email, request.language, request.sent_at) == ("utelias@example.fi", "en", None)
    assert OutgoingEmail.objects.count() == 0
    html = response.content.decode()
    assert "We have saved your request and will send you the link as soon as it is." in html


def test_the_link_once_added_goes_to_everyone_waiting(client, info):
    client.post(page(info), {"email": "eka@example.fi"})
    client.post(page(info, "fi"), {"email": "toka@example.fi"})
    info.recording_url = LINK
    info.save()
    assert services.send_pending_recordings(info) == 2
    sent = mails("recording_link")
    assert [(email.to, email.language) for email in sent] == [
        ("eka@example.fi", "en"),
        ("toka@example.fi", "fi"),
    ]
    assert all(LINK in email.body_text for email in sent)
    assert all("Infotilaisuus" in email.subject for email in sent)
    assert services.send_pending_recordings(info) == 0
    assert len(mails("recording_link")) == 2


def test_a_request_when_the_link_exists_is_answered_at_once(client, info):
    info.recording_url = LINK
    info.save()
    response = client.post(page(info), {"email": "myohainen@example.fi"}, follow=True)
    (email,) = mails("recording_link")
    assert email.to == "myohainen@example.fi"
    assert LINK in email.body_text
    assert RecordingRequest.objects.get().sent_at is not None
    assert "The link to the recording is on its way to your e-mail." in (response.content.decode())


def test_the_same_address_twice_is_one_request_and_one_mail(client, info):
    client.post(page(info), {"email": "utelias@example.fi"})
    client.post(page(info), {"email": "Utelias@Example.fi"})
    assert RecordingRequest.objects.count() == 1
    info.recording_url = LINK
    info.save()
    services.send_pending_recordings(info)
    client.post(page(info), {"email": "UTELIAS@example.fi"})
    assert RecordingRequest.objects.count() == 1
    assert len(mails("recording_link")) == 1


def test_an_invalid_address_is_shown_again_with_the_error(client, info):
    response = client.post(page(info), {"email": "ei-osoite@"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="ei-osoite@"' in html
    assert not RecordingRequest.objects.exists()


def test_a_robot_filling_the_hidden_field_stores_nothing(client, info):
    response = client.post(
        page(info), {"email": "robotti@example.fi", "website": "https://spam.example"}
    )
    assert response.status_code == 302
    assert not RecordingRequest.objects.exists()
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"state": SessionState.DRAFT},
        {"state": SessionState.CANCELLED},
        {"kind": SessionKind.WORKSHOP},
    ],
)
def test_only_a_published_info_session_takes_requests(client, info, fields):
    for name, value in fields.items():
        setattr(info, name, value)
    info.save()
    assert client.get(page(info)).status_code == 404
    assert client.post(page(info), {"email": "utelias@example.fi"}).status_code == 404
    assert not RecordingRequest.objects.exists()


def test_asking_again_resends_the_link_only_after_an_hour(client, info):
    import datetime as dt

    import time_machine

    info.recording_url = LINK
    info.save()
    first = helsinki(2022, 1, 25, 9, 0)
    with time_machine.travel(first, tick=False):
        client.post(page(info), {"email": "utelias@example.fi"})
    with time_machine.travel(first + dt.timedelta(minutes=10), tick=False):
        html = client.post(page(info), {"email": "utelias@example.fi"}, follow=True)
        assert "was sent to this address on" in html.content.decode()
    assert len(mails("recording_link")) == 1
    with time_machine.travel(first + dt.timedelta(hours=2), tick=False):
        html = client.post(page(info), {"email": "Utelias@example.fi"}, follow=True)
        assert "on its way to your e-mail" in html.content.decode()
    assert len(mails("recording_link")) == 2
    assert RecordingRequest.objects.count() == 1


def test_before_the_info_session_the_page_does_not_say_it_was_held(client, info):
    import datetime as dt

    import time_machine

    with time_machine.travel(info.starts_at - dt.timedelta(days=1), tick=False):
        html = client.get(page(info)).content.decode()
    assert "was held on" not in html
    assert "is held on" in html
