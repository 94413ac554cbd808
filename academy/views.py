import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from .models import Cohort, CohortPhase, TeamRole


def programme(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The public programme page of one cohort: the current one unless a slug names another."""
    cohort = get_object_or_404(Cohort, slug=slug) if slug else Cohort.objects.current()
    if cohort is None:
        raise Http404("No cohort has been announced yet.")
    phase = cohort.phase_at(timezone.now())
    return render(
        request,
        "academy/programme.html",
        {
            "cohort": cohort,
            "phase": phase,
            "phases": CohortPhase,
            "description": cohort.description_in(get_language()),
            "team_roles": TeamRole.choices,
        },
    )


# Updated whenever the accessibility statement is reviewed, as the law requires.
ACCESSIBILITY_STATEMENT_DATE = dt.date(2026, 11, 27)


def accessibility(request: HttpRequest) -> HttpResponse:
    context = {"cohort": Cohort.objects.current(), "statement_date": ACCESSIBILITY_STATEMENT_DATE}
    return render(request, "academy/accessibility.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "academy/privacy.html", {"cohort": Cohort.objects.current()})
