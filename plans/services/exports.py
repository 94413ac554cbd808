"""The action plan as files: the analysis as a spreadsheet, the whole plan as a PDF.

Spreadsheets hold numbers as numbers (with number formats), so they can be
summed and charted; shares are fractions shown as percentages.

The PDF is made by WeasyPrint from the print template ``plans/pdf/plan.html``:
a cover, then each part of the plan through the template that also shows it on
the plan's pages and in its frozen copy (``plans.services.parts``). WeasyPrint never
touches the network: its fetcher only hands out the print stylesheet, read from
disk.
"""

import datetime as dt
import hashlib
import io
import logging
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from academy.models import StoredFile
from academy.spreadsheets import neutralise
from academy.templatetags.academy_tags import helsinki_minute

from ..models import ActionPlan
from . import parts
from .analysis import Analysis, Row, analyse
from .potential import Potential, plan_potentials, total_potential

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EUROS = "#,##0.00"
FACTOR = "0.000000"
TONNES = "#,##0.000"
SHARE = "0.0%"
WHOLE = "0"
DATE = "d.m.yyyy"

BOLD = Font(bold=True)


# Spreadsheets.


def cell(sheet: WriteOnlyWorksheet, value, number_format: str | None = None, *, bold=False):
    """A cell of a write-only sheet, with its number format; None stays an empty cell.

    Text is always text: a measure titled "=HYPERLINK(…)" must not become a formula
    in the spreadsheet of whoever opens it, nor when the sheet is saved as CSV and
    opened again, so it is stored as text with an apostrophe in front, as the admin's
    exports do (``academy.spreadsheets.neutralise``). Control characters, which the
    file format cannot hold, are left out.
    """
    if isinstance(value, str):
        value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    made = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and made.data_type == "f":
        made.data_type = "s"
    if number_format and value is not None:
        made.number_format = number_format
    if bold:
        made.font = BOLD
    return made


def fraction(percent: Decimal | None) -> Decimal | None:
    """A percent (49.50) as the fraction a spreadsheet shows as a percentage (0.495)."""
    return None if percent is None else percent / 100


def header_row(sheet: WriteOnlyWorksheet, titles: list[str]) -> list:
    return [cell(sheet, title, bold=True) for title in titles]


def set_widths(sheet: WriteOnlyWorksheet, widths: list[int]) -> None:
    """Column widths; a write-only sheet takes them before its first row."""
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def factor_source(analysis: Analysis, row: Row) -> str:
    if row.factor is None:
        return _("no factor in the set")
    if row.overridden:
        return _("own factor: %(justification)s") % {"justification": row.justification}
    return f"{analysis.factor_set.name} {analysis.factor_set.version}"


def conversion_text(analysis: Analysis) -> str:
    """How the set's factors were brought to euros of the spend year, for a spreadsheet."""
    conversion = analysis.conversion
    said = []
    if conversion.currency != "EUR":
        said.append(
            _("not converted to euros: no exchange rate")
            if conversion.missing_rate
            else _("%(rate)s %(currency)s per euro (%(source)s)")
            % {
                "rate": conversion.units_per_euro,
                "currency": conversion.currency,
                "source": conversion.exchange_rate_source,
            }
        )
    if conversion.price_year == conversion.spend_year:
        said.append(_("nothing: the same year"))
    elif conversion.missing_index:
        said.append(_("nothing: the price index lacks one of the years"))
    else:
        said.append(
            _("× %(ratio)s (%(source)s)")
            % {"ratio": conversion.price_ratio, "source": conversion.price_index_source}
        )
    return "; ".join(str(part) for part in said)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def analysis_sheet(workbook: Workbook, analysis: Analysis) -> None:
    plan = analysis.plan
    factor_set = analysis.factor_set
    sheet = workbook.create_sheet(_("analysis"))
    set_widths(sheet, [8, 40, 16, 14, 40, 16, 12, 12, 12])
    sheet.append([cell(sheet, _("Emissions of procurement by category"), bold=True)])
    for label, value, number_format in (
        (_("Organisation"), plan.participation.organisation.name, None),
        (_("Cohort"), plan.participation.cohort.name, None),
        (_("Year"), analysis.year, WHOLE),
        (_("Factor set"), f"{factor_set.name} {factor_set.version}", None),
        (_("Publisher and licence"), f"{factor_set.publisher}; {factor_set.licence}", None),
        (_("Indicative factors"), yes_no(factor_set.indicative), None),
        (_("What the factors describe"), factor_set.description, None),
        (_("Price year of the factors"), factor_set.price_year, WHOLE),
        (_("Spend converted to the factors' prices by"), conversion_text(analysis), None),
        (_("Made"), helsinki_minute(timezone.now()), None),
    ):
        sheet.append([cell(sheet, label, bold=True), cell(sheet, value, number_format)])
    sheet.append([])
    sheet.append(
        header_row(
            sheet,
            [
                _("Rank"),
                _("Category"),
                _("Spend (EUR)"),
                _("Factor (kg CO2e/EUR)"),
                _("Source of the factor"),
                _("Emissions (t CO2e)"),
                _("Share of spend"),
                _("Share of emissions"),
                _("Cumulative share"),
            ],
        )
    )
    for row in analysis.rows:
        sheet.append(
            [
                cell(sheet, row.rank, WHOLE),
                cell(sheet, row.category.name),
                cell(sheet, row.spend, EUROS),
                cell(sheet, row.factor, FACTOR),
                cell(sheet, factor_source(analysis, row)),
                cell(sheet, row.emissions, TONNES),
                cell(sheet, fraction(row.spend_share), SHARE),
                cell(sheet, fraction(row.emissions_share), SHARE),
                cell(sheet, fraction(row.cumulative_share), SHARE),
            ]
        )
    sheet.append(
        [
            None,
            cell(sheet, _("Total"), bold=True),
            cell(sheet, analysis.total_spend, EUROS, bold=True),
            None,
            None,
            cell(sheet, analysis.total_emissions, TONNES, bold=True),
        ]
    )


def measures_sheet(workbook: Workbook, items: list[Potential]) -> None:
    sheet = workbook.create_sheet(_("measures"))
    set_widths(sheet, [10, 40, 30, 26, 12, 12, 12, 14, 14, 14, 14])
    sheet.append(
        header_row(
            sheet,
            [
                _("Priority"),
                _("Measure"),
                _("Category"),
                _("Kind"),
                _("Reduction, low"),
                _("Reduction, high"),
                _("Ability to influence (1–5)"),
                _("Potential, low (t CO2e)"),
                _("Potential, high (t CO2e)"),
                _("Potential, midpoint (t CO2e)"),
                _("Next tender"),
            ],
        )
    )
    for item in items:
        measure = item.measure
        sheet.append(
            [
                cell(sheet, item.rank, WHOLE),
                cell(sheet, measure.title),
                cell(sheet, measure.category.name),
                cell(sheet, measure.get_kind_display()),
                cell(sheet, Decimal(measure.reduction_low) / 100, "0%"),
                cell(sheet, Decimal(measure.reduction_high) / 100, "0%"),
                cell(sheet, measure.influence, WHOLE),
                cell(sheet, item.low, TONNES),
                cell(sheet, item.high, TONNES),
                cell(sheet, item.mid, TONNES),
                cell(sheet, measure.next_tender, DATE),
            ]
        )
    sheet.append(
        [
            None,
            cell(sheet, _("Total, at most each category's emissions"), bold=True),
            *[None] * 7,
            cell(sheet, total_potential(items), TONNES, bold=True),
        ]
    )


def analysis_xlsx(plan: ActionPlan) -> bytes:
    """The analysis (sheet "analysis") and the measures with their potential (sheet "measures")."""
    analysis = analyse(plan)
    workbook = Workbook(write_only=True)
    analysis_sheet(workbook, analysis)
    measures_sheet(workbook, plan_potentials(plan, analysis))
    return workbook_bytes(workbook)


def export_filename(plan: ActionPlan, what: str, extension: str) -> str:
    """e.g. ``esimerkkilan-kaupunki-2022-toimenpidesuunnitelma.pdf``: ASCII, no spaces."""
    participation = plan.participation
    words = [participation.organisation.name, str(participation.cohort.year), what]
    return f"{slugify('-'.join(words))}.{extension}"


# The PDF.

# WeasyPrint resolves the template's addresses against this base; nothing is
# fetched from it (see ``local_fetcher``).
PDF_BASE_URL = "https://academy.invalid/"
PRINT_STYLESHEETS = ("plans/print.css",)
PDF_VARIANT = "pdf/ua-1"


def plan_html(plan: ActionPlan) -> str:
    """The print template filled in: what WeasyPrint turns into the PDF."""
    analysis = analyse(plan)
    context = {
        "participation": plan.participation,
        "year": analysis.year,
        "generated": timezone.now(),
        "parts": parts.shown(parts.build(plan, analysis)),
        "for_print": True,
    }
    return render_to_string("plans/pdf/plan.html", context)


def print_stylesheet(url: str) -> bytes:
    """The print stylesheet at ``url``, read from disk; any other address is refused.

    The template names it through the static files storage, so in production the address
    carries the collected file's hashed name (``plans/print.3f2a….css``): each allowed
    stylesheet is compared by the address the storage gives it.
    """
    for name in PRINT_STYLESHEETS:
        if url == urljoin(PDF_BASE_URL, staticfiles_storage.url(name)):
            path = finders.find(name)
            if path:
                return Path(path).read_bytes()
    raise ValueError(f"Not fetched for a PDF: {url}")


def local_fetcher():
    """A WeasyPrint fetcher that never opens a connection: it only reads our stylesheet."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            body = print_stylesheet(url)
            return URLFetcherResponse(url, body, {"Content-Type": "text/css; charset=utf-8"})

    return LocalFetcher(allowed_protocols=())


def plan_pdf(plan: ActionPlan) -> bytes:
    """The whole action plan as a PDF, in the active language."""
    from weasyprint import HTML  # Loads Pango: only when a PDF is made.

    html = HTML(string=plan_html(plan), base_url=PDF_BASE_URL, url_fetcher=local_fetcher())
    # PDF/UA-1: tagged, so that a screen reader reads headings, lists and tables as such.
    return html.write_pdf(pdf_variant=PDF_VARIANT)


def store_plan_pdf(plan: ActionPlan, by, *, now: dt.datetime) -> StoredFile | None:
    """The plan as a PDF, kept as a private file; None, with the error logged, if it fails.

    A savepoint keeps a failed query from spoiling the caller's transaction.
    """
    try:
        with transaction.atomic():
            content = plan_pdf(plan)
            stored = StoredFile(
                original_name=export_filename(plan, _("action plan"), "pdf"),
                file_type="pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=by if getattr(by, "is_authenticated", False) else None,
                uploaded_at=now,
            )
            stored.file.save(stored.original_name, ContentFile(content), save=False)
            stored.save()
            return stored
    except Exception:
        logger.exception("The PDF of action plan %s could not be made.", plan.pk)
        return None
