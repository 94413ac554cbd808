"""The export of every application's answers, for spreadsheets (django-import-export)."""

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from academy.models import HELSINKI, OrganisationKind, TeamRole
from academy.spreadsheets import neutralise

from . import answers
from .models import Application, ApplicationState


def _helsinki(value) -> str:
    return value.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class ApplicationResource(resources.ModelResource):
    cohort = fields.Field(attribute="cohort__name", column_name=_("cohort"))
    state = fields.Field(column_name=_("state"))
    applicant = fields.Field(attribute="applicant__email", column_name=_("applicant"))
    submitted_at = fields.Field(column_name=_("submitted (Helsinki time)"))
    deadline = fields.Field(column_name=_("deadline (Helsinki time)"))
    extension_reason = fields.Field(
        attribute="extension_reason", column_name=_("reason for the extension")
    )
    score = fields.Field(column_name=_("weighted score"))
    team = fields.Field(column_name=_("proposed team"))

    class Meta:
        model = Application
        fields = (
            "cohort",
            "state",
            "applicant",
            "submitted_at",
            "deadline",
            "extension_reason",
            "score",
            *answers.FIELDS,
            "team",
        )
        export_order = fields

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        labels = {field.name: field.verbose_name for field in Application._meta.fields}
        for name in answers.FIELDS:
            self.fields[name].column_name = labels[name]

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        dataset.title = gettext("Applications")
        return dataset

    def filter_export(self, queryset: QuerySet, **kwargs) -> QuerySet:
        return queryset.select_related("cohort", "applicant").prefetch_related("team")

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def dehydrate_state(self, application: Application) -> str:
        return str(ApplicationState(application.state).label) if application.state else ""

    def dehydrate_organisation_kind(self, application: Application) -> str:
        kind = application.organisation_kind
        return str(OrganisationKind(kind).label) if kind in OrganisationKind.values else ""

    def dehydrate_submitted_at(self, application: Application) -> str:
        return _helsinki(application.submitted_at)

    def dehydrate_deadline(self, application: Application) -> str:
        return _helsinki(application.deadline)

    def dehydrate_score(self, application: Application):
        # The admin's queryset marks the applications the exporting reviewer declared a
        # conflict of interest in: the export hides their score as the list does.
        if getattr(application, "conflicted", False):
            return gettext("hidden: you declared a conflict of interest")
        score = getattr(application, "score", None)
        return round(score, 2) if score is not None else ""

    def dehydrate_procurement_volume(self, application: Application):
        volume = application.procurement_volume
        return int(volume) if volume is not None else ""

    def dehydrate_privacy_consent(self, application: Application) -> str:
        return gettext("Yes") if application.privacy_consent else gettext("No")

    def dehydrate_team(self, application: Application) -> str:
        roles = dict(TeamRole.choices)
        return "\n".join(
            f"{roles.get(m.role, m.role)}: " + ", ".join(p for p in (m.name, m.title, m.email) if p)
            for m in application.team.all()
        )
