"""Working together on the plan: staff's comments and the team's replies, and the change history."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.tests.factories import UserFactory
from notifications.models import OutgoingEmail
from plans.models import (
    CategorySpend,
    MeasureKind,
    PilotState,
    PlanChange,
    PlanComment,
    ProcurementCategory,
    ReductionMeasure,
)
from plans.services import collaboration
from plans.services import plan as plan_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(ours, contact, colleague):
    plan = plan_service.plan_for(ours)
    heating = ProcurementCategory.objects.get(code="heating")
    CategorySpend.objects.create(
        plan=plan, year=plan.spend_year, category=heating, amount_eur=Decimal("1000000")
    )
    return plan


def base(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/"


def comment_data(participation, section="pilot", **overrides) -> dict:
    return {
        "section": section,
        "next": f"{base(participation)}pilot/",
        "body": "Voisiko kriteereihin lisätä **kasvisruokapäivän**?",
        **overrides,
    }


def recipients(purpose: str) -> list[str]:
    return sorted(OutgoingEmail.objects.filter(purpose=purpose).values_list("to", flat=True))


# Comments.


def test_staff_comment_on_a_section_and_the_team_is_told(client, started, ours, staff):
    client.force_login(staff)
    response = client.post(f"{base(ours)}comments/", comment_data(ours))
    assert response.status_code == 302
    assert response["Location"] == f"{base(ours)}pilot/#comments-pilot"
    comment = PlanComment.objects.get()
    assert (comment.plan, comment.section, comment.author, comment.by_staff) == (
        started,
        "pilot",
        staff,
        True,
    )
    assert recipients("plan_comment") == ["kollega@esimerkkila.fi", "yhteys@esimerkkila.fi"]
    assert recipients("plan_comment_staff") == []
    mail = OutgoingEmail.objects.filter(purpose="plan_comment").first()
    assert "kasvisruokapäivän" in mail.body_text
    assert f"/workspace/{ours.pk}/plan/pilot/#comments-pilot" in mail.body_text
    assert (
        mail.subject == "Kommentti toimenpidesuunnitelmaan: Pilottihankinta – Esimerkkilän kaupunki"
    )


def test_a_member_replies_and_programme_staff_are_told(client, started, ours, staff, colleague):
    client.force_login(staff)
    client.post(f"{base(ours)}comments/", comment_data(ours))
    client.force_login(colleague)
    response = client.post(
        f"{base(ours)}comments/", comment_data(ours, body="Lisätään, kiitos vinkistä.")
    )
    assert response.status_code == 302
    reply = PlanComment.objects.get(by_staff=False)
    assert (reply.author, reply.section) == (colleague, "pilot")
    assert recipients("plan_comment_staff") == ["akatemia@example.fi"]
    staff_mail = OutgoingEmail.objects.get(purpose="plan_comment_staff")
    assert "Lisätään, kiitos vinkistä." in staff_mail.body_text
    assert "Kaisa Kollega" in staff_mail.body_text


def test_the_thread_is_shown_on_its_page_with_markdown(client, started, ours, staff, contact):
    PlanComment.objects.create(
        plan=started, section="pilot", author=staff, by_staff=True, body="Hyvä **alku**."
    )
    PlanComment.objects.create(
        plan=started, section="analysis", author=staff, by_staff=True, body="Analyysistä."
    )
    client.force_login(contact)
    html = client.get(f"{base(ours)}pilot/").content.decode()
    assert "Hyvä <strong>alku</strong>." in html
    assert "Analyysistä." not in html
    assert 'id="comments-pilot-body"' in html
    plan_page = client.get(base(ours)).content.decode()
    assert "Analyysistä." in plan_page


@pytest.mark.parametrize("who", ["outsider", "nobody"])
def test_people_outside_the_team_and_staff_cannot_comment(client, request, started, ours, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"{base(ours)}comments/", comment_data(ours)).status_code == 404
    assert not PlanComment.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_staff_status_alone_does_not_comment(client, started, ours):
    interviewer = UserFactory(email="haastattelija@example.fi", is_staff=True)
    client.force_login(interviewer)
    assert client.post(f"{base(ours)}comments/", comment_data(ours)).status_code == 404
    assert not PlanComment.objects.exists()


def test_anonymous_visitors_sign_in_first(client, started, ours):
    response = client.post(f"{base(ours)}comments/", comment_data(ours))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not PlanComment.objects.exists()


def test_an_unknown_section_is_not_found(client, started, ours, staff):
    client.force_login(staff)
    response = client.post(f"{base(ours)}comments/", comment_data(ours, section="nothing"))
    assert response.status_code == 404
    assert not PlanComment.objects.exists()


def test_a_category_section_is_known_by_its_code(client, started, ours, staff):
    client.force_login(staff)
    page = f"{base(ours)}categories/heating/"
    response = client.post(
        f"{base(ours)}comments/", comment_data(ours, section="category:heating", next=page)
    )
    assert response["Location"] == f"{page}#comments-category-heating"
    assert PlanComment.objects.get().section == "category:heating"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "/en/workspace/999/plan/pilot/", "/en/admin/"],
)
def test_next_must_be_a_page_of_this_plan(client, started, ours, staff, next_url):
    client.force_login(staff)
    response = client.post(f"{base(ours)}comments/", comment_data(ours, next=next_url))
    assert response["Location"] == f"{base(ours)}pilot/#comments-pilot"


def test_a_too_long_comment_is_explained_and_kept(client, started, ours, contact):
    client.force_login(contact)
    text = "Pitkä " * 1000
    response = client.post(f"{base(ours)}comments/", comment_data(ours, body=text))
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 5000 characters" in html
    assert text.strip() in html
    assert not PlanComment.objects.exists()


def test_a_member_marks_a_comment_resolved(client, started, ours, staff, contact):
    comment = PlanComment.objects.create(
        plan=started, section="pilot", author=staff, by_staff=True, body="Tarkista päivämäärä."
    )
    client.force_login(contact)
    response = client.post(
        f"{base(ours)}comments/",
        {"section": "pilot", "action": "resolve", "comment": comment.pk, "next": ""},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.resolved
    assert comment.resolved_by == contact
    html = client.get(f"{base(ours)}pilot/").content.decode()
    assert "Resolved" in html
    assert "Mark as resolved" not in html


def test_a_comment_of_another_plan_cannot_be_resolved(client, started, ours, theirs, outsider):
    other_plan = plan_service.plan_for(theirs)
    comment = PlanComment.objects.create(
        plan=other_plan, section="pilot", author=outsider, body="Meidän."
    )
    client.force_login(ours.organisation.memberships.first().user)
    response = client.post(
        f"{base(ours)}comments/", {"section": "pilot", "action": "resolve", "comment": comment.pk}
    )
    assert response.status_code == 404
    comment.refresh_from_db()
    assert not comment.resolved


def test_all_sections_comments_come_in_one_query(started, staff, contact):
    for section in ("analysis", "pilot", "category:heating", "category:cleaning", "plan"):
        for author, by_staff in ((staff, True), (contact, False)):
            PlanComment.objects.create(
                plan=started,
                section=section,
                author=author,
                by_staff=by_staff,
                body=section,
                resolved_by=contact,
            )
    with CaptureQueriesContext(connection) as queries:
        threads = collaboration.comments_by_section(started)
        names = [c.author.email + c.resolved_by.email for t in threads.values() for c in t]
    assert len(queries) == 1
    assert len(threads) == 5
    assert len(names) == 10


def test_a_category_page_costs_the_same_with_many_comments(client, started, ours, staff):
    client.force_login(staff)
    page = f"{base(ours)}categories/heating/"
    PlanComment.objects.create(
        plan=started, section="category:heating", author=staff, by_staff=True, body="1"
    )
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    for number in range(30):
        author = UserFactory(email=f"henkilo{number}@example.fi")
        section = "category:heating" if number % 2 else "pilot"
        PlanComment.objects.create(
            plan=started, section=section, author=author, resolved_by=author, body=str(number)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert len(many) == len(one)


# The change history.


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


def pilot_data(**overrides) -> dict:
    return {
        "pilot-subject": "Koulujen ruokapalvelut",
        "pilot-category": ProcurementCategory.objects.get(code="catering_food").pk,
        "pilot-state": PilotState.PREPARATION,
        "pilot-estimated_value": "",
        "pilot-planned_tender_date": "",
        "pilot-expected_reduction": "",
        "pilot-low_carbon_criteria": "",
        "pilot-market_dialogue": "",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-title": "Markkinavuoropuhelu",
        "milestones-0-due": "2022-10-01",
        **overrides,
    }


def spend_data(plan, heating: str) -> dict:
    data = {"year": str(plan.spend_year)}
    for category in ProcurementCategory.objects.filter(is_active=True):
        data[f"amount_{category.pk}"] = heating if category.code == "heating" else ""
        data[f"factor_{category.pk}"] = ""
        data[f"why_{category.pk}"] = ""
    return data


def changes() -> list[tuple]:
    return list(
        PlanChange.objects.order_by("pk").values_list("section", "summary", "params", "fields")
    )


def test_saving_the_spend_is_recorded(client, started, ours, contact):
    client.force_login(contact)
    assert client.post(f"{base(ours)}spend/", spend_data(started, "2000000")).status_code == 302
    change = PlanChange.objects.get()
    assert (change.user, change.section, change.text) == (
        contact,
        "analysis",
        "Spend for 2021 saved.",
    )


def test_adding_changing_and_removing_a_measure_is_recorded(client, started, ours, contact):
    client.force_login(contact)
    client.post(f"{base(ours)}categories/heating/", measure_data())
    measure = ReductionMeasure.objects.get()
    client.post(f"{base(ours)}measures/{measure.pk}/", measure_data(influence="3"))
    client.post(f"{base(ours)}measures/{measure.pk}/", {"action": "delete"})
    assert changes() == [
        (
            "category:heating",
            "Measure “%(title)s” added.",
            {"title": "Päästöt mukaan kilpailutukseen"},
            [],
        ),
        (
            "category:heating",
            "Measure “%(title)s” changed.",
            {"title": "Päästöt mukaan kilpailutukseen"},
            ["influence"],
        ),
        (
            "category:heating",
            "Measure “%(title)s” removed.",
            {"title": "Päästöt mukaan kilpailutukseen"},
            [],
        ),
    ]
    assert PlanChange.objects.filter(user=contact).count() == 3


def test_saving_the_pilot_is_recorded_with_what_changed(client, started, ours, contact):
    client.force_login(contact)
    assert client.post(f"{base(ours)}pilot/", pilot_data()).status_code == 302
    (section, summary, _params, fields) = changes()[0]
    assert (section, summary) == ("pilot", "Pilot procurement saved.")
    assert {"subject", "category", "state", "milestones"} <= set(fields)


def test_a_refused_edit_records_nothing(client, started, ours, contact):
    client.force_login(contact)
    client.post(f"{base(ours)}categories/heating/", measure_data(reduction_high="5"))
    assert not PlanChange.objects.exists()


def record(plan, user, section, title, at):
    with time_machine.travel(at, tick=False):
        return collaboration.record_change(
            plan, user, section, "Measure “%(title)s” added.", params={"title": title}
        )


@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 200), ("outsider", 404)])
def test_who_sees_the_history(client, request, started, ours, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"{base(ours)}history/").status_code == status


def test_anonymous_visitors_sign_in_before_the_history(client, started, ours):
    assert "/accounts/login/" in client.get(f"{base(ours)}history/")["Location"]


def test_the_history_says_who_and_when_newest_first(client, started, ours, contact, colleague):
    record(
        started,
        contact,
        "category:heating",
        "Ensimmäinen",
        dt.datetime(2022, 6, 1, 6, 0, tzinfo=dt.UTC),
    )
    record(started, colleague, "pilot", "Toinen", dt.datetime(2022, 6, 2, 6, 0, tzinfo=dt.UTC))
    client.force_login(contact)
    html = client.get(f"{base(ours)}history/").content.decode()
    assert html.index("Toinen") < html.index("Ensimmäinen")
    assert "Kaisa Kollega" in html
    assert "Yrjö Yhteys" in html
    # 6.00 UTC is 9.00 in Helsinki in summer.
    assert "June 1, 2022, 9 a.m. (Helsinki time, UTC+3)" in html
    assert "<td>Heating</td>" in html


def test_the_history_is_filtered_by_section(client, started, ours, contact):
    record(started, contact, "category:heating", "Lämpö", dt.datetime(2022, 6, 1, tzinfo=dt.UTC))
    record(started, contact, "pilot", "Pilotti", dt.datetime(2022, 6, 2, tzinfo=dt.UTC))
    client.force_login(contact)
    html = client.get(f"{base(ours)}history/?section=pilot").content.decode()
    assert "Pilotti" in html
    assert "Lämpö" not in html
    everything = client.get(f"{base(ours)}history/?section=bogus").content.decode()
    assert "Pilotti" in everything
    assert "Lämpö" in everything


def test_the_history_is_paginated_and_costs_the_same_for_30_changes(client, started, ours, contact):
    client.force_login(contact)
    start = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    record(started, contact, "category:heating", "Muutos 0", start)
    with CaptureQueriesContext(connection) as one:
        client.get(f"{base(ours)}history/")
    for number in range(1, 30):
        person = UserFactory(email=f"tiimi{number}@example.fi")
        section = "pilot" if number % 2 else "category:heating"
        record(started, person, section, f"Muutos {number}", start + dt.timedelta(hours=number))
    with CaptureQueriesContext(connection) as many:
        first = client.get(f"{base(ours)}history/").content.decode()
    assert len(many) == len(one)
    assert "Muutos 29" in first
    assert "Muutos 4”" not in first
    second = client.get(f"{base(ours)}history/?page=2").content.decode()
    assert "Muutos 4”" in second
    assert "Muutos 0”" in second
    assert "Muutos 5”" not in second
