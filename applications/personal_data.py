"""What the application window holds about a person: the applications they made."""

from academy.personal_data import register, values

from .models import Application

FIELDS = [
    "cohort", "state", "created_at", "submitted_at", "organisation_name", "business_id",
    "organisation_kind", "region", "website", "contact_name", "contact_title", "contact_email",
    "contact_phone", "motivation", "goals", "climate_targets", "procurement_strategy",
    "earlier_work", "procurement_volume", "main_categories", "pilot_candidate", "approver_name",
    "approver_title", "privacy_consent", "decision_announced_at",
]  # fmt: skip


def applications(user) -> list[dict]:
    return [
        {
            **values(application, FIELDS),
            "proposed_team": [
                values(member, ["role", "name", "title", "email"])
                for member in application.team.all()
            ],
            "interviews": [
                {
                    "starts_at": interview.slot.starts_at.isoformat(),
                    **values(interview, ["booked_at", "cancelled_at"]),
                }
                for interview in application.interviews.select_related("slot")
            ],
        }
        for application in Application.objects.filter(applicant=user)
        .select_related("cohort")
        .prefetch_related("team")
    ]


register("applications", applications)
