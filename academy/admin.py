from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .dashboard import dashboard
from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import Cohort, Invitation, Membership, Organisation, Participation, User

admin.site.site_header = _("Low-carbon Procurement Academy")
admin.site.site_title = _("Academy administration")
admin.site.index_title = _("Programme administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ["email", "name", "preferred_language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language", "groups"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        # Only a superuser may hand out rights; programme staff manage people.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Changing another administrator's e-mail, password or active flag would
        # take over their account: only a superuser may do that.
        other_administrator = (
            obj is not None and obj != request.user and (obj.is_staff or obj.is_superuser)
        )
        if other_administrator and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "business_id", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "business_id"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_contact"]
    list_filter = ["role", "is_contact", "organisation__kind"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


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
    ]

    @admin.display(description=_("current phase"))
    def phase(self, cohort: Cohort) -> str:
        return cohort.phase_at(timezone.now()).label

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
            *super().get_urls(),
        ]

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


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "cohort", "created_at"]
    list_filter = ["cohort"]
    search_fields = ["organisation__name", "organisation__business_id"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "cohort"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), "organisation"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    fields = [
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = [name for name in fields if name != "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are sent by the organisation's contact person, with a secret link.
        return False
