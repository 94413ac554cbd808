"""Which column of a purchase-invoice file holds what, guessed from the columns' names.

A name is compared as whole tokens: lower case, Finnish and Swedish letters
folded (ä → a, ö → o, å → a), split into runs of letters and of digits. So
"laskun_paivamaara", "Laskun päivämäärä" and "LASKUN PÄIVÄMÄÄRÄ" are one name,
"alv0" is "alv 0", and "kokonaisumma" (the total with VAT) never passes for
"summa": a usual name matches a column when the column's tokens hold its
tokens side by side, in order. Fewer other tokens make a better match.

The usual names come from the formats Finnish public bodies export and
publish: the municipal open purchase-invoice data (Kuntaliitto's guideline;
e.g. ``tilin_numero``, ``tilin_nimi``, ``laskun_paivamaara``,
``summa_alv0_euroina``, ``alv_maara_euroina``, ``kokonaisumma_euroina``),
finance systems' exports (Raindance: ``Tili``, ``Tilinnimi``, ``Tositepvm``,
``Toteutuneet eurot``; Basware and Certia style: ``Tilinumero``,
``Tiliöintipvm``, ``Netto``, ``Brutto``, ``ALV``), and the State Treasury's
procurement data (``Tili``, ``Laskun kirjauspäivämäärä``, ``Tiliöintisumma``),
in Finnish, Swedish and English.

Amounts are told apart by what they say of VAT: without it (``alv 0``,
``veroton``, ``netto``), with it (``kokonaissumma``, ``brutto``, ``sis. alv``),
the VAT itself (``alv_maara``, ``moms``), or nothing (``summa``). The amount
without VAT is chosen before one that says nothing; an amount with VAT is
never chosen as the amount without it.
"""

import itertools
import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from ..models import LedgerColumn, VatMode

FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
TOKEN = re.compile(r"[a-z]+|[0-9]+")


def tokens(name: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(name.casefold().translate(FOLD)))


def _phrases(*names: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tokens(name) for name in names)


# Usual names per field, the most telling first.
NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    LedgerColumn.ACCOUNT: _phrases(
        "tilin numero",
        "tilinumero",
        "tilinro",
        "tili nro",
        "tilikoodi",
        "kirjanpitotili",
        "paakirjatili",
        "tili",
        "kontonummer",
        "konto nr",
        "konto",
        "account number",
        "account code",
        "gl account",
        "account",
    ),
    LedgerColumn.ACCOUNT_NAME: _phrases(
        "tilin nimi",
        "tilinnimi",
        "tilinimi",
        "tili nimi",
        "tilin selite",
        "tilin nimike",
        "tilin teksti",
        "tiliteksti",
        "kontonamn",
        "kontots namn",
        "konto namn",
        "kontobenamning",
        "account name",
        "account description",
        "account title",
    ),
    LedgerColumn.DATE: _phrases(
        "tositepaiva",
        "tositepvm",
        "tositepaivamaara",
        "tositteen paivamaara",
        "tositteen pvm",
        "kirjauspaiva",
        "kirjauspvm",
        "kirjauspaivamaara",
        "laskun kirjauspaivamaara",
        "tiliointipaiva",
        "tiliointipvm",
        "tiliointipaivamaara",
        "verifikatdatum",
        "bokforingsdatum",
        "voucher date",
        "posting date",
        "accounting date",
        "laskun paivamaara",
        "laskun pvm",
        "laskun paiva",
        "laskupaiva",
        "laskupvm",
        "laskupaivamaara",
        "fakturadatum",
        "invoice date",
        "document date",
        "paivamaara",
        "pvm",
        "datum",
        "date",
    ),
}

# A column holding one of these is not the field, whatever else it holds.
NOT: dict[str, frozenset[str]] = {
    LedgerColumn.ACCOUNT: frozenset(
        tokens(
            "nimi name namn selite nimike teksti kuvaus description benamning text ryhma "
            "tiliryhma tiliryhman group grupp laji tyyppi type"
        )
    ),
    LedgerColumn.ACCOUNT_NAME: frozenset(tokens("ryhma tiliryhma tiliryhman group grupp")),
    LedgerColumn.DATE: frozenset(
        tokens("era erapaiva due forfallo forfallodatum maksu maksettu maksupaiva payment paid")
    ),
}

AMOUNT_WORDS = frozenset(
    tokens(
        "summa summat maara euroa euroina euro eurot eur rahamaara tiliointisumma kirjaussumma "
        "rivisumma nettosumma bruttosumma kokonaissumma kokonaisumma netto brutto veroton yhteensa "
        "verollinen belopp nettobelopp bruttobelopp amount sum net gross total"
    )
)
# Names of amounts that say the most, the least sure last: "määrä" may be a quantity.
AMOUNT_RANK = _phrases(
    "tiliointisumma",
    "summa",
    "kirjaussumma",
    "rivisumma",
    "nettosumma",
    "netto",
    "veroton",
    "eurot",
    "euroa",
    "euroina",
    "eur",
    "belopp",
    "amount",
    "net",
    "rahamaara",
    "yhteensa",
    "maara",
    "sum",
)
WITHOUT_VAT = _phrases(
    "ei sis alv",
    "ei sisalla alv",
    "ei sisalla alvia",
    "ilman veroa",
    "alv 0",
    "veroton",
    "verottomana",
    "netto",
    "nettosumma",
    "ilman alv",
    "ilman alvia",
    "ilman arvonlisaveroa",
    "alviton",
    "nettobelopp",
    "exkl moms",
    "exklusive moms",
    "utan moms",
    "ex moms",
    "excl vat",
    "excluding vat",
    "ex vat",
    "without vat",
    "excl tax",
    "excluding tax",
    "ex tax",
    "net of vat",
    "net",
    "net amount",
)
WITH_VAT = _phrases(
    "kokonaissumma",
    "kokonaisumma",
    "brutto",
    "bruttosumma",
    "bruttobelopp",
    "verollinen",
    "verollisena",
    "alvillinen",
    "sis alv",
    "sisaltaa alv",
    "sisaltaen alv",
    "veroineen",
    "verollisena",
    "alv n kanssa",
    "alvin kanssa",
    "alv kanssa",
    "inkl moms",
    "inklusive moms",
    "med moms",
    "incl vat",
    "including vat",
    "inc vat",
    "with vat",
    "incl tax",
    "including tax",
    "gross",
)
VAT_WORDS = frozenset(tokens("alv moms vat vero verosumma arvonlisavero alvmaara momsbelopp tax"))
# A VAT column holding one of these, or "%", is a rate or a code, not an amount of VAT.
CODE_WORDS = frozenset(
    tokens(
        "koodi kodi code kod prosentti procent percent tunnus id kanta verokanta alvkanta rate "
        "sats momssats"
    )
)


class AmountKind(StrEnum):
    WITHOUT_VAT = "without_vat"
    WITH_VAT = "with_vat"
    VAT = "vat"
    UNSAID = "unsaid"  # an amount whose name says nothing of VAT


def _holds(column: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(column[start : start + size] == phrase for start in range(len(column) - size + 1))


def amount_kind(name: str) -> AmountKind | None:
    """What a column's name says it holds, if an amount or VAT; None for anything else."""
    found = tokens(name)
    if any(_holds(found, phrase) for phrase in WITHOUT_VAT):
        return AmountKind.WITHOUT_VAT
    if any(_holds(found, phrase) for phrase in WITH_VAT) or _with_vat_rate(found):
        return AmountKind.WITH_VAT
    words = set(found)
    if words & VAT_WORDS:
        return None if words & CODE_WORDS or "%" in name else AmountKind.VAT
    if words & AMOUNT_WORDS:
        return AmountKind.UNSAID
    return None


def _with_vat_rate(found: tuple[str, ...]) -> bool:
    """ "Summa alv 24 %": an amount at a VAT rate other than zero includes the VAT."""
    return bool(set(found) & AMOUNT_WORDS) and any(
        word == "alv" and nxt.isdigit() and int(nxt) > 0 for word, nxt in itertools.pairwise(found)
    )


def _score(field_name: str, column: tuple[str, ...]) -> tuple[int, int] | None:
    """How well a column's tokens match a field's usual names: lower is better."""
    if set(column) & NOT.get(field_name, frozenset()):
        return None
    for rank, phrase in enumerate(NAMES[field_name]):
        if _holds(column, phrase):
            return rank, len(column) - len(phrase)
    return None


def _amount_score(column: tuple[str, ...]) -> tuple[int, int]:
    for rank, phrase in enumerate(AMOUNT_RANK):
        if _holds(column, phrase):
            return rank, len(column)
    return len(AMOUNT_RANK), len(column)


@dataclass
class Guess:
    """The columns guessed for a file, how VAT is treated, and what each amount column holds."""

    columns: dict[str, str] = field(default_factory=dict)
    vat_mode: str = ""
    kinds: dict[str, AmountKind] = field(default_factory=dict)


def vat_notes(kinds: dict[str, AmountKind], amount: str | None) -> list[str]:
    """What the file's amount columns say of VAT against the amount chosen, in the active
    language: the team sees why a column was chosen, or that they must say how VAT goes."""
    with_vat = ", ".join(f"“{name}”" for name, kind in kinds.items() if kind == AmountKind.WITH_VAT)
    vat = ", ".join(f"“{name}”" for name, kind in kinds.items() if kind == AmountKind.VAT)
    if not with_vat and vat and amount and kinds.get(amount) == AmountKind.UNSAID:
        return [
            _(
                "The file has a column of VAT (%(vat)s), and “%(amount)s” does not say whether it "
                "includes VAT: say which."
            )
            % {"vat": vat, "amount": amount}
        ]
    if not with_vat:
        return []
    if amount and kinds.get(amount) in {AmountKind.WITHOUT_VAT, AmountKind.UNSAID}:
        return [
            _(
                "The file has amounts both without VAT and with it (%(with_vat)s): “%(amount)s”, "
                "the amount without VAT, is chosen."
            )
            % {"with_vat": with_vat, "amount": amount}
        ]
    return [
        _(
            "The file's amounts include VAT (%(with_vat)s). Choose the amount column and how "
            "VAT is taken out of it."
        )
        % {"with_vat": with_vat}
    ]


def amount_kinds(header: list[str]) -> dict[str, AmountKind]:
    """The columns that hold an amount or VAT, and which."""
    return {name: kind for name in header if name and (kind := amount_kind(name))}


def guess(header: list[str]) -> Guess:
    """Each field's column by its usual names; an amount with VAT is never the amount."""
    found = {name: tokens(name) for name in header if name}
    result = Guess(kinds=amount_kinds(header))
    candidates = sorted(
        (score, field_name, name)
        for field_name in NAMES
        for name, column in found.items()
        if name not in result.kinds and (score := _score(field_name, column)) is not None
    )
    for _rank, field_name, name in candidates:
        if field_name not in result.columns and name not in result.columns.values():
            result.columns[field_name] = name
    amount = _best_amount(found, result.kinds)
    vat = [name for name, kind in result.kinds.items() if kind == AmountKind.VAT]
    if amount:
        result.columns[LedgerColumn.AMOUNT] = amount
        # An amount that says nothing of VAT beside a VAT column may well include it.
        if not (vat and result.kinds[amount] == AmountKind.UNSAID):
            result.vat_mode = VatMode.EXCLUDED
    if AmountKind.WITH_VAT in result.kinds.values() and not amount and len(vat) == 1:
        result.columns[LedgerColumn.VAT] = vat[0]
    return result


def _best_amount(found: dict[str, tuple[str, ...]], kinds: dict[str, AmountKind]) -> str | None:
    for wanted in (AmountKind.WITHOUT_VAT, AmountKind.UNSAID):
        names = [name for name, kind in kinds.items() if kind == wanted]
        if names:
            return min(names, key=lambda name: _amount_score(found[name]))
    return None
