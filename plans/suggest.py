"""Suggesting a procurement category for a ledger account from the account's name.

Each category lists words that account names contain (staff edit them in the
admin, in any language). The longest word found in the name wins, so
"jätevesi" (waste water) goes to water and sewage rather than to waste. A word
of four letters or fewer must begin a word of the name, so that "vesi" does not
match inside "kuntavesi..." by chance but does in "Vesi ja jätevesi".

An account for internal charges or allocations (sisäiset vuokrat, vyörytykset,
interna poster) is suggested to be left out: it is not a purchase from a supplier.
"""

import re
from collections.abc import Iterable

from .models import ProcurementCategory

SHORT = 4
EXCLUDED = "-"
NOT_PROCUREMENT = (
    "sisäinen",
    "sisäiset",
    "sisäisten",
    "vyörytys",
    "vyörytykset",
    "interna",
    "intern ",
    "internal",
    "poistot",
    "avskrivning",
    "depreciation",
)


class Suggester:
    def __init__(self, categories: Iterable[ProcurementCategory]):
        self.words: list[tuple[int, re.Pattern, ProcurementCategory]] = []
        for category in categories:
            for word in category.keywords.splitlines():
                word = normalise(word)
                if not word:
                    continue
                pattern = re.escape(word)
                if len(word) <= SHORT:
                    pattern = rf"(?<!\w){pattern}"
                self.words.append((len(word), re.compile(pattern), category))
        self.words.sort(key=lambda item: -item[0])

    def __call__(self, account_name: str) -> str | None:
        """A category's code, ``EXCLUDED`` for what is not procurement, or None."""
        name = normalise(account_name)
        if not name:
            return None
        if any(word in name for word in NOT_PROCUREMENT):
            return EXCLUDED
        for _length, pattern, category in self.words:
            if pattern.search(name):
                return category.code
        return None


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())
