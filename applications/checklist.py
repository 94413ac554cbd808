"""What an application still lacks before it can be submitted.

The same list drives the checklist the applicant sees, the refusal of an
incomplete submission, and the errors next to the fields when a submitted
application is edited.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from academy.models import TeamRole

from . import answers
from .models import REQUIRED_ROLES, Application

# Every answer but the website; the privacy checkbox has its own message below.
REQUIRED_FIELDS = tuple(
    name for name in answers.FIELDS if name not in {"website", "privacy_consent"}
)


@dataclass(frozen=True)
class Missing:
    field: str | None  # the form field it belongs to; None for the team
    message: str


def missing(application: Application, team: Iterable) -> list[Missing]:
    """Everything still missing, in the order of the form. Empty when complete."""
    labels = {field.name: field.verbose_name for field in Application._meta.fields}
    result = [
        Missing(name, _("Fill in: %(field)s") % {"field": labels[name]})
        for name in REQUIRED_FIELDS
        if getattr(application, name) in (None, "")
    ]
    present = {member.role for member in team if member.name}
    for role in REQUIRED_ROLES:
        if role not in present:
            result.append(
                Missing(
                    None, _("Name a person for the role: %(role)s") % {"role": TeamRole(role).label}
                )
            )
    if not application.privacy_consent:
        result.append(
            Missing("privacy_consent", _("Confirm that you have read the privacy notice."))
        )
    return result
