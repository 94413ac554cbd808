"""Reminders of action items, to their owner: before the due date, and when it has passed.

An item is reminded about while it is not done and its owner is still on the
organisation's team. The due date is a day; its reminders are reckoned from
9.00 Helsinki time that day, so they arrive in the morning.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from academy.links import absolute_url
from academy.models import HELSINKI, User
from notifications.models import OffsetDirection
from notifications.reminders import Recipient, ReminderRule, register

from .models import ActionItem, ActionItemState

DUE_TIME = dt.time(9, 0)


class ActionItemRule(ReminderRule[ActionItem]):
    def items(self, cohort):
        return (
            ActionItem.objects.filter(plan__participation__cohort=cohort)
            .not_done()
            .owned_by_a_member()
            .select_related(
                "owner", "plan__participation__cohort", "plan__participation__organisation"
            )
        )

    def date(self, obj: ActionItem) -> dt.datetime:
        return dt.datetime.combine(obj.due, DUE_TIME, tzinfo=HELSINKI)

    def recipients(self, obj: ActionItem):
        owner = _owner(obj)
        return [Recipient(owner.email, owner)]

    def context(self, obj: ActionItem) -> dict:
        participation = obj.plan.participation
        return {
            "cohort": participation.cohort.title,
            "organisation": participation.organisation.name,
            "title": obj.title,
            "due": obj.due,
            "state": ActionItemState(obj.state).label,
            "url": absolute_url(
                "plans:action_item",
                language=_owner(obj).preferred_language,
                participation=participation.pk,
                item_id=obj.pk,
            ),
            "contact_email": participation.cohort.contact_email,
        }


def _owner(item: ActionItem) -> User:
    owner = item.owner
    assert owner is not None  # items() are owned by a member of the team
    return owner


class ActionItemDueReminder(ActionItemRule):
    name = "action_item_due"
    label = _("Action item not done, before its due date")
    purpose = "action_item_reminder"
    default_offsets = ((7, OffsetDirection.BEFORE), (1, OffsetDirection.BEFORE))

    def objects(self, cohort, now):
        return self.items(cohort).filter(due__gte=now.astimezone(HELSINKI).date())


class ActionItemOverdueReminder(ActionItemRule):
    name = "action_item_overdue"
    label = _("Action item not done after its due date")
    purpose = "action_item_overdue"
    default_offsets = ((1, OffsetDirection.AFTER), (7, OffsetDirection.AFTER))

    def objects(self, cohort, now):
        return self.items(cohort).filter(due__lt=now.astimezone(HELSINKI).date())


ACTION_ITEM_REMINDER = register(ActionItemDueReminder())
ACTION_ITEM_OVERDUE = register(ActionItemOverdueReminder())
