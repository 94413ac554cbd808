"""Category plans, the operating model and action items in the frozen version and the PDF,
and the PDF kept at submission: who may download it."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from academy.tests.programme import member
from plans.models import (
    ActionItem,
    ActionItemState,
    CategoryPlan,
    CategorySpend,
    MeasureKind,
    Month,
    OperatingModel,
    PilotProcurement,
    PlanSection,
    PlanSubmission,
    ProcurementCategory,
    ReductionMeasure,
)
from plans.services import collaboration, exports
from plans.services import plan as plan_service
from plans.tests.conftest import category

pytestmark = pytest.mark.django_db

SUBMITTED_AT = dt.datetime(2023, 1, 20, 10, 0, tzinfo=dt.UTC)
AFTER_THE_MARKET_SURVEY = dt.datetime(2023, 3, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def measure(plan, category, title: str) -> ReductionMeasure:
    return ReductionMeasure.objects.create(
        plan=plan,
        category=category,
        kind=MeasureKind.TENDER_CRITERIA,
        title=title,
        reduction_low=10,
        reduction_high=20,
        influence=3,
    )


@pytest.fixture
def written(plan):
    """The worked plan with a category plan for heat, an operating model and two action items."""
    owner = member(plan.participation, "omistaja@example.fi", name="Olli Omistaja")
    heat, food = plan.categories["heat"], plan.categories["food"]
    measure(plan, heat, "Lämmön kriteerit")
    measure(plan, food, "Kasvisruokapäivät")
    measure(plan, heat, "Kaukolämmön päästökerroin")
    CategoryPlan.objects.create(
        plan=plan,
        category=heat,
        goals="**Uusiutuva** lämpö vuoteen 2025",
        criteria="Päästökerroin enintään 50 g/kWh",
        owner=owner,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        schedule_note="Kaksi vaihetta",
        indicators="Lämmön t CO2e vuodessa",
        notes="Yhdessä naapurikunnan kanssa",
    )
    OperatingModel.objects.create(
        plan=plan,
        goals="Hiilineutraali kunta 2030",
        climate_targets="Kuntastrategia 2021–2025",
        roles="Hankintapäällikkö vastaa kriteereistä",
        planning="Tarvekartoitus",
        market_dialogue="Toimittajatilaisuus",
        criteria="Vähimmäisvaatimukset",
        contract_management="Raportointi sopimuskaudella",
        monitoring="Päästöt vuosittain hankintatiedoista",
        improvement="",
        review_month=Month.MARCH,
    )
    ActionItem.objects.create(
        plan=plan,
        title="Markkinakartoitus",
        owner=owner,
        due=dt.date(2023, 3, 15),
        state=ActionItemState.IN_PROGRESS,
        category=heat,
    )
    ActionItem.objects.create(
        plan=plan,
        title="Toimintamallin hyväksyntä",
        owner=None,
        due=dt.date(2023, 2, 1),
        state=ActionItemState.DONE,
        section=PlanSection.OPERATING_MODEL,
    )
    plan.owner = owner
    return plan


def sections_of(content: dict) -> dict:
    return {item["key"]: item["data"] for item in content["sections"]}


# The snapshot and the frozen page.


def test_the_snapshot_holds_the_new_parts_in_the_printed_order(written):
    with time_machine.travel(AFTER_THE_MARKET_SURVEY, tick=False):
        content = collaboration.snapshot(written)
    keys = [item["key"] for item in content["sections"]]
    assert keys == [
        "analysis",
        "measures",
        "category_plans",
        "pilot",
        "operating_model",
        "action_items",
    ]
    sections = sections_of(content)
    assert sections["category_plans"] == [
        {
            "category": "t-heat",
            "category_name": "heat",
            "goals": "**Uusiutuva** lämpö vuoteen 2025",
            "criteria": "Päästökerroin enintään 50 g/kWh",
            "owner": "Olli Omistaja",
            "starts_on": dt.date(2023, 1, 1),
            "ends_on": dt.date(2024, 12, 31),
            "schedule_note": "Kaksi vaihetta",
            "indicators": "Lämmön t CO2e vuodessa",
            "notes": "Yhdessä naapurikunnan kanssa",
            # Only heat's measures, in the order they were added; not food's.
            "measures": ["Lämmön kriteerit", "Kaukolämmön päästökerroin"],
        }
    ]
    model = sections["operating_model"]
    assert model["review_month"] == "March"
    by_key = {section["key"]: section for section in model["sections"]}
    assert list(by_key) == ["goals", "roles", "process", "monitoring", "improvement"]
    assert by_key["goals"]["title"] == "Goals and the link to climate targets and strategy"
    assert by_key["goals"]["parts"] == [
        {"label": "Goals", "text": "Hiilineutraali kunta 2030"},
        {"label": "Link to the climate targets and strategy", "text": "Kuntastrategia 2021–2025"},
    ]
    # A section with one text needs no name for it: the section's title says it.
    assert by_key["roles"]["parts"] == [
        {"label": "", "text": "Hankintapäällikkö vastaa kriteereistä"}
    ]
    assert [part["label"] for part in by_key["process"]["parts"]] == [
        "Planning the procurement",
        "Market dialogue",
        "Criteria",
        "Contract management",
    ]
    assert by_key["improvement"]["parts"] == [{"label": "", "text": ""}]
    assert [section["filled"] for section in model["sections"]] == [True, True, True, True, False]
    with_ids = sections["action_items"]
    assert [item.pop("id") for item in with_ids] == list(
        written.action_items.values_list("pk", flat=True)
    )
    assert with_ids == [
        {
            "title": "Toimintamallin hyväksyntä",
            "description": "",
            "owner": "",
            "due": dt.date(2023, 2, 1),
            "state": "Done",
            "done": True,
            "overdue": False,
            "link": "Operating model",
        },
        {
            "title": "Markkinakartoitus",
            "description": "",
            "owner": "Olli Omistaja",
            "due": dt.date(2023, 3, 15),
            "state": "In progress",
            "done": False,
            # Overdue on the day the plan was frozen.
            "overdue": True,
            "link": "heat",
        },
    ]


def test_a_plan_without_the_new_parts_is_frozen_as_such(plan):
    sections = sections_of(collaboration.snapshot(plan))
    assert sections["category_plans"] == []
    assert sections["operating_model"] is None
    assert sections["action_items"] == []
    html = collaboration.render_snapshot(collaboration.snapshot(plan))
    assert "No category implementation plans yet." in html
    assert "The operating model has not been written yet." in html
    assert "No action items yet." in html


def test_the_submitted_version_keeps_and_shows_the_new_parts(written):
    with time_machine.travel(SUBMITTED_AT, tick=False):
        submission = collaboration.submit_plan(written, written.owner)
    submission.refresh_from_db()
    sections = sections_of(submission.snapshot)
    # Kept as JSON: dates as ISO strings.
    assert sections["category_plans"][0]["starts_on"] == "2023-01-01"
    assert sections["action_items"][1]["due"] == "2023-03-15"
    html = submission.html
    category_plans = html.split("Category implementation plans")[1].split("Pilot procurement")[0]
    assert "<strong>Uusiutuva</strong> lämpö vuoteen 2025" in category_plans
    assert "Olli Omistaja" in category_plans
    assert "Jan. 1, 2023–Dec. 31, 2024" in category_plans
    assert "<li>Kaukolämmön päästökerroin</li>" in category_plans
    assert "Kasvisruokapäivät" not in category_plans
    model = html.split('id="operating-model-heading"')[1].split('id="action-items-heading"')[0]
    assert "Link to the climate targets and strategy" in model
    assert "<p>Toimittajatilaisuus</p>" in model
    assert "Yearly review in: March" in model
    items = html.split('id="action-items-heading"')[1]
    assert items.index("Toimintamallin hyväksyntä") < items.index("Markkinakartoitus")
    assert "March 15, 2023" in items
    assert "In progress" in items


def test_the_frozen_copy_renders_the_markdown_of_the_pilot_and_the_action_items(written):
    PilotProcurement.objects.create(
        plan=written,
        subject="Lämpöhankinta",
        low_carbon_criteria="**Uusiutuva** lämpö",
        market_dialogue="- Toimittajainfo\n- Kysely",
    )
    ActionItem.objects.filter(title="Markkinakartoitus").update(
        description="Kysytään **kolmelta** toimittajalta"
    )
    with time_machine.travel(SUBMITTED_AT, tick=False):
        html = collaboration.submit_plan(written, written.owner).html
    pilot = html.split('id="pilot-heading"')[1].split('id="operating-model-heading"')[0]
    assert "<strong>Uusiutuva</strong> lämpö" in pilot
    assert "<li>Toimittajainfo</li>" in pilot
    items = html.split('id="action-items-heading"')[1]
    assert "Kysytään <strong>kolmelta</strong> toimittajalta" in items
    assert "**" not in html


# A version submitted before the parts of the plan shared their templates, as its JSON
# keeps it: its own template names, decimals and dates as strings, the measures as a
# list, and no cumulative share, factor set region or action item ids.
OLD_SNAPSHOT = {
    "organisation": "Esimerkkilän kaupunki",
    "cohort": "Vähähiilisten hankintojen akatemia 2022",
    "taken_at": "2023-01-20T10:00:00Z",
    "language": "en",
    "sections": [
        {
            "key": "analysis",
            "template": "plans/frozen/analysis.html",
            "data": {
                "year": 2021,
                "factor_set": {
                    "name": "Testisarja",
                    "version": "1",
                    "publisher": "Testi",
                    "licence": "CC0",
                    "indicative": True,
                },
                "total_spend": "180000.00",
                "total_emissions": "50.000",
                "rows": [
                    {
                        "category": "t-heat",
                        "name": "heat",
                        "spend": "100000.00",
                        "factor": "0.500000",
                        "own_factor": False,
                        "justification": "",
                        "emissions": "50.000",
                        "spend_share": "55.56",
                        "emissions_share": "100.00",
                        "rank": 1,
                    },
                    {
                        "category": "t-electricity",
                        "name": "electricity",
                        "spend": "80000.00",
                        "factor": None,
                        "own_factor": False,
                        "justification": "",
                        "emissions": None,
                        "spend_share": "44.44",
                        "emissions_share": None,
                        "rank": None,
                    },
                ],
            },
        },
        {
            "key": "measures",
            "template": "plans/frozen/measures.html",
            "data": [
                {
                    "category": "t-heat",
                    "category_name": "heat",
                    "title": "Lämmön kriteerit",
                    "kind": "Criteria in the tender",
                    "description": "Kilpailutetaan **kaukolämpö**",
                    "reduction_low": 10,
                    "reduction_high": 20,
                    "influence": 5,
                    "next_tender": "2023-05-01",
                    "potential_low": "5.000",
                    "potential_high": "10.000",
                    "potential_mid": "7.500",
                    "rank": 1,
                }
            ],
        },
        {
            "key": "category_plans",
            "template": "plans/frozen/category_plans.html",
            "data": [
                {
                    "category": "t-heat",
                    "category_name": "heat",
                    "goals": "**Uusiutuva** lämpö",
                    "criteria": "",
                    "owner": "Olli Omistaja",
                    "starts_on": "2023-01-01",
                    "ends_on": "2024-12-31",
                    "schedule_note": "",
                    "indicators": "",
                    "notes": "",
                    "measures": ["Lämmön kriteerit"],
                }
            ],
        },
        {
            "key": "pilot",
            "template": "plans/frozen/pilot.html",
            "data": {
                "subject": "Lämpöhankinta",
                "category": "heat",
                "state": "Tendering",
                "estimated_value": "2400000.00",
                "planned_tender_date": "2023-02-01",
                "low_carbon_criteria": "",
                "market_dialogue": "",
                "expected_reduction": None,
                "milestones": [{"title": "Tarjouspyyntö", "due": "2023-01-15", "done": True}],
            },
        },
        {"key": "operating_model", "template": "plans/frozen/operating_model.html", "data": None},
        {
            "key": "action_items",
            "template": "plans/frozen/action_items.html",
            "data": [
                {
                    "title": "Markkinakartoitus",
                    "description": "",
                    "owner": "Olli Omistaja",
                    "due": "2023-03-15",
                    "state": "In progress",
                    "done": False,
                    "link": "heat",
                }
            ],
        },
        {"key": "a part since removed", "template": "plans/frozen/gone.html", "data": {}},
    ],
}


def test_a_version_frozen_with_the_old_keys_still_renders():
    html = collaboration.render_snapshot(OLD_SNAPSHOT)
    analysis = html.split('id="analysis-heading"')[1].split('id="measures-heading"')[0]
    assert "Emissions of procurement in 2021" in analysis
    assert "Factors: Testisarja 1 (Testi; CC0)." in analysis
    assert "The factors are indicative." in analysis
    assert "100,000" in analysis
    assert "50.0" in analysis
    assert "55.6 %" in analysis
    assert "no factor" in analysis
    # Without the cumulative share there is no chart, as there was none then.
    assert "<svg" not in analysis
    measures = html.split('id="measures-heading"')[1].split('id="category-plans-heading"')[0]
    assert "5.0–10.0 (7.5)" in measures
    assert "May 1, 2023" in measures
    assert "<strong>kaukolämpö</strong>" in measures
    plans = html.split('id="category-plans-heading"')[1].split('id="pilot-heading"')[0]
    assert "<strong>Uusiutuva</strong> lämpö" in plans
    assert "Jan. 1, 2023–Dec. 31, 2024" in plans
    pilot = html.split('id="pilot-heading"')[1].split('id="operating-model-heading"')[0]
    assert "2,400,000" in pilot
    assert "Feb. 1, 2023" in pilot
    assert "Tarjouspyyntö</th><td>Jan. 15, 2023</td><td>done" in pilot
    assert "The operating model has not been written yet." in html
    items = html.split('id="action-items-heading"')[1]
    assert "Markkinakartoitus" in items
    assert "March 15, 2023" in items
    assert "gone" not in html


# The printed plan.


def test_the_print_html_has_the_new_parts_in_order(written):
    html = exports.plan_html(written)
    headings = [
        'id="analysis-heading"',
        'id="measures-heading"',
        'id="category-plans-heading"',
        'id="pilot-heading"',
        'id="operating-model-heading"',
        'id="action-items-heading"',
    ]
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)
    category_plans = html.split(headings[2])[1].split(headings[3])[0]
    assert "<strong>Uusiutuva</strong> lämpö vuoteen 2025" in category_plans
    assert "Päästökerroin enintään 50 g/kWh" in category_plans
    assert "Olli Omistaja" in category_plans
    assert "<li>Lämmön kriteerit</li>" in category_plans
    assert "Kasvisruokapäivät" not in category_plans
    model = html.split(headings[4])[1].split(headings[5])[0]
    assert '<h3 class="h4">Monitoring and indicators</h3>' in model
    assert "<p>Päästöt vuosittain hankintatiedoista</p>" in model
    assert "Yearly review in: March" in model
    items = html.split(headings[5])[1]
    assert "Markkinakartoitus" in items
    assert "Operating model" in items


def test_the_print_html_says_when_the_new_parts_are_missing(plan):
    html = exports.plan_html(plan)
    assert "No category implementation plans yet." in html
    assert "The operating model has not been written yet." in html
    assert "No action items yet." in html


def print_queries(plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        exports.plan_html(plan)
    return len(queries)


def add_rows(plan, owner, categories) -> None:
    for index, each in enumerate(categories):
        measure(plan, each, f"Toimenpide {each.code}")
        CategoryPlan.objects.create(plan=plan, category=each, goals=f"Tavoite {index}", owner=owner)
        ActionItem.objects.create(
            plan=plan, title=f"Tehtävä {index}", owner=owner, due=dt.date(2023, 4, 1), category=each
        )


def test_the_print_html_takes_as_many_queries_for_five_rows_as_for_one(plan):
    owner = member(plan.participation, "omistaja@example.fi", name="Olli Omistaja")
    OperatingModel.objects.create(plan=plan, goals="Hiilineutraali kunta 2030")
    categories = [*plan.categories.values(), category("extra", 5)]
    add_rows(plan, owner, categories[:1])
    one = print_queries(plan)
    add_rows(plan, owner, categories[1:])
    assert CategoryPlan.objects.filter(plan=plan).count() == 5
    assert ActionItem.objects.filter(plan=plan).count() == 5
    assert print_queries(plan) == one


# The PDF kept at submission.


@pytest.fixture
def started(ours):
    plan = plan_service.plan_for(ours)
    CategorySpend.objects.create(
        plan=plan,
        year=plan.spend_year,
        category=ProcurementCategory.objects.get(code="heating"),
        amount_eur=Decimal("1000000"),
    )
    ActionItem.objects.create(plan=plan, title="Kriteerityöpaja", due=dt.date(2023, 2, 1))
    return plan


@pytest.fixture
def submitted(started, contact):
    with time_machine.travel(SUBMITTED_AT, tick=False):
        return collaboration.submit_plan(started, contact)


def test_submitting_keeps_the_plan_as_a_pdf(submitted, contact):
    stored = submitted.pdf
    content = stored.file.read()
    assert content.startswith(b"%PDF-")
    assert (stored.file_type, stored.content_type) == ("pdf", "application/pdf")
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.original_name == "esimerkkilan-kaupunki-2022-action-plan.pdf"
    assert (stored.uploaded_by, stored.uploaded_at) == (contact, SUBMITTED_AT)


def test_a_failing_pdf_does_not_stop_the_submission(started, contact, monkeypatch, caplog):
    def broken(plan):
        raise OSError("Pango is missing")

    monkeypatch.setattr(exports, "plan_pdf", broken)
    submission = collaboration.submit_plan(started, contact)
    submission.refresh_from_db()
    assert submission.pdf is None
    assert "Kriteerityöpaja" in submission.html
    assert PlanSubmission.objects.get() == submission
    assert f"The PDF of action plan {started.pk} could not be made." in caplog.text
    assert "Pango is missing" in caplog.text


def download_url(submission) -> str:
    return f"/en/files/{submission.pdf.public_id}/"


@pytest.mark.parametrize(
    ("who", "status"),
    [("contact", 200), ("colleague", 200), ("staff", 200), ("outsider", 404), ("nobody", 404)],
)
def test_who_downloads_the_submitted_pdf(client, request, submitted, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(download_url(submitted))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Disposition"] == (
            'attachment; filename="esimerkkilan-kaupunki-2022-action-plan.pdf"'
        )


def test_anonymous_visitors_sign_in_before_downloading_the_pdf(client, submitted):
    response = client.get(download_url(submitted))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_submitted_version_links_to_its_pdf(client, submitted, ours, contact):
    client.force_login(contact)
    page = client.get(f"/en/workspace/{ours.pk}/plan/submissions/{submitted.pk}/")
    assert page.status_code == 200
    assert f'href="{download_url(submitted)}"' in page.content.decode()
    assert "Download the submitted plan (PDF)" in page.content.decode()


def test_a_version_without_a_pdf_has_no_link(client, started, ours, contact, monkeypatch):
    monkeypatch.setattr(exports, "plan_pdf", lambda plan: 1 / 0)
    submission = collaboration.submit_plan(started, contact)
    client.force_login(contact)
    page = client.get(f"/en/workspace/{ours.pk}/plan/submissions/{submission.pk}/")
    assert page.status_code == 200
    assert "Download the submitted plan (PDF)" not in page.content.decode()
