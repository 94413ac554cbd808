"""Factor sets, categories and their mapping in the admin; action plans to look at."""

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from academy.admin_access import ReadOnlyInlineMixin, ReadOnlyMixin
from academy.models import Cohort
from academy.rules import is_programme_staff
from academy.uploads import sizes_apart

from .models import (
    ActionItem,
    ActionPlan,
    CategoryFactor,
    CategoryPlan,
    CategorySpend,
    CohortFactorSet,
    EmissionFactor,
    FactorSet,
    OperatingModel,
    PlanChange,
    PlanComment,
    PlanSubmission,
    PriceIndex,
    ProcurementCategory,
    ReductionMeasure,
    SuggestedMeasure,
)
from .services import collaboration
from .services.comparison import anonymised_xlsx, compare
from .services.conversion import use_factor_set
from .services.exports import XLSX_TYPE
from .services.factor_import import FactorImportError, import_factor_set

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MAX_FACTOR_FILE = 20 * 1024 * 1024


class FactorSetImportForm(forms.ModelForm):
    file = forms.FileField(
        label=capfirst(_("file")),
        help_text=_('CSV (UTF-8 or Windows-1252, fields separated by ";", "," or a tab) or XLSX.'),
    )
    code_column = forms.CharField(label=_("Column of the code"), initial="code")
    name_column = forms.CharField(label=_("Column of the name"), initial="name")
    value_column = forms.CharField(label=_("Column of the factor"), initial="kg_per_eur")
    multiplier = forms.DecimalField(
        label=_("Multiply every factor by"),
        initial=Decimal(1),
        min_value=Decimal("0.000001"),
        max_digits=12,
        decimal_places=6,
        help_text=_(
            "To convert the unit, e.g. 1.0530 for kg CO2e per 2022 US dollar to per euro. "
            "Record the conversion in the notes."
        ),
    )

    class Meta:
        model = FactorSet
        fields = [
            "name",
            "publisher",
            "version",
            "licence",
            "unit",
            "currency",
            "price_year",
            "region",
            "indicative",
            "description_fi",
            "description_sv",
            "description_en",
            "notes",
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FACTOR_FILE:
            size, limit = sizes_apart(upload.size, MAX_FACTOR_FILE)
            raise forms.ValidationError(
                _("The file is too large: %(size)s. The limit is %(limit)s.")
                % {"size": size, "limit": limit}
            )
        return upload


class FactorTotal(TypedDict):
    """What the factor set list annotates on each set."""

    factor_total: int


@admin.register(FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "publisher",
        "price_year",
        "region",
        "is_default",
        "indicative",
        "factor_count",
    ]
    search_fields = ["name", "publisher"]
    readonly_fields = ["factors_link", "created_at"]
    change_list_template = "admin/plans/factorset/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(factor_total=Count("factors"))

    @admin.display(description=_("factors"), ordering="factor_total")
    def factor_count(self, factor_set: "WithAnnotations[FactorSet, FactorTotal]") -> int:
        return factor_set.factor_total

    @admin.display(description=_("factors"))
    def factors_link(self, factor_set: FactorSet) -> str:
        if factor_set.pk is None:
            return "–"
        url = (
            reverse("admin:plans_emissionfactor_changelist")
            + f"?factor_set__id__exact={factor_set.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Show the factors"))

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="plans_factorset_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FactorSetImportForm(request.POST or None, request.FILES or None)
        problems, total = [], 0
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            metadata = {name: data[name] for name in FactorSetImportForm.Meta.fields}
            try:
                factor_set = import_factor_set(
                    data["file"],
                    metadata=metadata,
                    code_column=data["code_column"],
                    name_column=data["name_column"],
                    value_column=data["value_column"],
                    multiplier=data["multiplier"],
                )
            except FactorImportError as error:
                problems, total = error.problems, error.total
            else:
                count = factor_set.factors.count()
                self.message_user(
                    request,
                    ngettext(
                        "%(set)s was imported with %(count)d factor.",
                        "%(set)s was imported with %(count)d factors.",
                        count,
                    )
                    % {"set": factor_set, "count": count},
                    messages.SUCCESS,
                )
                return redirect("admin:plans_factorset_change", factor_set.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a factor set"),
            "form": form,
            "problems": problems,
            "total": total,
        }
        return TemplateResponse(request, "admin/plans/factorset/import.html", context)


@admin.register(PriceIndex)
class PriceIndexAdmin(admin.ModelAdmin):
    list_display = ["year", "value", "source"]


@admin.register(CohortFactorSet)
class CohortFactorSetAdmin(admin.ModelAdmin):
    """Which set a cohort's plans use: saving moves the cohort's plans not submitted to it."""

    list_display = ["cohort", "factor_set", "units_per_euro"]
    list_select_related = ["cohort", "factor_set"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = use_factor_set(obj.cohort, obj.factor_set)
        self.message_user(
            request,
            ngettext(
                "%(count)d action plan of the cohort now uses %(set)s; submitted plans keep "
                "their set until they are reopened.",
                "%(count)d action plans of the cohort now use %(set)s; submitted plans keep "
                "their set until they are reopened.",
                changed,
            )
            % {"count": changed, "set": obj.factor_set},
            messages.INFO,
        )


@admin.register(EmissionFactor)
class EmissionFactorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kg_per_eur", "factor_set"]
    list_filter = ["factor_set"]
    search_fields = ["code", "name"]
    list_select_related = ["factor_set"]


class CategoryFactorInline(admin.TabularInline):
    model = CategoryFactor
    extra = 0
    autocomplete_fields = ["factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("factor__factor_set")


@admin.register(ProcurementCategory)
class ProcurementCategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name_fi", "name_sv", "name_en", "code"]
    inlines = [CategoryFactorInline]


def frozen_version_link(submission: PlanSubmission) -> str:
    url = reverse(
        "plans:submission",
        kwargs={
            "participation": submission.plan.participation_id,
            "submission_id": submission.pk,
        },
    )
    return format_html('<a href="{}">{}</a>', url, gettext("Show"))


class PlanSubmissionInline(ReadOnlyInlineMixin, admin.TabularInline):
    refuses = ("add", "change")
    model = PlanSubmission
    fields = ("submitted_at", "submitted_by", "reopened_at", "reopened_by", "frozen_version")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by", "reopened_by", "plan")

    @admin.display(description=_("frozen version"))
    def frozen_version(self, submission: PlanSubmission) -> str:
        return frozen_version_link(submission)


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["participation", "factor_set", "spend_year", "created_at"]
    list_filter = ["participation__cohort", "factor_set"]
    list_select_related = ["participation__organisation", "participation__cohort", "factor_set"]
    readonly_fields = ["participation", "created_at"]
    inlines = [PlanSubmissionInline]
    actions = ["reopen_submitted_plans"]

    @admin.action(
        description=_("Reopen the selected submitted plans for changes"), permissions=["reopen"]
    )
    def reopen_submitted_plans(self, request: HttpRequest, queryset) -> None:
        reopened = sum(collaboration.reopen_plan(plan, request.user) for plan in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d plan reopened: its team can change it again.",
                "%(count)d plans reopened: their teams can change them again.",
                reopened,
            )
            % {"count": reopened},
            messages.SUCCESS if reopened else messages.WARNING,
        )

    def has_reopen_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("plans.reopen_plansubmission")

    def get_urls(self):
        return [*comparison_urls(self), *super().get_urls()]


@admin.register(CategorySpend)
class CategorySpendAdmin(ReadOnlyMixin, admin.ModelAdmin):
    refuses = ("add", "change")
    list_display = ["plan", "year", "category", "amount_eur", "factor_override", "source"]
    list_filter = ["year", "source", "plan__participation__cohort"]
    list_select_related = ["plan__participation__organisation", "category"]


@admin.register(SuggestedMeasure)
class SuggestedMeasureAdmin(admin.ModelAdmin):
    list_display = ["title_fi", "category", "kind", "reduction_low", "reduction_high"]
    list_filter = ["kind", "category"]
    search_fields = ["title_fi", "title_sv", "title_en", "description"]


@admin.register(ReductionMeasure)
class ReductionMeasureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    refuses = ("add", "change")
    list_display = [
        "title",
        "plan",
        "category",
        "kind",
        "reduction_low",
        "reduction_high",
        "influence",
    ]
    list_filter = ["kind", "category", "plan__participation__cohort"]
    list_select_related = ["plan__participation__organisation", "category"]
    search_fields = ["title"]


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """What the participant pages write: staff look here, and act on those pages."""

    refuses = ("add", "change")


@admin.register(CategoryPlan)
class CategoryPlanAdmin(ReadOnlyAdmin):
    list_display = ["category", "plan", "owner", "starts_on", "ends_on", "updated_at"]
    list_filter = ["plan__participation__cohort", "category"]
    list_select_related = ["plan__participation__organisation", "category", "owner"]


@admin.register(OperatingModel)
class OperatingModelAdmin(ReadOnlyAdmin):
    list_display = ["plan", "sections_written", "review_month", "updated_at"]
    list_filter = ["plan__participation__cohort"]
    list_select_related = ["plan__participation__organisation"]

    @admin.display(description=_("sections written"))
    def sections_written(self, model: OperatingModel) -> str:
        filled, total = model.filled_sections()
        return f"{filled}/{total}"


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "owner", "due", "state", "done_at"]
    list_filter = ["state", "plan__participation__cohort"]
    list_select_related = ["plan__participation__organisation", "owner"]
    search_fields = ["title"]


# Staff's comparison of a cohort's plans, reached from the cohort's dashboard.


def comparison_urls(model_admin: admin.ModelAdmin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "cohort/<int:pk>/comparison/",
            wrap(partial(comparison_view, model_admin)),
            name="plans_cohort_comparison",
        ),
        path(
            "cohort/<int:pk>/comparison.xlsx",
            wrap(comparison_export),
            name="plans_cohort_comparison_export",
        ),
    ]


def _cohort_for_programme_staff(request: HttpRequest, pk: int) -> Cohort:
    if not is_programme_staff(request.user):
        raise PermissionDenied
    return get_object_or_404(Cohort, pk=pk)


def comparison_view(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int):
    cohort = _cohort_for_programme_staff(request, pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Cohort._meta,
        "cohort": cohort,
        "title": gettext("Action plans compared: %(cohort)s") % {"cohort": cohort},
        "standings": compare(cohort),
    }
    return TemplateResponse(request, "admin/plans/comparison.html", context)


def comparison_export(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_programme_staff(request, pk)
    response = HttpResponse(anonymised_xlsx(cohort), content_type=XLSX_TYPE)
    filename = slugify(f"{cohort.name}-{gettext('action plans compared')}") + ".xlsx"
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # only an inline file without a name has none
    response["Content-Disposition"] = disposition
    return response


@admin.register(PlanComment)
class PlanCommentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "section", "author", "by_staff", "created_at", "resolved_at"]
    list_filter = [
        "by_staff",
        ("resolved_at", admin.EmptyFieldListFilter),
        "plan__participation__cohort",
    ]
    list_select_related = ["plan__participation__organisation", "author"]
    search_fields = ["body", "section", "plan__participation__organisation__name"]


@admin.register(PlanChange)
class PlanChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "plan", "section", "user", "text"]
    list_filter = ["plan__participation__cohort"]
    list_select_related = ["plan__participation__organisation", "user"]
    search_fields = ["section", "plan__participation__organisation__name"]


@admin.register(PlanSubmission)
class PlanSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "submitted_at", "submitted_by", "reopened_at", "frozen_version"]
    list_filter = ["plan__participation__cohort", ("reopened_at", admin.EmptyFieldListFilter)]
    list_select_related = ["plan__participation__organisation", "submitted_by"]
    exclude = ["snapshot", "html"]
    readonly_fields = ["frozen_version"]

    @admin.display(description=_("frozen version"))
    def frozen_version(self, submission: PlanSubmission) -> str:
        return frozen_version_link(submission)
