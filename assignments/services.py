"""The pre-assignment's life: sending it, uploading and replacing files, submitting, feedback."""

import datetime as dt
import re
import tempfile
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.files import store
from academy.links import absolute_url
from academy.markdown import plain_text
from academy.models import HELSINKI, Membership, Organisation, Participation
from academy.uploads import FILE_TYPES
from notifications.services import queue_email
from workshops.models import Session, SessionKind, SessionState

from .models import (
    Assignment,
    Feedback,
    Submission,
    SubmissionState,
    SubmittedFile,
)


class SubmissionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed_labels(assignment: Assignment) -> str:
    return ", ".join(
        "/".join(FILE_TYPES[key].extensions)
        for key in assignment.allowed_types
        if key in FILE_TYPES
    )


def assignment_context(assignment: Assignment, organisation: Organisation, language: str) -> dict:
    """What an e-mail says of the pre-assignment, for one organisation."""
    participation = Participation.objects.filter(
        cohort_id=assignment.cohort_id, organisation=organisation
    ).first()
    submission = Submission.objects.filter(assignment=assignment, organisation=organisation).first()
    return {
        "title": assignment.title,
        "instructions": plain_text(assignment.instructions),
        "due_at": submission.due_at if submission else assignment.due_at,
        "templates": [template.title for template in assignment.templates.all()],
        "types": allowed_labels(assignment),
        "max_size_mb": assignment.max_size_mb,
        "url": absolute_url(
            "assignments:submission", language=language, participation=participation.pk
        )
        if participation
        else "",
    }


def mark_sent(assignment: Assignment) -> None:
    if assignment.sent_at is None:
        Assignment.objects.filter(pk=assignment.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        assignment.refresh_from_db(fields=["sent_at"])


def send_on_its_own(assignment: Assignment) -> int:
    """For a pre-assignment written after the kick-off invitation went: one mail per member."""
    if assignment.sent_at is not None:
        # With the kick-off invitation, or on its own already: everyone has it.
        raise SubmissionError(
            _("It was sent to the participants on %(sent)s.")
            % {"sent": timezone.localtime(assignment.sent_at).strftime("%d.%m.%Y %H:%M")}
        )
    kickoff_sent = Session.objects.filter(
        cohort_id=assignment.cohort_id, kind=SessionKind.KICKOFF, state=SessionState.PUBLISHED
    ).exists()
    if not kickoff_sent:
        raise SubmissionError(
            _("It goes out with the kick-off invitation: publish the kick-off session.")
        )
    taking_part = Participation.objects.filter(cohort_id=assignment.cohort_id).values(
        "organisation_id"
    )
    members = Membership.objects.filter(organisation_id__in=taking_part).select_related(
        "user", "organisation"
    )
    sent = 0
    with transaction.atomic():
        for membership in members:
            user = membership.user
            context = assignment_context(
                assignment, membership.organisation, user.preferred_language
            )
            context.update(
                cohort=assignment.cohort.title,
                organisation=membership.organisation.name,
                contact_email=assignment.cohort.contact_email,
            )
            queue_email(
                "assignment_sent",
                user.email,
                context,
                f"assignment:{assignment.pk}:sent:{user.pk}",
                recipient=user,
                language=user.preferred_language,
                about=assignment,
                cohort=assignment.cohort,
            )
            sent += 1
        mark_sent(assignment)
    return sent


def submission_for(assignment: Assignment, organisation: Organisation) -> Submission:
    submission, _created = Submission.objects.get_or_create(
        assignment=assignment, organisation=organisation
    )
    return submission


def _locked(submission: Submission, now: dt.datetime, *, draft: bool = True) -> Submission:
    # Only the submission's row: the pre-assignment is shared by every organisation.
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("assignment")
        .get(pk=submission.pk)
    )
    if not locked.is_open_at(now):
        raise SubmissionError(
            _("The pre-assignment closed on %(cutoff)s. Please contact programme staff.")
            % {"cutoff": timezone.localtime(locked.cutoff_at).strftime("%d.%m.%Y %H:%M")}
        )
    if draft and locked.state == SubmissionState.FINAL:
        raise SubmissionError(
            _("The submission has been marked final. Reopen it to change its files.")
        )
    return locked


def upload(submission: Submission, upload, *, by, now: dt.datetime, replaces=None) -> SubmittedFile:
    """Add a file, or a new version of one. Bad files raise ValidationError; nothing is kept."""
    with transaction.atomic():
        locked = _locked(submission, now)
        previous = None
        if replaces is not None:
            previous = (
                SubmittedFile.objects.select_for_update()
                .current()
                .filter(pk=replaces, submission=locked)
                .first()
            )
            if previous is None:
                raise SubmissionError(_("That file has been replaced or removed already."))
        if previous is None:
            _refuse_a_second_file_of_the_same_name(locked, upload.name)
        assignment = locked.assignment
        stored = store(
            upload, allowed=assignment.allowed_types, max_bytes=assignment.max_bytes, by=by
        )
        if previous is not None:
            previous.replaced_at = now
            previous.save(update_fields=["replaced_at"])
        return SubmittedFile.objects.create(
            submission=locked,
            file=stored,
            previous=previous,
            version=previous.version + 1 if previous else 1,
        )


def _refuse_a_second_file_of_the_same_name(submission: Submission, name: str) -> None:
    """Two current files of one name could not be told apart in the list, nor in the zip."""
    wanted = unicodedata.normalize("NFC", name or "").strip().casefold()
    current = submission.files.current()
    for item in current.select_related("file"):
        if item.file.original_name.casefold() == wanted:
            raise ValidationError(
                _(
                    "A file named %(name)s is already in the submission. To change it, use "
                    "its Replace button; to add another file, rename this one first."
                ),
                code="duplicate_name",
                params={"name": item.file.original_name},
            )


def remove(submission: Submission, file_id: int, *, now: dt.datetime) -> SubmittedFile:
    """Take a file out of the submission; it stays in the history."""
    with transaction.atomic():
        locked = _locked(submission, now)
        found = SubmittedFile.objects.current().filter(pk=file_id, submission=locked).first()
        if found is None:
            raise SubmissionError(_("That file has been replaced or removed already."))
        found.removed_at = now
        found.save(update_fields=["removed_at"])
        return found


def finalise(submission: Submission, *, by, now: dt.datetime) -> Submission:
    with transaction.atomic():
        locked = _locked(submission, now)
        if not locked.files.current().exists():
            raise SubmissionError(_("Add at least one file before submitting."))
        locked.state = SubmissionState.FINAL
        locked.submitted_at = now
        locked.submitted_by = by
        locked.is_late = now > locked.due_at
        locked.save(update_fields=["state", "submitted_at", "submitted_by", "is_late"])
    submission.refresh_from_db()
    return submission


def reopen(submission: Submission, *, now: dt.datetime) -> Submission:
    """Undo the final mark, to change files, while the pre-assignment is still open."""
    with transaction.atomic():
        locked = _locked(submission, now, draft=False)
        if locked.is_final and not locked.is_late and now > locked.due_at:
            # Reopened now, an on-time submission could only come back late, or not at all.
            raise SubmissionError(
                _(
                    "The submission came in on time and the due date has passed, so it stays "
                    "as it is. To add something, please contact programme staff at %(email)s."
                )
                % {"email": locked.assignment.cohort.contact_email}
            )
        locked.state = SubmissionState.DRAFT
        locked.submitted_at = None
        locked.submitted_by = None
        locked.is_late = False
        locked.save(update_fields=["state", "submitted_at", "submitted_by", "is_late"])
    submission.refresh_from_db()
    return submission


def set_extension(submission: Submission, due_at: dt.datetime | None) -> None:
    """A later due date for one organisation; a final submission's late mark follows it."""
    submission.extended_due_at = due_at
    fields = ["extended_due_at"]
    if submission.is_final and submission.submitted_at is not None:
        submission.is_late = submission.submitted_at > submission.due_at
        fields.append("is_late")
    submission.save(update_fields=fields)


def tell_new_due_date(assignment: Assignment, organisation: Organisation | None = None) -> int:
    """A moved due date (everyone's, or one organisation's extension) is told to the teams."""
    if assignment.sent_at is None:
        return 0
    taking_part = Participation.objects.filter(cohort_id=assignment.cohort_id)
    if organisation is not None:
        taking_part = taking_part.filter(organisation=organisation)
    participations = {p.organisation_id: p for p in taking_part.select_related("organisation")}
    extensions = dict(
        assignment.submissions.filter(extended_due_at__isnull=False).values_list(
            "organisation_id", "extended_due_at"
        )
    )
    members = Membership.objects.filter(organisation_id__in=participations).select_related("user")
    sent = 0
    with transaction.atomic():
        for membership in members:
            user, participation = membership.user, participations[membership.organisation_id]
            due = extensions.get(membership.organisation_id) or assignment.due_at
            if organisation is None and membership.organisation_id in extensions:
                continue  # Their own, later date stands.
            queue_email(
                "assignment_due_changed",
                user.email,
                {
                    "cohort": assignment.cohort.title,
                    "title": assignment.title,
                    "organisation": participation.organisation.name,
                    "due_at": due,
                    "extension": organisation is not None,
                    "url": absolute_url(
                        "assignments:submission",
                        language=user.preferred_language,
                        participation=participation.pk,
                    ),
                    "contact_email": assignment.cohort.contact_email,
                },
                f"due:{assignment.pk}:{membership.organisation_id}:{due:%Y%m%d%H%M%S}:{user.pk}",
                recipient=user,
                language=user.preferred_language,
                about=assignment,
                cohort=assignment.cohort,
            )
            sent += 1
    return sent


def give_feedback(submission: Submission, *, author, text: str, files=()) -> Feedback:
    """Staff's feedback; the organisation's team is told by e-mail."""
    with transaction.atomic():
        feedback = Feedback.objects.create(submission=submission, author=author, text=text)
        if files:
            feedback.files.set(files)
        participation = Participation.objects.filter(
            cohort_id=submission.assignment.cohort_id, organisation_id=submission.organisation_id
        ).first()
        members = Membership.objects.filter(
            organisation_id=submission.organisation_id
        ).select_related("user")
        for membership in members:
            user = membership.user
            queue_email(
                "assignment_feedback",
                user.email,
                {
                    "cohort": submission.assignment.cohort.title,
                    "title": submission.assignment.title,
                    "organisation": submission.organisation.name,
                    "contact_email": submission.assignment.cohort.contact_email,
                    "url": absolute_url(
                        "assignments:submission",
                        language=user.preferred_language,
                        participation=participation.pk,
                    )
                    if participation
                    else "",
                },
                f"feedback:{feedback.pk}:{user.pk}",
                recipient=user,
                language=user.preferred_language,
                about=submission,
                cohort=submission.assignment.cohort,
            )
    return feedback


def current_files():
    """Prefetch a submission's current files: its ``files.all()`` then lists only those."""
    return Prefetch("files", queryset=SubmittedFile.objects.current().select_related("file"))


_UNSAFE = re.compile(r"[^\w .,()-]+")


def _zip_name(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "_"
    return cleaned[:120]


def final_submissions_zip(assignment: Assignment):
    """Every final submission's current files in one zip, a folder per organisation.

    Written to a temporary file, not memory: a cohort's files may be large.
    """
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    submissions = (
        assignment.submissions.filter(state=SubmissionState.FINAL)
        .select_related("organisation")
        .prefetch_related(current_files())
        .order_by("organisation__name", "organisation_id")
    )
    folders: set[str] = set()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for submission in submissions:
            organisation = submission.organisation
            folder = _zip_name(organisation.name)
            if folder.lower() in folders:
                # Names are not unique (nor is their case): the business ID is.
                folder = _zip_name(f"{organisation.name} ({organisation.business_id})")
            folders.add(folder.lower())
            used: set[str] = set()
            for item in submission.files.all():  # the current ones, as prefetched
                name = _zip_name(item.file.original_name)
                while name.lower() in used:
                    name = f"v{item.version}-{name}"
                used.add(name.lower())
                # Each entry keeps its upload time (Finnish time, as zip tools show it).
                uploaded = item.file.uploaded_at.astimezone(HELSINKI)
                entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=uploaded.timetuple()[:6])
                entry.compress_type = zipfile.ZIP_DEFLATED
                with (
                    item.file.file.open("rb") as source,
                    bundle.open(entry, "w") as target,
                ):
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(chunk)
    archive.seek(0)
    return archive
