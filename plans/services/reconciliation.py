"""Every figure of a ledger import, to check against the finance system.

Per account: its number, name, rows, sum and category (or left out, or not
mapped yet); per category: its accounts, rows and sum, with the accounts left
out and those not mapped yet, so that the lines add up to the import's total.
Both carry the import's file name, SHA-256, year, columns and VAT treatment,
and when it was read and how long that took.

The workbook keeps numbers as numbers and text as text (a name like
"=HYPERLINK(…)" stays text); the CSV writes numbers in the reader's language
(1234,56 in Finnish and Swedish) with semicolons between fields, as Excel opens
it in Finland, and puts an apostrophe before text that a spreadsheet would run.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from academy.spreadsheets import neutralise
from academy.templatetags.academy_tags import helsinki_minute

from ..models import AccountMapping, LedgerImport
from .exports import EUROS, WHOLE, cell, header_row, set_widths, workbook_bytes


@dataclass(frozen=True)
class AccountLine:
    account: str
    name: str
    rows: int
    amount: Decimal
    category: str


@dataclass(frozen=True)
class CategoryLine:
    name: str
    accounts: int
    rows: int
    amount: Decimal


@dataclass(frozen=True)
class Reconciliation:
    ledger_import: LedgerImport
    accounts: list[AccountLine]
    categories: list[CategoryLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.accounts), Decimal(0))

    def about(self) -> list[tuple[str, object]]:
        """What the figures are of: (label, value) in the active language."""
        found = self.ledger_import
        took = ""
        if found.started_at and found.finished_at:
            seconds = (found.finished_at - found.started_at).total_seconds()
            took = _("%(seconds)s s") % {"seconds": number_format(seconds, 1)}
        columns = dict(found.columns)
        return [
            (_("Organisation"), found.plan.participation.organisation.name),
            (_("File"), found.file.original_name),
            (_("SHA-256 of the file"), found.file.sha256),
            (_("Year of the purchases"), found.year),
            (_("State"), found.get_state_display()),
            (_("Account column"), columns.get("account", "")),
            (_("Account name column"), columns.get("account_name", "")),
            (_("Date column"), columns.get("date", "")),
            (_("Amounts"), _amounts(found)),
            (_("Read"), helsinki_minute(found.finished_at) if found.finished_at else ""),
            (_("Reading took"), took),
            (_("Rows summed"), found.rows_read),
            (_("Rows not read"), found.rows_bad),
            (_("Rows dated in other years"), sum(found.other_years.values())),
            (_("Total (€, excluding VAT)"), found.total_eur),
        ]


def _amounts(found: LedgerImport) -> str:
    return " ".join(
        render_to_string("plans/includes/ledger_amounts.html", {"ledger_import": found}).split()
    )


def reconcile(ledger_import: LedgerImport) -> Reconciliation:
    """The import's account totals with the organisation's categories today: two queries."""
    mappings = {
        mapping.account: mapping
        for mapping in AccountMapping.objects.filter(
            organisation_id=ledger_import.plan.participation.organisation_id
        ).select_related("category")
    }
    left_out, unmapped = _("Not procurement: left out"), _("Not mapped yet")
    accounts: list[AccountLine] = []
    groups: dict[str, tuple[int, int, Decimal]] = {}  # category → (accounts, rows, amount)
    order: dict[str, tuple[int, int, str]] = {}
    for total in ledger_import.totals.order_by("account"):
        mapping = mappings.get(total.account)
        if mapping is not None and mapping.category is not None:
            category = mapping.category.name
            order[category] = (0, mapping.category.position, category)
        else:
            category = left_out if mapping is not None and mapping.excluded else unmapped
            order[category] = (1 if category == left_out else 2, 0, category)
        accounts.append(
            AccountLine(total.account, total.name, total.rows, total.amount_eur, category)
        )
        count, rows, amount = groups.get(category, (0, 0, Decimal(0)))
        groups[category] = (count + 1, rows + total.rows, amount + total.amount_eur)
    categories = [
        CategoryLine(name, *groups[name]) for name in sorted(groups, key=lambda name: order[name])
    ]
    return Reconciliation(ledger_import, accounts, categories)


def filename(ledger_import: LedgerImport, extension: str) -> str:
    stem = ledger_import.file.original_name.rpartition(".")[0] or "ledger"
    return f"{stem}-{ledger_import.year}-{_('totals')}.{extension}"


# The workbook.


def xlsx(found: Reconciliation) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("import"))
    set_widths(sheet, [30, 70])
    for label, value in found.about():
        number_format = EUROS if isinstance(value, Decimal) else WHOLE
        sheet.append([cell(sheet, label, bold=True), cell(sheet, value, number_format)])
    _accounts_sheet(workbook, found)
    _categories_sheet(workbook, found)
    return workbook_bytes(workbook)


def _accounts_sheet(workbook: Workbook, found: Reconciliation) -> None:
    sheet = workbook.create_sheet(_("accounts"))
    set_widths(sheet, [14, 40, 10, 18, 40])
    sheet.append(header_row(sheet, _account_titles()))
    for line in found.accounts:
        sheet.append(
            [
                cell(sheet, line.account),
                cell(sheet, line.name),
                cell(sheet, line.rows, WHOLE),
                cell(sheet, line.amount, EUROS),
                cell(sheet, line.category),
            ]
        )
    sheet.append(
        [
            cell(sheet, _("Total"), bold=True),
            cell(sheet, ""),
            cell(sheet, sum(line.rows for line in found.accounts), WHOLE),
            cell(sheet, found.total, EUROS),
        ]
    )


def _categories_sheet(workbook: Workbook, found: Reconciliation) -> None:
    sheet = workbook.create_sheet(_("categories"))
    set_widths(sheet, [40, 10, 10, 18])
    sheet.append(header_row(sheet, _category_titles()))
    for line in found.categories:
        sheet.append(
            [
                cell(sheet, line.name),
                cell(sheet, line.accounts, WHOLE),
                cell(sheet, line.rows, WHOLE),
                cell(sheet, line.amount, EUROS),
            ]
        )
    sheet.append(
        [
            cell(sheet, _("Total"), bold=True),
            cell(sheet, len(found.accounts), WHOLE),
            cell(sheet, sum(line.rows for line in found.categories), WHOLE),
            cell(sheet, found.total, EUROS),
        ]
    )


def _account_titles() -> list[str]:
    return [_("Account"), _("Account name"), _("Rows"), _("Sum (€)"), _("Category")]


def _category_titles() -> list[str]:
    return [_("Category"), _("Accounts"), _("Rows"), _("Sum (€)")]


# The CSV file: what the import is, its accounts, then its categories, each after a blank line.


def csv_text(found: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(_csv_rows([label, value]) for label, value in found.about())
    writer.writerow([])
    writer.writerow(_account_titles())
    writer.writerows(
        _csv_rows([line.account, line.name, line.rows, line.amount, line.category])
        for line in found.accounts
    )
    writer.writerow([])
    writer.writerow(_category_titles())
    writer.writerows(
        _csv_rows([line.name, line.accounts, line.rows, line.amount]) for line in found.categories
    )
    writer.writerow(_csv_rows([_("Total"), len(found.accounts), "", found.total]))
    return "\ufeff" + out.getvalue()


def _csv_rows(values: Iterable) -> list[str]:
    return [_csv_value(value) for value in values]


def _csv_value(value) -> str:
    if isinstance(value, Decimal):
        return str(floatformat(value, 2))
    if isinstance(value, int):
        return str(value)
    return neutralise("" if value is None else str(value))
