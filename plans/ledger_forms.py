"""Forms of the purchase-ledger import: the file, its columns, the accounts' categories."""

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
