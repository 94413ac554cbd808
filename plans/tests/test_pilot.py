"""The pilot procurement page: the team writes it, others see it or nothing."""

import pytest

from plans.models import PilotProcurement, PilotState, ProcurementCategory
from plans.services import plan as plan_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(ours):
    return plan_service.plan_for(ours)


def url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/pilot/"


def data(**overrides) -> dict:
    values = {
        "pilot-subject": "Koulujen ruokapalvelut 2023–2027",
        "pilot-category": ProcurementCategory.objects.get(code="catering_food").pk,
        "pilot-state": PilotState.PREPARATION,
        "pilot-estimated_value": "2400000",
        "pilot-planned_tender_date": "2023-02-15",
        "pilot-expected_reduction": "120,5",
        "pilot-low_carbon_criteria": "Kasvisruokavaihtoehto joka päivä",
        "pilot-market_dialogue": "Toimittajatilaisuus syksyllä",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-title": "Markkinavuoropuhelu",
        "milestones-0-due": "2022-10-01",
        "milestones-1-title": "",
        "milestones-1-due": "",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 200), ("outsider", 404)])
def test_who_sees_the_pilot_page(client, request, started, ours, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(ours)).status_code == status


def test_anonymous_visitors_sign_in_first(client, started, ours):
    assert client.get(url(ours)).status_code == 302


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_only_the_team_writes_the_pilot(client, request, started, ours, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(ours), data()).status_code == 404
    assert not PilotProcurement.objects.exists()


def test_the_team_saves_the_pilot_with_a_milestone(client, started, ours, contact):
    client.force_login(contact)
    assert client.post(url(ours), data()).status_code == 302
    pilot = PilotProcurement.objects.get()
    assert pilot.plan == started
    assert pilot.state == PilotState.PREPARATION
    assert str(pilot.expected_reduction) == "120.5"
    assert list(pilot.milestones.values_list("title", flat=True)) == ["Markkinavuoropuhelu"]


def test_a_bad_value_is_explained_and_nothing_is_lost(client, started, ours, contact):
    client.force_login(contact)
    response = client.post(url(ours), data(**{"pilot-estimated_value": "-5"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert 'value="Koulujen ruokapalvelut 2023–2027"' in html
    assert not PilotProcurement.objects.exists()


def test_staff_read_the_pilot_without_a_form(client, started, ours, contact, staff):
    client.force_login(contact)
    client.post(url(ours), data())
    client.force_login(staff)
    html = client.get(url(ours)).content.decode()
    assert "Koulujen ruokapalvelut 2023–2027" in html
    assert 'name="pilot-subject"' not in html
