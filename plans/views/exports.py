"""Downloading the action plan: the analysis as a spreadsheet, the whole plan as a PDF.

Members of the organisation and programme staff may download; anyone else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from academy.access import SignedInRequest

from ..access import plan_or_404
from ..services import exports


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # only an inline file without a name has none
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@login_required
def analysis_xlsx(request: SignedInRequest, participation: int) -> HttpResponse:
    _found, plan = plan_or_404(request, participation)
    return _attachment(
        exports.analysis_xlsx(plan),
        exports.XLSX_TYPE,
        exports.export_filename(plan, _("emissions analysis"), "xlsx"),
    )


@login_required
def plan_pdf(request: SignedInRequest, participation: int) -> HttpResponse:
    _found, plan = plan_or_404(request, participation)
    return _attachment(
        exports.plan_pdf(plan),
        "application/pdf",
        exports.export_filename(plan, _("action plan"), "pdf"),
    )
