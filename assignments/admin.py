"""The pre-assignment in the admin: write and send it, follow submissions, give feedback, zip."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from academy.admin_access import ReadOnlyInlineMixin
from academy.admin_files import StoredFileFormMixin, StoredFileInlineMixin
from academy.files import store
from academy.models import Organisation, Participation
from academy.uploads import FILE_TYPES, check_upload, type_choices

from . import services
from .models import Assignment, Feedback, Submission, SubmittedFile, Template


class AssignmentForm(forms.ModelForm):
    allowed_types = forms.MultipleChoiceField(
        label=capfirst(_("allowed file types")),
        choices=type_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each file's content is checked, not only its name."),
    )
    # The model's check constraint would only name itself to staff; this says the limits.
    max_size_mb = forms.IntegerField(
        label=_("largest file (MB)"),
        min_value=1,
        max_value=50,
        initial=20,
        help_text=_("At most 50 MB."),
    )

    class Meta:
        model = Assignment
        fields = [
            "cohort",
            "title",
            "instructions",
            "due_at",
            "cutoff_at",
            "allowed_types",
            "max_size_mb",
        ]


class TemplateForm(StoredFileFormMixin, forms.ModelForm):
    upload = forms.FileField(label=capfirst(_("file")), required=False)

    class Meta:
        model = Template
        fields = ["title", "upload", "position"]


class TemplateInline(StoredFileInlineMixin, admin.TabularInline):
    model = Template
    form = TemplateForm
    extra = 0
    readonly_fields = ["file"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    form = AssignmentForm
    list_display = ["title", "cohort", "due_at", "cutoff_at", "sent_at", "final_count"]
    list_filter = ["cohort"]
    inlines = [TemplateInline]
    actions = ["send_on_its_own"]
    readonly_fields = ["sent_at", "zip_link"]

    def save_model(self, request: HttpRequest, obj: Assignment, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "due_at" in form.changed_data:
            told = services.tell_new_due_date(obj)
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "The new due date was sent to %(count)d participant.",
                        "The new due date was sent to %(count)d participants.",
                        told,
                    )
                    % {"count": told},
                )

    @admin.display(description=_("submitted"))
    def final_count(self, assignment: Assignment) -> int:
        return assignment.submissions.filter(state="final").count()

    @admin.display(description=_("all final submissions"))
    def zip_link(self, assignment: Assignment) -> str:
        if assignment.pk is None:
            return "–"
        url = reverse("admin:assignments_assignment_zip", args=[assignment.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download as one zip file"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cohort")

    def get_urls(self):
        return [
            path(
                "<int:pk>/zip/",
                self.admin_site.admin_view(self.zip_view),
                name="assignments_assignment_zip",
            ),
            *super().get_urls(),
        ]

    def zip_view(self, request: HttpRequest, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        assignment = get_object_or_404(Assignment.objects.select_related("cohort"), pk=pk)
        archive = services.final_submissions_zip(assignment)
        name = f"{slugify(assignment.cohort.slug)}-{slugify(assignment.title)}.zip"
        response = FileResponse(
            archive, as_attachment=True, filename=name, content_type="application/zip"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(
        description=_("Send to the participants now (if the kick-off was sent without it)")
    )
    def send_on_its_own(self, request: HttpRequest, queryset) -> None:
        for assignment in queryset:
            try:
                sent = services.send_on_its_own(assignment)
            except services.SubmissionError as error:
                self.message_user(request, f"{assignment}: {error.message}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(assignment)s: sent to %(count)d person.",
                        "%(assignment)s: sent to %(count)d people.",
                        sent,
                    )
                    % {"assignment": assignment, "count": sent},
                )


class SubmittedFileInline(ReadOnlyInlineMixin, admin.TabularInline):
    # The organisation's team uploads the files on its workspace.
    refuses = ("add",)
    model = SubmittedFile
    extra = 0
    can_delete = False
    fields = ("download", "version", "uploaded", "replaced_at", "removed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("file", "file__uploaded_by")

    @admin.display(description=_("file"))
    def download(self, item: SubmittedFile) -> str:
        url = reverse("programme:download", kwargs={"public_id": item.file.public_id})
        return format_html('<a href="{}">{}</a>', url, item.file.original_name)

    @admin.display(description=_("uploaded"))
    def uploaded(self, item: SubmittedFile) -> str:
        moment = timezone.localtime(item.file.uploaded_at)
        return f"{moment:%d.%m.%Y %H:%M}, {item.file.uploaded_by or ''}"


class FeedbackInline(ReadOnlyInlineMixin, admin.StackedInline):
    # New feedback is written in the submission's own field, which tells the team.
    refuses = ("add",)
    model = Feedback
    extra = 0
    can_delete = False
    fields = ("author", "created_at", "text", "attachments")
    readonly_fields = fields

    @admin.display(description=_("files"))
    def attachments(self, feedback: Feedback) -> str:
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("programme:download", kwargs={"public_id": f.public_id}), f.original_name)
                for f in feedback.files.all()
            ),
        )


class SubmissionAdminForm(forms.ModelForm):
    feedback_text = forms.CharField(
        label=capfirst(_("new feedback")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. The organisation's team sees it and is told by e-mail."),
    )
    feedback_file = forms.FileField(label=capfirst(_("file with the feedback")), required=False)

    class Meta:
        model = Submission
        fields = ["extended_due_at", "feedback_text", "feedback_file"]

    def clean_organisation(self):
        organisation = self.cleaned_data.get("organisation")
        assignment = self.cleaned_data.get("assignment")
        if organisation is not None and assignment is not None:
            taking_part = Participation.objects.filter(
                cohort_id=assignment.cohort_id, organisation=organisation
            )
            if not taking_part.exists():
                raise forms.ValidationError(
                    _("This organisation does not take part in the pre-assignment's cohort.")
                )
        return organisation

    def clean_extended_due_at(self):
        value = self.cleaned_data.get("extended_due_at")
        assignment = self.instance.assignment if self.instance.assignment_id else None
        if assignment is None:
            assignment = self.cleaned_data.get("assignment")
        if value is not None and assignment is not None and value <= assignment.due_at:
            raise forms.ValidationError(
                _("An extension must come after the pre-assignment's own due date.")
            )
        return value

    def clean(self):
        data = super().clean()
        if data.get("feedback_file") and not data.get("feedback_text"):
            self.add_error("feedback_text", _("Write a few words to go with the file."))
        if upload := data.get("feedback_file"):
            try:
                check_upload(upload, allowed=FILE_TYPES.keys(), max_bytes=50 * 1024 * 1024)
            except forms.ValidationError as error:
                self.add_error("feedback_file", error)
            upload.seek(0)
        return data


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    form = SubmissionAdminForm
    list_display = [
        "organisation",
        "assignment",
        "state",
        "is_late",
        "submitted_at",
        "extended_due_at",
    ]
    list_filter = ["assignment__cohort", "state", "is_late"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "assignment"]
    readonly_fields = ["assignment", "organisation", "state", "submitted_at", "submitted_by"]
    inlines = [SubmittedFileInline, FeedbackInline]
    fieldsets = [
        (None, {"fields": ["assignment", "organisation", "state", "submitted_at", "submitted_by"]}),
        (_("Deadline"), {"fields": ["extended_due_at"]}),
        (_("Give feedback"), {"fields": ["feedback_text", "feedback_file"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # Added by staff only to give an organisation that has not started a later date.
            return ["state", "submitted_at", "submitted_by"]
        return super().get_readonly_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.filter(
                participations__isnull=False
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["fields"] = ["assignment", "organisation", "extended_due_at"]
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["assignment", "organisation", "extended_due_at"]})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request: HttpRequest, obj: Submission, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "extended_due_at" in form.changed_data:
            services.set_extension(obj, obj.extended_due_at)
            told = services.tell_new_due_date(obj.assignment, obj.organisation)
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "The new due date was sent to %(count)d member of the team.",
                        "The new due date was sent to %(count)d members of the team.",
                        told,
                    )
                    % {"count": told},
                )
        text = form.cleaned_data.get("feedback_text") if change else ""
        if text:
            files = []
            if upload := form.cleaned_data.get("feedback_file"):
                files.append(
                    store(
                        upload,
                        allowed=FILE_TYPES.keys(),
                        max_bytes=50 * 1024 * 1024,
                        by=request.user,
                    )
                )
            services.give_feedback(obj, author=request.user, text=text, files=files)
            self.message_user(request, gettext("The feedback has been given, and the team told."))
