"""Template filters that show times as the programme promises: Helsinki time, zone written out."""

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from academy.models import HELSINKI

register = template.Library()


def _offset(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return _("Helsinki time, UTC+%(hours)s") % {"hours": hours}


@register.filter
def helsinki(value: dt.datetime | None) -> str:
    """16.3.2022 klo 9.00 (Helsinki time, UTC+2), with the seconds when there are any.

    A deadline of 23:59:59 is shown as such: shown as 23.59 it would read as a
    minute earlier than it is.
    """
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    moment = value.astimezone(HELSINKI)
    if moment.second:
        # Translators: a date format (Django's "date" filter) for a time with seconds.
        text = formats.date_format(moment, pgettext("date format", "N j, Y, H:i:s"))
    else:
        text = formats.date_format(moment, "DATETIME_FORMAT")
    return f"{text} ({_offset(moment)})"


@register.filter
def helsinki_minute(value: dt.datetime | None) -> str:
    """When something happened (an upload, a submission): to the minute, as people say it."""
    if isinstance(value, dt.datetime):
        value = value.replace(second=0, microsecond=0)
    return helsinki(value)


@register.filter
def helsinki_range(start: dt.datetime, end: dt.datetime) -> str:
    """16.3.2022 klo 9.00–11.00 (Helsinki time, UTC+2): one date when both fall on it."""
    first, last = start.astimezone(HELSINKI), end.astimezone(HELSINKI)
    if first.date() == last.date():
        text = (
            f"{formats.date_format(first, 'DATETIME_FORMAT')}–"
            f"{formats.time_format(last, 'TIME_FORMAT')}"
        )
    else:
        text = (
            f"{formats.date_format(first, 'DATETIME_FORMAT')} – "
            f"{formats.date_format(last, 'DATETIME_FORMAT')}"
        )
    return f"{text} ({_offset(first)})"


@register.filter(name="markdown")
def markdown_filter(value: str) -> str:
    """Staff's Markdown as clean HTML (see academy.markdown)."""
    from academy.markdown import render

    return render(value)


@register.filter
def who(person) -> str:
    """A person's name (or e-mail address), or "a removed user" once the account is gone
    or erased."""
    if person is None or person == "" or getattr(person, "is_erased", False):
        return _("a removed user")
    return person.get_full_name()


@register.filter
def who_first(person) -> str:
    """As ``who``, at the start of a sentence or a table cell."""
    if person is None or person == "" or getattr(person, "is_erased", False):
        return _("A removed user")
    return person.get_full_name()
