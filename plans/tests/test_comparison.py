"""Staff's comparison of a cohort's plans, its anonymised export, the dashboard's plan column."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import slugify
from openpyxl import load_workbook

from academy.models import OrganisationKind
from academy.tests.factories import CohortFactory, UserFactory
from academy.tests.programme import ParticipationFactory, member
from plans.models import PilotState, SpendSource
from plans.services import plan as plan_service
from plans.services.comparison import compare, letters

from .cohort_plans import measure, pilot, spend, worked_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def comparison_url(cohort) -> str:
    return f"/en/admin/plans/actionplan/cohort/{cohort.pk}/comparison/"


def export_url(cohort) -> str:
    return f"/en/admin/plans/actionplan/cohort/{cohort.pk}/comparison.xlsx"


def dashboard_url(cohort) -> str:
    return f"/en/admin/academy/cohort/{cohort.pk}/dashboard/"


# The comparison's figures.


def test_the_comparison_has_each_plan_s_figures_worked_by_hand(cohort, ours, theirs):
    worked_plan(ours)
    [first, second] = compare(cohort)
    assert (first.participation, second.participation) == (ours, theirs)
    # Heating 100 000 € × 0.608634 kg/€ (the default set) = 60.863 t; catering 200 000 € × 0.1
    # = 20 t; cleaning 50 000 € × 0.2 = 10 t; printing 10 000 € × 0.1 = 1 t. 91.863 t in all.
    assert first.total_spend == Decimal("360000")
    assert first.total_emissions == Decimal("91.863")
    assert [(row.category.code, row.emissions_share) for row in first.leading] == [
        ("heating", Decimal("66.25")),
        ("catering_food", Decimal("21.77")),
        ("cleaning", Decimal("10.89")),
    ]
    # Catering 20 t: 10–30 % → 2–6 t and 50 % → 10 t; together 12–16 t, midpoint 14 t.
    assert (first.measures, first.potential) == (2, Decimal("14"))
    assert first.pilot.state == PilotState.PREPARATION
    assert first.pilot.category.code == "catering_food"
    assert second.plan is None
    assert second.total_spend is None


def test_a_category_s_potential_is_capped_at_its_emissions(cohort, ours):
    plan = plan_service.plan_for(ours)
    spend(plan, "printing", "10000", "0.1")
    measure(plan, "printing", 80, 100)
    measure(plan, "printing", 80, 100)
    # 1 t of emissions: 0.8–1 t twice would be 1.6–2 t, but at most 1 t.
    [standing] = compare(cohort)
    assert standing.potential == Decimal("1")
    assert standing.pilot is None


def organisations(cohort, count: int) -> list:
    found = []
    for n in range(count):
        participation = ParticipationFactory(cohort=cohort, organisation__name=f"Kunta {n:02}")
        plan = worked_plan(participation)
        spend(plan, "electricity", str(1000 * (n + 1)), "0.05")
        found.append(participation)
    return found


def cohort_of(count: int, name: str):
    cohort = CohortFactory(name=name, slug=slugify(name), year=2022)
    organisations(cohort, count)
    return cohort


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_comparison_s_queries_do_not_grow_with_the_organisations(client, staff):
    small = cohort_of(2, "Pieni akatemia")
    large = cohort_of(5, "Suuri akatemia")
    client.force_login(staff)
    assert queries(client, comparison_url(small)) == queries(client, comparison_url(large))
    assert queries(client, export_url(small)) == queries(client, export_url(large))


def test_the_comparison_page_shows_every_organisation(client, staff):
    cohort = cohort_of(3, "Akatemia")
    client.force_login(staff)
    html = client.get(comparison_url(cohort)).content.decode()
    for n in range(3):
        assert f"Kunta {n:02}</a></th>" in html
    assert html.count("<li>Heating (") == 3
    assert html.count("Preparation") == 3
    assert export_url(cohort) in html


# Who sees it.


def test_people_without_the_programme_staff_permission_are_refused(client, cohort, ours):
    worked_plan(ours)
    interviewer = UserFactory(email="haastattelija@example.fi", is_staff=True)
    client.force_login(interviewer)
    assert client.get(comparison_url(cohort)).status_code == 403
    assert client.get(export_url(cohort)).status_code == 403


@pytest.mark.parametrize("url", [comparison_url, export_url])
def test_participants_and_anonymous_visitors_get_the_admin_sign_in(
    client, cohort, ours, contact, url
):
    assert "/admin/login/" in client.get(url(cohort))["Location"]
    client.force_login(contact)
    assert "/admin/login/" in client.get(url(cohort))["Location"]


def test_an_unknown_cohort_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get("/en/admin/plans/actionplan/cohort/999999/comparison/").status_code == 404


# The anonymised export.


def exported(client, cohort) -> list[list]:
    response = client.get(export_url(cohort))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def data_rows(rows: list[list]) -> list[list]:
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Organisation")
    return rows[start + 1 :]


def test_letters_go_on_after_z():
    assert [letters(n) for n in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]


def test_the_export_names_no_organisation_and_no_person(client, staff):
    cohort = cohort_of(5, "Akatemia")
    client.force_login(staff)
    rows = exported(client, cohort)
    text = " ".join(str(value) for row in rows for value in row if value is not None)
    for participation in cohort.participations.select_related("organisation"):
        assert participation.organisation.name not in text
        assert participation.organisation.business_id not in text
    assert "Koulujen ruokapalvelut" not in text
    assert "Vähähiilisyyskriteerit" not in text
    assert [row[0] for row in data_rows(rows)] == [f"Organisation {x}" for x in "ABCDE"]


def test_the_export_has_the_figures_as_numbers(client, staff):
    cohort = cohort_of(1, "Akatemia")
    client.force_login(staff)
    [row] = data_rows(exported(client, cohort))
    # As in the hand-worked plan, plus electricity 1 000 € × 0.05 = 0.05 t: 91.913 t.
    assert row[2:5] == [2021, 361000, 91.913]
    assert row[5:11] == [
        "Heating",
        pytest.approx(0.6622),
        "Catering and food",
        pytest.approx(0.2176),
        "Cleaning",
        pytest.approx(0.1088),
    ]
    assert row[11:15] == [2, 14, "Preparation", "Catering and food"]


def test_the_export_order_is_neither_by_name_nor_by_joining_and_stays_the_same(client, staff):
    cohort = cohort_of(8, "Akatemia")
    client.force_login(staff)
    # Organisation "Kunta n" (joined n-th) spent (n + 1) × 1 000 € on electricity: 360 000 € + that.
    first = [int(row[3]) - 360000 for row in data_rows(exported(client, cohort))]
    again = [int(row[3]) - 360000 for row in data_rows(exported(client, cohort))]
    by_name = [1000 * (n + 1) for n in range(8)]
    assert sorted(first) == by_name
    assert first != by_name
    assert again == first


def test_a_type_shared_by_fewer_than_three_reads_other(client, staff):
    cohort = CohortFactory(name="Akatemia", slug="akatemia", year=2022)
    kinds = [OrganisationKind.MUNICIPALITY] * 3 + [
        OrganisationKind.PARISH,
        OrganisationKind.STATE_AGENCY,
        OrganisationKind.STATE_AGENCY,
    ]
    for n, kind in enumerate(kinds):
        participation = ParticipationFactory(
            cohort=cohort, organisation__name=f"Organisaatio {n}", organisation__kind=kind
        )
        worked_plan(participation)
    client.force_login(staff)
    types = sorted(row[1] for row in data_rows(exported(client, cohort)))
    assert types == ["Municipality"] * 3 + ["other"] * 3


def test_an_organisation_without_a_plan_is_still_listed(client, cohort, ours, theirs, staff):
    worked_plan(ours)
    client.force_login(staff)
    rows = data_rows(exported(client, cohort))
    assert len(rows) == 2
    empty = next(row for row in rows if row[3] is None)
    assert empty[11:14] == [0, None, "not described"]


# The cohort dashboard's plan column.


def test_the_dashboard_shows_each_organisation_s_plan_progress(client, cohort, ours, theirs, staff):
    plan = worked_plan(ours)
    plan.pilot.state = PilotState.TENDERING
    plan.pilot.save()
    client.force_login(staff)
    html = client.get(dashboard_url(cohort)).content.decode()
    row = next(row for row in html.split("<tr>") if ">Esimerkkilän kaupunki</a></th>" in row)
    cell = row.split('class="plan-progress">')[1].split("</td>")[0]
    assert "Spend 2021: 360,000 €" in cell
    assert "From the purchase ledger, Entered by hand" in cell
    assert "2 measures" in cell
    assert "Pilot: Tendering" in cell
    other = next(row for row in html.split("<tr>") if ">Toisenlan kunta</a></th>" in row)
    assert "not started" in other.split('class="plan-progress">')[1]
    assert "/admin/plans/actionplan/cohort/" in html


def test_the_dashboard_counts_only_the_plan_s_spend_year(client, cohort, ours, staff):
    plan = plan_service.plan_for(ours)
    spend(plan, "printing", "10000", source=SpendSource.LEDGER)
    plan.spend_year = 2020
    plan.save()
    pilot(plan, state=PilotState.IDEA)
    member(ours, "uusi@esimerkkila.fi")
    client.force_login(staff)
    html = client.get(dashboard_url(cohort)).content.decode()
    cell = html.split('class="plan-progress">')[1].split("</td>")[0]
    assert "No spend for 2020 yet" in cell
    assert "0 measures" in cell
    assert "Pilot: Idea" in cell


def test_the_dashboard_shows_the_later_parts_of_the_plan(client, cohort, ours, staff):
    import datetime as dt

    import time_machine

    from plans.models import ActionItem, ActionItemState, CategoryPlan, OperatingModel
    from plans.services import collaboration

    plan = worked_plan(ours)
    owner = member(ours, "omistaja@esimerkkila.fi")
    CategoryPlan.objects.create(plan=plan, category=plan.spend.first().category, goals="Tavoite")
    OperatingModel.objects.create(plan=plan, goals="Tavoite", climate_targets="Strategia")
    for title, due, state in (
        ("Myöhässä", dt.date(2022, 5, 1), ActionItemState.OPEN),
        ("Tulossa", dt.date(2022, 9, 1), ActionItemState.IN_PROGRESS),
        ("Valmis", dt.date(2022, 4, 1), ActionItemState.DONE),
    ):
        ActionItem.objects.create(plan=plan, title=title, owner=owner, due=due, state=state)
    with time_machine.travel(dt.datetime(2022, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        collaboration.submit_plan(plan, owner)
        client.force_login(staff)
        html = client.get(dashboard_url(cohort)).content.decode()
    cell = html.split('class="plan-progress">')[1].split("</td>")[0]
    assert "1 category plan" in cell
    assert "Operating model: 1/5 sections" in cell
    assert "2 open action items, <strong>1 overdue</strong>" in cell
    assert "Submitted 1.6.2022" in cell
