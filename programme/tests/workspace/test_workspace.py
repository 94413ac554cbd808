"""The workspace: who sees which page and file, what the home page shows, and its query count."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.models import Participation
from academy.tests.programme import (
    BEFORE_KICKOFF,
    AssignmentFactory,
    ParticipationFactory,
    SessionFactory,
    helsinki,
    member,
    pdf_upload,
    stored_pdf,
    template_for,
)
from assignments import services as assignment_services
from workshops import services as session_services
from workshops.models import CalendarFeed, Material, SessionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cohort, ours, theirs, contact, colleague, outsider, staff):
    """Our organisation's pages and files, fully populated."""
    with time_machine.travel(BEFORE_KICKOFF, tick=False):
        assignment = AssignmentFactory(cohort=cohort)
        template = template_for(assignment)
        kickoff = SessionFactory(cohort=cohort)
        session_services.publish(kickoff)
        sparring = SessionFactory(
            cohort=cohort,
            kind=SessionKind.SPARRING,
            title="Sparraus 1",
            organisation=ours.organisation,
            starts_at=helsinki(2022, 4, 5, 13, 0),
            ends_at=helsinki(2022, 4, 5, 14, 0),
        )
        session_services.publish(sparring)
        shared = Material.objects.create(session=kickoff, title="Diat", file=stored_pdf("Diat.pdf"))
        own = Material.objects.create(
            session=sparring, title="Muistio", file=stored_pdf("Muistio.pdf")
        )
        submission = assignment_services.submission_for(assignment, ours.organisation)
        submitted = assignment_services.upload(
            submission, pdf_upload(), by=contact, now=BEFORE_KICKOFF
        )
        feedback = assignment_services.give_feedback(
            submission, author=staff, text="Hyvä alku.", files=[stored_pdf("Palaute.pdf")]
        )
    feed = CalendarFeed.objects.create(user=contact)
    return {
        "workspace": f"/workspace/{ours.pk}/",
        "kick-off": f"/workspace/{ours.pk}/sessions/{kickoff.pk}/",
        "sparring session": f"/workspace/{ours.pk}/sessions/{sparring.pk}/",
        "sparring times": f"/workspace/{ours.pk}/sparring/",
        "pre-assignment": f"/workspace/{ours.pk}/pre-assignment/",
        "submitted file": f"/files/{submitted.file.public_id}/",
        "template": f"/files/{template.file.public_id}/",
        "feedback file": f"/files/{feedback.files.get().public_id}/",
        "kick-off material": f"/files/{shared.file.public_id}/",
        "sparring material": f"/files/{own.file.public_id}/",
        "feed": f"/calendar/{feed.token}.ics",
    }


PAGES = [
    "workspace",
    "kick-off",
    "sparring session",
    "sparring times",
    "pre-assignment",
    "submitted file",
    "template",
    "feedback file",
    "kick-off material",
    "sparring material",
]
# What the whole cohort shares: every participating organisation's team gets it.
COHORT_WIDE = {"template", "kick-off material"}

# Who, and what each gets: the organisation's own members and staff see every
# page; a member of another organisation finds nothing there (404, not 403);
# an anonymous visitor is sent to sign in. The pre-assignment's template and
# the kick-off's materials are the whole cohort's, so the other organisation
# (in the same cohort) gets those, and someone outside the cohort does not.
EXPECTED = {"contact": 200, "colleague": 200, "staff": 200, "outsider": 404, "nobody": 404}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_access_matrix(client, world, request, page, who):
    client.force_login(request.getfixturevalue(who))
    with time_machine.travel(BEFORE_KICKOFF, tick=False):
        response = client.get(world[page])
    expected = 200 if who == "outsider" and page in COHORT_WIDE else EXPECTED[who]
    assert response.status_code == expected


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    response = client.get(world[page])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_sparring_session_of_another_organisation_is_not_found_on_its_own_workspace(
    client, world, theirs, outsider
):
    # The outsider's own workspace does not show our sparring session either.
    client.force_login(outsider)
    sparring_id = world["sparring session"].rstrip("/").rsplit("/", 1)[-1]
    response = client.get(f"/workspace/{theirs.pk}/sessions/{sparring_id}/")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["contact", "outsider", "nobody", "staff"])
def test_the_feed_is_read_by_its_secret_alone(client, world, request, who):
    # Calendar programs do not sign in: the address is the key, whoever asks.
    client.force_login(request.getfixturevalue(who))
    response = client.get(world["feed"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"Aloitustilaisuus" in response.content


def test_a_wrong_or_replaced_feed_address_is_not_found(client, world, contact):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    client.force_login(contact)
    client.post("/calendar/", {"action": "replace"})
    assert client.get(world["feed"]).status_code == 404


def test_a_file_download_is_an_attachment_that_is_never_sniffed(client, world, contact):
    client.force_login(contact)
    response = client.get(world["submitted file"])
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Vastaus.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ["outsider", "staff"])
def test_only_the_team_changes_its_pre_assignment(client, world, request, who):
    client.force_login(request.getfixturevalue(who))
    with time_machine.travel(BEFORE_KICKOFF, tick=False):
        response = client.post(
            world["pre-assignment"], {"action": "upload", "file": pdf_upload("Toinen.pdf")}
        )
    assert response.status_code == 404


def test_the_home_page_shows_the_kick_off_the_pre_assignment_and_the_team(
    client, world, contact, colleague
):
    client.force_login(colleague)
    with time_machine.travel(BEFORE_KICKOFF, tick=False):
        page = client.get(world["workspace"]).content.decode()
    assert "Aloitustilaisuus" in page
    assert "Sparraus 1" in page
    assert "Ennakkotehtävä" in page
    assert contact.name in page
    assert colleague.name in page
    assert world["kick-off"] in page
    assert world["pre-assignment"] in page


def test_one_workspace_is_opened_directly_and_the_menu_links_it(client, world, ours, contact):
    client.force_login(contact)
    response = client.get("/workspace/")
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/{ours.pk}/"
    page = client.get("/profile/").content.decode()
    assert f'href="/workspace/{ours.pk}/"' in page


def test_someone_without_a_team_is_told_how_to_join(client, nobody):
    client.force_login(nobody)
    response = client.get("/workspace/")
    assert response.status_code == 200
    assert 'href="/workspace/' not in response.content.decode().split("<main", 1)[1]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_home_page_query_count_does_not_grow_with_the_team_or_the_sessions(
    client, cohort, ours, contact
):
    client.force_login(contact)
    with time_machine.travel(BEFORE_KICKOFF, tick=False):
        assignment = AssignmentFactory(cohort=cohort)
        session_services.publish(SessionFactory(cohort=cohort))
        assignment_services.mark_sent(assignment)
        few = _queries(client, f"/workspace/{ours.pk}/")
        for index in range(8):
            member(ours, f"jasen{index}@esimerkkila.fi")
            session_services.publish(
                SessionFactory(
                    cohort=cohort,
                    kind=SessionKind.WORKSHOP,
                    title=f"Työpaja {index}",
                    starts_at=helsinki(2022, 5, 1 + index, 9, 0),
                    ends_at=helsinki(2022, 5, 1 + index, 12, 0),
                )
            )
        for _other in range(6):
            ParticipationFactory(cohort=cohort)
        many = _queries(client, f"/workspace/{ours.pk}/")
    assert many == few
    assert Participation.objects.count() == 7


def test_staff_status_without_programme_rights_opens_no_workspace_or_file(client, world):
    from academy.tests.factories import UserFactory

    interviewer = UserFactory(email="haastattelija@example.fi", is_staff=True)
    client.force_login(interviewer)
    assert client.get(world["workspace"]).status_code == 404
    assert client.get(world["submitted file"]).status_code == 404


def test_after_the_sessions_the_home_page_says_so_instead_of_none_published(
    client, world, colleague
):
    client.force_login(colleague)
    with time_machine.travel(helsinki(2022, 6, 1, 12, 0), tick=False):
        page = client.get(world["workspace"]).content.decode()
    assert "Kaikki 2 tähän mennessä julkaistua tilaisuutta on pidetty" in page
    assert "Tulevia tilaisuuksia ei ole vielä julkaistu" not in page
    with time_machine.travel(helsinki(2023, 1, 10, 12, 0), tick=False):
        page = client.get(world["workspace"]).content.decode()
    assert "Ohjelma on päättynyt. Sen 2 tilaisuutta on alla aikajanalla." in page
