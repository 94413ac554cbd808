"""Who may download a stored file: the rules of each kind of file, in one place."""

import datetime as dt

from academy.access import is_programme_staff
from academy.models import Membership, Participation, StoredFile
from assignments.models import Feedback, SubmittedFile, Template
from plans.models import PlanSubmission
from workshops.models import Material, Session


def can_download(user, stored: StoredFile, *, now: dt.datetime) -> bool:
    """Staff, or the people the file is for; anyone else gets a 404 from the view."""
    if is_programme_staff(user):
        return True
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    if PlanSubmission.objects.filter(
        pdf=stored, plan__participation__organisation_id__in=organisations
    ).exists():
        return True
    submitted = SubmittedFile.objects.filter(
        file=stored, submission__organisation_id__in=organisations
    )
    if submitted.exists():
        return True
    if Feedback.objects.filter(
        files=stored, submission__organisation_id__in=organisations
    ).exists():
        return True
    participations = list(Participation.objects.of_user(user))
    cohorts = {p.cohort_id for p in participations}
    template = Template.objects.filter(file=stored).select_related("assignment").first()
    if template is not None:
        return template.assignment.cohort_id in cohorts
    material = Material.objects.filter(file=stored).select_related("session").first()
    if material is not None:
        session = material.session
        visible = Session.objects.visible().filter(pk=session.pk)
        for participation in participations:
            if visible.for_participation(participation).exists():
                return material.is_visible_at(now)
    return False
