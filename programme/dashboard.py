"""Staff's view of a running cohort: each organisation's pre-assignment, attendance and plan.

A fixed number of queries, however many organisations, sessions and files.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from academy.models import Cohort, Participation
from assignments.models import Assignment, SubmittedFile
from assignments.overview import Status, status_of
from plans.models import (
    ActionItem,
    ActionItemState,
    ActionPlan,
    CategoryPlan,
    CategorySpend,
    PlanSubmission,
    ReductionMeasure,
    SpendSource,
)
from workshops.models import Attendance, Session, SessionKind, SessionState


@dataclass
class Cell:
    invited: int = 0
    attended: int = 0
    recorded: bool = False

    @property
    def missed(self) -> bool:
        return self.recorded and self.invited > 0 and self.attended == 0


@dataclass
class PlanProgress:
    """How far the organisation's action plan has come: spend, measures, pilot."""

    year: int
    spend: Decimal | None = None  # in the plan's spend year, all sources
    sources: list[str] = field(default_factory=list)
    measures: int = 0
    pilot_state: str | None = None
    category_plans: int = 0
    model_sections: tuple[int, int] | None = None  # written, of all; None: not begun
    open_items: int = 0
    overdue_items: int = 0
    submitted_at: dt.datetime | None = None


@dataclass
class Row:
    participation: Participation
    pre_assignment: Status
    sessions: list[Cell] = field(default_factory=list)
    sparring: list = field(default_factory=list)
    plan: PlanProgress | None = None

    @property
    def overdue(self) -> bool:
        return self.pre_assignment.overdue


def plan_progress(cohort: Cohort) -> dict[int, PlanProgress]:
    """Each started plan's progress by participation id, in six queries."""
    in_cohort = {"plan__participation__cohort": cohort}
    spend: dict[int, list[dict]] = {}
    for row in (
        CategorySpend.objects.filter(**in_cohort, year=F("plan__spend_year"))
        .values("plan_id", "source")
        .annotate(total=Sum("amount_eur"))
        .order_by("plan_id", "source")
    ):
        spend.setdefault(row["plan_id"], []).append(row)
    measures = dict(
        ReductionMeasure.objects.filter(**in_cohort)
        .values("plan_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("plan_id", "count")
    )
    category_plans = dict(
        CategoryPlan.objects.filter(**in_cohort)
        .values("plan_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("plan_id", "count")
    )
    today = timezone.localdate()
    items = {
        row["plan_id"]: row
        for row in ActionItem.objects.filter(**in_cohort)
        .exclude(state=ActionItemState.DONE)
        .values("plan_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today)))
        .order_by()
    }
    submitted = dict(
        PlanSubmission.objects.filter(**in_cohort, reopened_at__isnull=True).values_list(
            "plan_id", "submitted_at"
        )
    )
    progress = {}
    for plan in ActionPlan.objects.filter(participation__cohort=cohort).select_related(
        "pilot", "operating_model"
    ):
        entered = spend.get(plan.pk, [])
        pilot = getattr(plan, "pilot", None)
        progress[plan.participation_id] = PlanProgress(
            year=plan.spend_year,
            spend=sum((row["total"] for row in entered), Decimal(0)) if entered else None,
            sources=[str(SpendSource(row["source"]).label) for row in entered],
            measures=measures.get(plan.pk, 0),
            pilot_state=pilot.get_state_display() if pilot else None,
            category_plans=category_plans.get(plan.pk, 0),
            model_sections=model.filled_sections()
            if (model := getattr(plan, "operating_model", None))
            else None,
            open_items=items.get(plan.pk, {}).get("open", 0),
            overdue_items=items.get(plan.pk, {}).get("overdue", 0),
            submitted_at=submitted.get(plan.pk),
        )
    return progress


def dashboard(cohort: Cohort, *, now: dt.datetime) -> dict:
    participations = list(
        Participation.objects.filter(cohort=cohort)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    assignment = Assignment.objects.filter(cohort=cohort).first()
    submissions, files = {}, {}
    if assignment is not None:
        submissions = {
            s.organisation_id: s for s in assignment.submissions.select_related("assignment")
        }
        files = dict(
            SubmittedFile.objects.current()
            .filter(submission__assignment=assignment)
            .values("submission__organisation_id")
            .annotate(count=Count("pk"))
            .values_list("submission__organisation_id", "count")
        )
    joint = list(
        Session.objects.filter(
            cohort=cohort,
            kind__in=[SessionKind.KICKOFF, SessionKind.WORKSHOP],
            state=SessionState.PUBLISHED,
        ).order_by("starts_at")
    )
    counts = {
        (row["session_id"], row["organisation_id"]): row
        for row in Attendance.objects.filter(session__cohort=cohort, invited_sequence__gte=0)
        .values("session_id", "organisation_id")
        .annotate(
            n_invited=Count("pk"),
            n_attended=Count("pk", filter=Q(attended=True)),
            n_recorded=Count("pk", filter=Q(attended__isnull=False)),
        )
    }
    sparring: dict[int, list] = {}
    for session in Session.objects.filter(
        cohort=cohort, kind=SessionKind.SPARRING, state=SessionState.PUBLISHED
    ).order_by("starts_at"):
        if session.organisation_id is not None:
            sparring.setdefault(session.organisation_id, []).append(session)
    plans = plan_progress(cohort)
    rows = []
    for participation in participations:
        organisation_id = participation.organisation_id
        status = status_of(
            assignment,
            submissions.get(organisation_id),
            now=now,
            files=files.get(organisation_id, 0),
        )
        cells = []
        for session in joint:
            found = counts.get((session.pk, organisation_id))
            cells.append(
                Cell(found["n_invited"], found["n_attended"], bool(found["n_recorded"]))
                if found
                else Cell()
            )
        own = []
        for session in sparring.get(organisation_id, []):
            found = counts.get((session.pk, organisation_id))
            own.append(
                {
                    "session": session,
                    "past": session.has_ended(now),
                    "attended": found["n_attended"] if found else 0,
                    "recorded": bool(found and found["n_recorded"]),
                }
            )
        rows.append(Row(participation, status, cells, own, plans.get(participation.pk)))
    kickoff_published = any(s.kind == SessionKind.KICKOFF for s in joint)
    invitation_late = (
        cohort.kickoff_invitation_by is not None
        and not kickoff_published
        and now.date() > cohort.kickoff_invitation_by
    )
    return {
        "rows": rows,
        "sessions": joint,
        "assignment": assignment,
        "sparring_per_organisation": cohort.sparring_per_organisation,
        "kickoff_published": kickoff_published,
        "invitation_late": invitation_late,
    }
