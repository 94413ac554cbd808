"""Fixtures for the running programme, shared by the workspace, sessions and assignment tests.

Two organisations take part in one cohort: ours (a contact person and a member)
and another (one member). Staff is a member of the programme staff group.
"""

import pytest

from academy.tests.factories import CohortFactory, UserFactory

from .programme import ParticipationFactory, member, staff_user


@pytest.fixture
def cohort(db):
    return CohortFactory(
        name="Vähähiilisten hankintojen akatemia 2022",
        slug="2022",
        contact_email="akatemia@example.fi",
    )


@pytest.fixture
def ours(cohort):
    return ParticipationFactory(cohort=cohort, organisation__name="Esimerkkilän kaupunki")


@pytest.fixture
def theirs(cohort):
    return ParticipationFactory(cohort=cohort, organisation__name="Toisenlan kunta")


@pytest.fixture
def contact(ours):
    return member(ours, "yhteys@esimerkkila.fi", contact=True, name="Yrjö Yhteys")


@pytest.fixture
def colleague(ours, contact):
    return member(ours, "kollega@esimerkkila.fi", name="Kaisa Kollega")


@pytest.fixture
def outsider(theirs):
    return member(theirs, "ulkopuolinen@toisenla.fi", contact=True, name="Ulla Ulkopuolinen")


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def nobody(db):
    return UserFactory(email="kukaan@example.fi")
