"""How long applications of organisations not selected keep their people: the cohort's
``keep_unselected_months`` after the decision was announced (or after a withdrawal).

Then the application loses its contact person and approver (in every saved version
too), its proposed team, its interview notes and the comments of its scores. The
organisation, its answers about its procurement and the scores stay, for the
programme's statistics."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from academy.models import Cohort
from academy.retention import months_before, register

from .models import Application, ApplicationState, InternalNote, ProposedMember, Score
from .personal_data import CONTACT_FIELDS, forget_people

ENDED = (ApplicationState.NOT_SELECTED, ApplicationState.WITHDRAWN, ApplicationState.DECLINED)
PEOPLE = (*CONTACT_FIELDS, "approver_name", "approver_title")


def still_named(now: dt.datetime) -> QuerySet:
    ended = Application.objects.filter(state__in=ENDED).annotate(
        ended_at=Coalesce("decision_announced_at", "updated_at")
    )
    older = Q(pk__in=[])
    for cohort_id, months in Cohort.objects.values_list("pk", "keep_unselected_months"):
        older |= Q(cohort_id=cohort_id, ended_at__lt=months_before(now, months))
    named = Q()
    for name in PEOPLE:
        named |= ~Q(**{name: ""})
    named |= Q(team__isnull=False) | Q(notes__isnull=False)
    named |= Q(reviews__scores__comment__gt="")
    return Application.objects.filter(pk__in=ended.filter(older).filter(named).values("pk"))


def anonymise(rows: QuerySet, now: dt.datetime) -> int:
    count = 0
    for application in rows:
        forget_people(application, PEOPLE)
        ProposedMember.objects.filter(application=application).delete()
        InternalNote.objects.filter(application=application).delete()
        Score.objects.filter(review__application=application).update(comment="")
        count += 1
    return count


register(
    "unselected_applications",
    _(
        "Applications not selected, withdrawn or declined, past their cohort's period: "
        "contact person, approver, proposed team, interview notes and score comments removed"
    ),
    still_named,
    anonymise,
)
