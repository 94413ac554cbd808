"""Forms of the purchase-ledger import: the file, its columns, the accounts' categories."""

from decimal import Decimal

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import ledger
from .columns import AmountKind, amount_kinds
from .models import LedgerColumn, VatMode


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
            "The general rate: 24 % until 31.8.2024, 25.5 % from 1.9.2024. Purchases at a "
            "reduced rate make the result approximate."
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
        kind = self.kinds.get(amount)
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
        if mode == VatMode.SUBTRACT and not data.get(LedgerColumn.VAT):
            self.add_error(LedgerColumn.VAT, _("Choose the column of the VAT."))
        if mode == VatMode.RATE and data.get("vat_rate") is None and "vat_rate" not in self.errors:
            self.add_error("vat_rate", _("Give the VAT rate."))


class MappingForm(forms.Form):
    """A category choice per account, named after the account itself (``account-<hex>``).

    Only the accounts the browser sent are saved: a page out of date, or a page
    of the list, leaves the other accounts' mapping as it is.
    """

    def __init__(self, *args, rows, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [
            ("", _("— not mapped yet —")),
            (ledger.EXCLUDED, _("Not procurement: leave out")),
        ] + [(category.code, category.name) for category in categories]
        for row in rows:
            if row.mapping is not None and row.mapping.excluded:
                initial = ledger.EXCLUDED
            elif row.mapping is not None and row.mapping.category_id:
                initial = row.mapping.category.code
            else:
                initial = row.suggestion or ""
            self.fields[field_name(row.total.account)] = forms.ChoiceField(
                label=f"{row.total.account} {row.total.name}".strip(),
                choices=choices,
                required=False,
                initial=initial,
            )

    def items(self):
        """For the template: each account row with its bound field."""
        for row in self.rows:
            yield row, self[field_name(row.total.account)]

    def choices(self) -> dict[str, str]:
        """Account → choice, for the accounts in the submitted form."""
        return {
            row.total.account: self.cleaned_data.get(name, "")
            for row in self.rows
            if (name := field_name(row.total.account)) in self.data
        }


def field_name(account: str) -> str:
    return "account-" + account.encode().hex()
