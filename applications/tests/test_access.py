"""An applicant sees their own application only; others get 404; anonymous visitors sign in."""

import pytest
from django.utils import timezone

from academy.tests.factories import UserFactory
from applications.models import ApplicationState

from .conftest import url
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("detail", "get"),
    ("edit", "get"),
    ("edit", "post"),
    ("submit", "post"),
    ("withdraw", "get"),
    ("withdraw", "post"),
    ("reopen", "post"),
]


@pytest.mark.parametrize(("name", "method"), PAGES)
def test_another_signed_in_person_gets_404_and_changes_nothing(
    client, draft, during_call, name, method
):
    client.force_login(UserFactory(email="toinen@example.fi"))
    response = getattr(client, method)(url(name, draft))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    assert draft.organisation_name.startswith("Esimerkkilän kunta")


@pytest.mark.parametrize(("name", "method"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, draft, during_call, name, method):
    response = getattr(client, method)(url(name, draft))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


@pytest.mark.parametrize("name", ["detail", "edit", "withdraw"])
def test_the_applicant_sees_their_own_application(signed_in, draft, during_call, name):
    response = signed_in.get(url(name, draft))
    assert response.status_code == 200
    assert draft.organisation_name in response.content.decode()


def test_the_list_shows_only_the_applicants_own_applications(signed_in, draft, during_call):
    other = ApplicationFactory(cohort=draft.cohort, organisation_name="Toisen kunta")
    html = signed_in.get(url("index")).content.decode()
    assert draft.organisation_name in html
    assert other.organisation_name not in html
    assert str(other.public_id) not in html


def test_staff_use_the_admin_not_the_applicants_pages(client, draft, during_call):
    client.force_login(UserFactory(email="staff@example.fi", is_staff=True))
    assert client.get(url("detail", draft)).status_code == 404


def test_anonymous_visitors_sign_in_for_the_list_and_to_apply(client, cohort, during_call):
    for name in ("index", "start"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_applicant_pages_make_the_same_queries_with_1_or_30_of_everything(
    signed_in, cohort, applicant, during_call
):
    """What the pages show grows: the applicant's applications, the team, the history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from academy.models import TeamRole
    from academy.tests.factories import CohortFactory
    from applications.models import ProposedMember, StateChange

    mine = ApplicationFactory(cohort=cohort, applicant=applicant, with_team=False)
    counts = []
    for total in (1, 30):
        while applicant.applications.count() < total:
            ApplicationFactory(cohort=CohortFactory(), applicant=applicant, with_team=False)
        while mine.team.count() < total:
            ProposedMember.objects.create(
                application=mine, role=TeamRole.PROCUREMENT_SPECIALIST, name="Henkilö"
            )
        while mine.state_changes.count() < total:
            StateChange.objects.create(
                application=mine, from_state="", to_state="draft", at=timezone.now()
            )
        with CaptureQueriesContext(connection) as queries:
            for name in ("detail", "edit"):
                assert signed_in.get(url(name, mine)).status_code == 200
            assert signed_in.get(url("index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
