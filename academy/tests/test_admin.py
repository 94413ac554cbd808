"""Programme staff run the cohort in the admin, with the group's permissions and no more."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.models import Cohort, User
from academy.tests.factories import (
    CohortFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/academy/cohort/",
    "/admin/academy/organisation/",
    "/admin/academy/membership/",
    "/admin/academy/user/",
]


@pytest.fixture
def staff_client(client):
    staff = UserFactory(email="staff@example.fi", is_staff=True)
    staff.groups.add(Group.objects.get(name="Programme staff"))
    client.force_login(staff)
    return client


def test_programme_staff_group_is_created_by_migration():
    group = Group.objects.get(name="Programme staff")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_cohort", "change_cohort", "view_organisation", "delete_membership"} <= codenames
    assert "delete_user" not in codenames


@pytest.mark.parametrize("path", CHANGELISTS)
def test_staff_sees_every_core_list_with_search(staff_client, path):
    MembershipFactory()
    CohortFactory()
    response = staff_client.get(path, {"q": "example"})
    assert response.status_code == 200
    assert 'id="searchbar"' in response.content.decode()


def test_organisation_list_filters_by_kind_and_finds_by_business_id(staff_client):
    OrganisationFactory(name="Esimerkkilän seurakunta", business_id="0201256-6", kind="parish")
    OrganisationFactory(name="Toinen kunta", kind="municipality")
    response = staff_client.get("/admin/academy/organisation/", {"q": "0201256-6"})
    assert list(response.context["cl"].result_list.values_list("name", flat=True)) == [
        "Esimerkkilän seurakunta"
    ]
    response = staff_client.get("/admin/academy/organisation/", {"kind__exact": "municipality"})
    assert [o.name for o in response.context["cl"].result_list] == ["Toinen kunta"]


def test_wrong_business_id_is_explained_next_to_the_field_and_kept(staff_client):
    response = staff_client.post(
        "/admin/academy/organisation/add/",
        {
            "name": "Virheellinen kunta",
            "business_id": "0201256-5",
            "kind": "municipality",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "business_id" in form.errors
    assert 'value="0201256-5"' in response.content.decode()


def test_staff_cannot_give_anyone_rights(staff_client):
    person = UserFactory(email="osallistuja@example.fi")
    response = staff_client.post(
        f"/admin/academy/user/{person.pk}/change/",
        {
            "email": person.email,
            "name": "Osallistuja",
            "preferred_language": "sv",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Osallistuja"
    assert person.preferred_language == "sv"
    assert not person.is_staff
    assert not person.is_superuser


@pytest.mark.parametrize("path", ["/admin/academy/membership/", "/admin/academy/organisation/"])
def test_lists_make_the_same_number_of_queries_for_1_and_30_rows(staff_client, path):
    MembershipFactory()
    with CaptureQueriesContext(connection) as one:
        staff_client.get(path)
    MembershipFactory.create_batch(29)
    with CaptureQueriesContext(connection) as thirty:
        staff_client.get(path)
    assert len(thirty) == len(one)


@pytest.mark.parametrize("target", ["superuser", "other staff"])
def test_staff_cannot_take_over_another_administrator(staff_client, target):
    other = UserFactory(email="admin@example.fi", is_staff=True, is_superuser=target == "superuser")
    password_page = staff_client.get(f"/admin/academy/user/{other.pk}/password/")
    assert password_page.status_code == 403
    response = staff_client.post(
        f"/admin/academy/user/{other.pk}/change/",
        {"email": "attacker@example.fi", "name": "x", "preferred_language": "fi"},
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.email == "admin@example.fi"
    assert other.is_active
    # Looking is allowed: staff need to know who the administrators are.
    assert staff_client.get(f"/admin/academy/user/{other.pk}/change/").status_code == 200


def test_staff_cannot_change_e_mail_addresses_directly(staff_client):
    response = staff_client.get("/admin/account/emailaddress/add/")
    assert response.status_code == 403


def test_person_without_staff_status_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory())
    response = client.get("/admin/academy/cohort/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert User.objects.count() == 1


COHORT_FORM = {
    "name": "Akatemia 2023",
    "slug": "2023",
    "year": "2023",
    "capacity": "6",
    "contact_email": "akatemia@example.fi",
    "application_opens_0": "16.1.2023",
    "application_opens_1": "0.00",
    "application_closes_0": "10.2.2023",
    "application_closes_1": "23.59.59",
    "interviews_start": "30.1.2023",
    "interviews_end": "19.2.2023",
    "decisions_on": "24.2.2023",
    "kickoff_start_0": "15.3.2023",
    "kickoff_start_1": "9.00",
    "kickoff_end_0": "15.3.2023",
    "kickoff_end_1": "11.00",
    "ends_on": "30.11.2023",
    "interview_change_cutoff_hours": "24",
    "confirmation_days": "7",
    "sparring_per_organisation": "2",
    "keep_unselected_months": "6",
    "keep_mail_texts_days": "180",
}


def test_cohort_dates_typed_in_the_admin_are_helsinki_time(staff_client):
    response = staff_client.post("/admin/academy/cohort/add/", COHORT_FORM)
    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="2023")
    assert cohort.application_closes == dt.datetime(2023, 2, 10, 21, 59, 59, tzinfo=dt.UTC)
    assert cohort.kickoff_start == dt.datetime(2023, 3, 15, 7, 0, tzinfo=dt.UTC)


def test_admin_refuses_dates_out_of_order_next_to_the_field(staff_client):
    form = {**COHORT_FORM, "name": "Väärin päin", "application_opens_0": "16.2.2023"}
    response = staff_client.post("/admin/academy/cohort/add/", form)
    assert response.status_code == 200
    assert "application_closes" in response.context["adminform"].form.errors
    assert 'value="Väärin päin"' in response.content.decode()
    assert not Cohort.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_group_restored_after_a_flush_has_what_the_migrations_gave():
    from django.core.management import call_command

    from academy.staff import PROGRAMME_STAFF

    migrated = set(
        Group.objects.get(name=PROGRAMME_STAFF).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    Group.objects.filter(name=PROGRAMME_STAFF).delete()
    call_command("flush", interactive=False, verbosity=0)
    restored = set(
        Group.objects.get(name=PROGRAMME_STAFF).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert restored == migrated
