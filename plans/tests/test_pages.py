"""The action plan's pages: who sees them, entering spend, and the analysis shown."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import ActionPlan, CategorySpend, ProcurementCategory

pytestmark = pytest.mark.django_db


def plan_url(participation, language: str = "en") -> str:
    return f"/{language}/workspace/{participation.pk}/plan/"


def spend_url(participation, language: str = "en") -> str:
    return f"/{language}/workspace/{participation.pk}/plan/spend/"


def category(code: str) -> ProcurementCategory:
    return ProcurementCategory.objects.get(code=code)


def form_for(year="2021", **amounts) -> dict:
    data = {"year": year}
    for code, value in amounts.items():
        data[f"amount_{category(code).pk}"] = value
    return data


@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 200), ("outsider", 404)])
@pytest.mark.parametrize("page", [plan_url, spend_url])
def test_who_sees_the_plan_pages(
    client, request, ours, contact, outsider, staff, who, status, page
):
    client.force_login(request.getfixturevalue(who))
    expected = 404 if (who == "staff" and page is spend_url) else status
    assert client.get(page(ours)).status_code == expected


@pytest.mark.parametrize("page", [plan_url, spend_url])
def test_anonymous_visitors_sign_in_first(client, ours, page):
    response = client.get(page(ours))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_looking_do_not_start_a_plan(client, ours, staff):
    client.force_login(staff)
    page = client.get(plan_url(ours)).content.decode()
    assert "has not started the action plan yet" in page
    assert not ActionPlan.objects.exists()


def test_the_first_visit_starts_a_plan_for_the_year_before_the_cohort(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    plan = ActionPlan.objects.get()
    assert plan.spend_year == ours.cohort.year - 1
    assert plan.factor_set.is_default


def test_finnish_numbers_are_saved_and_the_analysis_shows_them(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    response = client.post(spend_url(ours), form_for(heating="1 000 000", cleaning="250 000,50"))
    assert response.status_code == 302
    spend = dict(CategorySpend.objects.values_list("category__code", "amount_eur"))
    assert spend == {"heating": Decimal("1000000.00"), "cleaning": Decimal("250000.50")}
    page = client.get(plan_url(ours)).content.decode()
    # Heating: 1 000 000 € × 0.608634 kg/€ = 608.6 t; cleaning: 250 000.50 × 0.225342 = 56.3 t.
    assert "608.6" in page
    assert "56.3" in page
    assert "<svg" in page
    assert "The factors are indicative" in page


def test_the_chart_is_tied_to_the_table_with_the_same_figures(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    client.post(spend_url(ours), form_for(heating="1 000 000", cleaning="250 000,50"))
    # Finnish is the default language: its pages have no prefix.
    page = client.get(plan_url(ours).removeprefix("/en")).content.decode()
    figure = page.split('<figure class="chart')[1].split("</figure>")[0]
    assert 'role="img" aria-labelledby="chart-title"' in figure
    assert '<title id="chart-title">Suurimmat kategoriat päästöjen mukaan' in figure
    # The bars' figures as the table writes them (608,6 t), on an axis of round tonnes.
    assert ">608,6</text>" in figure
    assert ">800</text>" in figure
    assert '<a href="#analysis-table">Hankintakategoriat päästöjen mukaan</a>' in figure
    table = page.split('id="analysis-table"')[1].split("</table>")[0]
    assert "608,6" in table


def test_a_bad_entry_is_explained_next_to_its_field_and_what_was_typed_stays(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    heating = category("heating")
    data = form_for(heating="12 345,67", cleaning="paljon")
    data[f"factor_{heating.pk}"] = "0,2"
    response = client.post(spend_url(ours), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write a number, e.g. 12 345,67." in html
    assert "Say why this factor is used instead of the set&#x27;s." in html
    assert 'value="paljon"' in html
    assert 'value="12 345,67"' in html
    assert not CategorySpend.objects.exists()


def test_an_own_factor_with_its_justification_counts(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    electricity = category("electricity")
    data = form_for(electricity="100 000")
    data[f"factor_{electricity.pk}"] = "0,05"
    data[f"why_{electricity.pk}"] = "Sähkösopimuksen alkuperätakuu"
    assert client.post(spend_url(ours), data).status_code == 302
    page = client.get(plan_url(ours)).content.decode()
    assert "Sähkösopimuksen alkuperätakuu" in page
    # 100 000 € × 0.05 kg/€ = 5 t.
    assert "5.0" in page


def test_clearing_an_amount_removes_the_category(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    client.post(spend_url(ours), form_for(heating="1000", cleaning="2000"))
    client.post(spend_url(ours), form_for(heating="1000", cleaning=""))
    assert list(CategorySpend.objects.values_list("category__code", flat=True)) == ["heating"]


def test_the_plan_page_query_count_does_not_grow_with_the_categories(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    client.post(spend_url(ours), form_for(heating="1000"))
    with CaptureQueriesContext(connection) as few:
        client.get(plan_url(ours))
    amounts = {c.code: str(1000 + i) for i, c in enumerate(ProcurementCategory.objects.all())}
    client.post(spend_url(ours), form_for(**amounts))
    with CaptureQueriesContext(connection) as many:
        client.get(plan_url(ours))
    assert len(many) == len(few)


def test_changing_the_year_shows_that_year_s_figures_and_deletes_nothing(client, ours, contact):
    client.force_login(contact)
    client.get(plan_url(ours))
    client.post(spend_url(ours), form_for(year="2021", heating="1 000", cleaning="500"))
    response = client.post(spend_url(ours), form_for(year="2020", heating="", cleaning=""))
    assert response.status_code == 302
    assert response["Location"].endswith("/plan/spend/")
    plan = ActionPlan.objects.get()
    assert plan.spend_year == 2020
    assert {(row.year, row.amount_eur) for row in CategorySpend.objects.all()} == {
        (2021, Decimal("1000.00")),
        (2021, Decimal("500.00")),
    }
    page = client.get(spend_url(ours))
    assert page.context["form"]["year"].value() == 2020
