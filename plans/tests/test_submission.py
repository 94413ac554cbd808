"""Submitting the plan: the frozen version, the plan read-only for the team, and reopening it."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from academy.tests.programme import member
from plans.models import (
    CategorySpend,
    MeasureKind,
    PilotMilestone,
    PilotProcurement,
    PilotState,
    PlanChange,
    PlanSubmission,
    ProcurementCategory,
    ReductionMeasure,
)
from plans.services import collaboration
from plans.services import plan as plan_service
from plans.tests.test_collaboration import measure_data, pilot_data, spend_data

pytestmark = pytest.mark.django_db

SUBMITTED_AT = dt.datetime(2022, 11, 30, 10, 0, tzinfo=dt.UTC)


def base(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/"


@pytest.fixture
def started(ours, contact, colleague):
    plan = plan_service.plan_for(ours)
    heating = ProcurementCategory.objects.get(code="heating")
    CategorySpend.objects.create(
        plan=plan, year=plan.spend_year, category=heating, amount_eur=Decimal("1000000")
    )
    ReductionMeasure.objects.create(
        plan=plan,
        category=heating,
        kind=MeasureKind.TENDER_CRITERIA,
        title="Uusiutuva lämpö",
        reduction_low=10,
        reduction_high=20,
        influence=4,
    )
    PilotProcurement.objects.create(plan=plan, subject="Koulujen ruokapalvelut")
    return plan


@pytest.fixture
def submitted(started, contact):
    with time_machine.travel(SUBMITTED_AT, tick=False):
        return collaboration.submit_plan(started, contact)


# The worked example of the conftest: heat 100 000 € × 0.5 = 50 t, food
# 300 000 € × 0.1 = 30 t, ICT 20 000 € × (0.1 + 2.0) / 2 = 21 t, electricity
# 80 000 € without a factor; 101 t in all.
@pytest.fixture
def worked(plan):
    person = member(plan.participation, "tiimi@example.fi", contact=True, name="Tiina Tiimi")
    ReductionMeasure.objects.create(
        plan=plan,
        category=plan.categories["heat"],
        kind=MeasureKind.TENDER_CRITERIA,
        title="Lämmön kriteerit",
        reduction_low=10,
        reduction_high=20,
        influence=5,
        next_tender=dt.date(2023, 5, 1),
    )
    pilot = PilotProcurement.objects.create(
        plan=plan, subject="Lämpöhankinta", state=PilotState.TENDERING
    )
    PilotMilestone.objects.create(pilot=pilot, title="Tarjouspyyntö", due=dt.date(2023, 1, 15))
    plan.person = person
    return plan


def test_submitting_freezes_the_plan_content(client, worked):
    client.force_login(worked.person)
    participation = worked.participation
    with time_machine.travel(SUBMITTED_AT, tick=False):
        response = client.post(f"{base(participation)}submit/")
    submission = PlanSubmission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base(participation)}submissions/{submission.pk}/"
    assert (submission.submitted_by, submission.submitted_at) == (worked.person, SUBMITTED_AT)
    submission.refresh_from_db()
    sections = {item["key"]: item["data"] for item in submission.snapshot["sections"]}
    analysis = sections["analysis"]
    assert analysis["total_spend"] == "500000.00"
    assert analysis["total_emissions"] == "101.000"
    ranked = [(r["category"], r["emissions"], r["rank"]) for r in analysis["rows"]]
    assert ranked == [
        ("t-heat", "50.000", 1),
        ("t-food", "30.000", 2),
        ("t-ict", "21.000", 3),
        ("t-electricity", None, None),
    ]
    (measure,) = sections["measures"]["measures"]
    assert (measure["potential_low"], measure["potential_high"], measure["potential_mid"]) == (
        "5.000",
        "10.000",
        "7.500",
    )
    assert measure["next_tender"] == "2023-05-01"
    assert sections["pilot"]["subject"] == "Lämpöhankinta"
    assert sections["pilot"]["milestones"] == [
        {"title": "Tarjouspyyntö", "due": "2023-01-15", "done": False}
    ]
    assert "Lämmön kriteerit" in submission.html
    assert "5.0–10.0 (7.5)" in submission.html
    assert "Tarjouspyyntö" in submission.html
    change = PlanChange.objects.get()
    assert (change.user, change.section, change.text) == (
        worked.person,
        "plan",
        "The plan was submitted.",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Lämmön kriteerit" in page
    assert "Submitted on Nov. 30, 2022, noon (Helsinki time, UTC+2) by Tiina Tiimi." in page


@pytest.mark.parametrize(
    ("who", "status", "button"),
    [("contact", 200, True), ("staff", 200, False), ("outsider", 404, False)],
)
def test_who_sees_the_submit_page(client, request, started, ours, who, status, button):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{base(ours)}submit/")
    assert response.status_code == status
    assert ("A frozen copy of the plan" in response.content.decode()) is button


def test_anonymous_visitors_sign_in_before_submitting(client, started, ours):
    response = client.post(f"{base(ours)}submit/")
    assert "/accounts/login/" in response["Location"]
    assert not PlanSubmission.objects.exists()


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_only_the_team_submits(client, request, started, ours, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"{base(ours)}submit/").status_code == 404
    assert not PlanSubmission.objects.exists()


def test_a_frozen_plan_is_not_submitted_twice(client, submitted, ours, colleague):
    client.force_login(colleague)
    response = client.post(f"{base(ours)}submit/", follow=True)
    assert "The plan was submitted on" in response.content.decode()
    assert PlanSubmission.objects.count() == 1


def edits(plan, participation) -> dict:
    measure = plan.measures.get()
    return {
        "spend": (f"{base(participation)}spend/", spend_data(plan, "5")),
        "add measure": (f"{base(participation)}categories/heating/", measure_data()),
        "change measure": (
            f"{base(participation)}measures/{measure.pk}/",
            measure_data(title="Muutettu"),
        ),
        "remove measure": (f"{base(participation)}measures/{measure.pk}/", {"action": "delete"}),
        "pilot": (f"{base(participation)}pilot/", pilot_data(**{"pilot-subject": "Muutettu"})),
    }


def content(plan) -> tuple:
    return (
        list(plan.spend.values_list("category__code", "amount_eur")),
        list(plan.measures.values_list("title", "influence")),
        list(PilotProcurement.objects.filter(plan=plan).values_list("subject", flat=True)),
        list(PilotMilestone.objects.values_list("title", flat=True)),
    )


@pytest.mark.parametrize(
    "edit", ["spend", "add measure", "change measure", "remove measure", "pilot"]
)
def test_after_submission_every_edit_is_refused_and_nothing_changes(
    client, submitted, started, ours, contact, edit
):
    before = content(started)
    changes = PlanChange.objects.count()
    url, data = edits(started, ours)[edit]
    client.force_login(contact)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "The plan was submitted on" in response.content.decode()
    assert "Yrjö Yhteys" in response.content.decode()
    assert content(started) == before
    assert PlanChange.objects.count() == changes


def test_a_frozen_plan_shows_no_forms_to_the_team(client, submitted, started, ours, contact):
    client.force_login(contact)
    plan_page = client.get(base(ours)).content.decode()
    assert "Submitted on Nov. 30, 2022, noon (Helsinki time, UTC+2) by Yrjö Yhteys." in plan_page
    assert f"{base(ours)}submissions/{submitted.pk}/" in plan_page
    assert f"{base(ours)}spend/" not in plan_page
    assert client.get(f"{base(ours)}spend/")["Location"] == base(ours)
    category = client.get(f"{base(ours)}categories/heating/").content.decode()
    assert "Add the measure" not in category
    assert "/measures/" not in category
    pilot = client.get(f"{base(ours)}pilot/").content.decode()
    assert 'name="pilot-subject"' not in pilot
    assert "Koulujen ruokapalvelut" in pilot


def test_comments_are_still_written_on_a_frozen_plan(client, submitted, ours, staff):
    client.force_login(staff)
    client.post(f"{base(ours)}comments/", {"section": "pilot", "body": "Hyvä suunnitelma."})
    assert submitted.plan.comments.get().body == "Hyvä suunnitelma."


@pytest.mark.parametrize(("who", "status"), [("colleague", 200), ("staff", 200), ("outsider", 404)])
def test_who_sees_the_frozen_version(client, request, submitted, ours, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{base(ours)}submissions/{submitted.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "Uusiutuva lämpö" in response.content.decode()


def test_a_submission_is_found_only_under_its_own_plan(client, submitted, theirs, outsider):
    plan_service.plan_for(theirs)
    client.force_login(outsider)
    assert client.get(f"{base(theirs)}submissions/{submitted.pk}/").status_code == 404


def reopen_in_admin(client, staff, plan):
    client.force_login(staff)
    return client.post(
        "/en/admin/plans/actionplan/",
        {"action": "reopen_submitted_plans", "_selected_action": [plan.pk]},
        follow=True,
    )


def test_staff_reopen_a_plan_in_the_admin_and_it_is_recorded(client, submitted, started, staff):
    response = reopen_in_admin(client, staff, started)
    assert "1 plan reopened" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.reopened_by == staff
    assert submitted.reopened_at is not None
    assert collaboration.open_submission(started) is None
    latest = PlanChange.objects.first()
    assert (latest.user, latest.section) == (staff, "plan")
    assert latest.text == "Programme staff reopened the plan for changes."


def test_staff_without_the_permission_cannot_reopen(client, submitted, started, staff):
    from django.contrib.auth.models import Permission

    staff.groups.first().permissions.remove(
        Permission.objects.get(codename="reopen_plansubmission")
    )
    reopen_in_admin(client, staff, started)
    submitted.refresh_from_db()
    assert submitted.reopened_at is None


def test_the_frozen_version_stays_after_reopening_and_changes(
    client, submitted, started, ours, contact, staff
):
    html, snapshot = submitted.html, PlanSubmission.objects.get().snapshot
    reopen_in_admin(client, staff, started)
    measure = started.measures.get()
    client.force_login(contact)
    response = client.post(
        f"{base(ours)}measures/{measure.pk}/", measure_data(title="Maalämpö kouluille")
    )
    assert response.status_code == 302
    assert started.measures.get().title == "Maalämpö kouluille"
    first = PlanSubmission.objects.get()
    assert (first.html, first.snapshot) == (html, snapshot)
    assert "Uusiutuva lämpö" in client.get(f"{base(ours)}submissions/{first.pk}/").content.decode()

    client.post(f"{base(ours)}submit/")
    second = PlanSubmission.objects.exclude(pk=first.pk).get()
    assert "Maalämpö kouluille" in second.html
    assert "Uusiutuva lämpö" not in second.html
    listing = client.get(f"{base(ours)}submit/").content.decode()
    assert f"submissions/{first.pk}/" in listing
    assert f"submissions/{second.pk}/" in listing


def test_staff_look_at_comments_changes_and_versions_in_the_admin(
    client, submitted, started, staff
):
    collaboration.add_comment(started, "pilot", staff, "Hyvä pilotti.", by_staff=True)
    client.force_login(staff)
    plan_page = client.get(f"/en/admin/plans/actionplan/{started.pk}/change/").content.decode()
    assert f"/workspace/{started.participation_id}/plan/submissions/{submitted.pk}/" in plan_page
    for model, shown in (
        ("plancomment", "pilot"),
        ("planchange", "The plan was submitted."),
        ("plansubmission", "Esimerkkilän kaupunki"),
    ):
        response = client.get(f"/en/admin/plans/{model}/")
        assert response.status_code == 200
        assert shown in response.content.decode()
    assert client.get("/en/admin/plans/plancomment/add/").status_code == 403


def test_the_pages_of_a_submission_stay_up_once_its_submitter_is_removed(
    client, submitted, ours, contact, colleague
):
    contact.delete()
    client.force_login(colleague)
    for path in ("submit/", f"submissions/{submitted.pk}/", ""):
        response = client.get(base(ours) + path)
        assert response.status_code == 200, path
        assert "a removed user" in response.content.decode().lower(), path
