from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.access import SignedInRequest, get_participation_or_404, require_perm

from . import services
from .forms import UploadForm
from .models import Assignment, Submission, SubmittedFile
from .overview import status_of


@login_required
def submission(request: SignedInRequest, participation: int) -> HttpResponse:
    """The pre-assignment: instructions, templates, the organisation's files, feedback."""
    found = get_participation_or_404(request, participation)
    assignment = (
        Assignment.objects.filter(cohort_id=found.cohort_id, sent_at__isnull=False)
        .prefetch_related("templates__file")
        .first()
    )
    if assignment is None:
        raise Http404("The pre-assignment has not been sent yet.")
    member = request.user.has_perm("academy.change_workspace", found)
    now = timezone.now()
    existing = Submission.objects.filter(
        assignment=assignment, organisation_id=found.organisation_id
    ).first()
    form = UploadForm(assignment=assignment)
    replace_error: tuple[int | None, ErrorList | Iterable[str]] = (None, [])
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        current = existing or services.submission_for(assignment, found.organisation)
        action = request.POST.get("action")
        form = UploadForm(request.POST, request.FILES, assignment=assignment)
        replaces = _replaces(request)
        if _act(request, action, current, form, now, replaces):
            return redirect("assignments:submission", participation=found.pk)
        if replaces is not None:
            # The refusal belongs next to the file being replaced; "Add a file"
            # stays an empty form for adding, never a hidden replacement.
            replace_error = (replaces, form.errors.get("file", []))
            form = UploadForm(assignment=assignment)
        if existing is None and not current.files.exists():
            # A first upload that was refused leaves no empty submission behind.
            current.delete()
        else:
            existing = current
    files = []
    history = []
    if existing is not None:
        all_files = list(
            SubmittedFile.objects.filter(submission=existing)
            .select_related("file", "file__uploaded_by")
            .order_by("file__uploaded_at")
        )
        files = [item for item in all_files if item.is_current]
        history = [item for item in all_files if not item.is_current]
    feedback = (
        existing.feedback.select_related("author").prefetch_related("files")
        if existing is not None
        else []
    )
    status = status_of(assignment, existing, now=now, files=len(files))
    due_at = status.due_at
    assert due_at is not None  # the pre-assignment has been sent
    cutoff = assignment.cutoff_for(due_at)
    late_until = cutoff if cutoff is not None and cutoff > due_at else None
    return render(
        request,
        "assignments/submission.html",
        {
            "participation": found,
            "assignment": assignment,
            "submission": existing,
            "status": status,
            "files": files,
            "history": history,
            "feedback": feedback,
            "form": form,
            "replace_error": replace_error,
            "late_until": late_until,
            "is_member": member,
            "open": (existing or assignment).is_open_at(now),
            "final": existing is not None and existing.is_final,
        },
    )


def _replaces(request) -> int | None:
    value = request.POST.get("replaces", "")
    return int(value) if value.isdigit() else None


def _act(request, action: str | None, current: Submission, form: UploadForm, now, replaces) -> bool:
    """Carry out a posted action; False keeps the page (and the form's errors) on screen."""
    try:
        if action == "upload":
            if not form.is_valid():
                return False
            added = services.upload(
                current, form.cleaned_data["file"], by=request.user, now=now, replaces=replaces
            )
            if replaces:
                messages.success(
                    request,
                    _("%(name)s has replaced the earlier version, which is kept in the history.")
                    % {"name": added.file.original_name},
                )
            else:
                messages.success(
                    request, _("%(name)s has been added.") % {"name": added.file.original_name}
                )
        elif action == "remove":
            value = request.POST.get("file", "")
            if not value.isdigit():
                raise Http404("No such file.")
            removed = services.remove(current, int(value), now=now)
            messages.success(
                request,
                _("%(name)s has been removed from the submission; it stays in the history.")
                % {"name": removed.file.original_name},
            )
        elif action == "final":
            services.finalise(current, by=request.user, now=now)
            if current.is_late:
                messages.warning(
                    request,
                    _("Submitted. It came after the due date and is marked late."),
                )
            else:
                messages.success(request, _("Submitted. Thank you!"))
        elif action == "reopen":
            services.reopen(current, now=now)
            messages.success(
                request, _("The submission is open for changes again. Submit it when ready.")
            )
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        form.add_error("file", error)
        return False
    except services.SubmissionError as error:
        # Not about the file itself (closed, final, already replaced): said at the top.
        messages.error(request, error.message)
        return action != "upload"
    return True
