"""Importing another factor set from CSV or XLSX, e.g. Finnish factors an organisation licenses.

All or nothing: every bad row is reported with its line number and reason, and
a file with any bad row saves nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import EmissionFactor, FactorSet
from .tabular import NumberError, TableError, parse_number, read_rows

MAX_REPORTED = 50


@dataclass
class Problem:
    line: int | None
    message: str


class FactorImportError(Exception):
    def __init__(self, problems: list[Problem], total: int | None = None):
        super().__init__(problems)
        self.problems = problems[:MAX_REPORTED]
        self.total = total if total is not None else len(problems)


def import_factor_set(
    upload,
    *,
    metadata: dict,
    code_column: str,
    name_column: str,
    value_column: str,
    multiplier: Decimal = Decimal(1),
) -> FactorSet:
    """A new set from the file's rows; ``multiplier`` converts the unit (e.g. 1.0530 USD→EUR)."""
    try:
        header, rows = read_rows(upload)
    except TableError as error:
        raise FactorImportError([Problem(None, str(error))]) from None
    missing = [name for name in (code_column, name_column, value_column) if name not in header]
    if missing:
        raise FactorImportError(
            [
                Problem(
                    1,
                    _("Column not found: %(columns)s. The file has: %(header)s.")
                    % {"columns": ", ".join(missing), "header": ", ".join(header)},
                )
            ]
        )
    problems: list[Problem] = []
    factors: dict[str, EmissionFactor] = {}
    for line, row in rows:
        code = row.get(code_column, "").strip()
        if not code:
            problems.append(Problem(line, _("The code is empty.")))
            continue
        if code in factors:
            problems.append(Problem(line, _("The code %(code)s appears twice.") % {"code": code}))
            continue
        try:
            value = parse_number(row.get(value_column, ""))
        except NumberError:
            problems.append(
                Problem(
                    line,
                    _("The factor %(value)s is not a number.")
                    % {"value": row.get(value_column, "") or "–"},
                )
            )
            continue
        if value < 0:
            problems.append(Problem(line, _("A factor cannot be negative.")))
            continue
        factors[code] = EmissionFactor(
            code=code[:50],
            name=(row.get(name_column, "") or code)[:300],
            kg_per_eur=(value * multiplier).quantize(Decimal("0.000001")),
        )
    if not factors and not problems:
        problems.append(Problem(None, _("The file has no factors.")))
    if problems:
        raise FactorImportError(problems)
    with transaction.atomic():
        factor_set = FactorSet.objects.create(**metadata)
        for factor in factors.values():
            factor.factor_set = factor_set
        EmissionFactor.objects.bulk_create(factors.values(), batch_size=1000)
    return factor_set
