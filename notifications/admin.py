import uuid
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from academy.access import SignedInRequest
from academy.admin_access import ReadOnlyMixin

from . import purposes, reminders, services
from .models import EmailState, EmailTemplate, OutgoingEmail, OutgoingEmailQuerySet, ReminderOffset
from .rendering import FILES, check_staff_template, render_sources, shipped_sources

# Rendered e-mail HTML is shown on its own page, which may style itself but run nothing.
PREVIEW_POLICY = (
    "sandbox; form-action 'none'; "
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


def preview_response(html: str) -> HttpResponse:
    response = HttpResponse(html or "<p>–</p>")
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


class UncertainFilter(admin.SimpleListFilter):
    title = _("delivery uncertain")
    parameter_name = "uncertain"

    def lookups(self, request, model_admin):
        return [("yes", _("Sending was interrupted: check and resend or discard"))]

    def queryset(self, request, queryset):
        return queryset.uncertain() if self.value() == "yes" else queryset


class PurposeFilter(admin.SimpleListFilter):
    """The purposes by their names in the reader's language, not their codes."""

    title = _("purpose")
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        return purposes.choices()

    def queryset(self, request, queryset):
        return queryset.filter(purpose=self.value()) if self.value() else queryset


class PurposeLabel:
    @admin.display(description=_("purpose"), ordering="purpose")
    def purpose_label(self, obj) -> str:
        return purposes.label(obj.purpose)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(PurposeLabel, ReadOnlyMixin, admin.ModelAdmin):
    # Mails are queued by the software and kept as the record of what was sent.
    refuses = ("add", "delete")
    list_display = [
        "created_at",
        "to",
        "purpose_label",
        "subject",
        "state_label",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", UncertainFilter, PurposeFilter, "cohort", "language"]
    search_fields = ["to", "subject", "key"]
    list_select_related = ["cohort"]
    date_hierarchy = "created_at"
    actions = ["send_drafts", "retry_failed", "resend_uncertain", "discard"]
    readonly_fields = [
        "key",
        "purpose_label",
        "to",
        "recipient",
        "language",
        "state_label",
        "attempts",
        "last_error",
        "cohort",
        "about_link",
        "created_at",
        "queued_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "html_preview",
        "hidden_body",
        "sensitive",
        "calendar_part",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["to", "recipient", "language", "purpose_label", "cohort", "about_link"]},
        ),
        (
            _("Message"),
            {"fields": ["subject", "body_text", "html_preview", "body_html", "calendar_part"]},
        ),
        (
            _("Delivery"),
            {
                "fields": [
                    "state_label",
                    "attempts",
                    "last_error",
                    "key",
                    "created_at",
                    "queued_at",
                    "next_attempt_at",
                    "claimed_at",
                    "sent_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: OutgoingEmail | None = None):
        # Only a draft may still be edited: the rest is a record of what was sent.
        if obj is not None and obj.state == EmailState.DRAFT and not obj.sensitive:
            return self.readonly_fields
        return [*self.readonly_fields, "subject", "body_text", "body_html", "hidden_body"]

    def get_fieldsets(self, request: HttpRequest, obj: OutgoingEmail | None = None):
        if obj is None or not obj.sensitive:
            return self.fieldsets
        # A sign-in code or password link is for its recipient only, staff included.
        message = (_("Message"), {"fields": ["subject", "hidden_body", "sensitive"]})
        return [self.fieldsets[0], message, self.fieldsets[2]]

    def save_model(self, request: HttpRequest, obj: OutgoingEmail, form, change: bool) -> None:
        # Only a draft's text is saved, and only while it is still a draft: a
        # whole-row save could undo what a worker just did to the row.
        OutgoingEmail.objects.filter(pk=obj.pk, state=EmailState.DRAFT, sensitive=False).update(
            subject=obj.subject, body_text=obj.body_text, body_html=obj.body_html
        )

    @admin.display(description=_("text"))
    def hidden_body(self, email: OutgoingEmail) -> str:
        return gettext("Hidden: this mail contains a sign-in code or link.")

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        send_test = self.admin_site.admin_view(self.send_test_view)
        return [
            path("<int:pk>/preview/", preview, name="notifications_outgoingemail_preview"),
            path("send-test/", send_test, name="notifications_outgoingemail_send_test"),
            *super().get_urls(),
        ]

    def send_test_view(self, request: SignedInRequest) -> HttpResponse:
        """Staff check that e-mail reaches them: a test message to their own address."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        context = {"sent_by": request.user.get_full_name(), "sent_at": timezone.now()}
        key = f"test_email:{request.user.pk}:{uuid.uuid4().hex}"
        services.queue_email("test_email", request.user.email, context, key, recipient=request.user)
        self.message_user(
            request, _("A test e-mail is on its way to %(email)s.") % {"email": request.user.email}
        )
        return redirect("admin:notifications_outgoingemail_changelist")

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        email = get_object_or_404(self.get_queryset(request), pk=pk, sensitive=False)
        if not self.has_view_permission(request, email):
            return HttpResponse(status=403)
        return preview_response(email.body_html)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        counts = dict(OutgoingEmail.objects.values_list("state").annotate(n=Count("pk")).order_by())
        extra_context = {
            **(extra_context or {}),
            "state_counts": [
                (label, counts.get(value, 0), value) for value, label in EmailState.choices
            ],
            "uncertain_count": OutgoingEmail.objects.uncertain().count(),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("state"), ordering="state")
    def state_label(self, email: OutgoingEmail) -> str:
        if email.is_uncertain:
            return gettext("Uncertain: sending was interrupted")
        return email.get_state_display()

    @admin.display(description=_("about"))
    def about_link(self, email: OutgoingEmail) -> str:
        return str(email.about) if email.about_type_id else "–"

    @admin.display(description=_("calendar entry (iCalendar)"))
    def calendar_part(self, email: OutgoingEmail) -> str:
        if not email.calendar:
            return "–"
        return format_html("<pre>{}</pre>", email.calendar)

    @admin.display(description=_("HTML version"))
    def html_preview(self, email: OutgoingEmail) -> str:
        if not email.pk or not email.body_html:
            return "–"
        url = reverse("admin:notifications_outgoingemail_preview", args=[email.pk])
        return format_html('<a href="{}">{}</a>', url, _("Show the HTML version"))

    @admin.action(description=_("Send the selected drafts"), permissions=["change"])
    def send_drafts(self, request: HttpRequest, queryset: OutgoingEmailQuerySet) -> None:
        count = services.send_drafts(queryset)
        message = ngettext(
            "%(count)d draft queued for sending.", "%(count)d drafts queued for sending.", count
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Retry the selected failed e-mails"), permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: OutgoingEmailQuerySet) -> None:
        count = services.retry_failed(queryset)
        message = ngettext(
            "%(count)d failed e-mail queued again.", "%(count)d failed e-mails queued again.", count
        )
        self.message_user(request, message % {"count": count})

    @admin.action(
        description=_("Resend the selected uncertain e-mails (checked: they did not arrive)"),
        permissions=["change"],
    )
    def resend_uncertain(self, request: HttpRequest, queryset: OutgoingEmailQuerySet) -> None:
        count = services.resend_uncertain(queryset)
        message = ngettext(
            "%(count)d uncertain e-mail queued again.",
            "%(count)d uncertain e-mails queued again.",
            count,
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Discard the selected e-mails"), permissions=["change"])
    def discard(self, request: HttpRequest, queryset: OutgoingEmailQuerySet) -> None:
        count = services.discard(queryset)
        message = ngettext("%(count)d e-mail discarded.", "%(count)d e-mails discarded.", count)
        self.message_user(request, message % {"count": count})


class EmailTemplateForm(forms.ModelForm):
    purpose = forms.ChoiceField(label=_("purpose"), choices=purposes.choices)

    class Meta:
        model = EmailTemplate
        fields = ["purpose", "language", "subject", "body_text", "body_html"]
        widgets = {
            "body_text": forms.Textarea(attrs={"rows": 16}),
            "body_html": forms.Textarea(attrs={"rows": 16}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        sources = {part: data.get(part) or "" for part in FILES}
        context = sample_context(data["purpose"])
        for part in FILES:
            try:
                check_staff_template(sources[part])
                render_sources(
                    {**dict.fromkeys(FILES, ""), part: sources[part]}, data["language"], context
                )
            except Exception as error:  # noqa: BLE001 - any template error is the user's to fix
                self.add_error(
                    part,
                    ValidationError(
                        _("This template cannot be rendered: %(error)s"), params={"error": error}
                    ),
                )
        return data


@admin.register(EmailTemplate)
class EmailTemplateAdmin(PurposeLabel, admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ["purpose_label", "language", "subject", "updated_at"]
    list_filter = [PurposeFilter, "language"]
    search_fields = ["purpose", "subject", "body_text"]
    readonly_fields = ["preview"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """Start from the shipped template: add/?purpose=...&language=... fills it in."""
        initial = super().get_changeform_initial_data(request)
        purpose, language = initial.get("purpose"), initial.get("language")
        # Only a many-to-many field's initial value is a list; these are text fields.
        if isinstance(purpose, str) and isinstance(language, str) and purpose and language:
            with_files = _shipped_sources(purpose, language)
            initial.update(with_files or {})
        return initial

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="notifications_emailtemplate_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(EmailTemplate, pk=pk)
        if not self.has_view_permission(request, template):
            return HttpResponse(status=403)
        return preview_response(_sample(template).body_html)

    @admin.display(description=_("preview with sample data"))
    def preview(self, template: EmailTemplate) -> str:
        if not template.pk:
            return gettext("Save the template to see a preview.")
        rendered = _sample(template)
        url = reverse("admin:notifications_emailtemplate_preview", args=[template.pk])
        return format_html(
            '<strong>{}</strong><pre>{}</pre><a href="{}">{}</a>',
            rendered.subject,
            rendered.body_text,
            url,
            _("Show the HTML version"),
        )


def sample_context(purpose: str) -> dict:
    """What a purpose's mails are rendered with, filled with sample values."""
    person = {"name": "Maija Meikäläinen", "email": "maija.meikalainen@example.fi"}
    return {"recipient": person, **purposes.get(purpose).sample_context()}


def _sample(template: EmailTemplate):
    sources = {part: getattr(template, part) for part in FILES}
    return render_sources(sources, template.language, sample_context(template.purpose))


def _shipped_sources(purpose: str, language: str) -> dict[str, str] | None:
    if EmailTemplate.objects.filter(purpose=purpose, language=language).exists():
        return None
    return shipped_sources(purpose, language)


@admin.register(ReminderOffset)
class ReminderOffsetAdmin(admin.ModelAdmin):
    list_display = ["cohort", "rule_label", "days", "direction"]
    list_filter = ["cohort", "rule"]
    list_editable = ["days", "direction"]
    list_select_related = ["cohort"]

    @admin.display(description=_("reminder"), ordering="rule")
    def rule_label(self, offset: ReminderOffset) -> str:
        rule = reminders.rules().get(offset.rule)
        return str(rule.label) if rule else offset.rule

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rule":
            choices = [(name, str(rule.label)) for name, rule in reminders.rules().items()]
            return forms.ChoiceField(label=db_field.verbose_name, choices=choices)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
