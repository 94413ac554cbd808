"""What putting a ledger import in use would change, and what makes it wait for a click.

Before an import replaces the year's import in use, the team sees what changes:
the rows read and refused, the total against the import in use, the accounts
that appear or disappear and the largest changes; putting it in use is then a
deliberate click. An import is put in use as soon as it has been read only when
it replaces nothing and nothing about it looks wrong: no row refused, a total
above zero and within a fifth of the spend entered by hand, VAT not taken out
at a rate, a date column chosen, most rows dated in the year chosen, and no
spend of another year in the plan's analysis that the import would move away
from.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    CategorySpend,
    ImportState,
    LedgerColumn,
    LedgerImport,
    SpendSource,
    VatMode,
)

DRIFT = Decimal("0.2")  # a total this much away from the one before is flagged
LISTED = 10

# An import's sums by account: account → (its name, its sum in euros).
Totals = dict[str, tuple[str, Decimal]]


@dataclass(frozen=True)
class Change:
    account: str
    name: str
    before: Decimal
    after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass
class Accounts:
    """Some of the accounts, the largest first, and how many and how much they are in all."""

    shown: list[Change] = field(default_factory=list)
    count: int = 0
    amount: Decimal = Decimal(0)


@dataclass
class Review:
    ledger_import: LedgerImport
    in_use: LedgerImport | None
    hand_entered: Decimal | None
    appeared: Accounts
    disappeared: Accounts
    largest: list[Change]
    # The plan's year, when its analysis has spend of that year and this import is of another.
    moves_analysis_from: int | None = None

    @property
    def baseline(self) -> Decimal | None:
        """The total this import is measured against: the import in use, or else hand-entered."""
        if self.in_use is not None:
            return self.in_use.total_eur
        return self.hand_entered

    @property
    def change_percent(self) -> Decimal | None:
        baseline, total = self.baseline, self.ledger_import.total_eur
        if not baseline or total is None:
            return None
        return ((total - baseline) * 100 / abs(baseline)).quantize(Decimal("0.1"))

    @property
    def warnings(self) -> list[str]:
        """What looks wrong, in the active language; empty when nothing does."""
        found = self.ledger_import
        warnings = []
        if found.rows_bad:
            warnings.append(
                ngettext(
                    "%(count)s row could not be read and is not summed.",
                    "%(count)s rows could not be read and are not summed.",
                    found.rows_bad,
                )
                % {"count": _count(found.rows_bad)}
            )
        if found.total_eur is not None and found.total_eur <= 0:
            warnings.append(_("The total is zero or less: is the amount column the right one?"))
        warnings.extend(self._drift())
        if found.vat_mode == VatMode.RATE and found.vat_rate is not None:
            warnings.append(
                _(
                    "VAT was taken out at %(rate)s %%: purchases at a reduced rate (food, "
                    "medicines, books, transport) make the amounts only approximate."
                )
                % {"rate": number_format(found.vat_rate, 1)}
            )
        if LedgerColumn.DATE not in found.columns:
            warnings.append(
                _(
                    "No date column was chosen, so rows of every year are summed as purchases "
                    "of %(year)s."
                )
                % {"year": found.year}
            )
        if self.moves_analysis_from is not None:
            warnings.append(
                _(
                    "The plan's analysis is of %(plan_year)s: putting this import of %(year)s in "
                    "use moves the analysis to %(year)s."
                )
                % {"plan_year": self.moves_analysis_from, "year": found.year}
            )
        other_years = sum(found.other_years.values())
        if other_years > found.rows_read:
            warnings.append(
                _(
                    "More rows are dated in other years (%(other)s) than in %(year)s "
                    "(%(rows)s): is the year right?"
                )
                % {
                    "other": _count(other_years),
                    "year": found.year,
                    "rows": _count(found.rows_read),
                }
            )
        return warnings

    def _drift(self) -> list[str]:
        change = self.change_percent
        if change is None or abs(change) <= DRIFT * 100:
            return []
        values = {
            "change": f"{'+' if change > 0 else ''}{number_format(change, 1)}",
            "before": _euros(self.baseline),
            "after": _euros(self.ledger_import.total_eur),
        }
        if self.in_use is not None:
            return [
                _(
                    "The total differs by %(change)s %% from the import in use "
                    "(%(before)s € → %(after)s €)."
                )
                % values
            ]
        return [
            _(
                "The total differs by %(change)s %% from the spend entered by hand for the year "
                "(%(before)s € → %(after)s €)."
            )
            % values
        ]

    @property
    def account_lists(self) -> list[tuple[str, Accounts]]:
        return [
            (_("Accounts that appear"), self.appeared),
            (_("Accounts that disappear"), self.disappeared),
        ]

    @property
    def needs_click(self) -> bool:
        """Whether the import waits for the team: it replaces one in use, or looks wrong."""
        return self.in_use is not None or bool(self.warnings)


def _count(value: int) -> str:
    return number_format(value, 0, force_grouping=True)


def _euros(value: Decimal | None) -> str:
    return number_format(value or 0, 2, force_grouping=True)


def review(ledger_import: LedgerImport) -> Review:
    """The import against the year's import in use: at most five queries."""
    in_use = (
        LedgerImport.objects.filter(
            plan_id=ledger_import.plan_id, year=ledger_import.year, state=ImportState.APPLIED
        )
        .exclude(pk=ledger_import.pk)
        .select_related("file")
        .first()
    )
    hand_entered = None
    if in_use is None:
        hand_entered = CategorySpend.objects.filter(
            plan_id=ledger_import.plan_id, year=ledger_import.year, source=SpendSource.MANUAL
        ).aggregate(total=Sum("amount_eur"))["total"]
    after = _totals(ledger_import)
    before = _totals(in_use) if in_use is not None else {}
    plan_year = ledger_import.plan.spend_year
    moves = (
        plan_year != ledger_import.year
        and CategorySpend.objects.filter(plan_id=ledger_import.plan_id, year=plan_year).exists()
    )
    return Review(
        moves_analysis_from=plan_year if moves else None,
        ledger_import=ledger_import,
        in_use=in_use,
        hand_entered=hand_entered,
        appeared=_accounts(after, before, new=True),
        disappeared=_accounts(before, after, new=False),
        largest=_largest(before, after) if in_use is not None else [],
    )


def _totals(ledger_import: LedgerImport) -> Totals:
    return {
        account: (name, amount)
        for account, name, amount in ledger_import.totals.values_list(
            "account", "name", "amount_eur"
        )
    }


def _accounts(these: Totals, others: Totals, *, new: bool) -> Accounts:
    """The accounts of ``these`` that ``others`` lacks, the largest first."""
    only = [
        Change(account, name, Decimal(0), amount)
        if new
        else Change(account, name, amount, Decimal(0))
        for account, (name, amount) in these.items()
        if account not in others
    ]
    only.sort(key=lambda change: -abs(change.difference))
    return Accounts(
        shown=only[:LISTED],
        count=len(only),
        amount=sum((change.difference for change in only), Decimal(0)),
    )


def _largest(before: Totals, after: Totals) -> list[Change]:
    """The accounts whose sum changes the most, those that appear or disappear included."""
    changes = [
        Change(
            account,
            (after.get(account) or before[account])[0],
            before.get(account, ("", Decimal(0)))[1],
            after.get(account, ("", Decimal(0)))[1],
        )
        for account in before.keys() | after.keys()
    ]
    changes = [change for change in changes if change.difference]
    changes.sort(key=lambda change: (-abs(change.difference), change.account))
    return changes[:LISTED]
