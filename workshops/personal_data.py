"""What the sessions hold about a person: their attendance and recording requests."""

from academy.personal_data import register, values

from .models import Attendance, CalendarFeed, RecordingRequest


def attendance(user) -> list[dict]:
    return [
        {"session": attendance.session.title, **values(attendance, ["coming", "attended"])}
        for attendance in Attendance.objects.filter(user=user).select_related("session")
    ]


def recording_requests(user) -> list[dict]:
    return [
        {"session": request.session.title, **values(request, ["email", "requested_at", "sent_at"])}
        for request in RecordingRequest.objects.filter(email__iexact=user.email).select_related(
            "session"
        )
    ]


def erase_requests(user) -> None:
    RecordingRequest.objects.filter(email__iexact=user.email).delete()
    CalendarFeed.objects.filter(user=user).delete()


# Attendance stays, for the organisation's record, with the account made nameless.
register("session_attendance", attendance)
register("recording_requests", recording_requests, erase=erase_requests)
