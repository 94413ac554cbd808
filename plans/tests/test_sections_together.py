"""The later parts of the plan work with the others: comments, history, and the frozen plan.

The category implementation plans, the operating model, the action items and
the purchase ledger record their changes, carry comment threads, and refuse
changes once the plan has been submitted.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import (
    ActionItem,
    CategoryPlan,
    LedgerImport,
    OperatingModel,
    PlanChange,
    PlanComment,
    ProcurementCategory,
)
from plans.services import collaboration
from plans.services import plan as plan_service
from plans.tests.test_ledger import csv_bytes
from plans.tests.test_sections import (
    category_plan_data,
    category_plan_url,
    operating_model_data,
    operating_model_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(ours):
    return plan_service.plan_for(ours)


def actions_url(participation, rest: str = "") -> str:
    return f"/en/workspace/{participation.pk}/plan/actions/{rest}"


def item_data(owner, **overrides) -> dict:
    return {
        "title": "Markkinavuoropuhelu ruokapalveluista",
        "description": "",
        "owner": owner.pk,
        "due": "2022-09-30",
        "state": "open",
        "category": "",
        "section": "",
        **overrides,
    }


def changes(plan) -> list[tuple[str, str]]:
    return [
        (change.section, change.summary % change.params)
        for change in PlanChange.objects.filter(plan=plan).order_by("at", "pk")
    ]


def test_each_part_records_its_changes(
    client, started, ours, contact, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(contact)
    client.post(category_plan_url(ours), category_plan_data())
    client.post(operating_model_url(ours), operating_model_data())
    client.post(actions_url(ours, "new/"), item_data(contact))
    item = ActionItem.objects.get()
    client.post(actions_url(ours, f"{item.pk}/"), item_data(contact, state="done"))
    client.post(actions_url(ours, f"{item.pk}/delete/"))
    client.post(
        f"/en/workspace/{ours.pk}/plan/ledger/",
        {"file": SimpleUploadedFile("ostot.csv", csv_bytes()), "year": 2021},
    )
    made = LedgerImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/workspace/{ours.pk}/plan/ledger/{made.pk}/columns/",
            {**made.columns, "vat_mode": "excluded"},
        )
    made.refresh_from_db()
    assert made.state == "applied"
    food = ProcurementCategory.objects.get(code="catering_food")
    assert changes(started) == [
        (f"category:{food.code}", "The category's implementation plan was saved."),
        ("operating_model", "The operating model was saved."),
        ("actions", "Action item “Markkinavuoropuhelu ruokapalveluista” was added."),
        ("actions", "Action item “Markkinavuoropuhelu ruokapalveluista” was changed."),
        ("actions", "Action item “Markkinavuoropuhelu ruokapalveluista” was removed."),
        ("ledger", "The purchase ledger ostot.csv (2021) was put in use."),
    ]
    changed = PlanChange.objects.get(summary__startswith="Action item “%(title)s” was changed")
    assert changed.fields == ["state"]


def test_staff_comment_on_the_operating_model_and_the_action_items(
    client, started, ours, staff, contact
):
    client.force_login(staff)
    for section, url in (("operating_model", operating_model_url), ("actions", actions_url)):
        response = client.post(
            f"/en/workspace/{ours.pk}/plan/comments/",
            {"section": section, "body": f"Kommentti: {section}", "next": url(ours)},
        )
        assert response.status_code == 302
        page = client.get(url(ours)).content.decode()
        assert f"Kommentti: {section}" in page
    assert set(PlanComment.objects.values_list("section", flat=True)) == {
        "operating_model",
        "actions",
    }


@pytest.fixture
def frozen(started, ours, contact):
    CategoryPlan.objects.create(
        plan=started, category=ProcurementCategory.objects.get(code="heating"), goals="Ennen"
    )
    OperatingModel.objects.create(plan=started, goals="Ennen")
    ActionItem.objects.create(plan=started, title="Ennen", owner=contact, due=dt.date(2022, 9, 30))
    collaboration.submit_plan(started, contact)
    return started


def test_a_submitted_plan_refuses_changes_to_every_part(client, frozen, ours, contact):
    client.force_login(contact)
    item = ActionItem.objects.get()
    before = PlanChange.objects.count()
    posts = [
        (category_plan_url(ours, "heating"), category_plan_data(goals="Jälkeen")),
        (operating_model_url(ours), operating_model_data(goals="Jälkeen")),
        (actions_url(ours, "new/"), item_data(contact, title="Jälkeen")),
        (actions_url(ours, f"{item.pk}/"), item_data(contact, title="Jälkeen")),
        (actions_url(ours, f"{item.pk}/delete/"), {}),
        (
            f"/en/workspace/{ours.pk}/plan/ledger/",
            {"file": SimpleUploadedFile("ostot.csv", csv_bytes()), "year": 2021},
        ),
        (f"/en/workspace/{ours.pk}/plan/ledger/accounts/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert "is now frozen" in response.content.decode(), url
    assert CategoryPlan.objects.get().goals == "Ennen"
    assert OperatingModel.objects.get().goals == "Ennen"
    assert list(ActionItem.objects.values_list("title", flat=True)) == ["Ennen"]
    assert not LedgerImport.objects.exists()
    assert PlanChange.objects.count() == before


def test_an_import_read_after_submission_waits_and_cannot_be_applied(
    client, started, ours, contact, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(contact)
    client.post(
        f"/en/workspace/{ours.pk}/plan/ledger/",
        {"file": SimpleUploadedFile("ostot.csv", csv_bytes()), "year": 2021},
    )
    made = LedgerImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(
            f"/en/workspace/{ours.pk}/plan/ledger/{made.pk}/columns/",
            {**made.columns, "vat_mode": "excluded"},
        )
    collaboration.submit_plan(started, contact)
    for callback in queued:
        callback()
    made.refresh_from_db()
    assert made.state == "review"
    response = client.post(
        f"/en/workspace/{ours.pk}/plan/ledger/{made.pk}/", {"action": "apply"}, follow=True
    )
    assert "is now frozen" in response.content.decode()
    made.refresh_from_db()
    assert made.state == "review"


def test_a_submitted_plan_offers_no_forms_that_would_be_refused(client, frozen, ours, contact):
    client.force_login(contact)
    pages = {
        category_plan_url(ours, "heating"): 'name="goals"',
        operating_model_url(ours): 'name="goals"',
        actions_url(ours): "/actions/new/",
        f"/en/workspace/{ours.pk}/plan/ledger/": 'name="file"',
    }
    for url, form in pages.items():
        page = client.get(url).content.decode()
        assert "The plan has been submitted and is frozen." in page, url
        assert form not in page, url
