"""The purchase-ledger import: upload, columns, progress, review, and the accounts' categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from academy.access import SignedInRequest, require_perm

from ..access import plan_started_on_visit
from ..forms.ledger import ColumnsForm, MappingForm, UploadForm
from ..models import ImportState, LedgerColumn, ProcurementCategory
from ..services import collaboration, ledger, reconciliation
from ..services.collaboration import PlanSubmitted
from ..services.columns import vat_notes
from ..services.exports import XLSX_TYPE
from ..services.ledger_review import review
from ..services.tabular import TableError
from .collaboration import refuse_when_submitted

# A page of accounts stays well under Django's limit of 1 000 fields in a form.
ACCOUNTS_PER_PAGE = 250


def _import_of(action_plan, import_id: int):
    return get_object_or_404(
        action_plan.ledger_imports.select_related("file", "created_by"), pk=import_id
    )


@login_required
@refuse_when_submitted()
def ledger_page(request: SignedInRequest, participation: int) -> HttpResponse:
    """Upload a purchase-invoice file; what is in use, and earlier imports."""
    found, action_plan, member = plan_started_on_visit(
        request, participation, staff_need_started=True
    )
    if action_plan is None:
        return redirect("plans:plan", participation=found.pk)
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"year": action_plan.spend_year}
    )
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        if form.is_valid():
            try:
                started = ledger.start(
                    action_plan,
                    form.cleaned_data["file"],
                    year=form.cleaned_data["year"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect(
                    "plans:ledger_columns", participation=found.pk, import_id=started.pk
                )
    imports = action_plan.ledger_imports.select_related("file", "created_by").order_by(
        "-created_at"
    )[:20]
    return render(
        request,
        "plans/ledger.html",
        {
            "participation": found,
            "plan": action_plan,
            "form": form,
            "imports": imports,
            "applied": ledger.applied_import(action_plan),
            "is_member": member,
            **collaboration.editing(action_plan, member),
        },
    )


@login_required
@refuse_when_submitted(whole_page=True)
def ledger_columns(request: SignedInRequest, participation: int, import_id: int) -> HttpResponse:
    """Say which column is which, with the file's first rows to look at."""
    found, action_plan, _member = plan_started_on_visit(
        request, participation, staff_need_started=True
    )
    require_perm(request, "academy.change_workspace", found)
    if action_plan is None:
        raise Http404
    chosen = _import_of(action_plan, import_id)
    if chosen.state not in {ImportState.UPLOADED, ImportState.FAILED}:
        return redirect("plans:ledger_import", participation=found.pk, import_id=chosen.pk)
    try:
        header, preview = _preview(chosen)
    except TableError as error:
        messages.error(request, str(error))
        return redirect("plans:ledger", participation=found.pk)
    form = ColumnsForm(
        request.POST or None,
        header=header,
        year=chosen.year,
        initial={**chosen.columns, "vat_mode": chosen.vat_mode, "vat_rate": chosen.vat_rate},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ledger.choose_columns(
            chosen,
            {name: data[name] for name in ColumnsForm.SELECTS},
            vat_mode=data["vat_mode"],
            vat_rate=data["vat_rate"],
            states=(ImportState.UPLOADED, ImportState.FAILED),
        ):
            messages.info(request, _("The file is already being read."))
        return redirect("plans:ledger_import", participation=found.pk, import_id=chosen.pk)
    return render(
        request,
        "plans/ledger_columns.html",
        {
            "participation": found,
            "plan": action_plan,
            "ledger_import": chosen,
            "form": form,
            "header": header,
            "preview": preview,
            "vat_notes": vat_notes(form.kinds, form[LedgerColumn.AMOUNT].value()),
        },
    )


def _preview(chosen) -> tuple[list[str], list[list[str]]]:
    """The header and the first rows with something in them (ledger.column_preview)."""
    return ledger.column_preview(chosen.file)


@login_required
@refuse_when_submitted()
def ledger_import(request: SignedInRequest, participation: int, import_id: int) -> HttpResponse:
    """An import's progress, then what it read: apply it, discard it, or start it again."""
    found, action_plan, member = plan_started_on_visit(
        request, participation, staff_need_started=True
    )
    if action_plan is None:
        raise Http404
    chosen = _import_of(action_plan, import_id)
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        action = request.POST.get("action")
        back = redirect("plans:ledger_import", participation=found.pk, import_id=chosen.pk)
        if action == "apply" and chosen.state == ImportState.REVIEW:
            try:
                ledger.apply(chosen, by=request.user, replacing=_replacing(request))
            except PlanSubmitted as error:
                messages.error(request, error.message)
                return back
            except (ledger.InUseChanged, ledger.NotAnyMore) as error:
                messages.error(request, _(error.message))
                return back
            messages.success(request, _("The import is in use and the analysis updated."))
            return redirect("plans:ledger_accounts", participation=found.pk)
        if action == "discard" and chosen.state != ImportState.APPLIED and not chosen.is_working:
            try:
                ledger.discard(chosen)
            except ledger.NotAnyMore as error:
                messages.error(request, _(error.message))
                return back
            messages.success(request, _("The import has been discarded. Nothing was changed."))
            return redirect("plans:ledger", participation=found.pk)
        if action == "restart" and ledger.stalled(chosen):
            ledger.restart(chosen)
            messages.success(request, _("The file is being read again."))
            return back
        messages.error(request, _("That cannot be done to this import any more."))
        return back
    return render(
        request,
        "plans/ledger_import.html",
        {
            "participation": found,
            "plan": action_plan,
            "ledger_import": chosen,
            "review": review(chosen) if chosen.state == ImportState.REVIEW else None,
            "stalled": ledger.stalled(chosen),
            "is_member": member,
            **collaboration.editing(action_plan, member),
        },
    )


def _replacing(request: HttpRequest) -> int | None:
    """The import in use that the team saw this one compared with: none, or its id."""
    try:
        return int(request.POST.get("replacing") or 0) or None
    except ValueError:
        return -1  # matches no import: the team is asked to look again


@login_required
@require_GET
def ledger_reconciliation(
    request: HttpRequest, participation: int, import_id: int, extension: str
) -> HttpResponse:
    """The import's totals per account and per category, as XLSX or CSV."""
    _found, action_plan, _member = plan_started_on_visit(
        request, participation, staff_need_started=True
    )
    if action_plan is None:
        raise Http404
    chosen = _import_of(action_plan, import_id)
    if chosen.finished_at is None or chosen.state == ImportState.FAILED:
        raise Http404("The import has no totals.")
    found = reconciliation.reconcile(chosen)
    content: str | bytes
    if extension == "csv":
        content, content_type = reconciliation.csv_text(found), "text/csv; charset=utf-8"
    else:
        content, content_type = reconciliation.xlsx(found), XLSX_TYPE
    disposition = content_disposition_header(True, reconciliation.filename(chosen, extension))
    assert disposition is not None  # only an inline file without a name has none
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@login_required
@require_GET
def ledger_progress(request: SignedInRequest, participation: int, import_id: int) -> JsonResponse:
    """The import's state for the progress page to poll."""
    found, action_plan, _member = plan_started_on_visit(
        request, participation, staff_need_started=True
    )
    if action_plan is None:
        raise Http404
    chosen = get_object_or_404(action_plan.ledger_imports, pk=import_id)
    return JsonResponse(
        {
            "state": chosen.state,
            "label": chosen.get_state_display(),
            "percent": chosen.percent,
            "rows": chosen.rows_read,
            "working": chosen.is_working,
            "url": reverse(
                "plans:ledger_import", kwargs={"participation": found.pk, "import_id": chosen.pk}
            ),
        }
    )


@login_required
@refuse_when_submitted()
def ledger_accounts(request: SignedInRequest, participation: int) -> HttpResponse:
    """Each account of the ledger in use, with its category: mapped, suggested or left out."""
    found, action_plan, member = plan_started_on_visit(
        request, participation, staff_need_started=True
    )
    if action_plan is None:
        return redirect("plans:plan", participation=found.pk)
    found_accounts = ledger.accounts(action_plan)
    only_unmapped = request.GET.get("show") == "unmapped"
    page = Paginator(
        found_accounts.unmapped if only_unmapped else found_accounts.rows, ACCOUNTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = list(page)
    in_use = [row.mapping.category_id for row in rows if row.mapping and row.mapping.category_id]
    categories = ProcurementCategory.objects.filter(Q(is_active=True) | Q(pk__in=in_use))
    form = MappingForm(request.POST or None, rows=rows, categories=categories)
    if request.method == "POST":
        require_perm(request, "academy.change_workspace", found)
        if form.is_valid():
            changed = ledger.save_mapping(action_plan, form.choices(), by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)s account was changed and the analysis updated.",
                    "%(count)s accounts were changed and the analysis updated.",
                    changed,
                )
                % {"count": changed},
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "plans/ledger_accounts.html",
        {
            "participation": found,
            "plan": action_plan,
            "accounts": found_accounts,
            "page": page,
            "form": form,
            "only_unmapped": only_unmapped,
            "is_member": member,
            **collaboration.editing(action_plan, member),
        },
    )
