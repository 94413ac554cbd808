"""The review criteria a new cohort starts with; staff change them in the admin."""

from decimal import Decimal

from django.utils.translation import gettext as _

from academy.models import Cohort

from .models import ReviewCriterion


def default_criteria() -> list[tuple[str, str, Decimal]]:
    return [
        (
            _("Commitment"),
            _("Management approval, motivation and the goals set for the programme."),
            Decimal(2),
        ),
        (
            _("Team"),
            _("The roles covered and the people's ability to take part."),
            Decimal("1.5"),
        ),
        (
            _("Procurement volume"),
            _("The size and the emissions relevance of the organisation's procurement."),
            Decimal(1),
        ),
        (
            _("Readiness for a pilot procurement"),
            _("A concrete, timely candidate for the pilot procurement."),
            Decimal("1.5"),
        ),
    ]


def create_default_criteria(cohort: Cohort) -> None:
    """Created in the language active at the call (the admin's is Finnish)."""
    ReviewCriterion.objects.bulk_create(
        [
            ReviewCriterion(
                cohort=cohort, name=name, description=description, weight=weight, position=index
            )
            for index, (name, description, weight) in enumerate(default_criteria())
        ],
        ignore_conflicts=True,
    )
