"""Importing a purchase ledger: from an invoice-level file to spend per category.

Finnish municipalities export and publish their purchase invoices one row per
invoice line (the Association of Finnish Municipalities' open purchase-invoice
data guideline): account number and name, cost centre, voucher date and
number, amount excluding VAT, supplier. Column names vary by finance system, so
the team says which column is which; the choice is remembered for the
organisation's next file.

The file is read as it streams, in a Celery task, into one total per account:
memory grows with the number of accounts (capped), not with the rows. Rows that
cannot be read are counted and the first of them listed with their line
numbers; rows dated in another year are counted per year and left out. Nothing
reaches the analysis until an import is applied: one without bad rows is
applied as soon as it has been read, one with bad rows waits for the team to
apply or discard it. Applying sets aside the year's earlier import, and the
year's ledger spend is recomputed from the account totals and the
organisation's account → category mapping.
"""

import contextlib
import datetime as dt
import itertools
import logging
import operator
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from academy.files import discard as discard_file
from academy.files import store
from academy.limits import memory_limit

from ..models import (
    AccountMapping,
    ActionPlan,
    CategorySpend,
    ImportState,
    LedgerAccountTotal,
    LedgerColumn,
    LedgerImport,
    ProcurementCategory,
    SpendSource,
    VatMode,
)
from .collaboration import LEDGER, PlanSubmitted, ensure_editable, record_change
from .columns import guess as guess_columns
from .ledger_review import review
from .ledger_use import applied_import
from .suggest import EXCLUDED, Suggester
from .tabular import NumberError, TableError, open_table, parse_number

log = logging.getLogger(__name__)

ALLOWED_TYPES = ("csv", "xlsx")
MAX_BYTES = 500 * 1024 * 1024
MAX_ACCOUNTS = 20_000
LISTED_PROBLEMS = 200
PROGRESS_EVERY = 50_000
STALLED_AFTER = dt.timedelta(minutes=10)
NOT_A_YEAR = -1
TOO_LARGE = Decimal("1e14")  # what a total of 16 digits with 2 decimals holds
REQUIRED = (LedgerColumn.ACCOUNT, LedgerColumn.AMOUNT)
CENT = Decimal("0.01")


class ImportError_(Exception):
    """The file as a whole cannot be imported. The message is kept untranslated, with its
    values, and translated for each reader (``LedgerImport.error_text``)."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


# ---------------------------------------------------------------- upload and columns


def start(plan: ActionPlan, upload, *, year: int, by) -> LedgerImport:
    """Store the file and check that it reads as a table. Raises ValidationError."""
    stored = store(upload, allowed=ALLOWED_TYPES, max_bytes=MAX_BYTES, by=by)
    try:
        header = header_of_file(stored)
    except TableError as error:
        discard_file(stored)
        raise ValidationError(str(error), code="unreadable") from error
    earlier = remembered(plan, header)
    if earlier is not None:
        # Not the rate: it follows the year of the purchases (24 % until 31.8.2024, 25.5 % after).
        columns, vat_mode, vat_rate = earlier.columns, earlier.vat_mode, None
    else:
        guessed = guess_columns(header)
        columns, vat_mode, vat_rate = guessed.columns, guessed.vat_mode, None
    return LedgerImport.objects.create(
        plan=plan,
        year=year,
        file=stored,
        columns=columns,
        vat_mode=vat_mode,
        vat_rate=vat_rate,
        created_by=by if by is not None and by.is_authenticated else None,
    )


# What reading a file's header and first rows may take on a web request, above what the
# process holds already: a file that needs more is refused there, not read.
REQUEST_MEMORY = 512 * 1024**2


def header_of_file(stored) -> list[str]:
    return preview(stored, rows=0, lines=1)[0]


def preview(stored, *, rows: int, lines: int) -> tuple[list[str], list[list[str]]]:
    """The header and up to ``rows`` rows with something in them among the first ``lines``
    lines, within REQUEST_MEMORY. Raises TableError."""
    try:
        with stored.file.open("rb") as binary, memory_limit(REQUEST_MEMORY):
            table = open_table(binary)
            try:
                found = [cells for _line, cells in itertools.islice(table.rows(lines), rows)]
            finally:
                table.close()
    except MemoryError:
        raise TableError(TOO_BIG_TO_READ) from None
    return table.header, found


# The columns page shows the header and a few rows. They are read once per file and kept
# in the cache for a while, so that reloading the page does not read a large workbook
# again; each cell is shortened for the page (a cell can hold megabytes).
PREVIEW_ROWS = 5
PREVIEW_LINES = 1000
PREVIEW_CELL = 200
PREVIEW_KEPT_SECONDS = 30 * 60


def column_preview(stored) -> tuple[list[str], list[list[str]]]:
    key = f"plans:ledger-preview:{stored.pk}:{stored.sha256}"
    kept = cache.get(key)
    if kept is not None:
        return kept["header"], kept["rows"]
    found_header, found = preview(stored, rows=PREVIEW_ROWS, lines=PREVIEW_LINES)
    rows = [
        [cell if len(cell) <= PREVIEW_CELL else cell[: PREVIEW_CELL - 1] + "…" for cell in row]
        for row in found
    ]
    cache.set(key, {"header": found_header, "rows": rows}, PREVIEW_KEPT_SECONDS)
    return found_header, rows


def header(ledger_import: LedgerImport) -> list[str]:
    return header_of_file(ledger_import.file)


def remembered(plan: ActionPlan, header: list[str]) -> LedgerImport | None:
    """The organisation's latest import that was used, if this file has all its columns:
    its columns and VAT treatment are worth keeping; a failed import's are not."""
    earlier = (
        LedgerImport.objects.filter(
            plan__participation__organisation_id=plan.participation.organisation_id
        )
        .filter(state__in=[ImportState.APPLIED, ImportState.REPLACED])
        .exclude(columns={})
        .order_by("-created_at")
        .only("columns", "vat_mode", "vat_rate")
        .first()
    )
    if earlier and all(name in header for name in earlier.columns.values()):
        return earlier
    return None


def choose_columns(
    ledger_import: LedgerImport,
    columns: dict[str, str],
    *,
    vat_mode: str = VatMode.EXCLUDED,
    vat_rate: Decimal | None = None,
    states=(ImportState.UPLOADED,),
) -> bool:
    """Save the columns and VAT treatment and queue the reading once the transaction commits;
    False if the import is no longer in one of ``states`` (a second click, another tab)."""
    chosen = {key: value for key, value in columns.items() if value}
    if vat_mode != VatMode.SUBTRACT:
        chosen.pop(LedgerColumn.VAT, None)
    if vat_mode != VatMode.RATE:
        vat_rate = None
    now = timezone.now()
    queued = LedgerImport.objects.filter(pk=ledger_import.pk, state__in=states).update(
        columns=chosen,
        vat_mode=vat_mode,
        vat_rate=vat_rate,
        state=ImportState.QUEUED,
        progress=0,
        touched_at=now,
        readings=0,
    )
    if queued:
        ledger_import.columns, ledger_import.state = chosen, ImportState.QUEUED
        ledger_import.vat_mode, ledger_import.vat_rate = vat_mode, vat_rate
        ledger_import.progress, ledger_import.touched_at = 0, now
        enqueue(ledger_import)
    return bool(queued)


def enqueue(ledger_import: LedgerImport) -> None:
    from ..tasks import import_ledger

    pk = ledger_import.pk

    def send() -> None:
        try:
            import_ledger.delay(pk)
        except Exception:  # the page offers to start again
            log.exception("Could not queue ledger import %s", pk)

    transaction.on_commit(send)


def stalled(ledger_import: LedgerImport, now: dt.datetime | None = None) -> bool:
    """Queued or being read, with no sign of progress for a while: the worker may be gone."""
    now = now or timezone.now()
    return ledger_import.is_working and (
        ledger_import.touched_at is None or now - ledger_import.touched_at > STALLED_AFTER
    )


def restart(ledger_import: LedgerImport) -> None:
    choose_columns(
        ledger_import,
        ledger_import.columns,
        vat_mode=ledger_import.vat_mode or VatMode.EXCLUDED,
        vat_rate=ledger_import.vat_rate,
        states=(ImportState.QUEUED, ImportState.RUNNING),
    )


# ---------------------------------------------------------------- reading


@dataclass
class Reading:
    """What reading a ledger found: per account [sum, rows, name], and what it left out.

    ``uneven`` counts the rows with another number of fields than the header
    (``longer`` of them with more): many such rows mean the file was not
    written the way it is read, such as amounts with an unquoted decimal comma
    in a comma-separated file.
    """

    totals: dict[str, list] = field(default_factory=dict)
    rows_read: int = 0
    rows_bad: int = 0
    problems: list[dict] = field(default_factory=list)
    other_years: Counter = field(default_factory=Counter)
    uneven: int = 0
    longer: int = 0
    separator: str | None = None
    width: int = 0

    def bad(self, line: int, reason: str, value: str = "", **params) -> None:
        """``reason``: an untranslated message, with ``%(value)s`` for ``value`` and the
        ``params`` it names."""
        self.rows_bad += 1
        if len(self.problems) < LISTED_PROBLEMS:
            self.problems.append({"line": line, "reason": reason, "value": value[:40], **params})

    @property
    def total(self) -> Decimal:
        return sum((entry[0] for entry in self.totals.values()), Decimal(0))


def read_ledger(
    binary,
    columns: dict[str, str],
    year: int,
    *,
    vat_mode: str = VatMode.EXCLUDED,
    vat_rate: Decimal | None = None,
    progress: Callable[[int, float | None], None] | None = None,
) -> Reading:
    """Sum a ledger file per account, without VAT. Raises ImportError_ when the file cannot
    be used."""
    try:
        table = open_table(binary)
    except TableError as error:
        raise ImportError_(error.message, **error.params) from error
    try:
        summer = _summer(table, columns, year, vat_mode, vat_rate)
        return _read(table, summer, max(summer.used) + 1, progress)
    except TableError as error:
        raise ImportError_(error.message, **error.params) from error
    finally:
        table.close()


def _summer(table, columns: dict[str, str], year: int, vat_mode: str, vat_rate) -> "_Summer":
    index = {}
    for field_name, name in columns.items():
        if field_name == LedgerColumn.VAT and vat_mode != VatMode.SUBTRACT:
            continue
        if name not in table.header:
            raise ImportError_(
                gettext_noop("The file has no column “%(name)s”. Choose the columns again."),
                name=name,
            )
        index[field_name] = table.header.index(name)
    for field_name in REQUIRED:
        if field_name not in index:
            raise ImportError_(
                gettext_noop("Choose the column of the account number and of the amount.")
            )
    if vat_mode == VatMode.SUBTRACT and LedgerColumn.VAT not in index:
        raise ImportError_(gettext_noop("Choose the column of the VAT to subtract."))
    if vat_mode == VatMode.RATE and not vat_rate:
        raise ImportError_(gettext_noop("Give the VAT rate to take out of the amounts."))
    summer = _Summer(
        year,
        account_at=index[LedgerColumn.ACCOUNT],
        amount_at=index[LedgerColumn.AMOUNT],
        name_at=index.get(LedgerColumn.ACCOUNT_NAME),
        date_at=index.get(LedgerColumn.DATE),
        vat_at=index.get(LedgerColumn.VAT),
        width=len(table.header) if table.fixed_width else None,
        divide_by=1 + vat_rate / 100 if vat_mode == VatMode.RATE else None,
    )
    summer.used = list(index.values())
    summer.reading.separator = table.delimiter
    summer.reading.width = len(table.header)
    if summer.width is not None:
        summer.named = max(i for i, name in enumerate(table.header) if name) + 1
        summer.comma = table.delimiter == ","
        summer.check_tail = summer.comma and summer.named < summer.width
    return summer


def _read(table, summer: "_Summer", maxsplit: int, progress) -> Reading:
    seen, report_at = 0, PROGRESS_EVERY
    for first, rows, separator, even in table.raw_batches():
        summer.encoding = table.raw_encoding
        if summer.encoding:
            summer.add_plain(first, rows, separator, maxsplit, even)
        else:
            summer.add_rows(first, rows)
        seen += len(rows)
        if seen >= report_at:
            report_at = seen + PROGRESS_EVERY
            if progress is not None:
                progress(seen, table.progress())
    if progress is not None:
        progress(seen, 1.0)
    return summer.result()


BOM = b"\xef\xbb\xbf"
# One group of three digits after one separator: 1,234 or 12.345 is a thousand or a decimal.
UNCLEAR_AMOUNT = re.compile(r"-?[1-9][0-9]{0,2}[.,][0-9]{3}")
# What finance systems' reports write in the account column of a total or subtotal row.
TOTAL_WORDS = frozenset(
    ("yhteensä", "yht", "kaikki yhteensä", "välisumma", "loppusumma", "summa", "total",
     "totalt", "sum", "summa totalt", "sammanlagt", "grand total", "subtotal", "delsumma")
)  # fmt: skip


def _is_total(account: str) -> bool:
    return " ".join(account.casefold().replace(":", " ").replace(".", " ").split()) in TOTAL_WORDS


# Amounts with a decimal comma and two decimals, one per line: 1 234,56 or -0,50.
PLAIN_AMOUNTS = re.compile(rb"-?[0-9][0-9 ]*,[0-9]{2}(?:\n-?[0-9][0-9 ]*,[0-9]{2})*")


class _Summer:
    """Sums rows per account.

    Cells are bytes in ``encoding`` (a CSV read raw) or text (XLSX, or a CSV
    whose header spans lines). Totals are kept per account as [sum of other
    amounts, rows, name as found, sum of whole cents] and made text and one
    Decimal at the end.
    """

    def __init__(self, year, *, account_at, amount_at, name_at, date_at, vat_at, width, divide_by):
        self.year = year
        self.account_at, self.amount_at = account_at, amount_at
        self.name_at, self.date_at = name_at, date_at
        self.vat_at, self.divide_by = vat_at, divide_by
        self.width = width  # None where a row may leave empty cells off (a spreadsheet)
        self.named = width  # the header's fields up to its last named one
        self.comma = False
        self.check_tail = False  # every row's unnamed fields are looked at (see uneven)
        self.strict_numbers = width is not None  # text written by people: 1,234 is unclear
        self.used: list[int] = []
        self.encoding: str | None = None
        self.totals: dict = {}
        self.years: dict = {}  # a date as the file has it → its year, or NOT_A_YEAR
        self.reading = Reading()

    def year_of(self, day) -> int:
        found = self.years.get(day)
        if found is None:
            found = year_of(day.decode(self.encoding) if self.encoding else day) or NOT_A_YEAR
            if len(self.years) < 100_000:
                self.years[day] = found
        return found

    def text(self, value) -> str:
        if not isinstance(value, bytes):
            return value
        assert self.encoding is not None  # cells are bytes only where the encoding is known
        return value.decode(self.encoding, "replace")

    def add_plain(
        self, first: int, rows: list, separator: bytes | None, maxsplit: int, even: bool
    ) -> None:
        """Sum rows of bytes: lines to split by ``separator``, or else lists of cells.

        A block whose every line is plain (as many fields as the header, the
        year's date, an amount like 1 234,56, a known or well-formed account) is
        summed in one pass that leaves the splitting and picking of cells to C;
        any other block is summed row by row, which reports what it cannot read.
        """
        if separator is not None:
            if even and self.vat_at is None and self.add_fast(rows, separator, maxsplit):
                return
            rows = [row.split(separator) for row in rows]
        if self.vat_at is None:
            self.add_careful(first, rows)
        else:
            self.add_rows(first, rows)

    def add_fast(self, lines: list[bytes], separator: bytes, maxsplit: int) -> bool:
        """Sum a block of plain lines, or change nothing and say False.

        The loop only gathers each account's amounts as the file writes them, and the
        dates seen; checking and adding them up is left to C, a whole account at a
        time: the amounts joined, matched against the plain form, and read as cents.
        """
        split = operator.methodcaller("split", separator, maxsplit)
        groups: defaultdict[bytes, list[bytes]] = defaultdict(list)
        days: set[bytes] = set()
        try:
            if self.date_at is None:
                pick = operator.itemgetter(self.account_at, self.amount_at)
                for account, text in map(pick, map(split, lines)):
                    groups[account].append(text)
            else:
                pick_dated = operator.itemgetter(self.account_at, self.amount_at, self.date_at)
                add = days.add
                for account, text, day in map(pick_dated, map(split, lines)):
                    add(day)
                    groups[account].append(text)
        except IndexError:
            return False
        if any(self.year_of(day) != self.year for day in days):
            return False
        totals = self.totals
        new = [account for account in groups if account not in totals]
        if any(not a or a.strip() != a or len(a) > 50 or BOM in a for a in new):
            return False
        if any(_is_total(self.text(a)) for a in new):
            return False
        if len(totals) + len(new) > MAX_ACCOUNTS:
            return False  # row by row, to stop at the account that is one too many
        sums = {}
        for account, texts in groups.items():
            joined = b"\n".join(texts)
            if not PLAIN_AMOUNTS.fullmatch(joined):
                return False
            sums[account] = sum(map(int, joined.translate(None, b" ,").split(b"\n")))
        for account in new:
            totals[account] = [Decimal(0), 0, b"", 0]
        for account, cents in sums.items():
            entry = totals[account]
            entry[3] += cents
            entry[1] += len(groups[account])
        if self.name_at is not None and (nameless := {a for a in groups if not totals[a][2]}):
            self._names(lines, separator, maxsplit, nameless)
        self.reading.rows_read += len(lines)
        return True

    def _names(self, lines, separator, maxsplit, nameless: set) -> None:
        """Each account's name from its first line that has one."""
        for cells in map(operator.methodcaller("split", separator, maxsplit), lines):
            account = cells[self.account_at]
            if self.name_at >= len(cells):
                continue
            if account in nameless and (name := cells[self.name_at].strip()):
                self.totals[account][2] = name
                nameless.discard(account)
                if not nameless:
                    return

    def add_careful(self, first: int, rows: list[list[bytes]]) -> None:
        """Sum rows of cells as bytes one by one, reporting each that cannot be read.

        The loop runs once per invoice line, so it keeps to locals and puts the
        common case first: an amount like 1 234,56 is summed as whole cents.
        """
        totals, years, year = self.totals, self.years, self.year
        account_at, amount_at = self.account_at, self.amount_at
        name_at, date_at, width = self.name_at, self.date_at, self.width
        check_tail = self.check_tail
        get, get_year = totals.get, years.get
        read = 0
        for line, cells in enumerate(rows, start=first):
            if (check_tail or len(cells) != width) and self.uneven(line, cells):
                continue
            account = cells[account_at]
            text = cells[amount_at]
            if date_at is not None:
                day = cells[date_at]
            if date_at is not None:
                found = get_year(day)
                if found is None:
                    found = self.year_of(day)
                if found != year:
                    self.left_out(line, cells, day, found)
                    continue
            cents = None
            if text.find(b",") == len(text) - 3 and b"_" not in text:
                try:  # noqa: SIM105 - suppress() costs more than the row
                    cents = int(text.translate(None, b" ,"))
                except ValueError:
                    pass
            if cents is None:
                amount = self.amount(line, cells, text)
                if amount is None:
                    continue
            entry = get(account)
            if entry is None:
                entry = self.entry(line, cells, account)
                if entry is None:
                    continue
            if cents is None:
                entry[0] += amount
            else:
                entry[3] += cents
            entry[1] += 1
            if not entry[2] and name_at is not None and name_at < len(cells):
                entry[2] = cells[name_at].strip()
            read += 1
        self.reading.rows_read += read

    # The rare cases, out of the loops' way.

    def uneven(self, line: int, cells: list) -> bool:
        """Whether a row whose number of fields differs from the header's is refused.

        Empty fields after the header's last are harmless (a separator at the end
        of each line, or of the header alone); any other difference may have moved
        a value into another column, so the row is not summed. Not so in a
        comma-separated file: there an amount with an unquoted decimal comma puts
        its cents in the next field, which may be an unnamed or empty one, so any
        value past the named columns, or any field past the header's, refuses the
        row. A spreadsheet's row may leave its empty cells off instead: it is
        refused only if it lacks a cell the import reads.
        """
        width, count = self.width, len(cells)
        if width is None:
            if count > max(self.used):
                return False
            self.refuse(line, cells, gettext_noop("The row has fewer columns than the header."))
            return True
        named, comma = self.named, self.comma
        if count in (width, named) and not (comma and any(c.strip() for c in cells[named:])):
            return False
        if count > width and not comma and not any(cell.strip() for cell in cells[width:]):
            return False
        unnamed = count <= width and any(cell.strip() for cell in cells[named:])
        if any(cell.strip() for cell in cells):
            self.reading.uneven += 1
            self.reading.longer += count > width or unnamed
        if unnamed:
            self.refuse(
                line,
                cells,
                gettext_noop(
                    "The row has a value in column %(column)s, which the header does not name: "
                    "its values may be in the wrong columns."
                ),
                column=next(i for i in range(named, count) if cells[i].strip()) + 1,
            )
            return True
        self.refuse(
            line,
            cells,
            gettext_noop(
                "The row has %(count)s fields but the header has %(width)s: its values may be in "
                "the wrong columns."
            ),
            count=count,
            width=width,
        )
        return True

    def refuse(self, line: int, cells: list, reason: str, value="", **params) -> None:
        """Report a row that cannot be read, unless it is blank (only separators)."""
        if any(cell.strip() for cell in cells):
            self.reading.bad(line, reason, self.text(value), **params)

    def left_out(self, line: int, cells: list, day, found: int) -> None:
        if found == NOT_A_YEAR and not day.strip():
            self.refuse(line, cells, gettext_noop("The date is missing."))
        elif found == NOT_A_YEAR:
            self.refuse(line, cells, gettext_noop("“%(value)s” is not a date."), day)
        elif any(cell.strip() for cell in cells):
            self.reading.other_years[found] += 1

    def amount(self, line: int, cells: list, text) -> Decimal | None:
        text = self.text(text)
        if self.strict_numbers and UNCLEAR_AMOUNT.fullmatch(text.strip()):
            self.refuse(
                line,
                cells,
                gettext_noop(
                    "“%(value)s” may be a thousand or a decimal number: write it as 1234 or "
                    "1234,00."
                ),
                text,
            )
            return None
        try:
            return _number(text)
        except NumberError:
            self.refuse(line, cells, gettext_noop("“%(value)s” is not an amount."), text)
            return None

    def entry(self, line: int, cells: list, account) -> list | None:
        """A new account's totals; None, having reported the row, if it cannot be one."""
        account = account.strip().removeprefix(BOM if isinstance(account, bytes) else "\ufeff")
        if entry := self.totals.get(account):
            return entry
        if not account:
            self.refuse(line, cells, gettext_noop("The account number is missing."))
            return None
        if _is_total(self.text(account)):
            self.refuse(
                line,
                cells,
                gettext_noop("“%(value)s” is a total of other rows, not an account."),
                self.text(account),
            )
            return None
        if len(account) > 50:
            self.refuse(
                line, cells, gettext_noop("The account number is longer than 50 characters.")
            )
            return None
        if len(self.totals) >= MAX_ACCOUNTS:
            raise ImportError_(
                gettext_noop(
                    "The file has more than %(count)s different accounts. Is the account column "
                    "the right one?"
                ),
                count=MAX_ACCOUNTS,
            )
        entry = self.totals[account] = [Decimal(0), 0, b"" if self.encoding else "", 0]
        return entry

    def add_rows(self, first: int, rows: list[list]) -> None:
        """Sum rows one by one: a spreadsheet's, or any with a VAT column to subtract."""
        for line, cells in enumerate(rows, start=first):
            if (self.check_tail or len(cells) != self.width) and self.uneven(line, cells):
                continue
            account = cells[self.account_at]
            text = cells[self.amount_at]
            day = cells[self.date_at] if self.date_at is not None else None
            if day is not None and (found := self.year_of(day)) != self.year:
                self.left_out(line, cells, day, found)
                continue
            amount = self.amount(line, cells, text)
            if amount is None:
                continue
            if self.vat_at is not None and (vat_text := cells[self.vat_at]).strip():
                # A blank VAT is a purchase without VAT (exempt, or from abroad).
                vat = self.amount(line, cells, vat_text)
                if vat is None:
                    continue
                amount -= vat
            entry = self.totals.get(account) or self.entry(line, cells, account)
            if entry is None:
                continue
            entry[0] += amount
            entry[1] += 1
            if self.name_at is not None and self.name_at < len(cells) and not entry[2]:
                entry[2] = cells[self.name_at].strip()
            self.reading.rows_read += 1

    def result(self) -> Reading:
        reading = self.reading
        reading.totals = {
            self.text(account): [
                self.without_vat(amount + Decimal(cents) / 100),
                rows,
                self.text(name)[:300],
            ]
            for account, (amount, rows, name, cents) in self.totals.items()
        }
        return reading

    def without_vat(self, amount: Decimal) -> Decimal:
        """An account's sum with VAT taken out at the rate, to the cent; else as it is."""
        if self.divide_by is None:
            return amount
        return (amount / self.divide_by).quantize(CENT, rounding=ROUND_HALF_UP)


def _number(text: str) -> Decimal:
    """``parse_number`` with a fast path for the forms most files use: 1 234,56 and 1234.56."""
    if "." not in text and "_" not in text and "e" not in text and "E" not in text:
        try:
            value = Decimal(text.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return parse_number(text)
        if value.is_finite():
            return value
        raise NumberError(text)
    return parse_number(text)


def year_of(text: str) -> int | None:
    """The year of a voucher date written 31.12.2021, 2021-12-31(T…), 31/12/2021 or 20211231."""
    text = text.strip()
    try:
        if "." in text:
            day, month, rest = text.split(".", 2)
            value = dt.date(int(rest[:4]), int(month), int(day))
        elif "-" in text:
            value = dt.date.fromisoformat(text[:10])
        elif "/" in text:
            day, month, rest = text.split("/", 2)
            value = dt.date(int(rest[:4]), int(month), int(day))
        elif len(text) == 8 and text.isdigit():
            value = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        else:
            return None
    except ValueError:
        return None
    return value.year if value.year >= 1900 else None


# ---------------------------------------------------------------- the task's work


# A reader shows it is alive this often. One silent for LOST_AFTER is taken for lost (its
# worker was killed or the machine stopped) and the import is read again from the start,
# at most MAX_READINGS times in all; a queued import whose message was lost (the broker
# was down) is sent again after QUEUE_LOST_AFTER. The sweep runs every 20 seconds.
HEARTBEAT_SECONDS = 10.0
LOST_AFTER = dt.timedelta(seconds=30)
QUEUE_LOST_AFTER = dt.timedelta(minutes=5)
MAX_READINGS = 3
STOPPED_TOO_OFTEN = gettext_noop(
    "Reading the file stopped %(count)s times before it was done. Check that it is a "
    "purchase-invoice file, or split it into smaller files."
)


@contextlib.contextmanager
def heartbeat(import_id: int, every: float | None = None, *, reading: int | None = None):
    """Mark the import as being read every ``every`` seconds, from a thread of its own, so
    that a long step without progress (a large workbook opening) is not taken for a lost
    reader. Only while this reading (its number, ``reading``) is the import's current one;
    a failed beat is logged and the next one tried."""
    stop = threading.Event()
    current = {"readings": reading} if reading is not None else {}

    def beat() -> None:
        try:
            while not stop.wait(every or HEARTBEAT_SECONDS):
                try:
                    LedgerImport.objects.filter(
                        pk=import_id, state=ImportState.RUNNING, **current
                    ).update(touched_at=timezone.now())
                except Exception:
                    log.exception("Ledger import %s: a heartbeat failed", import_id)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"ledger-heartbeat-{import_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def resume_lost(now: dt.datetime | None = None) -> int:
    """Read again the imports whose reader went silent, and send again the queued ones
    whose message went missing. Returns how many were sent again."""
    now = now or timezone.now()
    sent = 0
    silent = LedgerImport.objects.filter(
        state=ImportState.RUNNING, touched_at__lt=now - LOST_AFTER
    ).only("pk", "touched_at", "readings")
    for found in silent:
        if found.readings >= MAX_READINGS:
            log.warning("Ledger import %s stopped %s times; failed", found.pk, found.readings)
            _fail(
                found,
                STOPPED_TOO_OFTEN,
                {"count": found.readings},
                where={"state": ImportState.RUNNING, "touched_at": found.touched_at},
            )
            continue
        # Only if nobody else resumed it or it came back to life meanwhile.
        if LedgerImport.objects.filter(
            pk=found.pk, state=ImportState.RUNNING, touched_at=found.touched_at
        ).update(state=ImportState.QUEUED, touched_at=now, progress=0):
            log.warning("Ledger import %s lost its reader; reading it again", found.pk)
            enqueue(found)
            sent += 1
    waiting = LedgerImport.objects.filter(
        state=ImportState.QUEUED, touched_at__lt=now - QUEUE_LOST_AFTER
    ).only("pk", "touched_at")
    for found in waiting:
        if LedgerImport.objects.filter(
            pk=found.pk, state=ImportState.QUEUED, touched_at=found.touched_at
        ).update(touched_at=now):
            enqueue(found)
            sent += 1
    return sent


def run(import_id: int) -> None:
    """Read a queued import. Safe to call twice: only one call claims it."""
    now = timezone.now()
    claimed = LedgerImport.objects.filter(pk=import_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING,
        started_at=now,
        touched_at=now,
        progress=0,
        readings=F("readings") + 1,
    )
    if not claimed:
        return
    # This reading's number: if the sweep gives the import to another reader meanwhile
    # (this one having gone silent), nothing this one does afterwards counts.
    mine = LedgerImport.objects.values_list("readings", flat=True).get(pk=import_id)
    with heartbeat(import_id, reading=mine):
        _run(import_id, mine)


def _run(import_id: int, mine: int) -> None:
    ledger_import = LedgerImport.objects.select_related("file", "plan").get(pk=import_id)
    current = {"state": ImportState.RUNNING, "readings": mine}

    def progress(rows: int, share: float | None) -> None:
        LedgerImport.objects.filter(pk=import_id, **current).update(
            rows_read=rows, progress=share or 0, touched_at=timezone.now()
        )

    try:
        with (
            ledger_import.file.file.open("rb") as binary,
            memory_limit(settings.LEDGER_MEMORY_LIMIT_MB * 1024**2),
        ):
            reading = read_ledger(
                binary,
                ledger_import.columns,
                ledger_import.year,
                vat_mode=ledger_import.vat_mode or VatMode.EXCLUDED,
                vat_rate=ledger_import.vat_rate,
                progress=progress,
            )
        if reading.rows_bad > reading.rows_read and (
            reading.rows_read or reading.uneven * 2 > reading.rows_bad
        ):
            _fail(ledger_import, *_mostly_bad_message(reading), reading=reading, where=current)
            return
        if not reading.totals:
            _fail(
                ledger_import,
                *_no_rows_message(reading, ledger_import.year),
                reading=reading,
                where=current,
            )
            return
    except ImportError_ as error:
        _fail(ledger_import, error.message, error.params, where=current)
        return
    except MemoryError:
        log.warning("Ledger import %s needed more memory than it may take", import_id)
        _fail(ledger_import, TOO_BIG_TO_READ, where=current)
        return
    except SoftTimeLimitExceeded:
        log.warning("Ledger import %s took longer than it may", import_id)
        _fail(ledger_import, TOO_SLOW_TO_READ, where=current)
        return
    except Exception:
        log.exception("Ledger import %s failed", import_id)
        _fail(ledger_import, UNREADABLE, where=current)
        raise
    largest = max((abs(entry[0]) for entry in reading.totals.values()), default=Decimal(0))
    if max(largest, abs(reading.total)) >= TOO_LARGE:
        _fail(
            ledger_import,
            gettext_noop(
                "The amounts add up to more than a hundred million million euros: is the amount "
                "column the right one?"
            ),
            where=current,
        )
        return
    try:
        # One transaction: a page polling the import never sees it read but not yet in use.
        with transaction.atomic():
            if not LedgerImport.objects.select_for_update().filter(pk=import_id, **current):
                log.warning("Ledger import %s: reading %s was replaced; not saved", import_id, mine)
                return
            _save_reading(ledger_import, reading)
            found = review(ledger_import)
            if not found.needs_click:
                # If the plan was submitted meanwhile, or another import was put in use,
                # the import waits, read, for the team.
                with (
                    contextlib.suppress(PlanSubmitted, InUseChanged, NotAnyMore),
                    transaction.atomic(),
                ):
                    apply(ledger_import, by=ledger_import.created_by, replacing=None)
    except Exception:
        log.exception("Ledger import %s could not be saved", import_id)
        _fail(ledger_import, UNREADABLE, where=current)
        raise


def _save_reading(ledger_import: LedgerImport, reading: Reading) -> None:
    """The account totals and the counts: the import is then read, for review.

    The import's total is the sum of its accounts as saved, to the cent, so that
    every list of its accounts adds up to it.
    """
    rounded = {
        account: (amount.quantize(CENT, rounding=ROUND_HALF_UP), rows, name)
        for account, (amount, rows, name) in reading.totals.items()
    }
    ledger_import.totals.all().delete()
    LedgerAccountTotal.objects.bulk_create(
        (
            LedgerAccountTotal(
                ledger_import=ledger_import,
                account=account,
                name=name,
                amount_eur=amount,
                rows=rows,
            )
            for account, (amount, rows, name) in rounded.items()
        ),
        batch_size=1000,
    )
    ledger_import.rows_read = reading.rows_read
    ledger_import.rows_bad = reading.rows_bad
    ledger_import.problems = reading.problems
    ledger_import.other_years = {
        str(year): count for year, count in sorted(reading.other_years.items())
    }
    ledger_import.total_eur = sum((entry[0] for entry in rounded.values()), Decimal(0))
    ledger_import.progress = 1
    ledger_import.finished_at = ledger_import.touched_at = timezone.now()
    ledger_import.state = ImportState.REVIEW
    ledger_import.error = ""
    ledger_import.save()


UNREADABLE = gettext_noop("The file could not be read. Please try again or contact staff.")
TOO_BIG_TO_READ = gettext_noop(
    "The file needs more memory to read than one import may take. Leave out the columns and "
    "years the analysis does not need, or save it as CSV, and upload it again."
)
TOO_SLOW_TO_READ = gettext_noop(
    "Reading the file took longer than one import may. Leave out the columns and years the "
    "analysis does not need, or save it as CSV, and upload it again."
)


def _mostly_bad_message(reading: Reading) -> tuple[str, dict]:
    """Why an import of which most rows could not be read is refused rather than summed."""
    counts = {"bad": reading.rows_bad, "count": reading.rows_bad + reading.rows_read}
    if reading.uneven * 2 <= reading.rows_bad:
        return gettext_noop(
            "%(bad)s of the %(count)s rows could not be read, so the file is not used: are the "
            "account and amount columns the right ones? The first problems are listed below."
        ), counts
    if reading.separator == "," and reading.longer * 2 > reading.uneven:
        return gettext_noop(
            "%(bad)s of the %(count)s rows have more fields than the header, so the file is not "
            "used. Commas separate its fields, and the amounts seem to have a decimal comma too, "
            "which splits each amount in two. Save the file as “CSV UTF-8” with semicolons "
            "between the fields, or as an Excel workbook (.xlsx), and import it again."
        ), counts
    return gettext_noop(
        "%(bad)s of the %(count)s rows have another number of fields than the header "
        "(%(width)s), so the file is not used: it is not read the way it was written. Save it "
        "as “CSV UTF-8” (in Excel: Save as → CSV UTF-8) or as an Excel workbook (.xlsx), and "
        "import it again."
    ), {**counts, "width": reading.width}


def _no_rows_message(reading: Reading, year: int) -> tuple[str, dict]:
    if reading.other_years:
        years = ", ".join(str(y) for y in sorted(reading.other_years))
        return gettext_noop(
            "No row is dated in %(year)s (the file has rows of %(years)s). Choose the year of "
            "the file."
        ), {"year": year, "years": years}
    if reading.rows_bad:
        return gettext_noop(
            "None of the %(count)s rows could be read: are the account and amount columns the "
            "right ones? The first problems are listed below."
        ), {"count": reading.rows_bad}
    return gettext_noop("The file has no rows under its header."), {}


def _fail(
    ledger_import: LedgerImport,
    message: str,
    params: dict | None = None,
    *,
    reading: Reading | None = None,
    where: dict | None = None,
) -> None:
    """Nothing of the file is kept but why it failed, and the rows it could not read;
    ``where`` narrows it to the import as the caller knew it (its reading, its state)."""
    now = timezone.now()
    LedgerImport.objects.filter(pk=ledger_import.pk, **(where or {})).update(
        state=ImportState.FAILED,
        error=message,
        error_params=params or {},
        problems=reading.problems if reading else [],
        rows_bad=reading.rows_bad if reading else 0,
        finished_at=now,
        touched_at=now,
    )


# ---------------------------------------------------------------- applying and mapping


class InUseChanged(Exception):
    """Another import was put in use after the team looked at what this one changes."""

    message = gettext_noop(
        "Another import of the year was put in use meanwhile. Look at what this one changes "
        "against it, and put it in use again if it is right."
    )


class NotAnyMore(Exception):
    """The import changed since the page was shown: another tab used or discarded it."""

    message = gettext_noop("That cannot be done to this import any more.")


ANY = object()


def apply(ledger_import: LedgerImport, *, by, replacing: object = ANY) -> None:
    """Make this import the year's ledger, setting aside the one before, and recompute.

    ``replacing``: the id of the import in use that the team compared this one
    with (None: none was). Raises InUseChanged when another is in use now,
    NotAnyMore when this one is no longer waiting to be used (another tab used
    or discarded it), and PlanSubmitted when the plan is frozen.
    """
    plan = ledger_import.plan
    with transaction.atomic():
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        ensure_editable(plan)
        if _state_now(ledger_import) != ImportState.REVIEW:
            raise NotAnyMore
        in_use = LedgerImport.objects.filter(
            plan=plan, year=ledger_import.year, state=ImportState.APPLIED
        ).exclude(pk=ledger_import.pk)
        if replacing is not ANY and in_use.values_list("pk", flat=True).first() != replacing:
            raise InUseChanged
        in_use.update(state=ImportState.REPLACED)
        ledger_import.state = ImportState.APPLIED
        ledger_import.applied_at = timezone.now()
        ledger_import.save(update_fields=["state", "applied_at"])
        _remember_accounts(ledger_import, by=by)
        recompute(plan, ledger_import.year)
        if plan.spend_year != ledger_import.year:
            plan.spend_year = ledger_import.year
            plan.save(update_fields=["spend_year"])
        record_change(
            plan,
            by,
            LEDGER,
            gettext_noop("The purchase ledger %(file)s (%(year)s) was put in use."),
            params={"file": ledger_import.file.original_name, "year": ledger_import.year},
        )


def _remember_accounts(ledger_import: LedgerImport, *, by) -> None:
    """New accounts join the organisation's list, unmapped; known ones keep their mapping."""
    organisation_id = ledger_import.plan.participation.organisation_id
    known = set(
        AccountMapping.objects.filter(organisation_id=organisation_id).values_list(
            "account", flat=True
        )
    )
    AccountMapping.objects.bulk_create(
        (
            AccountMapping(organisation_id=organisation_id, account=total.account, name=total.name)
            for total in ledger_import.totals.all()
            if total.account not in known
        ),
        batch_size=1000,
    )


def discard(ledger_import: LedgerImport) -> None:
    """Forget an import that is not in use nor being read, and its file.

    Raises NotAnyMore when, under the plan's lock, it turns out to be in use or
    being read: another tab may have put it in use since this one looked.
    """
    stored = ledger_import.file
    with transaction.atomic():
        ActionPlan.objects.select_for_update().filter(pk=ledger_import.plan_id).first()
        state = _state_now(ledger_import)
        if state is None or state in {
            ImportState.APPLIED,
            ImportState.QUEUED,
            ImportState.RUNNING,
        }:
            raise NotAnyMore
        ledger_import.delete()
        discard_file(stored)


def _state_now(ledger_import: LedgerImport) -> str | None:
    return LedgerImport.objects.filter(pk=ledger_import.pk).values_list("state", flat=True).first()


def recompute(plan: ActionPlan, year: int) -> None:
    """The year's ledger spend per category, from the applied import and the mapping.

    A category keeps its own factor and justification across recomputations.
    Hand-entered spend of a category the ledger has no spend for stays; spend
    the ledger replaced is kept aside and comes back when the ledger has none
    for the category any more. A category whose mapped accounts net to zero or
    less (credit notes) has no spend from the ledger.
    """
    applied = LedgerImport.objects.filter(plan=plan, year=year, state=ImportState.APPLIED).first()
    sums: dict[int, Decimal] = defaultdict(Decimal)
    if applied is not None:
        mapping = dict(
            AccountMapping.objects.filter(
                organisation_id=plan.participation.organisation_id,
                category__isnull=False,
                excluded=False,
            ).values_list("account", "category_id")
        )
        for account, amount in applied.totals.values_list("account", "amount_eur"):
            if account in mapping:
                sums[mapping[account]] += amount
    with transaction.atomic():
        existing = {
            row.category_id: row for row in CategorySpend.objects.filter(plan=plan, year=year)
        }
        for category_id, row in existing.items():
            if row.source == SpendSource.LEDGER and sums.get(category_id, 0) <= 0:
                _back_to_hand(row)
        for category_id, amount in sums.items():
            if amount <= 0:
                continue
            kept = existing.get(category_id)
            if kept is None:
                CategorySpend.objects.create(
                    plan=plan,
                    year=year,
                    category_id=category_id,
                    amount_eur=amount,
                    source=SpendSource.LEDGER,
                )
            elif kept.amount_eur != amount or kept.source != SpendSource.LEDGER:
                if kept.source == SpendSource.MANUAL:
                    kept.hand_amount_eur = kept.amount_eur
                kept.amount_eur, kept.source = amount, SpendSource.LEDGER
                kept.save(update_fields=["amount_eur", "source", "hand_amount_eur", "updated_at"])


def _back_to_hand(row: CategorySpend) -> None:
    """A category the ledger no longer has spend for: what was entered by hand comes back."""
    if row.hand_amount_eur is None:
        row.delete()
        return
    row.amount_eur, row.source, row.hand_amount_eur = row.hand_amount_eur, SpendSource.MANUAL, None
    row.save(update_fields=["amount_eur", "source", "hand_amount_eur", "updated_at"])


@dataclass
class AccountRow:
    total: LedgerAccountTotal
    mapping: AccountMapping | None
    suggestion: str | None  # a category's code, or EXCLUDED

    @property
    def is_mapped(self) -> bool:
        return self.mapping is not None and self.mapping.is_mapped


@dataclass
class Accounts:
    ledger_import: LedgerImport | None
    rows: list[AccountRow]

    @property
    def unmapped(self) -> list[AccountRow]:
        return [row for row in self.rows if not row.is_mapped]

    @property
    def unmapped_total(self) -> Decimal:
        return sum((row.total.amount_eur for row in self.unmapped), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((row.total.amount_eur for row in self.rows), Decimal(0))

    @property
    def unmapped_share(self) -> Decimal:
        total = self.total
        return (self.unmapped_total * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)


def accounts(plan: ActionPlan, year: int | None = None) -> Accounts:
    """The applied import's accounts with their mapping, or else a suggestion; three queries."""
    ledger_import = applied_import(plan, year)
    if ledger_import is None:
        return Accounts(None, [])
    mappings = {
        m.account: m
        for m in AccountMapping.objects.filter(
            organisation_id=plan.participation.organisation_id
        ).select_related("category")
    }
    suggest = Suggester(ProcurementCategory.objects.filter(is_active=True).exclude(keywords=""))
    rows = []
    for total in ledger_import.totals.order_by("-amount_eur", "account"):
        mapping = mappings.get(total.account)
        suggestion = None
        if mapping is None or not mapping.is_mapped:
            suggestion = suggest(total.name or (mapping.name if mapping else ""))
        rows.append(AccountRow(total, mapping, suggestion))
    return Accounts(ledger_import, rows)


def save_mapping(plan: ActionPlan, choices: dict[str, str], *, by) -> int:
    """Map accounts: ``choices`` is account → category code, ``EXCLUDED``, or ``""`` (unmapped).

    Returns how many accounts changed; the analysis is recomputed once.
    """
    organisation_id = plan.participation.organisation_id
    categories = dict(ProcurementCategory.objects.values_list("code", "pk"))
    changed = 0
    with transaction.atomic():
        existing = {
            m.account: m
            for m in AccountMapping.objects.select_for_update().filter(
                organisation_id=organisation_id, account__in=list(choices)
            )
        }
        for account, choice in choices.items():
            category_id = categories.get(choice)
            excluded = choice == EXCLUDED
            mapping = existing.get(account)
            if mapping is None:
                mapping = AccountMapping(organisation_id=organisation_id, account=account)
            elif mapping.category_id == category_id and mapping.excluded == excluded:
                continue
            mapping.category_id, mapping.excluded, mapping.updated_by = category_id, excluded, by
            mapping.save()
            changed += 1
        if changed:
            for year in LedgerImport.objects.filter(
                plan=plan, state=ImportState.APPLIED
            ).values_list("year", flat=True):
                recompute(plan, year)
            record_change(
                plan,
                by,
                LEDGER,
                gettext_noop("Ledger accounts given a category or left out: %(count)s."),
                params={"count": changed},
            )
    return changed
