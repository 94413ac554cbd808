"""What the application window holds about a person: the applications they made."""

from academy.personal_data import register, values

from .models import Application, ApplicationState, ProposedMember

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


CONTACT_FIELDS = ("contact_name", "contact_title", "contact_email", "contact_phone")


def forget_people(application: Application, fields: tuple[str, ...]) -> None:
    """Blank the named people's fields of an application, in every saved version too."""
    for name in fields:
        setattr(application, name, "")
    application.save(update_fields=list(fields))
    for version in application.versions.all():
        version.answers = {
            key: ("" if key in fields else value) for key, value in version.answers.items()
        }
        version.save(update_fields=["answers"])


def erase(user) -> None:
    """Drafts go; a submitted application stays for the programme's records without the
    person's contact details, in every saved version too, nor their name in a proposed team."""
    mine = Application.objects.filter(applicant=user)
    mine.filter(state=ApplicationState.DRAFT).delete()
    for application in mine:
        forget_people(application, CONTACT_FIELDS)
    ProposedMember.objects.filter(email__iexact=user.email).update(name="–", title="", email="")


register("applications", applications, erase=erase)
