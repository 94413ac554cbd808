"""Action items: the team keeps them, the timeline shows them, the sweep reminds their owners."""

import datetime as dt
import re

import pytest
import time_machine

from academy.models import Membership
from academy.tests.programme import helsinki
from notifications import reminders
from notifications.models import OutgoingEmail, ReminderOffset
from plans.models import (
    ActionItem,
    ActionItemState,
    CategoryPlan,
    PilotMilestone,
    PilotProcurement,
    PlanSection,
    ProcurementCategory,
)
from plans.services import plan as plan_service

pytestmark = pytest.mark.django_db

TODAY = helsinki(2022, 9, 20, 12, 0)
DUE = dt.date(2022, 9, 30)


@pytest.fixture
def started(ours):
    return plan_service.plan_for(ours)


@pytest.fixture
def item(started, colleague):
    return ActionItem.objects.create(
        plan=started, title="Markkinavuoropuhelu", owner=colleague, due=DUE
    )


def list_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/actions/"


def add_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/actions/new/"


def edit_url(participation, item) -> str:
    return f"/en/workspace/{participation.pk}/plan/actions/{item.pk}/"


def delete_url(participation, item) -> str:
    return f"/en/workspace/{participation.pk}/plan/actions/{item.pk}/delete/"


def timeline_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/timeline/"


def data(person, **overrides) -> dict:
    values = {
        "title": "Toimittajatilaisuus",
        "description": "Kutsu alan toimittajat",
        "owner": person.pk,
        "due": "2022-10-15",
        "state": ActionItemState.OPEN,
        "category": "",
        "section": "",
    }
    values.update(overrides)
    return values


def get(client, url, when=TODAY):
    with time_machine.travel(when, tick=False):
        return client.get(url)


def post(client, url, values, when=TODAY):
    with time_machine.travel(when, tick=False):
        return client.post(url, values)


# Who may do what


@pytest.mark.parametrize("page", [list_url, timeline_url])
@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 200), ("outsider", 404)])
def test_who_sees_the_list_and_the_timeline(client, request, item, ours, page, who, status):
    client.force_login(request.getfixturevalue(who))
    assert get(client, page(ours)).status_code == status


@pytest.mark.parametrize("page", [add_url, edit_url, delete_url])
@pytest.mark.parametrize(("who", "status"), [("contact", 200), ("staff", 404), ("outsider", 404)])
def test_only_the_team_opens_the_editing_pages(client, request, item, ours, page, who, status):
    client.force_login(request.getfixturevalue(who))
    url = page(ours) if page is add_url else page(ours, item)
    assert get(client, url).status_code == status


@pytest.mark.parametrize("page", [list_url, timeline_url, add_url])
def test_anonymous_visitors_sign_in_first(client, item, ours, page):
    response = get(client, page(ours))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_see_the_items_without_editing_links(client, item, ours, staff):
    client.force_login(staff)
    html = get(client, list_url(ours)).content.decode()
    assert "Markkinavuoropuhelu" in html
    assert add_url(ours) not in html
    assert edit_url(ours, item) not in html


def test_another_plan_s_item_is_not_found(client, item, ours, theirs, outsider):
    plan_service.plan_for(theirs)
    client.force_login(outsider)
    assert get(client, edit_url(theirs, item)).status_code == 404
    assert post(client, delete_url(theirs, item), {}).status_code == 404
    assert ActionItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_only_the_team_adds_items(client, request, started, ours, colleague, who):
    client.force_login(request.getfixturevalue(who))
    assert post(client, add_url(ours), data(colleague)).status_code == 404
    assert not ActionItem.objects.exists()


# Adding, changing and removing


def test_the_team_adds_an_item_for_a_member(client, started, ours, contact, colleague):
    client.force_login(contact)
    response = post(client, add_url(ours), data(colleague))
    assert response.status_code == 302
    added = ActionItem.objects.get()
    assert (added.plan, added.owner, added.due) == (started, colleague, dt.date(2022, 10, 15))
    assert added.state == ActionItemState.OPEN
    assert added.done_at is None
    assert added.updated_by == contact


def test_the_owner_must_be_on_the_team(client, started, ours, contact, outsider):
    client.force_login(contact)
    response = post(client, add_url(ours), data(outsider))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a member of the organisation&#x27;s team." in html
    assert 'value="Toimittajatilaisuus"' in html
    assert not ActionItem.objects.exists()


def test_the_owner_list_offers_only_the_team(client, started, ours, contact, colleague, outsider):
    client.force_login(contact)
    html = get(client, add_url(ours)).content.decode()
    options = re.findall(
        r'<option value="(\d+)"', html.split('name="owner"')[1].split("</select>")[0]
    )
    assert sorted(int(pk) for pk in options) == sorted([contact.pk, colleague.pk])


@pytest.mark.parametrize("missing", ["title", "owner", "due"])
def test_title_owner_and_due_date_are_required(client, started, ours, contact, colleague, missing):
    client.force_login(contact)
    response = post(client, add_url(ours), data(colleague, **{missing: ""}))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<a href="#id_{missing}">[^<]*: This field is required.</a>', html)
    assert re.search(rf'name="{missing}"[^>]*is-invalid|is-invalid[^>]*name="{missing}"', html)
    assert not ActionItem.objects.exists()


def test_an_item_links_to_a_category_or_a_section_not_both(
    client, started, ours, contact, colleague
):
    food = ProcurementCategory.objects.get(code="catering_food")
    client.force_login(contact)
    response = post(
        client, add_url(ours), data(colleague, category=food.pk, section=PlanSection.PILOT)
    )
    assert response.status_code == 200
    assert "Link the item either to a category or to a part of the plan." in (
        response.content.decode()
    )
    post(client, add_url(ours), data(colleague, section=PlanSection.PILOT))
    assert ActionItem.objects.get().section == PlanSection.PILOT


def test_marking_done_records_when_and_reopening_forgets_it(client, item, ours, contact, colleague):
    client.force_login(contact)
    post(client, edit_url(ours, item), data(colleague, state=ActionItemState.DONE))
    item.refresh_from_db()
    assert item.state == ActionItemState.DONE
    assert item.done_at == TODAY
    later = TODAY + dt.timedelta(days=2)
    post(client, edit_url(ours, item), data(colleague, state=ActionItemState.DONE), when=later)
    item.refresh_from_db()
    assert item.done_at == TODAY
    post(client, edit_url(ours, item), data(colleague, state=ActionItemState.IN_PROGRESS))
    item.refresh_from_db()
    assert item.done_at is None
    assert item.updated_by == contact


def test_removing_asks_first(client, item, ours, contact):
    client.force_login(contact)
    html = get(client, delete_url(ours, item)).content.decode()
    assert "Remove “Markkinavuoropuhelu”" in html
    assert ActionItem.objects.filter(pk=item.pk).exists()
    response = post(client, delete_url(ours, item), {})
    assert response.status_code == 302
    assert not ActionItem.objects.filter(pk=item.pk).exists()


def test_an_overdue_item_says_so_in_words(client, item, started, ours, contact, colleague):
    ActionItem.objects.create(
        plan=started, title="Valmis jo", owner=colleague, due=DUE, state=ActionItemState.DONE
    )
    client.force_login(contact)
    before = get(client, list_url(ours)).content.decode()
    assert "overdue</strong>" not in before
    after = get(client, list_url(ours), when=helsinki(2022, 10, 1, 8, 0)).content.decode()
    assert after.count("overdue</strong>") == 1
    row = after.split(f'id="item-{item.pk}"')[1].split("</tr>")[0]
    assert 'Open, <strong class="text-danger">overdue</strong>' in row


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_takes_few_queries(
    client, started, ours, contact, colleague, django_assert_max_num_queries, count
):
    food = ProcurementCategory.objects.get(code="catering_food")
    ActionItem.objects.bulk_create(
        ActionItem(plan=started, title=f"Tehtävä {n}", owner=colleague, due=DUE, category=food)
        for n in range(count)
    )
    client.force_login(contact)
    with django_assert_max_num_queries(12):
        response = get(client, list_url(ours))
    assert response.content.decode().count('<tr id="item-') == count


# The timeline


@pytest.fixture
def dated(started, item, colleague):
    """An item, the pilot's tender date and two milestones, and a category plan's schedule."""
    pilot = PilotProcurement.objects.create(
        plan=started, subject="Ruokapalvelut", planned_tender_date=dt.date(2022, 11, 15)
    )
    PilotMilestone.objects.create(pilot=pilot, title="Tarvekartoitus", due=dt.date(2022, 9, 1))
    PilotMilestone.objects.create(pilot=pilot, title="Ilman päivää")
    CategoryPlan.objects.create(
        plan=started,
        category=ProcurementCategory.objects.get(code="catering_food"),
        owner=colleague,
        starts_on=dt.date(2022, 10, 1),
        ends_on=dt.date(2023, 6, 30),
    )


def test_the_timeline_merges_the_plan_s_dates_in_order(client, dated, ours, contact):
    client.force_login(contact)
    response = get(client, timeline_url(ours))
    events = [(event.date.isoformat(), event.title) for event in response.context["events"]]
    food = ProcurementCategory.objects.get(code="catering_food").name
    assert events == [
        ("2022-09-01", "Tarvekartoitus"),
        ("2022-09-30", "Markkinavuoropuhelu"),
        ("2022-10-01", food),
        ("2022-11-15", "Ruokapalvelut"),
        ("2023-06-30", food),
    ]
    html = response.content.decode()
    # Only the open milestone of 1.9. is past due on 20.9.
    assert html.count("<strong>Overdue</strong>") == 1
    assert "Pilot milestone" in html
    assert "Category plan starts" in html


def test_done_is_not_overdue_on_the_timeline(client, dated, ours, contact):
    PilotMilestone.objects.filter(title="Tarvekartoitus").update(done=True)
    client.force_login(contact)
    assert "Overdue" not in get(client, timeline_url(ours)).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_timeline_takes_few_queries(
    client, dated, started, ours, contact, colleague, django_assert_max_num_queries, count
):
    ActionItem.objects.bulk_create(
        ActionItem(plan=started, title=f"Tehtävä {n}", owner=colleague, due=DUE)
        for n in range(count)
    )
    client.force_login(contact)
    with django_assert_max_num_queries(14):
        response = get(client, timeline_url(ours))
    assert len(response.context["events"]) == 5 + count


# Reminders

WEEK_BEFORE = helsinki(2022, 9, 23, 9, 0)
DAY_BEFORE = helsinki(2022, 9, 29, 9, 0)
DAY_AFTER = helsinki(2022, 10, 1, 9, 0)
WEEK_AFTER = helsinki(2022, 10, 7, 9, 0)


def sweep(when) -> int:
    with time_machine.travel(when, tick=False):
        return reminders.sweep(when)


def mails(purpose: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(purpose=purpose).order_by("queued_at", "pk"))


def test_a_new_cohort_gets_the_action_item_reminder_times(cohort):
    offsets = ReminderOffset.objects.filter(cohort=cohort, rule__startswith="action_item")
    assert sorted(offsets.values_list("rule", "days", "direction")) == [
        ("action_item_due", 1, "before"),
        ("action_item_due", 7, "before"),
        ("action_item_overdue", 1, "after"),
        ("action_item_overdue", 7, "after"),
    ]


def test_nothing_is_due_until_a_week_before(item):
    assert sweep(WEEK_BEFORE - dt.timedelta(seconds=1)) == 0


def test_the_owner_is_reminded_a_week_and_a_day_before(item, ours, colleague):
    sweep(WEEK_BEFORE)
    sent = mails("action_item_reminder")
    assert [mail.to for mail in sent] == [colleague.email]
    assert "30.9.2022" in sent[0].subject
    assert "Markkinavuoropuhelu" in sent[0].subject
    assert f"/workspace/{ours.pk}/plan/actions/{item.pk}/" in sent[0].body_text
    assert "Esimerkkilän kaupunki" in sent[0].body_text
    sweep(DAY_BEFORE)
    assert len(mails("action_item_reminder")) == 2


def test_a_second_sweep_sends_nothing_more(item):
    assert sweep(WEEK_BEFORE) == 1
    assert sweep(WEEK_BEFORE + dt.timedelta(minutes=5)) == 0
    assert sweep(DAY_BEFORE) == 1
    assert sweep(DAY_BEFORE + dt.timedelta(minutes=5)) == 0
    assert sweep(DAY_AFTER) == 1
    assert sweep(DAY_AFTER + dt.timedelta(minutes=5)) == 0
    assert len(mails("action_item_reminder")) == 2
    assert len(mails("action_item_overdue")) == 1


def test_an_item_not_done_is_reminded_a_day_and_a_week_after(item, colleague):
    sweep(DAY_AFTER - dt.timedelta(seconds=1))
    assert mails("action_item_overdue") == []
    sweep(DAY_AFTER)
    sweep(WEEK_AFTER)
    overdue = mails("action_item_overdue")
    assert [mail.to for mail in overdue] == [colleague.email, colleague.email]
    assert overdue[0].subject.startswith("Myöhässä")


def test_no_before_reminder_once_the_due_date_has_passed(item):
    sweep(DAY_AFTER)
    assert mails("action_item_reminder") == []


def test_a_done_item_is_never_reminded(item):
    item.state = ActionItemState.DONE
    item.save()
    for when in (WEEK_BEFORE, DAY_BEFORE, DAY_AFTER, WEEK_AFTER):
        assert sweep(when) == 0


def test_an_owner_who_left_the_team_is_not_reminded(item, colleague):
    Membership.objects.filter(user=colleague).delete()
    for when in (WEEK_BEFORE, DAY_BEFORE, DAY_AFTER, WEEK_AFTER):
        assert sweep(when) == 0


def test_a_moved_due_date_moves_the_reminders(item):
    sweep(WEEK_BEFORE)
    item.due = dt.date(2022, 10, 14)
    item.save()
    assert sweep(DAY_BEFORE) == 0
    assert sweep(helsinki(2022, 10, 7, 9, 0)) == 1
    assert "14.10.2022" in mails("action_item_reminder")[-1].subject


def test_the_reminder_is_in_the_owner_s_language(item, colleague):
    colleague.preferred_language = "en"
    colleague.save()
    sweep(WEEK_BEFORE)
    mail = mails("action_item_reminder")[0]
    assert mail.language == "en"
    assert mail.subject.startswith("Reminder: Markkinavuoropuhelu is due by")
    assert "its state is now: Open." in mail.body_text
    assert "/en/workspace/" in mail.body_text
