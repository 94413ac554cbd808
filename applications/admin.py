import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from academy.admin_access import ObjectRulesMixin, ReadOnlyInlineMixin, ReadOnlyMixin
from academy.models import Cohort, User
from academy.spreadsheets import ExportForm, SpreadsheetCSV

from . import answers, decisions, interviews, services
from .models import (
    EDITABLE_STATES,
    Application,
    ApplicationQuerySet,
    ApplicationState,
    ApplicationVersion,
    InternalNote,
    Interview,
    InterviewQuerySet,
    InterviewSlot,
    InterviewSlotQuerySet,
    ProposedMember,
    Review,
    ReviewCriterion,
    Score,
    StateChange,
)
from .resources import ApplicationResource

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Scored(TypedDict):
    """What ``with_scores`` annotates: None while nothing counted is scored."""

    score: Decimal | None


class WithBookings(TypedDict):
    """The standing interviews, prefetched to ``booked``."""

    booked: list[Interview]


def with_scores(queryset: QuerySet) -> QuerySet:
    """Annotate the weighted mean of every score given without a conflict of interest."""
    # A score counts when no conflict was declared and its criterion is the application's cohort's.
    counted = Q(reviews__conflict_of_interest=False) & Q(
        reviews__scores__criterion__cohort=F("cohort")
    )
    weighted = ExpressionWrapper(
        F("reviews__scores__value") * F("reviews__scores__criterion__weight"),
        output_field=DecimalField(max_digits=12, decimal_places=4),
    )
    return queryset.annotate(
        weighted_sum=Sum(weighted, filter=counted),
        weight_sum=Sum("reviews__scores__criterion__weight", filter=counted),
    ).annotate(
        score=ExpressionWrapper(
            F("weighted_sum") / F("weight_sum"),
            output_field=DecimalField(max_digits=6, decimal_places=2),
        )
    )


def render_sections(data: dict) -> str:
    """A snapshot as escaped HTML: every answer and the team."""
    parts = []
    for section in answers.sections(data):
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            (
                (item["label"].capitalize(), linebreaksbr(item["value"], autoescape=True) or "–")
                for item in section["items"]
            ),
        )
        parts.append(format_html("<h3>{}</h3><table>{}</table>", section["title"], rows))
    team = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((m["role"], m["name"], m["title"], m["email"]) for m in answers.team_display(data)),
    )
    parts.append(format_html("<h3>{}</h3><table>{}</table>", _("The proposed team"), team))
    return format_html_join("", "{}", ((part,) for part in parts))


class ReadOnlyInline(ReadOnlyInlineMixin, admin.TabularInline):
    refuses = ("add", "change")
    extra = 0
    can_delete = False
    fields: ClassVar[tuple[str, ...]] = ()

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.fields)


class ProposedMemberInline(ReadOnlyInline):
    model = ProposedMember
    fields = ("role", "name", "title", "email")


class StateChangeInline(ReadOnlyInline):
    model = StateChange
    fields = ("at", "from_state", "to_state", "by", "note")


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ("number", "created_at", "created_by")
    show_change_link = True


def conflicted(user) -> QuerySet:
    """The applications the user has declared a conflict of interest in."""
    return Review.objects.filter(reviewer=user, conflict_of_interest=True).values("application")


def without_others_reviews_of_conflicts(queryset: QuerySet, user) -> QuerySet:
    """A reviewer with a conflict of interest sees their own review of that application,
    not the others' scores."""
    return queryset.exclude(Q(application__in=conflicted(user)) & ~Q(reviewer=user))


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ("reviewer", "conflict_of_interest", "conflict_note", "updated_at")
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return without_others_reviews_of_conflicts(super().get_queryset(request), request.user)


class InternalNoteInline(ReadOnlyInlineMixin, admin.StackedInline):
    # Notes are kept as written: add a new one to correct an earlier one.
    refuses = ("change",)
    model = InternalNote
    extra = 1
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]


DECIDABLE_OR_TAKEN = [
    ApplicationState.SUBMITTED,
    ApplicationState.RESERVE,
    ApplicationState.SELECTED,
    ApplicationState.CONFIRMED,
]


class PendingDecisionForm(forms.ModelForm):
    """The list's decision column: decisions wait only on submitted or reserve applications."""

    class Meta:
        model = Application
        fields = ["pending_decision"]

    def clean_pending_decision(self) -> str:
        decision = self.cleaned_data["pending_decision"]
        if decision and self.instance.state not in decisions.DECIDABLE:
            raise forms.ValidationError(_("Only a submitted or reserve application is decided."))
        return decision


class ApplicationAdminForm(PendingDecisionForm):
    class Meta:
        model = Application
        fields = ["pending_decision", "deadline_extended_to", "extension_reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        until, reason = data.get("deadline_extended_to"), data.get("extension_reason")
        if not {"deadline_extended_to", "extension_reason"} & set(self.changed_data):
            # Saving the page for a note must not re-judge an extension set earlier.
            return data
        if until and not reason:
            self.add_error("extension_reason", _("Give the reason for the extension."))
        if until and until <= self.instance.cohort.application_closes:
            self.add_error(
                "deadline_extended_to",
                _("An extension must end after the cohort's applications close."),
            )
        if not until and reason:
            data["extension_reason"] = ""
        return data


class InterviewBookedFilter(admin.SimpleListFilter):
    """Every applicant is interviewed: staff see at a glance who has not booked."""

    title = _("interview")
    parameter_name = "interview"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("booked", gettext("Booked")), ("missing", gettext("Not booked"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        assert isinstance(queryset, ApplicationQuerySet)  # the model's own, with its filters
        if self.value() == "missing":
            return queryset.without_interview()
        if self.value() == "booked":
            return queryset.exclude(pk__in=queryset.without_interview().values("pk"))
        return queryset


@admin.register(Application)
class ApplicationAdmin(ExportMixin, ReadOnlyMixin, admin.ModelAdmin):
    # Applications are made on the public pages by the organisations themselves.
    refuses = ("add",)
    resource_classes = [ApplicationResource]
    formats = [SpreadsheetCSV, XLSX]
    export_form_class = ExportForm
    form = ApplicationAdminForm
    list_display = [
        "organisation_name",
        "organisation_kind",
        "state",
        "submitted_at",
        "score_display",
        "interview_display",
        "pending_decision",
        "cohort",
    ]
    list_editable = ["pending_decision"]
    list_filter = [
        "state",
        "pending_decision",
        "organisation_kind",
        "cohort",
        InterviewBookedFilter,
    ]
    change_list_template = "admin/applications/application/change_list.html"
    actions = ["apply_decisions", "withdraw"]
    search_fields = ["organisation_name", "business_id", "contact_name", "contact_email"]
    list_select_related = ["cohort"]
    date_hierarchy = "submitted_at"
    inlines = [
        ProposedMemberInline,
        ReviewInline,
        InternalNoteInline,
        StateChangeInline,
        VersionInline,
    ]
    overview = (
        "cohort",
        "state",
        "applicant",
        "created_at",
        "submitted_at",
        "score_display",
        "review_link",
    )
    fieldsets = [
        (None, {"fields": overview}),
        (_("Decision"), {"fields": ["pending_decision", "confirm_by"]}),
        (_("Deadline extension"), {"fields": ["deadline_extended_to", "extension_reason"]}),
        (_("Answers"), {"fields": ["answers_display"]}),
    ]
    readonly_fields = [*overview, "confirm_by", "answers_display"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        booked = Interview.objects.active().select_related("slot")
        # A grouped query drops the model's ordering; lists and the autocomplete page by it.
        return (
            with_scores(super().get_queryset(request))
            .annotate(
                conflicted=Exists(conflicted(request.user).filter(application=OuterRef("pk")))
            )
            .order_by("-submitted_at", "-created_at", "pk")
            .prefetch_related(Prefetch("interviews", booked, to_attr="booked"))
        )

    @admin.display(description=_("interview"))
    def interview_display(self, application: "WithAnnotations[Application, WithBookings]") -> str:
        return str(application.booked[0].slot) if application.booked else "–"

    def get_changelist_form(self, request: HttpRequest, **kwargs):
        return PendingDecisionForm

    def changelist_view(self, request: HttpRequest, extra_context=None):
        cohorts = Cohort.objects.filter(applications__state__in=DECIDABLE_OR_TAKEN).distinct()
        capacity = [(cohort, decisions.places_taken(cohort)) for cohort in cohorts]
        for cohort, taken in capacity:
            if taken > cohort.capacity:
                self.message_user(
                    request,
                    _("%(cohort)s: %(taken)s places selected, but the capacity is %(capacity)s.")
                    % {"cohort": cohort, "taken": taken, "capacity": cohort.capacity},
                    level=messages.WARNING,
                )
        return super().changelist_view(request, {**(extra_context or {}), "capacity": capacity})

    @admin.action(
        description=_("Apply the pending decisions (the decision mails wait as drafts)"),
        permissions=["change"],
    )
    def apply_decisions(self, request: HttpRequest, queryset: QuerySet) -> None:
        now = timezone.now()
        pending = queryset.exclude(pending_decision="")
        held = Interview.objects.filter(
            application=OuterRef("pk"), cancelled_at__isnull=True, slot__ends_at__lte=now
        )
        not_interviewed = pending.exclude(Exists(held)).count()
        if not_interviewed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of these applications has not been interviewed yet.",
                    "%(count)d of these applications have not been interviewed yet.",
                    not_interviewed,
                )
                % {"count": not_interviewed},
                level=messages.WARNING,
            )
        applied = decisions.apply_decisions(queryset, by=request.user, now=now)
        outbox = reverse("admin:notifications_outgoingemail_changelist") + "?state__exact=draft"
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                ngettext(
                    "%(count)d decision applied. Its mail waits as a draft in the outbox.",
                    "%(count)d decisions applied. Their mails wait as drafts in the outbox.",
                    applied,
                )
                % {"count": applied},
                outbox,
                _("Review and send them"),
            ),
        )

    @admin.action(
        description=_("Withdraw the selected applications at the organisation's request"),
        permissions=["change"],
    )
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for application in queryset.filter(state__in=EDITABLE_STATES):
            services.withdraw_application(
                application,
                by=request.user,
                now=timezone.now(),
                reason=str(_("Withdrawn by programme staff at the organisation's request")),
                by_staff=True,
            )
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d application withdrawn.", "%(count)d applications withdrawn.", done)
            % {"count": done},
        )

    @admin.display(description=_("weighted score"), ordering="score")
    def score_display(self, application: "WithAnnotations[Application, Scored]") -> str:
        if getattr(application, "conflicted", False):
            return gettext("hidden: you declared a conflict of interest")
        if application.score is None:
            return "–"
        # Django's number format cuts the digits off; a score is rounded (4.1667 is 4.17).
        rounded = Decimal(application.score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return formats.number_format(rounded, 2, use_l10n=True)

    @admin.display(description=_("answers"))
    def answers_display(self, application: Application) -> str:
        return render_sections(answers.snapshot(application, application.team.all()))

    @admin.display(description=_("your review"))
    def review_link(self, application: Application) -> str:
        # The add page goes on to the reviewer's existing review when there is one.
        url = reverse("admin:applications_review_add") + f"?application={application.pk}"
        return format_html(
            '<a href="{}">{}</a>', url, _("Score this application or change your scores")
        )

    def save_model(self, request: HttpRequest, obj: Application, form, change: bool) -> None:
        # Only the pending decision and the extension are editable here. The
        # decision waits quietly; the extension goes through the service, which
        # locks the row and tells the applicant.
        if "pending_decision" in form.changed_data:
            Application.objects.filter(pk=obj.pk).update(pending_decision=obj.pending_decision)
        if "deadline_extended_to" in form.fields:
            services.set_extension(
                obj,
                form.cleaned_data.get("deadline_extended_to"),
                form.cleaned_data.get("extension_reason", ""),
                by=request.user,
            )

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        for note in formset.save(commit=False):
            note.author = request.user
            note.save()


@admin.register(ApplicationVersion)
class ApplicationVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # A version is the application as it was submitted, kept as it is.
    refuses = ("add", "change", "delete")
    list_display = ["application", "number", "created_at", "created_by"]
    list_filter = ["application__cohort"]
    search_fields = ["application__organisation_name", "application__business_id"]
    list_select_related = ["application", "created_by"]
    fields = ("application", "number", "created_at", "created_by", "answers_display")
    readonly_fields = fields

    @admin.display(description=_("answers"))
    def answers_display(self, version: ApplicationVersion) -> str:
        return render_sections(version.answers)


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(ObjectRulesMixin, admin.ModelAdmin):
    list_display = ["name", "cohort", "weight", "position"]
    list_editable = ["weight", "position"]
    list_filter = ["cohort"]
    list_select_related = ["cohort"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # A scored criterion stays in its cohort: moving it would move its scores.
        return ["cohort"] if obj is not None and obj.scores.exists() else []


class ScoreForm(forms.ModelForm):
    class Meta:
        model = Score
        fields = ["criterion", "value", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}


class ScoreFormSet(forms.BaseInlineFormSet):
    # The criteria not scored yet, offered as empty rows: set per request by ScoreInline.
    unscored: ClassVar[list[int]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = [{"criterion": pk} for pk in self.unscored]
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        application = getattr(self.instance, "application", None)
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and getattr(form, "cleaned_data", {}).get("value")
        ]
        if self.instance.conflict_of_interest and kept:
            raise forms.ValidationError(
                _(
                    "Declare a conflict of interest or give scores, not both: remove the scores "
                    "(tick Delete) to declare a conflict."
                )
            )
        for form in self.forms:
            criterion = getattr(form, "cleaned_data", {}).get("criterion")
            if criterion and application and criterion.cohort_id != application.cohort_id:
                form.add_error("criterion", _("This criterion belongs to another cohort."))


class ScoreInline(admin.TabularInline):
    model = Score
    form = ScoreForm
    formset = ScoreFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        assert field is not None  # a foreign key always has a form field
        # Criteria are edited on their own page, not from a reviewer's scores.
        for flag in ("can_add_related", "can_change_related", "can_delete_related"):
            setattr(field.widget, flag, False)
        return field

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        application = obj.application if obj else _application_from(request)
        criteria = list(application.cohort.review_criteria.all()) if application else []
        scored = set(obj.scores.values_list("criterion_id", flat=True)) if obj else set()
        unscored = [criterion for criterion in criteria if criterion.pk not in scored]
        base = super().get_formset(request, obj, extra=len(unscored), **kwargs)
        choice = base.form.base_fields["criterion"]
        assert isinstance(choice, forms.ModelChoiceField)  # a foreign key's form field
        choice.queryset = ReviewCriterion.objects.filter(pk__in=[c.pk for c in criteria])
        return type("CriteriaFormSet", (base,), {"unscored": [c.pk for c in unscored]})


def _staff_member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the admin serves signed-in staff only
    return request.user


def _application_from(request: HttpRequest) -> Application | None:
    # On a posted form the application chosen in the form decides, not the address.
    pk = request.POST.get("application") or request.GET.get("application")
    if not (pk and str(pk).isdigit()):
        return None
    return Application.objects.select_related("cohort").filter(pk=pk).first()


class ReviewForm(forms.ModelForm):
    reviewer = None  # set per request by ReviewAdmin.get_form

    class Meta:
        model = Review
        fields = ["application", "conflict_of_interest", "conflict_note"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("conflict_of_interest") and not data.get("conflict_note"):
            self.add_error("conflict_note", _("Say briefly what the conflict of interest is."))
        return data

    def clean_application(self) -> Application:
        application = self.cleaned_data["application"]
        if application.state in (ApplicationState.DRAFT, ApplicationState.WITHDRAWN):
            raise forms.ValidationError(_("Only submitted applications are reviewed."))
        others = Review.objects.filter(application=application, reviewer=self.reviewer)
        if not self.instance.pk and others.exists():
            raise forms.ValidationError(_("You have already reviewed this application."))
        return application


@admin.register(Review)
class ReviewAdmin(ObjectRulesMixin, admin.ModelAdmin):
    form = ReviewForm
    inlines = [ScoreInline]
    list_display = ["application", "reviewer", "conflict_of_interest", "updated_at"]
    list_filter = ["application__cohort", "conflict_of_interest"]
    search_fields = ["application__organisation_name", "reviewer__email"]
    list_select_related = ["application", "reviewer"]
    autocomplete_fields = ["application"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["application"] if obj else []

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return without_others_reviews_of_conflicts(super().get_queryset(request), request.user)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"reviewer": request.user})

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        application = _application_from(request)
        reviewer = _staff_member(request)
        own = Review.objects.filter(application=application, reviewer=reviewer).first()
        if application and own and request.method == "GET":
            return redirect("admin:applications_review_change", own.pk)
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Review, form, change: bool) -> None:
        if not change:
            obj.reviewer = _staff_member(request)
        super().save_model(request, obj, form, change)


class SlotGenerationForm(forms.Form):
    """Many slots at once: every day of a period, from a daily start to a daily end."""

    cohort = forms.ModelChoiceField(queryset=Cohort.objects.all(), label=_("cohort"))
    first_day = forms.DateField(label=_("first day"), widget=AdminDateWidget)
    last_day = forms.DateField(label=_("last day"), widget=AdminDateWidget)
    weekdays_only = forms.BooleanField(label=_("weekdays only"), required=False, initial=True)
    day_starts = forms.TimeField(label=_("daily start (Finnish time)"), initial=dt.time(9, 0))
    day_ends = forms.TimeField(label=_("daily end (Finnish time)"), initial=dt.time(16, 0))
    length = forms.IntegerField(label=_("length (minutes)"), min_value=5, max_value=480, initial=45)
    buffer = forms.IntegerField(
        label=_("buffer between interviews (minutes)"), min_value=0, max_value=240, initial=15
    )
    interviewers = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_staff=True), required=False, label=_("interviewers")
    )
    meeting_url = forms.URLField(
        label=_("online meeting link"), required=False, assume_scheme="https"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot come before the first."))
        if first and last and (last - first).days > 60:
            self.add_error("last_day", _("Generate at most 60 days at a time."))
        starts, ends = data.get("day_starts"), data.get("day_ends")
        if starts and ends and ends <= starts:
            self.add_error("day_ends", _("The day must end after it starts."))
        return data


class SlotBookedFilter(admin.SimpleListFilter):
    title = _("booking")
    parameter_name = "booking"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("free", gettext("Free")), ("booked", gettext("Booked"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        assert isinstance(queryset, InterviewSlotQuerySet)  # the model's own, with its filters
        if self.value() == "free":
            return queryset.free()
        if self.value() == "booked":
            return queryset.exclude(pk__in=queryset.free().values("pk"))
        return queryset


@admin.register(InterviewSlot)
class InterviewSlotAdmin(ObjectRulesMixin, admin.ModelAdmin):
    list_display = ["__str__", "cohort", "booked_by_display", "interviewer_names"]
    list_filter = ["cohort", SlotBookedFilter]
    date_hierarchy = "starts_at"
    filter_horizontal = ["interviewers"]
    actions = ["delete_free"]
    change_list_template = "admin/applications/interviewslot/change_list.html"

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # A booked time is moved by moving its interview (which tells the calendar),
        # not by editing the slot under it.
        if obj is not None and obj.interviews.active().exists():
            return ["cohort", "starts_at", "ends_at", "meeting_url"]
        return []

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        booked = Interview.objects.active().select_related("application")
        return (
            super()
            .get_queryset(request)
            .select_related("cohort")
            .prefetch_related("interviewers", Prefetch("interviews", booked, to_attr="booked"))
        )

    @admin.display(description=_("booked by"))
    def booked_by_display(self, slot: "WithAnnotations[InterviewSlot, WithBookings]") -> str:
        return slot.booked[0].application.organisation_name if slot.booked else "–"

    @admin.display(description=_("interviewers"))
    def interviewer_names(self, slot: InterviewSlot) -> str:
        return ", ".join(person.get_full_name() for person in slot.interviewers.all())

    def get_urls(self):
        generate = self.admin_site.admin_view(self.generate_view)
        return [
            path("generate/", generate, name="applications_interviewslot_generate"),
            *super().get_urls(),
        ]

    def generate_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        # The current cohort is chosen already; its interview weeks are the first days offered.
        current = Cohort.objects.current()
        initial = {}
        if current is not None:
            initial = {
                "cohort": current.pk,
                "first_day": current.interviews_start,
                "last_day": current.interviews_end,
            }
        form = SlotGenerationForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created, skipped = interviews.generate_slots(
                data["cohort"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                day_starts=data["day_starts"],
                day_ends=data["day_ends"],
                length=dt.timedelta(minutes=data["length"]),
                buffer=dt.timedelta(minutes=data["buffer"]),
                interviewers=data["interviewers"],
                meeting_url=data["meeting_url"],
                weekdays_only=data["weekdays_only"],
            )
            self.message_user(
                request,
                ngettext("%(count)d slot created.", "%(count)d slots created.", len(created))
                % {"count": len(created)},
            )
            if skipped:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d slot left out: it overlaps another of its interviewers' slots.",
                        "%(count)d slots left out: they overlap their interviewers' other slots.",
                        skipped,
                    )
                    % {"count": skipped},
                    level=messages.WARNING,
                )
            return redirect("admin:applications_interviewslot_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate interview slots"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/applications/interviewslot/generate.html", context)

    @admin.action(
        description=_("Delete the selected slots that nobody has booked"), permissions=["delete"]
    )
    def delete_free(self, request: HttpRequest, queryset: QuerySet) -> None:
        # Only slots nobody has ever booked: a cancelled booking keeps its slot as history.
        with transaction.atomic():
            never_booked = queryset.filter(interviews__isnull=True).select_for_update(of=("self",))
            ids = list(never_booked.values_list("pk", flat=True))
            InterviewSlot.objects.filter(pk__in=ids).delete()
        count = len(ids)
        self.message_user(
            request,
            ngettext("%(count)d free slot deleted.", "%(count)d free slots deleted.", count)
            % {"count": count},
        )


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = [
            "application",
            "slot",
            "no_show",
            "readiness",
            "commitment",
            "recommendation",
            "assessment",
            "notes",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        application = data.get("application") or getattr(self.instance, "application", None)
        slot = data.get("slot")
        if application and slot and application.cohort_id != slot.cohort_id:
            self.add_error("slot", _("This slot belongs to another cohort."))
        booking = self.instance.pk is None or "slot" in self.changed_data
        if booking and application and application.state != ApplicationState.SUBMITTED:
            self.add_error(None, _("Only a submitted application is interviewed."))
        if booking and slot and slot.starts_at <= timezone.now():
            self.add_error("slot", _("This time has already begun."))
        if booking and self.instance.cancelled_at is not None:
            self.add_error(None, _("This interview has been cancelled."))
        others = Interview.objects.active().exclude(pk=self.instance.pk)
        if slot and others.filter(slot=slot).exists():
            self.add_error("slot", _("This time has already been booked."))
        if application and others.filter(application=application).exists():
            self.add_error("application", _("This application already has an interview."))
        return data


@admin.register(Interview)
class InterviewAdmin(ObjectRulesMixin, admin.ModelAdmin):
    """The interview desk: who is booked when, the assessment, notes and no-shows."""

    form = InterviewForm
    list_display = ["slot", "application", "no_show", "recommendation", "assessed", "cancelled_at"]
    list_filter = [
        "slot__cohort",
        "no_show",
        "recommendation",
        ("cancelled_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["application__organisation_name", "application__business_id"]
    list_select_related = ["slot", "application"]
    autocomplete_fields = ["application"]
    readonly_fields = ["booked_at", "booked_by", "cancelled_at", "cancelled_by", "sequence"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(self.readonly_fields)
        return [*fields, "application"] if obj else fields

    @admin.display(description=_("assessed"), boolean=True)
    def assessed(self, interview: Interview) -> bool:
        return bool(interview.assessment)

    def save_model(self, request: HttpRequest, obj: Interview, form, change: bool) -> None:
        # Booking and moving go through the services: the locks, the calendar
        # invitation and its SEQUENCE are the same as when the applicant does it.
        # The form has checked that the slot is free; a booking made in the moment
        # between is refused by the database, and the page fails rather than double-book.
        now = timezone.now()
        if not change:
            booked = interviews.book_interview(obj.slot, obj.application, by=request.user, now=now)
            obj.pk = booked.pk
        elif "slot" in form.changed_data:
            original = Interview.objects.get(pk=obj.pk)
            interviews.reschedule_interview(
                original, obj.slot, by=request.user, now=now, by_staff=True
            )
        Interview.objects.filter(pk=obj.pk).update(
            no_show=obj.no_show,
            readiness=obj.readiness,
            commitment=obj.commitment,
            recommendation=obj.recommendation,
            assessment=obj.assessment,
            notes=obj.notes,
        )
        obj.refresh_from_db()

    @admin.action(description=_("Cancel the selected interviews"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: InterviewQuerySet) -> None:
        done = 0
        for interview in queryset.active():
            try:
                interviews.cancel_interview(
                    interview, by=request.user, now=timezone.now(), by_staff=True
                )
            except services.ApplicationError:
                continue  # cancelled a moment ago by its applicant
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d interview cancelled.", "%(count)d interviews cancelled.", done)
            % {"count": done},
        )

    actions = ["cancel"]
