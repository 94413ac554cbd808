"""Category implementation plans and the operating model: the team writes, staff read."""

import pytest

from academy.tests.programme import ParticipationFactory, member
from plans.models import (
    CategoryPlan,
    MeasureKind,
    OperatingModel,
    ProcurementCategory,
    ReductionMeasure,
)
from plans.services import plan as plan_service

pytestmark = pytest.mark.django_db

FOOD = "catering_food"


@pytest.fixture
def started(ours):
    return plan_service.plan_for(ours)


def food() -> ProcurementCategory:
    return ProcurementCategory.objects.get(code=FOOD)


def category_plan_url(participation, code: str = FOOD) -> str:
    return f"/en/workspace/{participation.pk}/plan/categories/{code}/implementation/"


def category_plans_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/implementation/"


def operating_model_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/operating-model/"


def category_plan_data(**overrides) -> dict:
    values = {
        "goals": "Kasvisruoan osuus **50 %** vuoteen 2025",
        "criteria": "- kasvisvaihtoehto joka päivä\n- hävikin seuranta",
        "owner": "",
        "starts_on": "2022-09-01",
        "ends_on": "2023-12-31",
        "schedule_note": "Kilpailutus keväällä 2023",
        "indicators": "Kasvisaterioiden osuus",
        "notes": "",
    }
    values.update(overrides)
    return values


def operating_model_data(**overrides) -> dict:
    values = {
        "goals": "Hankintojen päästöt puoleen vuoteen 2030",
        "climate_targets": "Kaupunkistrategia 2021–2025, hiilineutraali 2030",
        "roles": "Hankintapäällikkö vastaa",
        "planning": "Tarvekartoitus ennen jokaista hankintaa",
        "market_dialogue": "",
        "criteria": "",
        "contract_management": "",
        "monitoring": "",
        "improvement": "Katselmointi vuosittain",
        "review_month": "",
    }
    values.update(overrides)
    return values


PAGES = [category_plan_url, category_plans_url, operating_model_url]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 200), ("outsider", 404)])
def test_who_sees_the_section_pages(client, request, started, ours, page, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page(ours)).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_sign_in_first(client, started, ours, page):
    response = client.get(page(ours))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_of_a_plan_not_started_are_not_found(client, ours, contact, page):
    client.force_login(contact)
    assert client.get(page(ours)).status_code == 404


def test_the_team_writes_a_category_plan_with_an_owner(client, started, ours, contact, colleague):
    client.force_login(contact)
    response = client.post(category_plan_url(ours), category_plan_data(owner=colleague.pk))
    assert response.status_code == 302
    row = CategoryPlan.objects.get()
    assert (row.plan, row.category, row.owner) == (started, food(), colleague)
    assert row.updated_by == contact
    assert str(row.ends_on) == "2023-12-31"


def test_saving_again_changes_the_same_category_plan(client, started, ours, contact, colleague):
    client.force_login(contact)
    client.post(category_plan_url(ours), category_plan_data())
    client.force_login(colleague)
    client.post(category_plan_url(ours), category_plan_data(goals="Uusi tavoite"))
    row = CategoryPlan.objects.get()
    assert row.goals == "Uusi tavoite"
    assert row.updated_by == colleague


def test_the_owner_must_be_on_the_team(client, started, ours, contact, outsider):
    client.force_login(contact)
    response = client.post(category_plan_url(ours), category_plan_data(owner=outsider.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a member of the organisation&#x27;s team." in html
    assert "Kilpailutus keväällä 2023" in html
    assert not CategoryPlan.objects.exists()


def test_the_owner_list_offers_only_the_team(client, started, ours, contact, colleague, outsider):
    client.force_login(contact)
    html = client.get(category_plan_url(ours)).content.decode()
    assert f'value="{colleague.pk}"' in html
    assert f'value="{contact.pk}"' in html
    assert f'value="{outsider.pk}"' not in html


def test_the_end_cannot_be_before_the_start(client, started, ours, contact):
    client.force_login(contact)
    response = client.post(
        category_plan_url(ours), category_plan_data(starts_on="2023-01-01", ends_on="2022-12-31")
    )
    assert response.status_code == 200
    assert "The end cannot be before the start." in response.content.decode()
    assert not CategoryPlan.objects.exists()


def test_the_category_s_measures_are_shown_with_its_plan(client, started, ours, contact):
    ReductionMeasure.objects.create(
        plan=started,
        category=food(),
        kind=MeasureKind.TENDER_CRITERIA,
        title="Kasvisruokapäivät",
        reduction_low=10,
        reduction_high=20,
        influence=4,
    )
    ReductionMeasure.objects.create(
        plan=started,
        category=ProcurementCategory.objects.exclude(code=FOOD).first(),
        kind=MeasureKind.OTHER,
        title="Toisen luokan toimi",
        reduction_low=1,
        reduction_high=2,
        influence=1,
    )
    client.force_login(contact)
    html = client.get(category_plan_url(ours)).content.decode()
    assert "Kasvisruokapäivät" in html
    assert "10–20 %" in html
    assert "Toisen luokan toimi" not in html


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_only_the_team_writes_a_category_plan(client, request, started, ours, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(category_plan_url(ours), category_plan_data()).status_code == 404
    assert not CategoryPlan.objects.exists()


def test_staff_read_the_category_plan_as_markdown(client, started, ours, contact, staff):
    client.force_login(contact)
    client.post(category_plan_url(ours), category_plan_data())
    client.force_login(staff)
    html = client.get(category_plan_url(ours)).content.decode()
    assert "<strong>50 %</strong>" in html
    assert "<li>kasvisvaihtoehto joka päivä</li>" in html
    assert 'name="goals"' not in html
    assert "Yrjö Yhteys" in html  # who changed it last


def test_the_team_removes_a_category_plan(client, started, ours, contact):
    client.force_login(contact)
    client.post(category_plan_url(ours), category_plan_data())
    response = client.post(category_plan_url(ours), {"action": "delete"})
    assert response.status_code == 302
    assert not CategoryPlan.objects.exists()


def test_the_category_page_links_to_its_implementation_plan(client, started, ours, contact):
    client.force_login(contact)
    html = client.get(f"/en/workspace/{ours.pk}/plan/categories/{FOOD}/").content.decode()
    assert f'href="/en/workspace/{ours.pk}/plan/categories/{FOOD}/implementation/"' in html


def _category_plans(plan, count: int, owner) -> None:
    for category in ProcurementCategory.objects.all()[:count]:
        CategoryPlan.objects.create(plan=plan, category=category, owner=owner, goals="Tavoite")


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_of_category_plans_takes_few_queries(
    client, started, ours, contact, django_assert_max_num_queries, count
):
    assert ProcurementCategory.objects.count() >= 12
    _category_plans(started, count, contact)
    client.force_login(contact)
    with django_assert_max_num_queries(12):
        response = client.get(category_plans_url(ours))
    assert len(response.context["rows"]) == count
    assert len(response.context["unplanned"]) == ProcurementCategory.objects.count() - count


def test_the_list_counts_each_category_s_measures_of_this_plan(client, started, ours, contact):
    other_plan = plan_service.plan_for(ParticipationFactory())
    for plan, title in ((started, "Oma"), (started, "Toinen oma"), (other_plan, "Vieras")):
        ReductionMeasure.objects.create(
            plan=plan,
            category=food(),
            kind=MeasureKind.OTHER,
            title=title,
            reduction_low=1,
            reduction_high=2,
            influence=1,
        )
    CategoryPlan.objects.create(plan=started, category=food())
    client.force_login(contact)
    response = client.get(category_plans_url(ours))
    row = next(r for r in response.context["rows"] if r.category_id == food().pk)
    assert row.measure_count == 2


def test_the_team_writes_the_operating_model(client, started, ours, contact):
    client.force_login(contact)
    response = client.post(operating_model_url(ours), operating_model_data(review_month="3"))
    assert response.status_code == 302
    model = OperatingModel.objects.get()
    assert model.plan == started
    assert model.review_month == 3
    assert model.updated_by == contact


def test_sections_filled_counts_only_complete_sections(started):
    model = OperatingModel(
        plan=started,
        **{key: value for key, value in operating_model_data().items() if key != "review_month"},
    )
    # goals (both fields) and roles are complete; the process lacks three of its four
    # fields, monitoring is empty, and the improvement section lacks its month.
    assert model.filled_sections() == (2, 5)
    model.review_month = 11
    assert model.filled_sections() == (3, 5)
    model.market_dialogue = model.criteria = model.contract_management = "Kyllä"
    model.monitoring = "   "
    assert model.filled_sections() == (4, 5)


def test_the_operating_model_shows_guidance_and_the_team(client, started, ours, contact, colleague):
    client.force_login(contact)
    html = client.get(operating_model_url(ours)).content.decode()
    assert "Roles and responsibilities" in html
    assert "Who does what" in html
    assert "Kaisa Kollega" in html
    assert "Procurement specialist" in html
    assert "0 of 5 sections written." in html


def test_only_the_team_writes_the_operating_model(client, started, ours, staff):
    client.force_login(staff)
    assert client.post(operating_model_url(ours), operating_model_data()).status_code == 404
    assert not OperatingModel.objects.exists()


def test_staff_read_the_operating_model(client, started, ours, contact, staff):
    client.force_login(contact)
    client.post(operating_model_url(ours), operating_model_data(review_month="3"))
    client.force_login(staff)
    html = client.get(operating_model_url(ours)).content.decode()
    assert "Kaupunkistrategia 2021–2025" in html
    assert "March" in html
    assert "not written yet" in html
    assert 'name="roles"' not in html
    assert "3 of 5 sections written." in html


def test_a_new_member_appears_beside_the_roles(client, started, ours, contact):
    member(ours, "uusi@esimerkkila.fi", name="Uuno Uusi")
    client.force_login(contact)
    assert "Uuno Uusi" in client.get(operating_model_url(ours)).content.decode()


def test_the_plan_page_links_to_the_sections(client, started, ours, contact):
    OperatingModel.objects.create(plan=started, roles="Kaikki")
    client.force_login(contact)
    html = client.get(f"/en/workspace/{ours.pk}/plan/").content.decode()
    for path in ("operating-model/", "implementation/", "actions/", "timeline/"):
        assert f'href="/en/workspace/{ours.pk}/plan/{path}"' in html
    assert "1 of 5 sections written" in html
