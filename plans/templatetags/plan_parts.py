"""Template helpers of the plan's parts (``plans.services.parts``), live or frozen."""

import datetime as dt

from django import template
from django.utils.formats import date_format

from ..services import chart

register = template.Library()


@register.filter
def plan_date(value: dt.date | str | None) -> str:
    """A date in the active language's format; also the ISO date a frozen copy's JSON keeps."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            return value
    else:
        date = value
    return date_format(date, "DATE_FORMAT")


@register.simple_tag
def pareto_chart(rows: list) -> chart.Chart | None:
    """The Pareto chart of the analysis part's rows: use with ``as``."""
    return chart.pareto(rows)
