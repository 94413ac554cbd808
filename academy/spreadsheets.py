"""Spreadsheets staff open: text that stays text, and CSV as Excel reads it in Finland.

A cell that starts with one of ``FORMULA_STARTS`` is read as a formula by
spreadsheet programs when a CSV file is opened; an apostrophe in front keeps it
text (OWASP's advice on CSV injection).
"""

from django.utils.text import capfirst
from import_export.formats.base_formats import CSV
from import_export.forms import SelectableFieldsExportForm

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` with an apostrophe in front if it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SpreadsheetCSV(CSV):
    """CSV that Excel opens as it is in Finland: semicolons, and a BOM that says UTF-8."""

    def export_data(self, dataset, **kwargs) -> str:
        return "\ufeff" + super().export_data(dataset, delimiter=";", **kwargs)


class ExportForm(SelectableFieldsExportForm):
    """The columns to export, labelled with their headings in the staff member's language."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return capfirst(str(field.column_name)) if field else field_name
