from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import personal_data
from .admin_access import ObjectRulesMixin, ReadOnlyMixin
from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import (
    AuditRecord,
    ErasureRequest,
    Invitation,
    Membership,
    Organisation,
    Participation,
    User,
)
from .staff import INTERVIEWERS, PROGRAMME_STAFF, StaffChangeRefused, give_role, remove_roles

admin.site.site_header = _("Low-carbon Procurement Academy")
admin.site.site_title = _("Academy administration")
admin.site.index_title = _("Programme administration")


@admin.register(User)
class UserAdmin(ObjectRulesMixin, DjangoUserAdmin):
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
    actions = ["make_programme_staff", "make_interviewers", "remove_staff_rights"]

    def has_manage_staff_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("academy.manage_staff")

    def _change_roles(self, request: HttpRequest, queryset, change) -> None:
        done, refused = 0, []
        for person in queryset:
            try:
                message = change(person, by=request.user)
            except StaffChangeRefused as refusal:
                refused.append(f"{person.email}: {refusal}")
                continue
            self.log_change(request, person, message)
            done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d person changed.", "%(count)d people changed.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(permissions=["manage_staff"], description=_("Make programme staff"))
    def make_programme_staff(self, request: HttpRequest, queryset) -> None:
        self._change_roles(
            request, queryset, lambda person, by: give_role(person, PROGRAMME_STAFF, by=by)
        )

    @admin.action(permissions=["manage_staff"], description=_("Make interviewers"))
    def make_interviewers(self, request: HttpRequest, queryset) -> None:
        self._change_roles(
            request, queryset, lambda person, by: give_role(person, INTERVIEWERS, by=by)
        )

    @admin.action(
        permissions=["manage_staff"],
        description=_(
            "Remove staff rights (programme staff and interviewer) and end their sessions"
        ),
    )
    def remove_staff_rights(self, request: HttpRequest, queryset) -> None:
        self._change_roles(request, queryset, remove_roles)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        # Only a superuser may hand out rights; programme staff manage people.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields


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


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "cohort", "created_at"]
    list_filter = ["cohort"]
    search_fields = ["organisation__name", "organisation__business_id"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "cohort"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Invitations are sent by the organisation's contact person, with a secret link.
    refuses = ("add",)
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
    readonly_fields = [name for name in fields if isinstance(name, str) and name != "revoked_at"]


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """What staff opened, for superusers (and whoever a superuser gives the permission to
    view the audit log, no staff group has it). Nobody writes or removes a record here."""

    list_display = ["at", "user_email", "action", "view", "path", "status"]
    list_filter = ["action", "status"]
    search_fields = ["user_email", "path", "view"]
    date_hierarchy = "at"
    fields = ["at", "user", "user_email", "action", "view", "path", "status"]
    readonly_fields = ["at", "user", "user_email", "action", "view", "path", "status"]
    list_select_related = ["user"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Requests to erase a person's data, as they asked on their own page."""

    refuses = ("add", "delete")
    list_display = ["email", "requested_at", "carried_out_at", "carried_out_by"]
    list_filter = ["carried_out_at"]
    search_fields = ["email"]
    fields = ["user", "email", "reason", "requested_at", "carried_out_at", "carried_out_by"]
    readonly_fields = [
        "user",
        "email",
        "reason",
        "requested_at",
        "carried_out_at",
        "carried_out_by",
    ]
    actions = ["carry_out"]

    @admin.action(
        permissions=["change"],
        description=_(
            "Carry out: delete what may go, remove the name from what must stay, close the account"
        ),
    )
    def carry_out(self, request: HttpRequest, queryset) -> None:
        done = 0
        for erasure in queryset.filter(carried_out_at__isnull=True).select_related("user"):
            person = erasure.user
            if person is None or person.is_superuser or person.pk == request.user.pk:
                self.message_user(
                    request,
                    _("%(email)s: a superuser or oneself is erased by another superuser.")
                    % {"email": erasure.email},
                    messages.ERROR,
                )
                continue
            personal_data.erase(person, by=request.user)
            self.log_change(request, erasure, "Carried out")
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d request carried out.", "%(count)d requests carried out.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
