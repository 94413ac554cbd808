"""Measures on a category's page: who may add them, the library, and the potential shown."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import (
    CategorySpend,
    MeasureKind,
    ProcurementCategory,
    ReductionMeasure,
    SuggestedMeasure,
)
from plans.services import plan as plan_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(ours, contact):
    plan = plan_service.plan_for(ours)
    heating = ProcurementCategory.objects.get(code="heating")
    CategorySpend.objects.create(
        plan=plan, year=plan.spend_year, category=heating, amount_eur=Decimal("1000000")
    )
    return plan


def page(participation, code="heating") -> str:
    return f"/en/workspace/{participation.pk}/plan/categories/{code}/"


def measure_data(**overrides) -> dict:
    return {
        "kind": MeasureKind.TENDER_CRITERIA,
        "title": "Päästöt mukaan kilpailutukseen",
        "description": "",
        "reduction_low": "10",
        "reduction_high": "20",
        "influence": "5",
        "next_tender": "2023-05-01",
        **overrides,
    }


@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 200), ("outsider", 404)])
def test_who_sees_a_category_page(client, request, started, ours, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page(ours)).status_code == status


def test_anonymous_visitors_sign_in_first(client, started, ours):
    assert client.get(page(ours)).status_code == 302


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_only_the_team_adds_measures(client, request, started, ours, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(page(ours), measure_data()).status_code == 404
    assert not ReductionMeasure.objects.exists()


def test_a_member_adds_a_measure_and_sees_its_potential(client, started, ours, contact):
    client.force_login(contact)
    assert client.post(page(ours), measure_data()).status_code == 302
    html = client.get(page(ours)).content.decode()
    # Heating 1 000 000 € × 0.608634 = 608.634 t; 10–20 % at 5/5: 60.9–121.7 t, mid 91.3.
    assert "60.9–121.7 (91.3)" in html
    assert "60.9–121.7 (91.3)" in client.get(f"/en/workspace/{ours.pk}/plan/").content.decode()


def test_a_high_estimate_below_the_low_one_is_refused_and_the_form_kept(
    client, started, ours, contact
):
    client.force_login(contact)
    response = client.post(page(ours), measure_data(reduction_low="30", reduction_high="10"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The high estimate cannot be below the low one." in html
    assert 'value="Päästöt mukaan kilpailutukseen"' in html
    assert not ReductionMeasure.objects.exists()


def test_a_suggestion_fills_the_form_and_is_remembered(client, started, ours, contact):
    suggestion = SuggestedMeasure.objects.create(
        category=ProcurementCategory.objects.get(code="heating"),
        kind=MeasureKind.MARKET_DIALOGUE,
        title_fi="Markkinavuoropuhelu lämmöntuottajien kanssa",
        title_en="Market dialogue with heat producers",
        reduction_low=5,
        reduction_high=15,
    )
    client.force_login(contact)
    html = client.get(page(ours) + f"?suggestion={suggestion.pk}").content.decode()
    assert 'value="Market dialogue with heat producers"' in html
    data = measure_data(title="Market dialogue with heat producers", suggestion=suggestion.pk)
    client.post(page(ours), data)
    assert ReductionMeasure.objects.get().suggestion == suggestion


def test_another_organisation_s_measure_cannot_be_changed(client, started, ours, theirs, outsider):
    measure = ReductionMeasure.objects.create(
        plan=started,
        category=ProcurementCategory.objects.get(code="heating"),
        kind=MeasureKind.OTHER,
        title="Oma",
        reduction_low=1,
        reduction_high=2,
        influence=3,
    )
    plan_service.plan_for(theirs)
    client.force_login(outsider)
    url = f"/en/workspace/{theirs.pk}/plan/measures/{measure.pk}/"
    assert client.post(url, {"action": "delete"}).status_code == 404
    assert ReductionMeasure.objects.filter(pk=measure.pk).exists()


def test_a_member_changes_and_removes_a_measure(client, started, ours, contact):
    client.force_login(contact)
    client.post(page(ours), measure_data())
    measure = ReductionMeasure.objects.get()
    url = f"/en/workspace/{ours.pk}/plan/measures/{measure.pk}/"
    assert client.post(url, measure_data(title="Uusi nimi")).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Uusi nimi"
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not ReductionMeasure.objects.exists()


def test_the_plan_page_query_count_does_not_grow_with_the_measures(client, started, ours, contact):
    client.force_login(contact)
    client.post(page(ours), measure_data())
    with CaptureQueriesContext(connection) as few:
        client.get(f"/en/workspace/{ours.pk}/plan/")
    for index in range(8):
        client.post(page(ours), measure_data(title=f"Toimenpide {index}"))
    with CaptureQueriesContext(connection) as many:
        client.get(f"/en/workspace/{ours.pk}/plan/")
    assert len(many) == len(few)
