"""The answers of an application as sections of labelled values: for pages, e-mails and versions.

A version stores a snapshot (plain JSON); the same functions turn a snapshot
or the live application into what people read.
"""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.models import OrganisationKind, TeamRole

from .models import Application

SECTIONS = (
    (
        gettext_lazy("The organisation"),
        ("organisation_name", "business_id", "organisation_kind", "region", "website"),
    ),
    (
        gettext_lazy("The contact person"),
        ("contact_name", "contact_title", "contact_email", "contact_phone"),
    ),
    (gettext_lazy("Motivation and goals"), ("motivation", "goals")),
    (
        gettext_lazy("Sustainable and low-carbon procurement today"),
        ("climate_targets", "procurement_strategy", "earlier_work"),
    ),
    (gettext_lazy("Procurement"), ("procurement_volume", "main_categories", "pilot_candidate")),
    (
        gettext_lazy("Management commitment"),
        ("approver_name", "approver_title", "privacy_consent"),
    ),
)
FIELDS = tuple(name for _title, names in SECTIONS for name in names)


def snapshot(application: Application, team) -> dict:
    """The answers and the proposed team as plain JSON."""
    fields = {}
    for name in FIELDS:
        value = getattr(application, name)
        fields[name] = str(value) if isinstance(value, Decimal) else value
    members = [{"role": m.role, "name": m.name, "title": m.title, "email": m.email} for m in team]
    return {"fields": fields, "team": members}


def display(name: str, value) -> str:
    """One answer as text in the active language; an empty answer is an empty string."""
    if value in (None, ""):
        return ""
    if name == "organisation_kind":
        return str(OrganisationKind(value).label) if value in OrganisationKind.values else value
    if name == "privacy_consent":
        return _("Yes") if value else _("No")
    if name == "procurement_volume":
        amount = formats.number_format(Decimal(value), 0, force_grouping=True)
        return f"{amount} €"
    return str(value)


def sections(data: dict) -> list[dict]:
    """The snapshot as titled sections of {label, value}, labels in the active language."""
    labels = {field.name: field.verbose_name for field in Application._meta.fields}
    result = []
    for title, names in SECTIONS:
        items = [
            {"label": str(labels[name]), "value": display(name, data["fields"].get(name))}
            for name in names
        ]
        result.append({"title": str(title), "items": items})
    return result


def team_display(data: dict) -> list[dict]:
    roles = dict(TeamRole.choices)
    return [
        {**member, "role": str(roles.get(member["role"], member["role"]))}
        for member in data["team"]
    ]
