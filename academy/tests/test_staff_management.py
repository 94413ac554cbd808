"""A coordinator with the permission to manage staff makes and removes programme staff and
interviewers without being a superuser; nobody else can."""

import html

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from academy.models import User
from academy.staff import INTERVIEWERS, PROGRAMME_STAFF
from academy.tests.factories import UserFactory
from academy.tests.programme import staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/academy/user/"


@pytest.fixture
def coordinator():
    person = staff_user("koordinaattori@example.fi")
    person.user_permissions.add(
        Permission.objects.get(
            codename="manage_staff", content_type=ContentType.objects.get_for_model(User)
        )
    )
    return person


def act(client, action: str, *people):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [person.pk for person in people]},
        follow=True,
    )


def test_the_interviewers_group_can_score_but_not_run_the_programme():
    interviewers = Group.objects.get(name=INTERVIEWERS)
    codenames = set(interviewers.permissions.values_list("codename", flat=True))
    assert {"view_application", "add_review", "change_score", "add_internalnote"} <= codenames
    assert not {"change_application", "view_participation", "view_outgoingemail"} & codenames


def test_a_coordinator_makes_an_interviewer_who_then_needs_a_second_factor(client, coordinator):
    person = UserFactory(email="haastattelija@example.fi")
    client.force_login(coordinator)
    page = act(client, "make_interviewers", person)
    assert "1 person changed." in page.content.decode()
    person.refresh_from_db()
    assert person.is_staff
    assert list(person.groups.values_list("name", flat=True)) == [INTERVIEWERS]
    client.force_login(person)
    assert client.get("/en/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"


def test_a_coordinator_removes_staff_rights_and_ends_their_sessions(client, coordinator):
    person = staff_user("lahtija@example.fi")
    other = type(client)()
    other.force_login(person)
    UserSession.objects.create(
        user=person, session_key=other.session.session_key, ip="127.0.0.1", user_agent="test"
    )
    assert other.get("/en/admin/").status_code == 200
    client.force_login(coordinator)
    act(client, "remove_staff_rights", person)
    person.refresh_from_db()
    assert not person.is_staff
    assert not person.groups.exists()
    assert other.get("/en/admin/")["Location"].startswith("/en/admin/login/")
    assert not UserSession.objects.filter(user=person).exists()


def test_a_coordinator_cannot_touch_a_superuser_or_themselves(client, coordinator):
    root = UserFactory(email="root@example.fi", is_staff=True, is_superuser=True)
    client.force_login(coordinator)
    page = html.unescape(act(client, "remove_staff_rights", root, coordinator).content.decode())
    assert "a superuser's rights are changed by a superuser" in page
    assert "you cannot change your own rights" in page
    root.refresh_from_db()
    coordinator.refresh_from_db()
    assert root.is_superuser
    assert root.is_staff
    assert coordinator.groups.filter(name=PROGRAMME_STAFF).exists()


def test_programme_staff_without_the_permission_cannot_manage_staff(client):
    colleague = staff_user("kollega@example.fi")
    person = UserFactory(email="ulkopuolinen@example.fi")
    client.force_login(colleague)
    page = client.get(CHANGELIST).content.decode()
    assert "make_interviewers" not in page
    act(client, "make_programme_staff", person)
    person.refresh_from_db()
    assert not person.is_staff
    assert not person.groups.exists()


def test_people_with_other_groups_or_the_same_permission_are_left_to_a_superuser(
    client, coordinator
):
    coordinators = Group.objects.create(name="Coordinators")
    coordinators.permissions.add(Permission.objects.get(codename="manage_staff"))
    peer = staff_user("vertainen@example.fi")
    peer.groups.add(coordinators)
    outsider = UserFactory(email="ryhmassa@example.fi")
    outsider.groups.add(coordinators)
    client.force_login(coordinator)
    act(client, "remove_staff_rights", peer)
    act(client, "make_interviewers", outsider)
    peer.refresh_from_db()
    outsider.refresh_from_db()
    assert peer.groups.filter(name=PROGRAMME_STAFF).exists()
    assert not outsider.is_staff
