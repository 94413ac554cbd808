"""Publishing, changing and cancelling sessions: who is invited, and the calendar data they get."""

import pytest
import time_machine
from django.core import mail

from academy.models import Membership
from academy.tests.factories import OrganisationFactory, UserFactory
from academy.tests.programme import (
    BEFORE_KICKOFF,
    AssignmentFactory,
    ParticipationFactory,
    SessionFactory,
    helsinki,
    member,
)
from assignments.models import Assignment
from notifications.models import OutgoingEmail
from workshops import services
from workshops.calendar import session_uid
from workshops.models import Attendance, SessionKind, SessionState

from .conftest import mails, parse, recipients

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_kickoff")]

EVERYONE = ["kollega@esimerkkila.fi", "ulkopuolinen@toisenla.fi", "yhteys@esimerkkila.fi"]
OURS = ["kollega@esimerkkila.fi", "yhteys@esimerkkila.fi"]


def workshop(cohort, **fields):
    return SessionFactory(
        cohort=cohort,
        kind=SessionKind.WORKSHOP,
        title="Yhteinen työpaja",
        starts_at=helsinki(2022, 5, 11, 9, 0),
        ends_at=helsinki(2022, 5, 11, 12, 0),
        **fields,
    )


def sparring_for(participation, **fields):
    return SessionFactory(
        cohort=participation.cohort,
        kind=SessionKind.SPARRING,
        title="Sparraus",
        organisation=participation.organisation,
        starts_at=helsinki(2022, 4, 5, 13, 0),
        ends_at=helsinki(2022, 4, 5, 14, 0),
        **fields,
    )


# Publishing


def test_publishing_a_kickoff_invites_the_team_of_every_organisation(kickoff, everyone):
    assert services.publish(kickoff) == 3
    assert recipients("session_invitation") == EVERYONE
    kickoff.refresh_from_db()
    assert kickoff.state == SessionState.PUBLISHED
    assert kickoff.published_at is not None
    assert set(Attendance.objects.values_list("user__email", "invited_sequence")) == {
        (email, 0) for email in EVERYONE
    }


def test_a_workshop_invites_the_same_people_as_the_kickoff(cohort, everyone):
    session = workshop(cohort)
    services.publish(session)
    assert recipients("session_invitation") == EVERYONE


def test_a_draft_invites_nobody_even_when_someone_joins_or_it_changes(
    cohort, ours, kickoff, everyone, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member(ours, "uusi@esimerkkila.fi")
    assert services.sync_invitations(kickoff) == 0
    assert services.send_update(kickoff) == 0
    assert OutgoingEmail.objects.count() == 0
    assert not Attendance.objects.exists()
    kickoff.refresh_from_db()
    assert (kickoff.state, kickoff.sequence) == (SessionState.DRAFT, 0)


def test_a_sparring_session_invites_only_its_organisations_team(ours, everyone):
    session = sparring_for(ours)
    assert services.publish(session) == 2
    assert recipients("session_invitation") == OURS


def test_an_info_session_invites_nobody(cohort, everyone):
    info = SessionFactory(cohort=cohort, kind=SessionKind.INFO, title="Infotilaisuus")
    assert services.publish(info) == 0
    info.refresh_from_db()
    assert info.state == SessionState.PUBLISHED
    assert OutgoingEmail.objects.count() == 0


def test_a_sparring_session_without_an_organisation_cannot_be_published(cohort, everyone):
    session = SessionFactory(cohort=cohort, kind=SessionKind.SPARRING, title="Sparraus")
    with pytest.raises(services.SessionError):
        services.publish(session)
    session.refresh_from_db()
    assert session.state == SessionState.DRAFT
    assert OutgoingEmail.objects.count() == 0


def test_each_invitation_carries_the_recipients_own_calendar_request(kickoff, everyone):
    services.publish(kickoff)
    for email in mails("session_invitation"):
        calendar, event = parse(email.calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == session_uid(kickoff) == f"session-{kickoff.uid}@localhost"
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == kickoff.starts_at
        assert event.decoded("DTEND") == kickoff.ends_at
        assert str(event["STATUS"]) == "CONFIRMED"
        attendees = event.get("ATTENDEE")
        assert str(attendees) == f"mailto:{email.to}"


def test_the_invitation_says_when_and_where_in_the_recipients_language(kickoff, contact):
    services.publish(kickoff)
    (email,) = mails("session_invitation")
    assert email.language == "fi"
    assert email.subject.startswith("Kutsu: Aloitustilaisuus")
    assert "16.3.2022" in email.body_text
    assert "https://meet.example.fi/aloitus" in email.body_text
    assert f"/workspace/{kickoff.cohort.participations.get().pk}/sessions/{kickoff.pk}/" in (
        email.body_text
    )


def test_publishing_twice_sends_nothing_more(kickoff, everyone):
    services.publish(kickoff)
    assert services.publish(kickoff) == 0
    assert OutgoingEmail.objects.count() == 3


# The kick-off and the pre-assignment


def test_the_kickoff_invitation_brings_the_pre_assignment(cohort, kickoff, everyone):
    assignment = AssignmentFactory(cohort=cohort, title="Hankintojen lähtötilanne")
    assert services.publish(kickoff) == 3
    invitations = mails("session_invitation")
    assert [email.to for email in invitations] == EVERYONE
    for email in invitations:
        assert email.subject.startswith("Kutsu ja ennakkotehtävä: Aloitustilaisuus")
        assert "Ennakkotehtävä: Hankintojen lähtötilanne" in email.body_text
        assert "11.3.2022 klo 16.00" in email.body_text
        assert "Aloitustilaisuus" in email.body_text
    assert not OutgoingEmail.objects.filter(purpose="assignment_sent").exists()
    assignment.refresh_from_db()
    assert assignment.sent_at == BEFORE_KICKOFF
    assert OutgoingEmail.objects.count() == 3


def test_a_kickoff_published_before_the_pre_assignment_is_written_goes_without_it(
    cohort, kickoff, everyone
):
    services.publish(kickoff)
    assignment = AssignmentFactory(cohort=cohort, title="Hankintojen lähtötilanne")
    for email in mails("session_invitation"):
        assert email.subject.startswith("Kutsu: Aloitustilaisuus")
        assert "Ennakkotehtävä" not in email.body_text
        assert "Hankintojen lähtötilanne" not in email.body_text
    assert Assignment.objects.get(pk=assignment.pk).sent_at is None


def test_a_workshop_invitation_never_brings_the_pre_assignment(cohort, everyone):
    assignment = AssignmentFactory(cohort=cohort)
    services.publish(workshop(cohort))
    assert all("Ennakkotehtävä" not in email.body_text for email in mails("session_invitation"))
    assignment.refresh_from_db()
    assert assignment.sent_at is None


# Changes


def test_a_change_sends_everyone_an_update_with_a_higher_sequence(kickoff, everyone):
    services.publish(kickoff)
    kickoff.starts_at = helsinki(2022, 3, 17, 12, 0)
    kickoff.ends_at = helsinki(2022, 3, 17, 14, 0)
    kickoff.save()
    assert services.send_update(kickoff) == 3
    kickoff.refresh_from_db()
    assert kickoff.sequence == 1
    changed = mails("session_changed")
    assert [email.to for email in changed] == EVERYONE
    for email in changed:
        calendar, event = parse(email.calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == session_uid(kickoff)
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == helsinki(2022, 3, 17, 12, 0)
        assert "17.3.2022" in email.body_text
    assert set(Attendance.objects.values_list("invited_sequence", flat=True)) == {1}
    # The first invitations are not sent again.
    assert len(mails("session_invitation")) == 3


def test_each_change_raises_the_sequence_again(kickoff, contact):
    services.publish(kickoff)
    services.send_update(kickoff)
    services.send_update(kickoff)
    sequences = sorted(int(parse(e.calendar)[1]["SEQUENCE"]) for e in mails("session_changed"))
    assert sequences == [1, 2]


def test_someone_invited_after_a_change_gets_the_current_version_as_an_invitation(
    ours, kickoff, contact
):
    services.publish(kickoff)
    services.send_update(kickoff)
    newcomer = member(ours, "uusi@esimerkkila.fi")
    services.sync_invitations(kickoff)
    (email,) = OutgoingEmail.objects.filter(to=newcomer.email)
    assert email.purpose == "session_invitation"
    assert int(parse(email.calendar)[1]["SEQUENCE"]) == 1


# Cancelling


def test_cancelling_sends_a_cancellation_to_everyone_invited(kickoff, everyone):
    services.publish(kickoff)
    assert services.cancel(kickoff) == 3
    kickoff.refresh_from_db()
    assert kickoff.state == SessionState.CANCELLED
    assert kickoff.cancelled_at is not None
    cancelled = mails("session_cancelled")
    assert [email.to for email in cancelled] == EVERYONE
    for email in cancelled:
        calendar, event = parse(email.calendar)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == session_uid(kickoff)
        assert int(event["SEQUENCE"]) == 1
        assert str(event["ATTENDEE"]) == f"mailto:{email.to}"


def test_cancelling_twice_sends_nothing_more(kickoff, everyone):
    services.publish(kickoff)
    services.cancel(kickoff)
    assert services.cancel(kickoff) == 0
    assert len(mails("session_cancelled")) == 3
    kickoff.refresh_from_db()
    assert kickoff.sequence == 1


def test_cancelling_a_draft_tells_nobody(kickoff, everyone):
    assert services.cancel(kickoff) == 0
    assert OutgoingEmail.objects.count() == 0


def test_a_cancelled_session_cannot_be_published_again(kickoff, everyone):
    services.publish(kickoff)
    services.cancel(kickoff)
    with pytest.raises(services.SessionError):
        services.publish(kickoff)
    kickoff.refresh_from_db()
    assert kickoff.state == SessionState.CANCELLED
    assert OutgoingEmail.objects.filter(purpose="session_invitation").count() == 3


def test_a_cancelled_session_sends_no_update(kickoff, everyone):
    services.publish(kickoff)
    services.cancel(kickoff)
    assert services.send_update(kickoff) == 0
    assert not mails("session_changed")


# Joining later


def test_someone_who_joins_a_team_later_is_invited_to_what_is_ahead_only(
    cohort, ours, everyone, eager_celery, django_capture_on_commit_callbacks
):
    with time_machine.travel(helsinki(2022, 3, 1, 9, 0), tick=False):
        past = SessionFactory(cohort=cohort)
        services.publish(past)
        upcoming = workshop(cohort)
        services.publish(upcoming)
    with (
        time_machine.travel(helsinki(2022, 4, 1, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        newcomer = member(ours, "uusi@esimerkkila.fi")
    (email,) = OutgoingEmail.objects.filter(to=newcomer.email)
    assert email.purpose == "session_invitation"
    assert str(parse(email.calendar)[1]["UID"]) == session_uid(upcoming)
    assert not Attendance.objects.filter(session=past, user=newcomer).exists()
    assert [m.to for m in mail.outbox] == [[newcomer.email]]


def test_a_new_member_of_another_organisation_gets_no_sparring_of_ours(
    ours, theirs, everyone, eager_celery, django_capture_on_commit_callbacks
):
    services.publish(sparring_for(ours))
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = member(theirs, "uusi@toisenla.fi")
    assert not OutgoingEmail.objects.filter(to=newcomer.email).exists()
    with django_capture_on_commit_callbacks(execute=True):
        colleague = member(ours, "uusi@esimerkkila.fi")
    assert recipients("session_invitation").count(colleague.email) == 1


def test_an_organisation_that_joins_the_cohort_later_has_its_team_invited(
    cohort, kickoff, everyone, eager_celery, django_capture_on_commit_callbacks
):
    services.publish(kickoff)
    organisation = OrganisationFactory(name="Myöhäisen kunta")
    late = UserFactory(email="myohainen@myohaisen.fi", preferred_language="fi")
    Membership.objects.create(user=late, organisation=organisation, role="procurement_lead")
    assert not OutgoingEmail.objects.filter(to=late.email).exists()
    with django_capture_on_commit_callbacks(execute=True):
        ParticipationFactory(cohort=cohort, organisation=organisation)
    (email,) = OutgoingEmail.objects.filter(to=late.email)
    assert email.purpose == "session_invitation"
    assert len(mails("session_invitation")) == 4


def test_someone_on_the_teams_of_two_organisations_taking_part_is_invited_once(
    kickoff, theirs, everyone, contact
):
    Membership.objects.create(
        user=contact, organisation=theirs.organisation, role="procurement_specialist"
    )
    assert services.publish(kickoff) == 3
    assert recipients("session_invitation") == EVERYONE
    assert Attendance.objects.filter(user=contact).count() == 1


# Leaving


def test_someone_removed_from_the_team_is_dropped_from_what_is_ahead_only(
    cohort, kickoff, everyone, colleague
):
    with time_machine.travel(helsinki(2022, 3, 1, 9, 0), tick=False):
        past = SessionFactory(
            cohort=cohort,
            kind=SessionKind.WORKSHOP,
            title="Mennyt",
            starts_at=helsinki(2022, 3, 1, 12, 0),
            ends_at=helsinki(2022, 3, 1, 13, 0),
        )
        services.publish(past)
    services.publish(kickoff)
    Attendance.objects.filter(session=past, user=colleague).update(attended=True)
    colleague.memberships.get().delete()
    assert not Attendance.objects.filter(session=kickoff, user=colleague).exists()
    assert Attendance.objects.get(session=past, user=colleague).attended is True
    assert Attendance.objects.filter(session=kickoff).count() == 2


def test_a_newcomer_does_not_carry_off_an_unsent_pre_assignment(
    cohort, ours, kickoff, everyone, django_capture_on_commit_callbacks
):
    # The kick-off went out before the pre-assignment was written. A person who
    # joins later gets the kick-off invitation alone: the pre-assignment must
    # not count as sent to everyone because one newcomer's mail could carry it.
    services.publish(kickoff)
    assignment = AssignmentFactory(cohort=cohort, title="Hankintojen lähtötilanne")
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = member(ours, "uusi@esimerkkila.fi")
    (email,) = OutgoingEmail.objects.filter(to=newcomer.email)
    assert "Hankintojen lähtötilanne" not in email.body_text
    assert Assignment.objects.get(pk=assignment.pk).sent_at is None


def test_a_newcomer_gets_the_pre_assignment_with_the_kickoff_once_it_has_gone_out(
    cohort, ours, kickoff, everyone, django_capture_on_commit_callbacks
):
    AssignmentFactory(cohort=cohort, title="Hankintojen lähtötilanne")
    services.publish(kickoff)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = member(ours, "uusi@esimerkkila.fi")
    (email,) = OutgoingEmail.objects.filter(to=newcomer.email)
    assert "Hankintojen lähtötilanne" in email.body_text


def test_an_organisation_that_leaves_the_cohort_is_dropped_from_what_is_ahead(
    kickoff, everyone, theirs, outsider
):
    services.publish(kickoff)
    theirs.delete()
    assert not Attendance.objects.filter(session=kickoff, user=outsider).exists()
    assert Attendance.objects.filter(session=kickoff).count() == 2


def test_publishing_does_not_look_things_up_again_for_every_recipient(
    cohort, ours, kickoff, contact, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AssignmentFactory(cohort=cohort)
    first = workshop(cohort)
    with CaptureQueriesContext(connection) as few:
        services.publish(first)
    for index in range(10):
        member(ours, f"jasen{index}@esimerkkila.fi")
    with CaptureQueriesContext(connection) as many:
        services.publish(kickoff)
    # Per recipient: the attendance row, the outbox row and its key check, the
    # invited version; nothing is looked up again per person.
    per_person = (len(many) - len(few)) / 10
    assert per_person <= 6, [q["sql"] for q in many.captured_queries][-12:]
