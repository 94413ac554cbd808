"""Text for spreadsheets that stays text.

A cell that starts with one of ``FORMULA_STARTS`` is read as a formula by
spreadsheet programs when a CSV file is opened; an apostrophe in front keeps it
text (OWASP's advice on CSV injection).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` with an apostrophe in front if it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
