"""Sessions in the admin: schedule, offer sparring times, publish, change, cancel, attendance."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from academy.admin_access import ReadOnlyInlineMixin, ReadOnlyMixin
from academy.admin_files import StoredFileFormMixin, StoredFileInlineMixin
from academy.models import HELSINKI
from academy.spreadsheets import ExportForm, SpreadsheetCSV, neutralise

from . import services
from .models import Attendance, Material, RecordingRequest, Session, SessionState

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# A change to one of these reaches the participants' calendars as an update.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "online_url", "place", "agenda")


def _same_text(before, after) -> bool:
    # A browser posts a textarea's lines with CRLF: an untouched agenda stored
    # with LF is no change, and must not send everyone a calendar update.
    if not isinstance(before, str) or not isinstance(after, str):
        return False
    return before.replace("\r\n", "\n").strip() == after.replace("\r\n", "\n").strip()


def _calendar_changes(form) -> list[str]:
    """The calendar fields a save really changes."""
    return [
        name
        for name in CALENDAR_FIELDS
        if name in form.changed_data
        and not _same_text(form.initial.get(name), form.cleaned_data.get(name))
    ]


def https_links(field, **kwargs):
    """Links typed without a scheme are read as https, as Django 6 will."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    notify = forms.BooleanField(
        label=_("Send a change of a published session to its participants"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to fix something without mailing everyone, e.g. a typo. Their "
            "calendar feeds show the change either way."
        ),
    )

    class Meta:
        model = Session
        formfield_callback = https_links
        fields = [
            "cohort",
            "kind",
            "title",
            "organisation",
            "starts_at",
            "ends_at",
            "online_url",
            "place",
            "agenda",
            "recording_url",
        ]


class MaterialForm(StoredFileFormMixin, forms.ModelForm):
    upload_required = False
    url = forms.URLField(
        label=capfirst(_("link")), required=False, max_length=500, assume_scheme="https"
    )
    upload = forms.FileField(label=capfirst(_("file")), required=False)

    class Meta:
        model = Material
        fields = ["title", "url", "upload", "visible", "position"]

    def clean(self):
        data = super().clean()
        has_file = data.get("upload") is not None or bool(self.instance.file_id)
        if bool(data.get("url")) == has_file:
            raise forms.ValidationError(_("Give either a link or a file, not both."))
        return data


HTTPS_LINKS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class MaterialInline(StoredFileInlineMixin, admin.TabularInline):
    formfield_overrides = HTTPS_LINKS
    model = Material
    form = MaterialForm
    extra = 0
    readonly_fields = ["file"]


class AttendanceInline(ReadOnlyInlineMixin, admin.TabularInline):
    # Invitations make the rows: everyone the session is for is listed.
    refuses = ("add",)
    model = Attendance
    extra = 0
    fields = ["user", "organisation", "coming", "attended"]
    readonly_fields = ["user", "organisation", "coming"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")


class AttendanceCounts(TypedDict):
    """What the session list annotates on each session."""

    invited_count: int
    attended_count: int


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionForm
    formfield_overrides = HTTPS_LINKS
    list_display = ["title", "kind", "starts_at", "organisation", "state", "invited", "attended"]
    list_filter = ["cohort", "kind", "state"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "cohort"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organisation"]
    inlines = [MaterialInline, AttendanceInline]
    actions = ["publish", "offer", "cancel_sessions"]
    readonly_fields = ["state", "sequence", "published_at", "cancelled_at"]
    fieldsets = [
        (None, {"fields": ["cohort", "kind", "title", "organisation"]}),
        (
            _("When and where (Finnish time)"),
            {"fields": ["starts_at", "ends_at", "online_url", "place"]},
        ),
        (None, {"fields": ["agenda", "recording_url"]}),
        (
            _("State"),
            {"fields": ["state", "sequence", "published_at", "cancelled_at", "notify"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited_count=Count("attendances", filter=Q(attendances__invited_sequence__gte=0)),
                attended_count=Count("attendances", filter=Q(attendances__attended=True)),
            )
        )

    @admin.display(description=_("invited"), ordering="invited_count")
    def invited(self, session: "WithAnnotations[Session, AttendanceCounts]") -> int:
        return session.invited_count

    @admin.display(description=_("attended"), ordering="attended_count")
    def attended(self, session: "WithAnnotations[Session, AttendanceCounts]") -> int:
        return session.attended_count

    def get_readonly_fields(self, request: HttpRequest, obj: Session | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state in (SessionState.PUBLISHED, SessionState.CANCELLED):
            # Who is invited follows from these: changed once the invitations are out,
            # those invited would keep the session and the new invitees never hear of it.
            fields += ["cohort", "kind", "organisation"]
        return fields

    def save_model(self, request: HttpRequest, obj: Session, form, change: bool) -> None:
        changes = _calendar_changes(form) if change else []
        previous = {name: form.initial.get(name) for name in ("starts_at", "ends_at")}
        recording_added = "recording_url" in form.changed_data and obj.recording_url
        super().save_model(request, obj, form, change)
        if changes and obj.state == SessionState.PUBLISHED and form.cleaned_data.get("notify"):
            sent = services.send_update(obj, changes=changes, previous=previous)
            self.message_user(
                request,
                ngettext(
                    "The change was sent to %(count)d participant as a calendar update.",
                    "The change was sent to %(count)d participants as a calendar update.",
                    sent,
                )
                % {"count": sent},
            )
        if recording_added:
            sent = services.send_pending_recordings(obj)
            if sent:
                self.message_user(
                    request,
                    ngettext(
                        "The recording link was sent to %(count)d person who had asked for it.",
                        "The recording link was sent to %(count)d people who had asked for it.",
                        sent,
                    )
                    % {"count": sent},
                )

    @admin.action(description=_("Publish and invite the participants"))
    def publish(self, request: HttpRequest, queryset):
        if "confirmed" not in request.POST:
            return self._confirm(request, queryset, "publish")
        sent = 0
        for session in queryset:
            try:
                sent += services.publish(session)
            except services.SessionError as error:
                self.message_user(request, f"{session}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d invitation was sent.", "%(count)d invitations were sent.", sent)
            % {"count": sent},
        )

    def _confirm(self, request: HttpRequest, queryset, action: str):
        """Mail to many people is not sent by one click: staff see who gets what, and confirm."""
        now = timezone.now()
        rows = []
        for session in queryset.select_related("cohort", "organisation"):
            warnings = []
            if session.starts_at <= now:
                warnings.append(gettext("It has already begun."))
            if action == "publish" and not (session.online_url or session.place):
                warnings.append(gettext("It has neither an online link nor a place."))
            if action == "publish" and session.state == SessionState.CANCELLED:
                warnings.append(gettext("It has been cancelled and cannot be published again."))
            people = (
                len(services.invitees(session))
                if action == "publish"
                else session.attendances.filter(invited_sequence__gte=0).count()
            )
            rows.append({"session": session, "people": people, "warnings": warnings})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Publish and invite?")
            if action == "publish"
            else gettext("Cancel and tell the participants?"),
            "action": action,
            "rows": rows,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
            "total": sum(row["people"] for row in rows),
        }
        return TemplateResponse(request, "admin/workshops/session/confirm_action.html", context)

    @admin.action(description=_("Offer as sparring times for organisations to pick"))
    def offer(self, request: HttpRequest, queryset) -> None:
        offered = queryset.filter(
            kind="sparring", state=SessionState.DRAFT, organisation__isnull=True
        ).update(state=SessionState.OFFERED)
        skipped = queryset.count() - offered
        self.message_user(
            request,
            ngettext(
                "%(offered)d time is now offered for organisations to pick.",
                "%(offered)d times are now offered for organisations to pick.",
                offered,
            )
            % {"offered": offered},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(skipped)d session was left as it was: only draft sparring sessions "
                    "without an organisation can be offered.",
                    "%(skipped)d sessions were left as they were: only draft sparring sessions "
                    "without an organisation can be offered.",
                    skipped,
                )
                % {"skipped": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Cancel and tell the participants"))
    def cancel_sessions(self, request: HttpRequest, queryset):
        if "confirmed" not in request.POST:
            return self._confirm(request, queryset, "cancel_sessions")
        sent = sum(services.cancel(session) for session in queryset)
        self.message_user(
            request,
            ngettext("%(count)d cancellation was sent.", "%(count)d cancellations were sent.", sent)
            % {"count": sent},
        )


class AttendanceResource(resources.ModelResource):
    session = fields.Field(attribute="session__title", column_name=_("session"))
    starts_at = fields.Field(column_name=_("starts (Helsinki time)"))
    organisation = fields.Field(attribute="organisation__name", column_name=_("organisation"))
    name = fields.Field(attribute="user__name", column_name=_("name"))
    email = fields.Field(attribute="user__email", column_name=_("e-mail address"))
    coming = fields.Field(column_name=_("coming"))
    attended = fields.Field(column_name=_("attended"))

    class Meta:
        model = Attendance
        fields = ("session", "starts_at", "organisation", "name", "email", "coming", "attended")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("session", "organisation", "user")

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def dehydrate_starts_at(self, attendance: Attendance) -> str:
        return attendance.session.starts_at.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def _yes_no(value) -> str:
        if value is None:
            return ""
        return gettext("Yes") if value else gettext("No")

    def dehydrate_coming(self, attendance: Attendance) -> str:
        return self._yes_no(attendance.coming)

    def dehydrate_attended(self, attendance: Attendance) -> str:
        return self._yes_no(attendance.attended)


@admin.register(Attendance)
class AttendanceAdmin(ExportMixin, ReadOnlyMixin, admin.ModelAdmin):
    # Invitations make the rows: everyone the session is for is listed.
    refuses = ("add",)
    resource_classes = [AttendanceResource]
    formats = [SpreadsheetCSV, XLSX]
    export_form_class = ExportForm
    list_display = ["user", "organisation", "session", "coming", "attended"]
    list_editable = ["attended"]
    list_filter = ["session__cohort", "session__kind", "session", "organisation", "attended"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    list_select_related = ["user", "organisation", "session"]
    readonly_fields = ["session", "user", "organisation", "coming"]


@admin.register(RecordingRequest)
class RecordingRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Requests come from the info session's public recording page.
    refuses = ("add",)
    list_display = ["email", "session", "language", "requested_at", "sent_at"]
    list_filter = ["session", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["session", "email", "language", "requested_at", "sent_at"]
