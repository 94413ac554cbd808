"""Forms of the purchase-ledger import: the file, its columns, the accounts' categories."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import LedgerColumn, VatMode
from ..services import ledger
from ..services.columns import AmountKind, amount_kinds


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
    """One choice of column per field the import reads, and how VAT is taken out."""

    SELECTS = (
        LedgerColumn.ACCOUNT,
        LedgerColumn.ACCOUNT_NAME,
        LedgerColumn.AMOUNT,
        LedgerColumn.DATE,
        LedgerColumn.VAT,
    )
    HELP = {
        LedgerColumn.ACCOUNT: _("Required. The purchases are summed per account."),
        LedgerColumn.ACCOUNT_NAME: _("Helps to suggest a category for each account."),
        LedgerColumn.AMOUNT: _(
            "Required. Euros; credit notes as negative amounts. Both 1 234,56 and 1234.56 are read."
        ),
        LedgerColumn.DATE: _("If chosen, rows dated in other years are left out and counted."),
        LedgerColumn.VAT: _("The VAT of each row, subtracted from its amount."),
    }

    vat_mode = forms.ChoiceField(
        label=_("VAT in the amounts"),
        choices=VatMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the amounts include VAT.")},
    )
    vat_rate = forms.DecimalField(
        label=_("VAT rate (%)"),
        min_value=Decimal("0.1"),
        max_value=Decimal("50"),
        decimal_places=1,
        required=False,
        localize=True,
        help_text=_(
            "The general rate: 24 per cent until 31.8.2024, 25.5 per cent from 1.9.2024. "
            "Purchases at a reduced rate make the result approximate."
        ),
    )

    def __init__(self, *args, header: list[str], year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = amount_kinds(header)
        choices = [("", _("— not in the file —"))] + [(name, name) for name in header if name]
        labels = dict(LedgerColumn.choices)
        for field_name in self.SELECTS:
            self.fields[field_name] = forms.ChoiceField(
                label=labels[field_name],
                choices=choices,
                required=field_name in ledger.REQUIRED,
                help_text=self.HELP[field_name],
                error_messages={"required": _("Choose the column.")},
            )
        self.order_fields([*self.SELECTS[:4], "vat_mode", LedgerColumn.VAT, "vat_rate"])
        if not self.initial.get("vat_rate"):
            self.initial["vat_rate"] = Decimal("24") if year <= 2024 else Decimal("25.5")

    def clean_vat_rate(self):
        written = self.data.get(self.add_prefix("vat_rate"), "")
        if "e" in written.lower():
            raise forms.ValidationError(_("Write the rate as a number, such as 25,5."))
        return self.cleaned_data["vat_rate"]

    @property
    def column_fields(self):
        return [self[name] for name in self.SELECTS[:4]]

    def clean(self):
        data = super().clean()
        mode = data.get("vat_mode")
        used: dict[str, str] = {}
        for field_name in self.SELECTS:
            name = data.get(field_name)
            if not name or (field_name == LedgerColumn.VAT and mode != VatMode.SUBTRACT):
                continue
            if name in used:
                self.add_error(
                    field_name,
                    _("The same column is chosen for “%(other)s”.")
                    % {"other": self.fields[used[name]].label},
                )
            used[name] = field_name
        self._check_vat(data, mode)
        return data

    def _check_vat(self, data: dict, mode: str | None) -> None:
        amount = data.get(LedgerColumn.AMOUNT)
        kind = self.kinds.get(amount) if amount is not None else None
        if kind == AmountKind.VAT:
            self.add_error(
                LedgerColumn.AMOUNT,
                _("“%(name)s” is the VAT, not the amount of the purchase.") % {"name": amount},
            )
        elif kind == AmountKind.WITH_VAT and mode == VatMode.EXCLUDED:
            self.add_error(
                "vat_mode",
                _(
                    "The name “%(name)s” says the amounts include VAT. Choose the column without "
                    "VAT, or how VAT is taken out."
                )
                % {"name": amount},
            )
        elif kind == AmountKind.WITHOUT_VAT and mode in {VatMode.SUBTRACT, VatMode.RATE}:
            self.add_error(
                "vat_mode",
                _(
                    "The name “%(name)s” says the amounts are without VAT: VAT cannot be taken "
                    "out of them again."
                )
                % {"name": amount},
            )
        vat = data.get(LedgerColumn.VAT)
        if mode == VatMode.SUBTRACT:
            if not vat:
                self.add_error(LedgerColumn.VAT, _("Choose the column of the VAT."))
            elif self.kinds.get(vat) != AmountKind.VAT:
                self.add_error(
                    LedgerColumn.VAT,
                    _("“%(name)s” does not look like each row's VAT in euros.") % {"name": vat},
                )
        if mode == VatMode.RATE and data.get("vat_rate") is None and "vat_rate" not in self.errors:
            self.add_error("vat_rate", _("Give the VAT rate."))


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
                label=account_label(row),
                choices=choices,
                required=False,
                initial=chosen(row),
            )
            if self.suggests(row):
                self._add_suggestion(row)

    def _add_suggestion(self, row: ledger.AccountRow) -> None:
        account = row.total.account
        self.fields[accept_name(account)] = forms.BooleanField(
            # Each box is named for its account and category: a list of boxes all named
            # "Accept the suggestion" tells a screen reader's user nothing.
            label=_("Accept the suggestion “%(category)s” for account %(account)s")
            % {"category": self.labels[row.suggestion], "account": account_label(row)},
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


def account_label(row: ledger.AccountRow) -> str:
    """The account's number and name, as its row shows them: "4340 Jätehuolto"."""
    return f"{row.total.account} {row.total.name}".strip()


def chosen(row: ledger.AccountRow) -> str:
    """What the account's list shows chosen: its mapping, never a suggestion."""
    if row.mapping is not None and row.mapping.excluded:
        return ledger.EXCLUDED
    if row.mapping is not None and row.mapping.category is not None:
        return row.mapping.category.code
    return ""


def field_name(account: str) -> str:
    return "account-" + account.encode().hex()


def accept_name(account: str) -> str:
    return "accept-" + account.encode().hex()


def shown_name(account: str) -> str:
    return "suggestion-" + account.encode().hex()
