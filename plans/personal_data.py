"""What the action plans hold about a person: their comments, their changes, and the
action items they own."""

from academy.personal_data import register, values

from .models import ActionItem, PlanChange, PlanComment


def comments(user) -> list[dict]:
    return [
        {"plan": str(comment.plan), **values(comment, ["section", "body", "created_at"])}
        for comment in PlanComment.objects.filter(author=user).select_related(
            "plan__participation__organisation", "plan__participation__cohort"
        )
    ]


def changes(user) -> list[dict]:
    return [
        {"plan": str(change.plan), **values(change, ["at", "section", "summary"])}
        for change in PlanChange.objects.filter(user=user).select_related(
            "plan__participation__organisation", "plan__participation__cohort"
        )
    ]


def action_items(user) -> list[dict]:
    return [
        {"plan": str(item.plan), **values(item, ["title", "due"])}
        for item in ActionItem.objects.filter(owner=user).select_related(
            "plan__participation__organisation", "plan__participation__cohort"
        )
    ]


register("plan_comments", comments)
register("plan_changes", changes)
register("action_items_owned", action_items)
