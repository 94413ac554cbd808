"""The cohort in the admin, with its dashboard: where every organisation stands."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from academy import retention
from academy.models import Cohort

from .dashboard import dashboard


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "year",
        "capacity",
        "application_opens",
        "application_closes",
        "phase",
        "dashboard_link",
    ]
    list_filter = ["year"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "year", "capacity", "contact_email"]}),
        (_("Application window"), {"fields": ["application_opens", "application_closes"]}),
        (
            _("Interviews and selection"),
            {
                "fields": [
                    "interviews_start",
                    "interviews_end",
                    "interview_change_cutoff_hours",
                    "decisions_on",
                    "confirmation_days",
                    "participants_public",
                ]
            },
        ),
        (
            _("Programme"),
            {
                "fields": [
                    "kickoff_start",
                    "kickoff_end",
                    "kickoff_invitation_by",
                    "sparring_per_organisation",
                    "ends_on",
                ]
            },
        ),
        (
            _("Public description"),
            {"fields": ["description_fi", "description_sv", "description_en"]},
        ),
        (
            _("How long personal data is kept"),
            {"fields": ["keep_unselected_months", "keep_mail_texts_days"]},
        ),
    ]

    @admin.display(description=_("current phase"))
    def phase(self, cohort: Cohort) -> str:
        return str(cohort.phase_at(timezone.now()).label)

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, cohort: Cohort) -> str:
        url = reverse("admin:academy_cohort_dashboard", args=[cohort.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Dashboard"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="academy_cohort_dashboard",
            ),
            path(
                "retention/",
                self.admin_site.admin_view(self.retention_view),
                name="academy_cohort_retention",
            ),
            *super().get_urls(),
        ]

    def retention_view(self, request: HttpRequest):
        """What the next retention sweep will do, before it does it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Retention: what the next sweep will do"),
            "lines": retention.report(timezone.now()),
            "cohorts": Cohort.objects.all(),
        }
        return TemplateResponse(request, "admin/academy/cohort/retention.html", context)

    def dashboard_view(self, request: HttpRequest, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        cohort = get_object_or_404(Cohort, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "cohort": cohort,
            "title": gettext("Dashboard: %(cohort)s") % {"cohort": cohort},
            **dashboard(cohort, now=timezone.now()),
        }
        return TemplateResponse(request, "admin/academy/cohort/dashboard.html", context)
