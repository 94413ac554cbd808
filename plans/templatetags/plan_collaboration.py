"""Template helpers for the plan's comment threads and its submitted state."""

from django import template

from ..services import collaboration

register = template.Library()


@register.filter
def thread(comments: dict, section: str) -> list:
    """The section's comments from the dict the view gave (see ``comments_by_section``)."""
    return (comments or {}).get(section, [])


@register.filter
def comments_anchor(section: str) -> str:
    return collaboration.comments_anchor(section)


@register.filter
def category_section(code: str) -> str:
    return collaboration.category_section(code)


@register.simple_tag
def open_submission(plan):
    """The submission that freezes the plan, or None: use once per page, with ``as``."""
    return collaboration.open_submission(plan)
