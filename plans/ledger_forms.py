"""Forms of the purchase-ledger import: the file, its columns, the accounts' categories."""

from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import ledger
from .models import LedgerColumn


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Purchase-invoice file (CSV or XLSX)"),
    )
    year = forms.IntegerField(
        label=_("Year of the purchases"),
        min_value=2000,
        max_value=2100,
        help_text=_("Rows dated in other years are counted and left out."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One row per invoice line, with at least the account number and the amount excluding "
            "VAT. Up to %(limit)s."
        ) % {"limit": filesizeformat(ledger.MAX_BYTES)}


class ColumnsForm(forms.Form):
    """One choice of column per field the import reads."""

    HELP = {
        LedgerColumn.ACCOUNT: _("Required. The purchases are summed per account."),
        LedgerColumn.ACCOUNT_NAME: _("Helps to suggest a category for each account."),
        LedgerColumn.AMOUNT: _(
            "Required. Euros excluding VAT; credit notes as negative amounts. Both 1 234,56 and "
            "1234.56 are read."
        ),
        LedgerColumn.DATE: _("If chosen, rows dated in other years are left out and counted."),
    }

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [(name, name) for name in header if name]
        for field_name, label in LedgerColumn.choices:
            self.fields[field_name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=field_name in ledger.REQUIRED,
                help_text=self.HELP[field_name],
                error_messages={"required": _("Choose the column.")},
            )

    def clean(self):
        data = super().clean()
        used: dict[str, str] = {}
        for field_name in LedgerColumn.values:
            name = data.get(field_name)
            if not name:
                continue
            if name in used:
                self.add_error(
                    field_name,
                    _("The same column is chosen for “%(other)s”.")
                    % {"other": self.fields[used[name]].label},
                )
            used[name] = field_name
        return data


@dataclass
class MappingRow:
    """An account row of the form, with its suggestion if it has one."""

    row: ledger.AccountRow
    field: forms.BoundField
    accept: forms.BoundField | None = None
    shown: forms.BoundField | None = None
    suggestion: str = ""  # the suggested category's name


class MappingForm(forms.Form):
    """A category choice per account, named after the account itself (``account-<hex>``).

    Only the accounts the browser sent are saved: a page out of date, or a page
    of the list, leaves the other accounts' mapping as it is.

    A suggestion is never chosen for the team: the account stays "not mapped yet"
    until they accept the suggestion, with its box (``accept-<hex>``) or the button
    that accepts every suggestion on the page (``ACCEPT_ALL``). A category chosen in
    the list goes before the suggestion. The page sends back the suggestion it
    showed (``suggestion-<hex>``), and only that one is stored, never one the
    team has not seen.
    """

    ACCEPT_ALL = "accept_all"

    def __init__(self, *args, rows, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [
            ("", _("— not mapped yet —")),
            (ledger.EXCLUDED, _("Not procurement: leave out")),
        ] + [(category.code, category.name) for category in categories]
        self.labels = dict(choices)
        for row in rows:
            account = row.total.account
            self.fields[field_name(account)] = forms.ChoiceField(
                label=f"{account} {row.total.name}".strip(),
                choices=choices,
                required=False,
                initial=chosen(row),
            )
            if self.suggests(row):
                self._add_suggestion(row)

    def _add_suggestion(self, row: ledger.AccountRow) -> None:
        account = row.total.account
        self.fields[accept_name(account)] = forms.BooleanField(
            label=_("Accept the suggestion"),
            required=False,
            widget=forms.CheckboxInput(
                attrs={
                    "class": "form-check-input",
                    "aria-describedby": f"id_{field_name(account)}-suggestion",
                }
            ),
        )
        self.fields[shown_name(account)] = forms.CharField(
            required=False, initial=row.suggestion, widget=forms.HiddenInput
        )

    def suggests(self, row: ledger.AccountRow) -> bool:
        return bool(row.suggestion) and not row.is_mapped and row.suggestion in self.labels

    @property
    def has_suggestions(self) -> bool:
        return any(self.suggests(row) for row in self.rows)

    def items(self) -> Iterator[MappingRow]:
        """For the template: each account row with its bound fields."""
        for row in self.rows:
            account = row.total.account
            item = MappingRow(row, self[field_name(account)])
            if self.suggests(row):
                item.accept = self[accept_name(account)]
                item.shown = self[shown_name(account)]
                item.suggestion = self.labels[row.suggestion]
            yield item

    def choices(self) -> dict[str, str]:
        """Account → choice, for the accounts in the submitted form; accepted suggestions too."""
        found = {}
        for row in self.rows:
            name = field_name(row.total.account)
            if name not in self.data:
                continue
            choice = self.cleaned_data.get(name, "")
            if not choice and self._accepted(row):
                choice = row.suggestion
            found[row.total.account] = choice
        return found

    def _accepted(self, row: ledger.AccountRow) -> bool:
        account = row.total.account
        return bool(
            self.suggests(row)
            and self.cleaned_data.get(shown_name(account)) == row.suggestion
            and (self.ACCEPT_ALL in self.data or self.cleaned_data.get(accept_name(account)))
        )


def chosen(row: ledger.AccountRow) -> str:
    """What the account's list shows chosen: its mapping, never a suggestion."""
    if row.mapping is not None and row.mapping.excluded:
        return ledger.EXCLUDED
    if row.mapping is not None and row.mapping.category_id:
        return row.mapping.category.code
    return ""


def field_name(account: str) -> str:
    return "account-" + account.encode().hex()


def accept_name(account: str) -> str:
    return "accept-" + account.encode().hex()


def shown_name(account: str) -> str:
    return "suggestion-" + account.encode().hex()
