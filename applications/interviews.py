"""Interviews: slots staff offer, bookings applicants make, moves and cancellations.

Booking is race-free: the slot's row is locked while it is booked, and a
partial unique constraint (one active interview per slot) refuses a second
booking even if two transactions got past the check at once.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from academy.links import absolute_url
from academy.models import HELSINKI, Cohort
from notifications.services import queue_email

from .calendar import interview_calendar
from .models import Application, ApplicationState, Interview, InterviewSlot
from .services import ApplicationError, NotAllowed


class SlotTaken(ApplicationError):
    pass


class TooLate(ApplicationError):
    pass


class InterviewChanged(ApplicationError):
    pass


def slot_taken_message() -> str:
    return _("Someone else booked that time a moment ago. Please choose another time.")


def generate_slots(
    cohort: Cohort,
    *,
    first_day: dt.date,
    last_day: dt.date,
    day_starts: dt.time,
    day_ends: dt.time,
    length: dt.timedelta,
    buffer: dt.timedelta,
    interviewers=(),
    meeting_url: str = "",
    weekdays_only: bool = True,
) -> tuple[list[InterviewSlot], int]:
    """Slots of ``length`` with ``buffer`` between them, on each day, in Helsinki time.

    A slot that would overlap one of the cohort's slots with a shared interviewer
    (or, without interviewers, any slot without them) is left out, so generating
    twice or by hand cannot double-book a person. Returns the slots made and how
    many were left out.
    """
    slots = []
    day = first_day
    while day <= last_day:
        if not weekdays_only or day.weekday() < 5:
            slots += _day_slots(cohort, day, day_starts, day_ends, length, buffer, meeting_url)
        day += dt.timedelta(days=1)
    people = list(interviewers)
    with transaction.atomic():
        fresh = [slot for slot in slots if not _overlaps(slot, people)]
        created = InterviewSlot.objects.bulk_create(fresh)
        through = InterviewSlot.interviewers.through
        through.objects.bulk_create(
            [through(interviewslot=slot, user=person) for slot in created for person in people]
        )
    return created, len(slots) - len(fresh)


def _overlaps(slot: InterviewSlot, interviewers: list) -> bool:
    existing = InterviewSlot.objects.filter(
        cohort=slot.cohort, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
    )
    if interviewers:
        return existing.filter(interviewers__in=interviewers).exists()
    return existing.filter(interviewers__isnull=True).exists()


def _day_slots(cohort, day, day_starts, day_ends, length, buffer, meeting_url) -> list:
    start = dt.datetime.combine(day, day_starts, tzinfo=HELSINKI)
    end_of_day = dt.datetime.combine(day, day_ends, tzinfo=HELSINKI)
    slots = []
    while start + length <= end_of_day:
        slots.append(
            InterviewSlot(
                cohort=cohort, starts_at=start, ends_at=start + length, meeting_url=meeting_url
            )
        )
        start += length + buffer
    return slots


def bookable_slots(application: Application, now: dt.datetime):
    """The application's cohort's free slots that have not begun."""
    return (
        InterviewSlot.objects.free()
        .filter(cohort_id=application.cohort_id, starts_at__gt=now)
        .order_by("starts_at")
    )


def can_change(interview: Interview, now: dt.datetime) -> bool:
    """Whether the applicant may still move or cancel: until the cohort's cut-off before it."""
    cutoff = dt.timedelta(hours=interview.application.cohort.interview_change_cutoff_hours)
    return now < interview.slot.starts_at - cutoff


def book_interview(
    slot: InterviewSlot, application: Application, *, by, now: dt.datetime
) -> Interview:
    with transaction.atomic():
        locked_slot = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        _check_bookable(locked_slot, locked, now)
        if locked.interviews.active().exists():
            raise NotAllowed(_("An interview has already been booked for this application."))
        try:
            with transaction.atomic():
                interview = Interview.objects.create(
                    application=locked, slot=locked_slot, booked_at=now, booked_by=by
                )
        except IntegrityError as error:
            raise SlotTaken(slot_taken_message()) from error
        _queue_invitation(interview, "interview_booked")
    return interview


def _check_bookable(slot: InterviewSlot, application: Application, now: dt.datetime) -> None:
    if application.state != ApplicationState.SUBMITTED:
        raise NotAllowed(_("An interview can be booked once the application has been submitted."))
    if slot.cohort_id != application.cohort_id or slot.starts_at <= now:
        raise NotAllowed(_("This time cannot be booked."))
    if slot.interviews.active().exists():
        raise SlotTaken(slot_taken_message())


def reschedule_interview(
    interview: Interview, slot: InterviewSlot, *, by, now: dt.datetime, by_staff: bool = False
) -> Interview:
    with transaction.atomic():
        locked_slot = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        locked = _locked_interview(interview, as_seen=not by_staff)
        if not by_staff and not can_change(locked, now):
            raise TooLate(too_late_message(locked))
        _check_bookable(locked_slot, locked.application, now)
        earlier = locked.slot
        locked.slot = locked_slot
        locked.sequence += 1
        try:
            with transaction.atomic():
                locked.save(update_fields=["slot", "sequence"])
        except IntegrityError as error:
            raise SlotTaken(slot_taken_message()) from error
        _queue_invitation(locked, "interview_moved", earlier=earlier)
    return locked


def cancel_interview(
    interview: Interview, *, by, now: dt.datetime, by_staff: bool = False
) -> Interview:
    with transaction.atomic():
        locked = _locked_interview(interview, as_seen=not by_staff)
        if not by_staff and not can_change(locked, now):
            raise TooLate(too_late_message(locked))
        locked.cancelled_at = now
        locked.cancelled_by = by
        locked.sequence += 1
        locked.save(update_fields=["cancelled_at", "cancelled_by", "sequence"])
        _queue_invitation(locked, "interview_cancelled", cancel=True)
    return locked


def _locked_interview(seen: Interview, *, as_seen: bool = True) -> Interview:
    """The interview as it is now, its row locked; refused if it changed since ``seen``.

    The row is locked by itself first: locking it in a query that joins its slot
    would find no row once a concurrent move had changed the slot (PostgreSQL
    re-checks the join against the slot row it read before waiting). Two windows
    moving or cancelling one interview are answered like two people booking one
    slot: the first wins and the second is told, never an error. Staff act on the
    interview as it is now (``as_seen=False``).
    """
    list(Interview.objects.select_for_update().filter(pk=seen.pk).values_list("pk"))
    locked = (
        Interview.objects.select_related("slot", "application__cohort", "application__applicant")
        .filter(pk=seen.pk)
        .first()
    )
    if locked is None or locked.cancelled_at is not None:
        raise NotAllowed(_("This interview has been cancelled."))
    if as_seen and locked.sequence != seen.sequence:
        raise InterviewChanged(interview_changed_message())
    return locked


def interview_changed_message() -> str:
    return _(
        "The interview was changed a moment ago, perhaps in another window. Check its time "
        "below before changing it again."
    )


def too_late_message(interview: Interview) -> str:
    return _(
        "Interviews can be moved or cancelled here until %(hours)s hours before they begin. "
        "Please contact programme staff at %(email)s."
    ) % {
        "hours": interview.application.cohort.interview_change_cutoff_hours,
        "email": interview.application.cohort.contact_email,
    }


def _queue_invitation(
    interview: Interview,
    purpose: str,
    *,
    cancel: bool = False,
    earlier: InterviewSlot | None = None,
) -> None:
    application = interview.application
    applicant = application.applicant
    language = applicant.preferred_language
    slot = interview.slot
    moved_from = (
        {"earlier_starts_at": earlier.starts_at, "earlier_ends_at": earlier.ends_at}
        if earlier is not None
        else {}
    )
    queue_email(
        purpose,
        applicant.email,
        {
            "cohort": application.cohort.title,
            "organisation": application.organisation_name,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "meeting_url": slot.meeting_url,
            "cutoff_hours": application.cohort.interview_change_cutoff_hours,
            "url": absolute_url(
                "applications:interview", language=language, public_id=application.public_id
            ),
            "contact_email": application.cohort.contact_email,
            **moved_from,
        },
        f"interview:{interview.pk}:{interview.sequence}:{purpose}",
        recipient=applicant,
        about=interview,
        cohort=application.cohort,
        calendar=interview_calendar(interview, cancel=cancel, language=language),
    )
