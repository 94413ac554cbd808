"""Each person's calendar address: made and replaced on its page, read without signing in."""

import datetime as dt

import pytest
from icalendar import Calendar

from academy.tests.programme import AssignmentFactory, SessionFactory, helsinki
from applications import interviews
from applications import services as application_services
from applications.calendar import interview_uid
from applications.tests.factories import DURING_CALL, ApplicationFactory
from assignments import services as assignment_services
from workshops import services
from workshops.calendar import session_uid
from workshops.models import CalendarFeed, SessionKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_kickoff")]

PAGE = "/en/calendar/"


def feed_path(user) -> str:
    return f"/calendar/{CalendarFeed.objects.get(user=user).token}.ics"


def read_feed(client, user) -> Calendar:
    response = client.get(feed_path(user))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def feed(contact):
    return CalendarFeed.objects.create(user=contact)


def workshop(cohort, title="Yhteinen työpaja", day=11):
    return SessionFactory(
        cohort=cohort,
        kind=SessionKind.WORKSHOP,
        title=title,
        starts_at=helsinki(2022, 5, day, 9, 0),
        ends_at=helsinki(2022, 5, day, 12, 0),
    )


def test_the_calendar_page_makes_an_address_and_shows_it(client, contact):
    client.force_login(contact)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert ".ics" not in page.content.decode()
    response = client.post(PAGE, {"action": "create"})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=contact)
    assert len(feed.token) >= 40
    html = client.get(PAGE).content.decode()
    assert f'value="http://testserver/en/calendar/{feed.token}.ics"' in html
    # Asking again does not make a second address.
    client.post(PAGE, {"action": "create"})
    assert CalendarFeed.objects.get(user=contact).token == feed.token


def test_the_calendar_page_needs_signing_in(client):
    response = client.get("/calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post("/calendar/", {"action": "create"}).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_feed_is_read_without_signing_in_and_holds_the_persons_sessions(
    client, cohort, kickoff, everyone, feed
):
    services.publish(kickoff)
    draft = workshop(cohort, "Luonnos")
    response = client.get(feed_path(feed.user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    found = events(calendar)
    assert set(found) == {session_uid(kickoff)}
    event = found[session_uid(kickoff)]
    assert event.decoded("DTSTART") == kickoff.starts_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert session_uid(draft) not in found
    feed.refresh_from_db()
    assert feed.last_read_at is not None


def test_the_feed_shows_a_moved_session_at_its_new_time_with_a_higher_sequence(
    client, kickoff, contact, feed
):
    services.publish(kickoff)
    kickoff.starts_at = helsinki(2022, 3, 17, 12, 0)
    kickoff.ends_at = helsinki(2022, 3, 17, 14, 0)
    kickoff.save()
    services.send_update(kickoff)
    event = events(read_feed(client, contact))[session_uid(kickoff)]
    assert event.decoded("DTSTART") == helsinki(2022, 3, 17, 12, 0)
    assert event.decoded("DTEND") == helsinki(2022, 3, 17, 14, 0)
    assert int(event["SEQUENCE"]) == 1


def test_the_feed_shows_a_cancelled_session_as_cancelled(client, cohort, contact, feed):
    session = workshop(cohort)
    services.publish(session)
    services.cancel(session)
    event = events(read_feed(client, contact))[session_uid(session)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_another_organisations_sparring_is_not_in_the_feed(
    client, cohort, ours, theirs, contact, outsider, feed
):
    def sparring(participation, day):
        session = SessionFactory(
            cohort=cohort,
            kind=SessionKind.SPARRING,
            title=f"Sparraus {participation.organisation.name}",
            organisation=participation.organisation,
            starts_at=helsinki(2022, 4, day, 13, 0),
            ends_at=helsinki(2022, 4, day, 14, 0),
        )
        services.publish(session)
        return session

    own, other = sparring(ours, 5), sparring(theirs, 6)
    found = events(read_feed(client, contact))
    assert session_uid(own) in found
    assert session_uid(other) not in found
    CalendarFeed.objects.create(user=outsider)
    assert set(events(read_feed(client, outsider))) == {session_uid(other)}


def test_the_feed_holds_the_persons_own_interview(client, cohort, contact, feed):
    application = ApplicationFactory(cohort=cohort, applicant=contact)
    application_services.submit_application(application, by=contact, now=DURING_CALL)
    (slot, *_rest), _skipped = interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 7),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(11, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
        meeting_url="https://meet.example.fi/akatemia",
    )
    interview = interviews.book_interview(slot, application, by=contact, now=DURING_CALL)
    other = ApplicationFactory(cohort=cohort)
    application_services.submit_application(other, by=other.applicant, now=DURING_CALL)
    others = interviews.book_interview(_rest[0], other, by=other.applicant, now=DURING_CALL)
    found = events(read_feed(client, contact))
    event = found[interview_uid(interview)]
    assert event.decoded("DTSTART") == helsinki(2022, 2, 7, 9, 0)
    assert interview_uid(others) not in found


def test_the_pre_assignment_deadline_appears_once_it_has_been_sent(
    client, cohort, ours, kickoff, contact, feed
):
    assignment = AssignmentFactory(cohort=cohort)
    deadline_uid = f"pre-assignment-{assignment.pk}-{ours.organisation_id}@localhost"
    assert deadline_uid not in events(read_feed(client, contact))
    services.publish(kickoff)
    event = events(read_feed(client, contact))[deadline_uid]
    assert event.decoded("DTEND") == helsinki(2022, 3, 11, 16, 0)
    assert f"/workspace/{ours.pk}/" in str(event["URL"])


def test_an_extended_deadline_is_the_one_in_the_feed(client, cohort, ours, kickoff, contact, feed):
    assignment = AssignmentFactory(cohort=cohort)
    services.publish(kickoff)
    submission = assignment_services.submission_for(assignment, ours.organisation)
    submission.extended_due_at = helsinki(2022, 3, 14, 16, 0)
    submission.save()
    deadline_uid = f"pre-assignment-{assignment.pk}-{ours.organisation_id}@localhost"
    event = events(read_feed(client, contact))[deadline_uid]
    assert event.decoded("DTEND") == helsinki(2022, 3, 14, 16, 0)


def test_replacing_the_address_retires_the_old_one(client, contact, feed):
    old = feed_path(contact)
    client.force_login(contact)
    client.post(PAGE, {"action": "replace"})
    client.logout()
    new = feed_path(contact)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_removing_the_address_retires_it(client, contact, feed):
    old = feed_path(contact)
    client.force_login(contact)
    client.post(PAGE, {"action": "delete"})
    assert not CalendarFeed.objects.exists()
    assert client.get(old).status_code == 404


def test_an_unknown_address_is_not_found(client, feed):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get(f"/calendar/{feed.token[:-1]}.ics").status_code == 404


def test_the_address_of_a_deactivated_person_is_not_found(client, contact, feed):
    path = feed_path(contact)
    contact.is_active = False
    contact.save()
    assert client.get(path).status_code == 404
