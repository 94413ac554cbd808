"""Staff's comparison of a cohort's action plans, and its anonymised export for the report.

The comparison takes a fixed number of queries however many organisations
take part: every plan's spend, factors, measures and pilot are fetched for the
whole cohort at once and analysed in memory with the same functions the
organisation's own pages use.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from openpyxl import Workbook

from academy.models import Cohort, OrganisationKind, Participation
from academy.templatetags.academy_tags import helsinki_minute

from ..models import (
    ActionPlan,
    CategorySpend,
    CohortFactorSet,
    PilotProcurement,
    PriceIndex,
    ReductionMeasure,
)
from .analysis import Row, analyse, category_factors_of_sets
from .conversion import conversion
from .exports import (
    EUROS,
    SHARE,
    TONNES,
    WHOLE,
    cell,
    fraction,
    header_row,
    set_widths,
    workbook_bytes,
)
from .potential import potentials, total_potential

LEADING = 3


@dataclass
class Standing:
    """One organisation's plan in figures; without a plan, only the participation."""

    participation: Participation
    plan: ActionPlan | None = None
    total_spend: Decimal | None = None
    total_emissions: Decimal | None = None
    leading: list[Row] = field(default_factory=list)
    measures: int = 0
    potential: Decimal | None = None  # t CO2e at the midpoint, capped per category
    pilot: PilotProcurement | None = None


def _by_plan(rows) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.plan_id].append(row)
    return grouped


def compare(cohort: Cohort) -> list[Standing]:
    """Every participating organisation's plan, by organisation name, in eight queries."""
    participations = list(
        Participation.objects.filter(cohort=cohort)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    plans = {
        plan.participation_id: plan
        for plan in ActionPlan.objects.filter(participation__cohort=cohort).select_related(
            "factor_set"
        )
    }
    factors = category_factors_of_sets({plan.factor_set_id for plan in plans.values()})
    choice = CohortFactorSet.objects.filter(cohort=cohort).first()
    indices = {index.year: index for index in PriceIndex.objects.all()}
    spend = _by_plan(
        CategorySpend.objects.filter(
            plan__participation__cohort=cohort, year=F("plan__spend_year")
        ).select_related("category")
    )
    measures = _by_plan(
        ReductionMeasure.objects.filter(plan__participation__cohort=cohort).select_related(
            "category"
        )
    )
    pilots = {
        pilot.plan_id: pilot
        for pilot in PilotProcurement.objects.filter(
            plan__participation__cohort=cohort
        ).select_related("category")
    }
    standings = []
    for participation in participations:
        plan = plans.get(participation.pk)
        if plan is None:
            standings.append(Standing(participation))
            continue
        plan.participation = participation
        analysis = analyse(
            plan,
            spend=spend.get(plan.pk, []),
            factors=factors.get(plan.factor_set_id, {}),
            conversion=conversion(plan.factor_set, plan.spend_year, choice=choice, indices=indices),
        )
        chosen = measures.get(plan.pk, [])
        standings.append(
            Standing(
                participation,
                plan,
                total_spend=analysis.total_spend,
                total_emissions=analysis.total_emissions,
                leading=analysis.ranked[:LEADING],
                measures=len(chosen),
                potential=total_potential(potentials(analysis, chosen)),
                pilot=pilots.get(plan.pk),
            )
        )
    return standings


# The anonymised export.

MIN_KIND_GROUP = 3


def letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: as spreadsheet columns are named."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(ord("A") + remainder) + name
    return name


def anonymous_order(cohort: Cohort, standings: list[Standing]) -> list[Standing]:
    """The organisations in an order that says nothing about them, the same every time.

    Sorted by an HMAC (keyed with the site's secret key) of the cohort and the
    participation: not alphabetical, not the order in which they joined, and
    not reproducible by a reader of the report who knows the organisations.
    The same report made again lists the same organisation under the same letter.
    """
    return sorted(
        standings,
        key=lambda s: salted_hmac(
            "plans.services.comparison.anonymous_order", f"{cohort.pk}:{s.participation.pk}"
        ).hexdigest(),
    )


def reportable_kinds(standings: list[Standing]) -> dict[int, str]:
    """The type of each organisation as the report may show it, by participation id.

    A type is shown only when at least three organisations of the cohort share
    it; otherwise it reads "other". With six organisations a year, "the parish"
    or "the state agency" would name the organisation as surely as its name,
    and a small group of two would let each of them recognise the other.
    """
    counts = Counter(s.participation.organisation.kind for s in standings)
    return {
        s.participation.pk: (
            str(OrganisationKind(s.participation.organisation.kind).label)
            if counts[s.participation.organisation.kind] >= MIN_KIND_GROUP
            else _("other")
        )
        for s in standings
    }


def _leading_cells(sheet, standing: Standing) -> list:
    found = []
    for index in range(LEADING):
        row = standing.leading[index] if index < len(standing.leading) else None
        found.append(cell(sheet, row.category.name if row else None))
        found.append(cell(sheet, fraction(row.emissions_share) if row else None, SHARE))
    return found


def _pilot_cells(sheet, standing: Standing) -> list:
    pilot = standing.pilot
    return [
        cell(sheet, pilot.get_state_display() if pilot else _("not described")),
        cell(sheet, pilot.category.name if pilot and pilot.category else None),
    ]


def anonymised_xlsx(cohort: Cohort) -> bytes:
    """The comparison without names, people or business IDs, for the programme's report.

    Organisations appear as "Organisation A, B, …" in ``anonymous_order``; their
    type only as ``reportable_kinds`` allows. Measure titles and the pilot's
    subject are left out too: they often name a place or a contract.
    """
    standings = anonymous_order(cohort, compare(cohort))
    kinds = reportable_kinds(standings)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("comparison"))
    set_widths(sheet, [18, 24, 10, 16, 16, 30, 10, 30, 10, 30, 10, 10, 16, 16, 30])
    sheet.append([cell(sheet, cohort.name, bold=True)])
    sheet.append([cell(sheet, _("Made"), bold=True), cell(sheet, helsinki_minute(timezone.now()))])
    sheet.append([cell(sheet, _("Organisations in a random order; no names."))])
    sheet.append(
        [
            cell(
                sheet,
                _(
                    "A type of organisation is shown when at least three organisations of "
                    "the cohort share it; otherwise it reads “other”."
                ),
            )
        ]
    )
    sheet.append([])
    titles = [
        _("Organisation"),
        _("Type"),
        _("Spend year"),
        _("Spend (EUR)"),
        _("Emissions (t CO2e)"),
    ]
    for place in range(1, LEADING + 1):
        titles += [
            _("Category %(place)s by emissions") % {"place": place},
            _("Share of emissions"),
        ]
    titles += [
        _("Measures"),
        _("Potential, midpoint (t CO2e)"),
        _("Pilot procurement"),
        _("Category of the pilot"),
    ]
    sheet.append(header_row(sheet, titles))
    for index, standing in enumerate(standings):
        sheet.append(
            [
                cell(sheet, _("Organisation %(letter)s") % {"letter": letters(index)}),
                cell(sheet, kinds[standing.participation.pk]),
                cell(sheet, standing.plan.spend_year if standing.plan else None, WHOLE),
                cell(sheet, standing.total_spend, EUROS),
                cell(sheet, standing.total_emissions, TONNES),
                *_leading_cells(sheet, standing),
                cell(sheet, standing.measures, WHOLE),
                cell(sheet, standing.potential, TONNES),
                *_pilot_cells(sheet, standing),
            ]
        )
    return workbook_bytes(workbook)
