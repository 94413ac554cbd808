"""A session's page in the workspace: materials, and who of the team will attend."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.tests.programme import member, stored_pdf
from workshops import services
from workshops.models import Attendance, Material, MaterialVisibility

from .conftest import posted_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_kickoff")]


def page(participation, session) -> str:
    return f"/en/workspace/{participation.pk}/sessions/{session.pk}/"


@pytest.fixture
def published(kickoff, everyone):
    services.publish(kickoff)
    return kickoff


def coming() -> dict[str, bool | None]:
    return dict(Attendance.objects.values_list("user__email", "coming"))


def test_a_member_says_who_of_the_team_is_coming(
    client, ours, published, contact, colleague, outsider
):
    Attendance.objects.filter(user=outsider).update(coming=True)
    client.force_login(contact)
    response = client.post(page(ours, published), {"coming": [str(contact.pk)]})
    assert response.status_code == 302
    assert response["Location"] == page(ours, published)
    assert coming() == {contact.email: True, colleague.email: False, outsider.email: True}
    # Changed later: the other way round.
    client.post(page(ours, published), {"coming": [str(colleague.pk)]})
    assert coming() == {contact.email: False, colleague.email: True, outsider.email: True}


def test_the_saved_answer_is_ticked_on_the_page(client, ours, published, contact, colleague):
    client.force_login(contact)
    client.post(page(ours, published), {"coming": [str(colleague.pk)]})
    html = client.get(page(ours, published)).content.decode()
    assert html.count('name="coming"') == 2
    assert html.count("checked") == 1
    assert posted_form(html)["coming"] == str(colleague.pk)


def test_another_organisations_person_cannot_be_marked(client, ours, published, contact, outsider):
    client.force_login(contact)
    response = client.post(page(ours, published), {"coming": [str(outsider.pk)]})
    assert response.status_code == 200
    assert coming()[outsider.email] is None
    assert coming()[contact.email] is None


def test_the_other_organisation_cannot_see_or_change_our_page(
    client, ours, published, contact, outsider
):
    client.force_login(outsider)
    assert client.get(page(ours, published)).status_code == 404
    assert client.post(page(ours, published), {"coming": [str(contact.pk)]}).status_code == 404
    assert coming()[contact.email] is None


def test_staff_see_the_page_but_cannot_change_attendance(client, ours, published, staff, contact):
    client.force_login(staff)
    response = client.get(page(ours, published))
    assert response.status_code == 200
    assert "Yrjö Yhteys: not told" in response.content.decode()
    assert client.post(page(ours, published), {"coming": [str(contact.pk)]}).status_code == 404
    assert coming()[contact.email] is None


def test_after_the_session_attendance_can_no_longer_be_changed(
    client, ours, published, contact, colleague
):
    with time_machine.travel(published.ends_at, tick=False):
        client.force_login(contact)
        response = client.post(page(ours, published), {"coming": [str(contact.pk)]})
    assert response.status_code == 200
    assert "This session is over or cancelled; attendance can no longer be changed." in (
        response.content.decode()
    )
    assert coming()[contact.email] is None
    assert 'name="coming"' not in response.content.decode()


def test_a_cancelled_session_refuses_attendance_too(client, ours, published, contact):
    services.cancel(published)
    client.force_login(contact)
    response = client.post(page(ours, published), {"coming": [str(contact.pk)]})
    assert "This session has been cancelled." in response.content.decode()
    assert "attendance can no longer be changed" in response.content.decode()
    assert coming()[contact.email] is None
    # The meeting link of a cancelled session is no longer offered.
    assert published.online_url not in client.get(page(ours, published)).content.decode()


def test_a_draft_session_is_not_found(client, ours, kickoff, contact):
    client.force_login(contact)
    assert client.get(page(ours, kickoff)).status_code == 404


def test_materials_for_after_the_session_appear_once_it_has_ended(client, ours, published, contact):
    Material.objects.create(session=published, title="Ennakkolukemisto", url="https://a.fi/1")
    Material.objects.create(
        session=published,
        title="Tallenne",
        url="https://a.fi/2",
        visible=MaterialVisibility.AFTER,
    )
    client.force_login(contact)
    before = client.get(page(ours, published)).content.decode()
    assert "Ennakkolukemisto" in before
    assert "Tallenne" not in before
    assert "One more material appears here after the session." in before
    with time_machine.travel(published.ends_at, tick=False):
        client.force_login(contact)
        after = client.get(page(ours, published)).content.decode()
    assert "Tallenne" in after
    assert "after the session" not in after


def page_queries(client, participation, session) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page(participation, session))
    assert response.status_code == 200
    return len(queries)


def test_the_page_makes_as_many_queries_for_many_materials_and_people_as_for_few(
    client, ours, published, contact
):
    def add_material(index: int) -> None:
        if index % 2:
            Material.objects.create(session=published, title=f"Linkki {index}", url="https://a.fi/")
        else:
            Material.objects.create(
                session=published, title=f"Tiedosto {index}", file=stored_pdf(f"T{index}.pdf")
            )

    client.force_login(contact)
    add_material(0)
    few = page_queries(client, ours, published)
    for index in range(1, 10):
        add_material(index)
    for index in range(8):
        member(ours, f"jasen{index}@esimerkkila.fi")
    services.sync_invitations(published)
    assert Attendance.objects.filter(organisation_id=ours.organisation_id).count() == 10
    many = page_queries(client, ours, published)
    assert many == few
    html = client.get(page(ours, published)).content.decode()
    assert html.count("Tiedosto ") == 5
    assert html.count('name="coming"') == 10
