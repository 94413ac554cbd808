"""The newer parts of the plan in its frozen version: category plans, operating model, action items.

Each builder turns a part into plain values (names in the active language,
dates and numbers as they are; the submission's JSON keeps them as strings).
They read the plan through the same functions as the printed plan, so the two
show the same things.
"""

from .collaboration import PILOT, register_frozen_section
from .exports import action_items, category_plans, operating_model_sections
from .models import ActionItemState, ActionPlan, OperatingModel

CATEGORY_PLANS = "category_plans"
OPERATING_MODEL = "operating_model"
ACTION_ITEMS = "action_items"


def _name(user) -> str:
    return user.get_full_name() if user else ""


def frozen_category_plans(plan: ActionPlan) -> list[dict]:
    return [
        {
            "category": row.category.code,
            "category_name": row.category.name,
            "goals": row.goals,
            "criteria": row.criteria,
            "owner": _name(row.owner),
            "starts_on": row.starts_on,
            "ends_on": row.ends_on,
            "schedule_note": row.schedule_note,
            "indicators": row.indicators,
            "notes": row.notes,
            "measures": row.measure_titles,
        }
        for row in category_plans(plan)
    ]


def frozen_operating_model(plan: ActionPlan) -> dict | None:
    model = OperatingModel.objects.filter(plan=plan).first()
    if model is None:
        return None
    return {
        "sections": operating_model_sections(model),
        "review_month": model.get_review_month_display() if model.review_month else "",
    }


def frozen_action_items(plan: ActionPlan) -> list[dict]:
    return [
        {
            "title": item.title,
            "description": item.description,
            "owner": _name(item.owner),
            "due": item.due,
            "state": item.get_state_display(),
            "done": item.state == ActionItemState.DONE,
            "link": item.link,
        }
        for item in action_items(plan)
    ]


# In the order of the printed plan: the category plans follow the measures they build on.
register_frozen_section(
    CATEGORY_PLANS,
    frozen_category_plans,
    "plans/frozen/category_plans.html",
    before=PILOT,
)
register_frozen_section(
    OPERATING_MODEL, frozen_operating_model, "plans/frozen/operating_model.html"
)
register_frozen_section(ACTION_ITEMS, frozen_action_items, "plans/frozen/action_items.html")
