"""The kinds of e-mail the programme sends. Each app registers its own purposes.

A purpose names its shipped templates (``templates/emails/<purpose>/<language>/``)
and gives the sample context that staff's template previews are rendered with.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Purpose:
    name: str
    label: str | Promise
    sample_context: Callable[[], dict] = field(default=dict)


_purposes: dict[str, Purpose] = {}


def register(purpose: Purpose) -> Purpose:
    _purposes[purpose.name] = purpose
    return purpose


def unregister(name: str) -> None:
    _purposes.pop(name, None)


def get(name: str) -> Purpose:
    return _purposes[name]


def label(name: str) -> str:
    """What a purpose is called in the reader's language; an unknown code as it is."""
    found = _purposes.get(name)
    return str(found.label) if found else name


def choices() -> list[tuple[str, str]]:
    return sorted(((p.name, str(p.label)) for p in _purposes.values()), key=lambda c: c[1])
