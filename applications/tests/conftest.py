import pytest
import time_machine
from django.urls import reverse

from academy.tests.factories import CohortFactory, UserFactory
from academy.tests.forms import posted_form  # noqa: F401 - used by the tests through here
from applications.forms import ApplicationForm

from .factories import DURING_CALL, ApplicationFactory


@pytest.fixture
def cohort(db):
    return CohortFactory(name="Vähähiilisten hankintojen akatemia 2022", slug="2022")


@pytest.fixture
def during_call():
    with time_machine.travel(DURING_CALL, tick=False) as traveller:
        yield traveller


@pytest.fixture
def applicant(db):
    return UserFactory(email="hakija@esimerkkila.fi", name="Hanna Hakija", preferred_language="fi")


@pytest.fixture
def draft(cohort, applicant):
    return ApplicationFactory(cohort=cohort, applicant=applicant)


@pytest.fixture
def signed_in(client, applicant):
    client.force_login(applicant)
    return client


def url(name: str, application=None, language: str = "fi") -> str:
    from django.utils import translation

    with translation.override(language):
        if application is None:
            return reverse(f"applications:{name}")
        return reverse(f"applications:{name}", kwargs={"public_id": application.public_id})


def form_data(application, team=None, **overrides) -> dict:
    """What the edit page posts for an application: its answers, its team rows, and overrides."""
    data = {}
    for name in ApplicationForm.Meta.fields:
        value = getattr(application, name)
        if name == "privacy_consent":
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    rows = (
        team
        if team is not None
        else [
            {"id": m.pk, "role": m.role, "name": m.name, "title": m.title, "email": m.email}
            for m in application.team.all()
        ]
    )
    existing = sum(1 for row in rows if row.get("id"))
    data.update(
        {
            "team-TOTAL_FORMS": str(len(rows)),
            "team-INITIAL_FORMS": str(existing),
            "team-MIN_NUM_FORMS": "0",
            "team-MAX_NUM_FORMS": "15",
        }
    )
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"team-{index}-{key}"] = "" if value is None else str(value)
        if row.get("id"):
            data[f"team-{index}-application"] = str(application.pk)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
