"""Interview slots, race-free booking, moving and cancelling, calendar invitations, reminders."""

import datetime as dt
import threading
from email import message_from_bytes

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import translation
from icalendar import Calendar

from academy.models import HELSINKI
from academy.tests.factories import UserFactory
from applications import interviews, services
from applications.models import Interview, InterviewSlot
from notifications.models import OutgoingEmail
from notifications.reminders import sweep

from .conftest import url
from .factories import DURING_CALL, ApplicationFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2022, 2, day, hour, minute, tzinfo=HELSINKI)


@pytest.fixture
def slots(cohort):
    interviewer = UserFactory(email="haastattelija@example.fi", is_staff=True)
    return interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 8),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(12, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
        interviewers=[interviewer],
        meeting_url="https://meet.example.fi/akatemia",
    )[0]


@pytest.fixture
def submitted(cohort, applicant):
    application = ApplicationFactory(cohort=cohort, applicant=applicant)
    return services.submit_application(application, by=applicant, now=DURING_CALL)


def calendar_of(message) -> Calendar:
    parsed = message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)), part.get_param("method")


def test_slots_are_generated_per_day_with_the_buffer_in_helsinki_time(cohort, slots):
    assert len(slots) == 6
    first = InterviewSlot.objects.order_by("starts_at").first()
    assert (first.starts_at, first.ends_at) == (at(7, 9), at(7, 9, 45))
    assert [s.starts_at.astimezone(HELSINKI).hour for s in slots[:3]] == [9, 10, 11]
    assert first.interviewers.get().email == "haastattelija@example.fi"


def test_generating_again_leaves_out_what_would_double_book_an_interviewer(cohort, slots):
    interviewer = slots[0].interviewers.get()
    again, skipped = interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 7),
        day_starts=dt.time(9, 15),
        day_ends=dt.time(12, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
        interviewers=[interviewer],
    )
    assert (again, skipped) == ([], 3)
    # Another interviewer may interview in parallel.
    parallel, skipped = interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 7),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(10, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(0),
        interviewers=[UserFactory(is_staff=True)],
    )
    assert (len(parallel), skipped) == (1, 0)


def test_weekends_are_skipped_unless_asked(cohort):
    made, _skipped = interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 5),  # a Saturday
        last_day=dt.date(2022, 2, 6),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(10, 0),
        length=dt.timedelta(minutes=60),
        buffer=dt.timedelta(0),
    )
    assert made == []


def book(client, application, slot, when=DURING_CALL):
    with time_machine.travel(when, tick=False):
        return client.post(url("interview", application), {"slot": slot.pk})


def test_booking_sends_an_invitation_moving_updates_it_cancelling_cancels_it(
    signed_in, submitted, slots, deliver_mail
):
    with deliver_mail():
        response = book(signed_in, submitted, slots[0])
    assert response.status_code == 302
    interview = Interview.objects.get()
    invite, method = calendar_of(mail.outbox[-1])
    event = invite.walk("VEVENT")[0]
    assert method == "REQUEST"
    assert str(invite["METHOD"]) == "REQUEST"
    uid = str(event["UID"])
    assert uid == f"interview-{interview.uid}@localhost"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == slots[0].starts_at
    assert str(event["LOCATION"]) == "https://meet.example.fi/akatemia"
    assert "7.2.2022 klo 9.00–9.45 (Helsingin aikaa, UTC+2)" in mail.outbox[-1].body

    with deliver_mail():
        book(signed_in, submitted, slots[3])
    moved, method = calendar_of(mail.outbox[-1])
    event = moved.walk("VEVENT")[0]
    assert (method, str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", uid, 1)
    assert event.decoded("DTSTART") == slots[3].starts_at
    # The mail says which time it replaces.
    assert "8.2.2022 klo 9.00–9.45 (Helsingin aikaa, UTC+2)" in mail.outbox[-1].body
    assert "(Aiempi aika oli 7.2.2022 klo 9.00–9.45 (Helsingin aikaa, UTC+2).)" in (
        mail.outbox[-1].body
    )

    with deliver_mail(), time_machine.travel(DURING_CALL, tick=False):
        signed_in.post(url("interview_cancel", submitted))
    cancelled, method = calendar_of(mail.outbox[-1])
    event = cancelled.walk("VEVENT")[0]
    assert (method, str(event["UID"]), int(event["SEQUENCE"])) == ("CANCEL", uid, 2)
    assert str(event["STATUS"]) == "CANCELLED"
    assert Interview.objects.active().count() == 0


def test_a_taken_slot_gets_a_clear_message_and_the_remaining_times(
    signed_in, submitted, slots, cohort
):
    other = ApplicationFactory(cohort=cohort)
    services.submit_application(other, by=other.applicant, now=DURING_CALL)
    interviews.book_interview(slots[0], other, by=other.applicant, now=DURING_CALL)
    response = book(signed_in, submitted, slots[0])
    html = response.content.decode()
    assert "Joku muu varasi tämän ajan juuri äsken. Valitse toinen aika." in html
    assert f'value="{slots[1].pk}"' in html
    assert f'value="{slots[0].pk}"' not in html
    assert Interview.objects.count() == 1


def test_the_service_refuses_a_taken_slot(submitted, slots, cohort):
    other = ApplicationFactory(cohort=cohort)
    services.submit_application(other, by=other.applicant, now=DURING_CALL)
    interviews.book_interview(slots[0], other, by=other.applicant, now=DURING_CALL)
    with pytest.raises(interviews.SlotTaken):
        interviews.book_interview(slots[0], submitted, by=submitted.applicant, now=DURING_CALL)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_many_concurrent_bookings_of_one_slot_make_exactly_one_interview(cohort):
    (slot,), _skipped = interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 7),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(10, 0),
        length=dt.timedelta(minutes=60),
        buffer=dt.timedelta(0),
    )
    applications = []
    for _ in range(8):
        application = ApplicationFactory(cohort=cohort)
        applications.append(
            services.submit_application(application, by=application.applicant, now=DURING_CALL)
        )
    results, barrier = [], threading.Barrier(len(applications))

    def attempt(application):
        barrier.wait()
        try:
            with translation.override("fi"):
                interviews.book_interview(
                    slot, application, by=application.applicant, now=DURING_CALL
                )
            results.append("booked")
        except interviews.SlotTaken as error:
            results.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("booked") == 1
    with translation.override("fi"):
        assert results.count(interviews.slot_taken_message()) == 7
    assert Interview.objects.count() == 1
    assert OutgoingEmail.objects.filter(purpose="interview_booked").count() == 1


def test_a_draft_cannot_book(signed_in, draft, slots):
    response = book(signed_in, draft, slots[0])
    assert Interview.objects.count() == 0
    html = signed_in.get(url("interview", draft)).content.decode()
    assert response.status_code == 200
    assert f'value="{slots[0].pk}"' not in html


def test_moving_and_cancelling_end_at_the_cutoff_for_the_applicant(signed_in, submitted, slots):
    book(signed_in, submitted, slots[0])
    interview = Interview.objects.get()
    late = slots[0].starts_at - dt.timedelta(hours=23)
    book(signed_in, submitted, slots[4], when=late)
    with time_machine.travel(late, tick=False):
        signed_in.post(url("interview_cancel", submitted))
        html = signed_in.get(url("interview", submitted)).content.decode()
    interview.refresh_from_db()
    assert interview.slot == slots[0]
    assert interview.cancelled_at is None
    assert "Jos haluatte nyt siirtää tai perua haastattelun, ottakaa yhteyttä" in html
    # Staff may still move it.
    interviews.reschedule_interview(interview, slots[4], by=None, now=late, by_staff=True)
    interview.refresh_from_db()
    assert (interview.slot, interview.sequence) == (slots[4], 1)


@pytest.mark.parametrize("name", ["interview", "interview_cancel"])
def test_another_applicants_interview_pages_are_not_found(client, submitted, slots, name):
    interviews.book_interview(slots[0], submitted, by=submitted.applicant, now=DURING_CALL)
    client.force_login(UserFactory(email="toinen@example.fi"))
    with time_machine.travel(DURING_CALL, tick=False):
        assert client.get(url(name, submitted)).status_code == 404
        assert client.post(url(name, submitted), {"slot": slots[1].pk}).status_code == 404
    assert Interview.objects.active().get().slot == slots[0]


@pytest.mark.parametrize("name", ["interview", "interview_cancel"])
def test_anonymous_visitors_sign_in_for_the_interview_pages(client, submitted, name):
    response = client.get(url(name, submitted))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_interview_page_makes_the_same_queries_with_few_or_many_slots(
    signed_in, submitted, cohort, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for days in (1, 10):
        InterviewSlot.objects.all().delete()
        interviews.generate_slots(
            cohort,
            first_day=dt.date(2022, 2, 7),
            last_day=dt.date(2022, 2, 7) + dt.timedelta(days=days - 1),
            day_starts=dt.time(9, 0),
            day_ends=dt.time(16, 0),
            length=dt.timedelta(minutes=30),
            buffer=dt.timedelta(0),
            weekdays_only=False,
        )
        with CaptureQueriesContext(connection) as queries, time_machine.travel(DURING_CALL):
            assert signed_in.get(url("interview", submitted)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_unbooked_applicants_are_reminded_and_booked_ones_are_not(
    cohort, submitted, slots, deliver_mail
):
    other = ApplicationFactory(cohort=cohort)
    services.submit_application(other, by=other.applicant, now=DURING_CALL)
    interviews.book_interview(slots[0], other, by=other.applicant, now=DURING_CALL)
    three_days = DURING_CALL + dt.timedelta(days=3)
    assert sweep(three_days - dt.timedelta(seconds=1)) == 0
    with deliver_mail():
        assert sweep(three_days) == 1
    (message,) = mail.outbox
    assert message.to == [submitted.applicant.email]
    assert f"/applications/{submitted.public_id}/interview/" in message.body
    assert sweep(three_days + dt.timedelta(days=1)) == 0


def test_the_day_before_the_applicant_and_the_interviewers_are_reminded(
    submitted, slots, deliver_mail
):
    interview = interviews.book_interview(
        slots[0], submitted, by=submitted.applicant, now=DURING_CALL
    )
    OutgoingEmail.objects.all().delete()
    with deliver_mail():
        assert sweep(slots[0].starts_at - dt.timedelta(days=1)) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["haastattelija@example.fi", submitted.applicant.email]
    assert (
        f"/applications/{submitted.public_id}/interview/"
        in by_address[submitted.applicant.email].body
    )
    assert (
        f"/admin/applications/interview/{interview.pk}/change/"
        in by_address["haastattelija@example.fi"].body
    )


def test_withdrawing_cancels_the_interview_and_frees_the_slot(
    signed_in, submitted, slots, deliver_mail
):
    interviews.book_interview(slots[0], submitted, by=submitted.applicant, now=DURING_CALL)
    with time_machine.travel(DURING_CALL, tick=False), deliver_mail():
        signed_in.post(url("withdraw", submitted), {"reason": ""})
    interview = Interview.objects.get()
    assert interview.cancelled_at == DURING_CALL
    assert slots[0] in InterviewSlot.objects.free()
    (cancellation,) = [
        m for m in mail.outbox if m.extra_headers["X-Academy-Email-Key"].startswith("interview:")
    ]
    assert calendar_of(cancellation)[1] == "CANCEL"
    # No reminders about an interview that will not happen.
    assert sweep(slots[0].starts_at - dt.timedelta(days=1)) == 0


def test_a_slot_id_that_is_not_a_number_is_refused_politely(signed_in, submitted, slots):
    with time_machine.travel(DURING_CALL, tick=False):
        response = signed_in.post(url("interview", submitted), {"slot": "abc"})
    assert response.status_code == 200
    assert "Valitse jokin vapaista ajoista." in response.content.decode()


def test_a_page_left_open_does_not_move_or_cancel_a_booking_it_did_not_show(
    signed_in, submitted, slots
):
    with time_machine.travel(DURING_CALL, tick=False):
        # Window 1 shows no interview; window 2 books one.
        signed_in.post(url("interview", submitted), {"slot": slots[0].pk, "sequence": ""})
        (interview,) = Interview.objects.all()
        # Window 1, never reloaded, books another time: refused, nothing moved.
        response = signed_in.post(
            url("interview", submitted, "en"), {"slot": slots[1].pk, "sequence": ""}
        )
        assert "changed a moment ago, perhaps in another window" in response.content.decode()
        # Window 2 moves it; window 3, showing the first time, then tries to cancel it.
        signed_in.post(url("interview", submitted), {"slot": slots[2].pk, "sequence": "0"})
        signed_in.post(url("interview_cancel", submitted), {"sequence": "0"})
    interview.refresh_from_db()
    assert interview.slot == slots[2]
    assert interview.cancelled_at is None
    assert interview.sequence == 1
