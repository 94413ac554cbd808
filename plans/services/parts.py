"""The parts of the action plan as plain values, each shown by one template.

The plan's pages, the frozen copy kept at submission and the printed plan show
a part through the same template, ``plans/parts/<key>.html``, from the values
built here, so that Markdown, numbers and dates read alike in all three. Names
(categories, kinds, states) are in the active language.

The frozen copy keeps these values as JSON, decimals and dates as strings. The
templates read the keys of versions already submitted: a new key is optional,
and a part whose shape changed has a ``read`` that takes the older shape.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import (
    ActionItem,
    ActionItemState,
    ActionPlan,
    CategoryPlan,
    OperatingModel,
    PilotProcurement,
)
from .analysis import Analysis
from .ledger_use import applied_import, unmapped_summary
from .potential import Potential, plan_potentials, total_potential


def _name(user) -> str:
    return user.get_full_name() if user else ""


# The analysis.


def factor_set_data(analysis: Analysis) -> dict:
    """The set behind the figures, in the reader's language, and how it met the spend."""
    factor_set, conversion = analysis.factor_set, analysis.conversion
    return {
        "name": factor_set.name,
        "version": factor_set.version,
        "publisher": factor_set.publisher,
        "licence": factor_set.licence,
        "indicative": factor_set.indicative,
        "description": factor_set.description,
        "price_year": factor_set.price_year,
        "currency": conversion.currency,
        "spend_year": analysis.year,
        "units_per_euro": conversion.units_per_euro,
        "exchange_rate_source": conversion.exchange_rate_source,
        "price_ratio": conversion.price_ratio,
        "price_index_source": conversion.price_index_source,
        "missing_rate": conversion.missing_rate,
        "missing_index": conversion.missing_index,
    }


def ledger_data(plan: ActionPlan, year: int) -> dict | None:
    """The purchase ledger the year's spend was read from, and what of it has no category.

    None when the spend was all entered by hand.
    """
    in_use = applied_import(plan, year)
    if in_use is None:
        return None
    count, amount = unmapped_summary(in_use)
    return {
        "file_name": in_use.file.original_name,
        "unmapped_accounts": count,
        "unmapped_amount": amount,
    }


def analysis_data(analysis: Analysis) -> dict:
    """The analysis; versions frozen before "ledger" was kept say nothing of the ledger."""
    return {
        "year": analysis.year,
        "ledger": ledger_data(analysis.plan, analysis.year),
        "factor_set": factor_set_data(analysis),
        "total_spend": analysis.total_spend,
        "total_emissions": analysis.total_emissions,
        "rows": [
            {
                "category": row.category.code,
                "name": row.category.name,
                "spend": row.spend,
                "factor": row.factor,
                "own_factor": row.overridden,
                "justification": row.justification,
                "emissions": row.emissions,
                "spend_share": row.spend_share,
                "emissions_share": row.emissions_share,
                "cumulative_share": row.cumulative_share,
                "rank": row.rank,
                "from_ledger": row.from_ledger,
            }
            for row in analysis.rows
        ],
        "without_factor": len(analysis.without_factor),
    }


# The measures.


def measures_data(items: list[Potential], analysis: Analysis) -> dict:
    return {
        "factor_set": factor_set_data(analysis),
        "measures": [
            {
                "category": item.measure.category.code,
                "category_name": item.measure.category.name,
                "title": item.measure.title,
                "kind": item.measure.get_kind_display(),
                "description": item.measure.description,
                "reduction_low": item.measure.reduction_low,
                "reduction_high": item.measure.reduction_high,
                "influence": item.measure.influence,
                "next_tender": item.measure.next_tender,
                "potential_low": item.low,
                "potential_high": item.high,
                "potential_mid": item.mid,
                "rank": item.rank,
            }
            for item in items
        ],
        "total_potential": total_potential(items),
    }


def read_measures(data: Any) -> dict:
    """Versions submitted before the total was kept hold the list of measures alone."""
    if isinstance(data, list):
        return {"measures": data, "total_potential": None}
    return data


# The category implementation plans.


def category_plans(plan: ActionPlan) -> list[tuple[CategoryPlan, list[str]]]:
    """The category implementation plans, each with the titles of its category's measures."""
    titles: dict[int, list[str]] = defaultdict(list)
    measures = plan.measures.order_by("created_at", "pk").values_list("category_id", "title")
    for category_id, title in measures:
        titles[category_id].append(title)
    rows = plan.category_plans.select_related("category", "owner")
    return [(row, titles[row.category_id]) for row in rows]


def category_plan_data(row: CategoryPlan, measure_titles: list[str] | None) -> dict:
    """One category's plan; ``measures`` None where the page lists them apart."""
    return {
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
        "measures": measure_titles,
    }


def category_plans_data(plan: ActionPlan) -> list[dict]:
    return [category_plan_data(row, titles) for row, titles in category_plans(plan)]


# The pilot procurement.


def pilot_data(pilot: PilotProcurement | None) -> dict | None:
    """The pilot with its milestones; they are read with ``milestones.all()``, so prefetch them."""
    if pilot is None:
        return None
    return {
        "subject": pilot.subject,
        "category": pilot.category.name if pilot.category else "",
        "state": pilot.get_state_display(),
        "estimated_value": pilot.estimated_value,
        "planned_tender_date": pilot.planned_tender_date,
        "low_carbon_criteria": pilot.low_carbon_criteria,
        "market_dialogue": pilot.market_dialogue,
        "expected_reduction": pilot.expected_reduction,
        "milestones": [
            {"title": m.title, "due": m.due, "done": m.done} for m in pilot.milestones.all()
        ],
    }


def plan_pilot(plan: ActionPlan) -> dict | None:
    pilot = (
        PilotProcurement.objects.filter(plan=plan)
        .select_related("category")
        .prefetch_related("milestones")
        .first()
    )
    return pilot_data(pilot)


# The operating model.


def operating_model_sections(model: OperatingModel) -> list[dict]:
    """Each section of the operating model with its texts.

    A section with several texts names each (as the operating model's form
    does); the month of the yearly review is not a text and is shown apart.
    """
    sections = []
    for section in model.sections:
        fields = [OperatingModel._meta.get_field(name) for name in section.fields]
        texts = [field for field in fields if isinstance(field, models.TextField)]
        sections.append(
            {
                "key": section.key,
                "title": str(section.title),
                "filled": model.is_filled(section),
                "parts": [
                    {
                        "label": str(capfirst(field.verbose_name)) if len(texts) > 1 else "",
                        "text": getattr(model, field.name),
                    }
                    for field in texts
                ],
            }
        )
    return sections


def operating_model_data(model: OperatingModel | None) -> dict | None:
    if model is None:
        return None
    return {
        "sections": operating_model_sections(model),
        "review_month": model.get_review_month_display() if model.review_month else "",
    }


def plan_operating_model(plan: ActionPlan) -> dict | None:
    return operating_model_data(OperatingModel.objects.filter(plan=plan).first())


# The action items.


def action_items_data(items: Iterable[ActionItem]) -> list[dict]:
    """The items in the order given; each names its category or part of the plan."""
    today = timezone.localdate()
    return [
        {
            "id": item.pk,
            "title": item.title,
            "description": item.description,
            "owner": _name(item.owner),
            "due": item.due,
            "state": item.get_state_display(),
            "done": item.state == ActionItemState.DONE,
            "overdue": item.is_overdue(today),
            "link": item.category.name if item.category else item.get_section_display(),
        }
        for item in items
    ]


def plan_action_items(plan: ActionPlan) -> list[dict]:
    """By due date: the order of the printed and the frozen plan."""
    return action_items_data(plan.action_items.select_related("owner", "category"))


# The parts in the order of the printed plan.


def unchanged(data: Any) -> Any:
    return data


@dataclass(frozen=True)
class Part:
    key: str  # kept in the frozen copy: never renamed
    title: Callable[[Any], str]  # the heading, from the part's values
    build: Callable[[ActionPlan, Analysis], Any]
    template: str
    read: Callable[[Any], Any] = unchanged
    wide: bool = False  # printed on a landscape page: a table with many columns

    @property
    def anchor(self) -> str:
        return self.key.replace("_", "-")


PARTS = [
    Part(
        "analysis",
        lambda data: _("Emissions of procurement in %(year)s") % {"year": data["year"]},
        lambda plan, analysis: analysis_data(analysis),
        "plans/parts/analysis.html",
        wide=True,
    ),
    Part(
        "measures",
        lambda data: _("Measures and their low-carbon potential"),
        lambda plan, analysis: measures_data(plan_potentials(plan, analysis), analysis),
        "plans/parts/measures.html",
        read=read_measures,
        wide=True,
    ),
    # The category plans follow the measures they build on.
    Part(
        "category_plans",
        lambda data: _("Category implementation plans"),
        lambda plan, analysis: category_plans_data(plan),
        "plans/parts/category_plans.html",
    ),
    Part(
        "pilot",
        lambda data: _("Pilot procurement"),
        lambda plan, analysis: plan_pilot(plan),
        "plans/parts/pilot.html",
    ),
    Part(
        "operating_model",
        lambda data: _("Operating model"),
        lambda plan, analysis: plan_operating_model(plan),
        "plans/parts/operating_model.html",
    ),
    Part(
        "action_items",
        lambda data: _("Action items"),
        lambda plan, analysis: plan_action_items(plan),
        "plans/parts/action_items.html",
    ),
]
_BY_KEY = {part.key: part for part in PARTS}


def build(plan: ActionPlan, analysis: Analysis) -> list[dict]:
    """Every part of the plan now, as the frozen copy keeps it: its key and its values."""
    return [{"key": part.key, "data": part.build(plan, analysis)} for part in PARTS]


def shown(built: list[dict]) -> list[dict]:
    """What the templates need to show parts built by :func:`build`, now or long ago.

    A part no longer known is left out.
    """
    result = []
    for item in built:
        part = _BY_KEY.get(item["key"])
        if part is None:
            continue
        data = part.read(item["data"])
        result.append(
            {
                "anchor": part.anchor,
                "title": part.title(data),
                "template": part.template,
                "wide": part.wide,
                "data": data,
            }
        )
    return result
