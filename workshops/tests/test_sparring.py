"""Sparring times staff offer, and an organisation picking them on its sparring page."""

import threading

import pytest
import time_machine
from django.db import connection

from academy.tests.programme import BEFORE_KICKOFF, SessionFactory, helsinki
from notifications.models import OutgoingEmail
from workshops import services
from workshops.models import Attendance, Session, SessionKind, SessionState

from .conftest import recipients

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_kickoff")]


def page(participation) -> str:
    return f"/en/workspace/{participation.pk}/sparring/"


def offer(cohort, day: int, hour: int = 13) -> Session:
    return SessionFactory(
        cohort=cohort,
        kind=SessionKind.SPARRING,
        title="Sparraus",
        state=SessionState.OFFERED,
        starts_at=helsinki(2022, 4, day, hour, 0),
        ends_at=helsinki(2022, 4, day, hour + 1, 0),
    )


@pytest.fixture
def times(cohort):
    return [offer(cohort, day) for day in (4, 5, 6)]


@pytest.fixture
def member_client(client, contact, colleague, outsider):
    client.force_login(contact)
    return client


def pick(client, participation, session, **kwargs):
    return client.post(page(participation), {"session": session.pk}, **kwargs)


def test_the_sparring_page_lists_the_offered_times(member_client, ours, times):
    response = member_client.get(page(ours))
    assert response.status_code == 200
    html = response.content.decode()
    for session in times:
        assert f'value="{session.pk}"' in html
    assert "Your organisation has picked 0 of its 2 sparring times." in html


def test_picking_a_time_makes_it_ours_and_invites_our_team(member_client, ours, times):
    response = pick(member_client, ours, times[0])
    assert response.status_code == 302
    assert response["Location"] == f"/en/workspace/{ours.pk}/sessions/{times[0].pk}/"
    picked = Session.objects.get(pk=times[0].pk)
    assert picked.organisation_id == ours.organisation_id
    assert picked.state == SessionState.PUBLISHED
    assert picked.published_at is not None
    # The picked time carries the organisation's name in every list and mail.
    assert picked.title.endswith(f": {ours.organisation.name}")
    # Staff hear of it at the programme's address.
    assert recipients("sparring_picked_staff") == [ours.cohort.contact_email]
    assert recipients("session_invitation") == ["kollega@esimerkkila.fi", "yhteys@esimerkkila.fi"]
    html = member_client.get(page(ours)).content.decode()
    assert f'value="{times[0].pk}"' not in html
    assert "Your organisation has picked 1 of its 2 sparring times." in html


def test_an_organisation_picks_no_more_than_the_cohort_allows(member_client, ours, times):
    assert ours.cohort.sparring_per_organisation == 2
    pick(member_client, ours, times[0])
    pick(member_client, ours, times[1])
    response = pick(member_client, ours, times[2], follow=True)
    assert "Your organisation already has all its sparring sessions: 2." in (
        response.content.decode()
    )
    assert Session.objects.get(pk=times[2].pk).state == SessionState.OFFERED
    assert services.sparring_taken(ours) == 2
    # With all taken, the page lists what is left but offers no form.
    response = member_client.get(page(ours))
    assert list(response.context["offered"]) == [times[2]]
    assert response.context["can_pick"] is False
    assert 'name="session"' not in response.content.decode()
    assert "Your organisation has all its sparring times." in response.content.decode()


def test_a_cancelled_sparring_no_longer_counts_against_the_limit(member_client, ours, times):
    pick(member_client, ours, times[0])
    pick(member_client, ours, times[1])
    services.cancel(Session.objects.get(pk=times[0].pk))
    assert pick(member_client, ours, times[2]).status_code == 302
    assert Session.objects.get(pk=times[2].pk).organisation_id == ours.organisation_id


def test_a_time_another_organisation_took_cannot_be_picked(
    client, member_client, ours, theirs, outsider, times
):
    pick(member_client, ours, times[0])
    client.force_login(outsider)
    response = pick(client, theirs, times[0], follow=True)
    assert "Someone else took this time just now, or it is no longer offered." in (
        response.content.decode()
    )
    assert Session.objects.get(pk=times[0].pk).organisation_id == ours.organisation_id
    assert not OutgoingEmail.objects.filter(to=outsider.email).exists()


def test_a_past_offered_time_is_neither_listed_nor_picked(client, contact, ours, cohort):
    past, later = offer(cohort, 4), offer(cohort, 5)
    with time_machine.travel(helsinki(2022, 4, 4, 13, 30), tick=False):
        client.force_login(contact)
        listed = client.get(page(ours))
        assert listed.status_code == 200
        assert f'value="{past.pk}"' not in listed.content.decode()
        assert f'value="{later.pk}"' in listed.content.decode()
        response = pick(client, ours, past, follow=True)
    assert "no longer offered" in response.content.decode()
    past.refresh_from_db()
    assert (past.state, past.organisation_id) == (SessionState.OFFERED, None)


def test_a_draft_or_another_cohorts_time_cannot_be_picked(member_client, ours, cohort):
    draft = offer(cohort, 7)
    draft.state = SessionState.DRAFT
    draft.save()
    elsewhere = offer(SessionFactory().cohort, 8)
    for session in (draft, elsewhere):
        pick(member_client, ours, session)
        session.refresh_from_db()
        assert session.organisation_id is None
    assert OutgoingEmail.objects.count() == 0


def test_picking_without_a_time_asks_for_one(member_client, ours, times):
    response = member_client.post(page(ours), {"session": ""}, follow=True)
    assert "Choose a time first." in response.content.decode()
    response = member_client.post(page(ours), {"session": "abc"}, follow=True)
    assert "Choose a time first." in response.content.decode()


def test_staff_see_the_page_but_cannot_pick(client, staff, ours, times):
    client.force_login(staff)
    response = client.get(page(ours))
    assert response.status_code == 200
    assert list(response.context["offered"]) == times
    assert response.context["can_pick"] is False
    assert 'name="session"' not in response.content.decode()
    assert pick(client, ours, times[0]).status_code == 404
    assert Session.objects.get(pk=times[0].pk).state == SessionState.OFFERED


def test_another_organisations_sparring_page_is_not_found(client, outsider, ours, times):
    client.force_login(outsider)
    assert client.get(page(ours)).status_code == 404
    assert pick(client, ours, times[0]).status_code == 404
    assert Session.objects.get(pk=times[0].pk).state == SessionState.OFFERED


def race(attempts) -> list[tuple[int, int]]:
    """Everyone picks at once; the organisation and time of each pick that succeeded."""
    barrier, picked = threading.Barrier(len(attempts)), []

    def attempt(participation, session):
        barrier.wait()
        try:
            services.pick_sparring(session.pk, participation, now=BEFORE_KICKOFF)
            picked.append((participation.organisation_id, session.pk))
        except services.SessionError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return picked


ROW_LOCKS = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@ROW_LOCKS
def test_members_picking_at_once_get_no_more_than_the_limit(
    cohort, ours, contact, colleague, eager_celery
):
    times = [offer(cohort, day) for day in (4, 5, 6, 7, 8)]
    picked = race([(ours, session) for session in times])
    assert len(picked) == 2
    assert services.sparring_taken(ours) == 2
    assert Session.objects.filter(state=SessionState.OFFERED).count() == 3


@pytest.mark.django_db(transaction=True)
@ROW_LOCKS
def test_organisations_picking_one_time_at_once_leave_it_to_one(
    cohort, ours, theirs, contact, outsider, eager_celery
):
    (session,) = [offer(cohort, 4)]
    (winner,) = race([(ours, session), (theirs, session)] * 3)
    session.refresh_from_db()
    assert winner == (session.organisation_id, session.pk)
    invited = Attendance.objects.filter(session=session).values_list("organisation", flat=True)
    assert set(invited) == {session.organisation_id}


def test_the_count_of_sparring_times_reads_right_in_finnish(member_client, ours, times):
    finnish = page(ours).replace("/en/", "/", 1)
    assert (
        "valinnut 0 sparrausaikaa 2 mahdollisesta." in member_client.get(finnish).content.decode()
    )
    pick(member_client, ours, times[0])
    assert "valinnut 1 sparrausajan 2 mahdollisesta." in member_client.get(finnish).content.decode()
