"""The pre-assignment travels with the kick-off's invitation; a removed template takes its file.

The pre-assignment goes out with the kick-off invitation at the kick-off's first
publication, and to anyone invited later once it has gone out.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from academy.files import discard
from academy.models import StoredFile
from workshops.models import Session, SessionKind
from workshops.signals import invitation_parts, session_published

from .models import Assignment
from .services import assignment_context, mark_sent


@receiver(invitation_parts, sender=Session, dispatch_uid="assignments.kickoff_invitation")
def pre_assignment_in_invitation(sender, session: Session, first_publication: bool, **kwargs):
    if session.kind != SessionKind.KICKOFF:
        return None
    found = Assignment.objects.filter(cohort_id=session.cohort_id).first()
    if found is None or (found.sent_at is None and not first_publication):
        return None
    return lambda organisation, language: {
        "assignment": assignment_context(found, organisation, language)
    }


@receiver(session_published, sender=Session, dispatch_uid="assignments.sent_with_kickoff")
def sent_with_kickoff(sender, session: Session, first_publication: bool, **kwargs):
    if session.kind == SessionKind.KICKOFF and first_publication:
        found = Assignment.objects.filter(cohort_id=session.cohort_id).first()
        if found is not None:
            mark_sent(found)


@receiver(post_delete, sender="assignments.Template", dispatch_uid="assignments.discard_template")
def discard_template_file(sender, instance, **kwargs):
    stored = StoredFile.objects.filter(pk=instance.file_id).first()
    if stored is not None:
        discard(stored)
