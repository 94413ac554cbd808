"""The plan's sections: category implementation plans, the operating model and action items.

Every change records who made it (``updated_by``) and goes into the plan's
history (``collaboration.record_change``): the views call these functions and
write nothing themselves. The timeline puts the dated parts of the plan in one
list.
"""

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ..models import (
    ActionItem,
    ActionItemState,
    ActionPlan,
    CategoryPlan,
    OperatingModel,
    PilotMilestone,
    PilotProcurement,
    Recorded,
    ReductionMeasure,
)
from .collaboration import (
    ACTIONS,
    OPERATING_MODEL,
    PILOT,
    category_section,
    record_change,
)


def team(organisation_id: int) -> models.QuerySet:
    """The people on the organisation's team: the only ones who may own a part of its plan."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=organisation_id)
        .order_by("name", "email")
    )


Row = TypeVar("Row", bound=Recorded)


def save_recorded(row: Row, *, by) -> Row:
    row.updated_by = by
    row.save()
    return row


def save_action_item(item: ActionItem, *, by, now: dt.datetime | None = None) -> ActionItem:
    """Save the item; becoming done records when, leaving done forgets it."""
    if item.state == ActionItemState.DONE:
        item.done_at = item.done_at or now or timezone.now()
    else:
        item.done_at = None
    return save_recorded(item, by=by)


def save_category_plan(row: CategoryPlan, *, by, changed: list[str]) -> CategoryPlan:
    save_recorded(row, by=by)
    record_change(
        row.plan,
        by,
        category_section(row.category.code),
        gettext_noop("The category's implementation plan was saved."),
        fields=changed,
    )
    return row


def remove_category_plan(row: CategoryPlan, *, by) -> None:
    row.delete()
    record_change(
        row.plan,
        by,
        category_section(row.category.code),
        gettext_noop("The category's implementation plan was removed."),
    )


def save_operating_model(row: OperatingModel, *, by, changed: list[str]) -> OperatingModel:
    save_recorded(row, by=by)
    record_change(
        row.plan,
        by,
        OPERATING_MODEL,
        gettext_noop("The operating model was saved."),
        fields=changed,
    )
    return row


def keep_action_item(item: ActionItem, *, by, changed: list[str]) -> ActionItem:
    """Add the item, or save its changes (``changed``: the fields the team changed)."""
    new = item.pk is None
    save_action_item(item, by=by)
    record_change(
        item.plan,
        by,
        ACTIONS,
        gettext_noop("Action item “%(title)s” was added.")
        if new
        else gettext_noop("Action item “%(title)s” was changed."),
        params={"title": item.title},
        fields=[] if new else changed,
    )
    return item


def remove_action_item(item: ActionItem, *, by) -> None:
    item.delete()
    record_change(
        item.plan,
        by,
        ACTIONS,
        gettext_noop("Action item “%(title)s” was removed."),
        params={"title": item.title},
    )


def add_measure(measure: ReductionMeasure, *, by) -> ReductionMeasure:
    measure.save()
    _measure_recorded(measure, gettext_noop("Measure “%(title)s” added."), by=by)
    return measure


def change_measure(measure: ReductionMeasure, *, by, changed: list[str]) -> ReductionMeasure:
    measure.save()
    _measure_recorded(measure, gettext_noop("Measure “%(title)s” changed."), by=by, fields=changed)
    return measure


def remove_measure(measure: ReductionMeasure, *, by) -> None:
    measure.delete()
    _measure_recorded(measure, gettext_noop("Measure “%(title)s” removed."), by=by)


def _measure_recorded(measure: ReductionMeasure, text: str, *, by, fields=()) -> None:
    section = category_section(measure.category.code)
    params = {"title": measure.title}
    record_change(measure.plan, by, section, text, params=params, fields=list(fields))


def save_pilot(form, milestones, plan: ActionPlan, *, by) -> PilotProcurement:
    """The pilot procurement and its milestones, from their validated forms, together."""
    with transaction.atomic():
        pilot = form.save(commit=False)
        pilot.plan = plan
        pilot.save()
        milestones.instance = pilot
        milestones.save()
        record_change(
            plan,
            by,
            PILOT,
            gettext_noop("Pilot procurement saved."),
            fields=form.changed_data + (["milestones"] if milestones.has_changed() else []),
        )
    return pilot


@dataclass(frozen=True)
class Event:
    """One dated thing on the plan's timeline."""

    date: dt.date
    kind: str | Promise
    title: str
    url: str
    owner: str = ""
    state: str | Promise = ""
    overdue: bool = False


def timeline(plan: ActionPlan, today: dt.date) -> list[Event]:
    """Action items, the pilot's milestones and tender date, and category plans' schedules."""
    events = [*_items(plan, today), *_pilot(plan, today), *_category_plans(plan)]
    return sorted(events, key=lambda event: event.date)


def _items(plan: ActionPlan, today: dt.date):
    items = ActionItem.objects.filter(plan=plan).select_related("owner")
    for item in items:
        yield Event(
            item.due,
            _("Action item"),
            item.title,
            reverse("plans:action_items", args=[plan.participation_id]) + f"#item-{item.pk}",
            owner=item.owner.get_full_name() if item.owner else "",
            state=item.get_state_display(),
            overdue=item.is_overdue(today),
        )


def _pilot(plan: ActionPlan, today: dt.date):
    pilot = PilotProcurement.objects.filter(plan=plan).first()
    if pilot is None:
        return
    url = reverse("plans:pilot", args=[plan.participation_id])
    if pilot.planned_tender_date:
        yield Event(pilot.planned_tender_date, _("Pilot's tender"), pilot.subject, url)
    for milestone in PilotMilestone.objects.filter(pilot=pilot, due__isnull=False):
        due = milestone.due
        assert due is not None  # the query leaves out milestones without a date
        yield Event(
            due,
            _("Pilot milestone"),
            milestone.title,
            url,
            state=_("Done") if milestone.done else _("Open"),
            overdue=not milestone.done and due < today,
        )


def _category_plans(plan: ActionPlan):
    rows = CategoryPlan.objects.filter(plan=plan).select_related("category", "owner")
    for row in rows:
        url = reverse("plans:category_plan", args=[plan.participation_id, row.category.code])
        owner = row.owner.get_full_name() if row.owner else ""
        if row.starts_on:
            yield Event(row.starts_on, _("Category plan starts"), row.category.name, url, owner)
        if row.ends_on:
            yield Event(row.ends_on, _("Category plan ends"), row.category.name, url, owner)
