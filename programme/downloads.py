"""Who may download a stored file: the rules of each kind of file, in one place.

The permission ``programme.download_file`` (``programme/rules.py``): programme
staff, or the people a file is for. Anyone else gets a 404 from the view.
"""

import rules
from django.utils import timezone

from academy.models import Membership, Participation, StoredFile
from assignments.models import Feedback, SubmittedFile, Template
from plans.models import PlanSubmission
from workshops.models import Material, Session


@rules.predicate
def is_for(user, stored: StoredFile) -> bool:
    """The file is the user's team's, or shared with their cohort and visible now."""
    if not user.is_authenticated:
        return False
    now = timezone.now()
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
