import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from applications.decisions import participants

from .forms import ProfileForm
from .models import Cohort, CohortPhase, TeamRole


def programme(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The public programme page of one cohort: the current one unless a slug names another."""
    cohort = get_object_or_404(Cohort, slug=slug) if slug else Cohort.objects.current()
    if cohort is None:
        raise Http404("No cohort has been announced yet.")
    phase = cohort.phase_at(timezone.now())
    description, description_language = cohort.description_in(get_language())
    return render(
        request,
        "academy/programme.html",
        {
            "cohort": cohort,
            "phase": phase,
            "phases": CohortPhase,
            "description": description,
            "description_language": description_language,
            "team_roles": TeamRole.choices,
            "participants": participants(cohort) if cohort.participants_public else None,
        },
    )


# Updated whenever the accessibility statement is reviewed, as the law requires.
ACCESSIBILITY_STATEMENT_DATE = dt.date(2026, 11, 27)


def contact_email() -> str:
    cohort = Cohort.objects.current()
    return cohort.contact_email if cohort else settings.CONTACT_EMAIL


def accessibility(request: HttpRequest) -> HttpResponse:
    context = {"contact_email": contact_email(), "statement_date": ACCESSIBILITY_STATEMENT_DATE}
    return render(request, "academy/accessibility.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "academy/privacy.html", {"contact_email": contact_email()})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own details: name and the language of their e-mails."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("academy:profile")
    return render(request, "academy/profile.html", {"form": form})
