"""Suggesting a procurement category for a ledger account from the account's name.

Each category lists keywords (staff edit them in the admin, one per line, in any of
the languages): a word or a part of a compound word in its basic form ("siivous",
"jätehuolto", "elintarvike"), or a few words ("rakennusten kunnossapito").

How a keyword matches an account name:

* It matches a whole word or a part of a compound word, with the word's endings:
  "palvelu" matches "palvelut", "palvelujen" and "palveluiden", and "jätehuolto"
  matches "jätehuoltopalvelujen". It never matches letters inside another word:
  "ateria" (meal) is not found in "rakennusmateriaalit".
* What follows it inside the word must be an ending, or more known parts: keywords,
  or head words that only say what kind of purchase it is (``HEADS``: palvelu,
  tarvike, aine, maksu, tjänst, kostnad, ...). So "jätehuoltopalvelut" is waste
  management, while in "vesialueet" (water areas) the unknown "alue" leaves "vesi"
  (water) unmatched.
* It may begin the word or follow known parts ("jäte|vesi"). A keyword of five
  letters or more may also follow an unknown first part of three letters or more
  ("koulu|kuljetukset").
* Hyphenated coordination shares the head: "Puhtaanapito- ja jätehuoltopalvelut" is
  read as "puhtaanapitopalvelut ja jätehuoltopalvelut".
* A keyword of several words matches those words as written, the last one as above.
* A head naming goods (``GOODS``: tarvike, väline, laite, aine, ...) after a keyword
  says the purchase is supplies for that thing. It counts for the keyword's category
  only when one of the category's own keywords names goods ("pesutarvike",
  "elintarvike", "atk-laite"): "Siivousvälineet" is cleaning, while "Sähkötarvikkeet"
  (electrical supplies) is not electricity.
* A word in the genitive followed by a word in which nothing is known says what that
  unknown thing is for, as the first part of a compound does: "Ajoneuvojen pesu"
  (washing of vehicles) is not vehicles, while "Ajoneuvojen polttoaineet" is fuels.
* When a name holds several keywords, the last one decides, as the end of a compound
  says what it is: "ruokajätteet" is waste, "Puhtaanapito- ja jätehuoltopalvelut"
  waste management. A keyword inside a longer one that matches ("lämpö" in
  "kaukolämpö", "vuokra" in "vuokratyö") does not count.
* A word naming something that is not a purchase (``BLOCKERS``: vuokra, vakuutus,
  avustus, ...) decides the same way, for no category: "Ajoneuvojen vakuutukset".
* An account for internal charges, allocations or depreciation
  (``NOT_PROCUREMENT``) is suggested to be left out, whatever else its name holds.

The endings come from a few rules for Finnish, Swedish and English nouns (``stems``),
not from a dictionary: plurals, cases and Finnish consonant gradation
(lämpö/lämmön, tarvike/tarvikkeet). Everything is compiled once into a trie, and each
distinct word is analysed once per ``Suggester``, so a ledger of thousands of
accounts costs one pass over its words.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..models import ProcurementCategory

EXCLUDED = "-"
NO_PURCHASE = ""  # what a blocker suggests: no category

SHORT = 4  # letters: a keyword this short must begin a word or follow a known part
MIN_PREFIX = 3  # letters: an unknown first part of a compound is at least this long

NOT_PROCUREMENT = (
    "sisäinen",
    "vyörytys",
    "aktivointi",
    "aktivoitu",
    "arvonalentuminen",
    "intern",
    "avskrivning",
    "internal",
    "depreciation",
)
# Only as written: a single "poisto" is a removal ("lumenpoisto" is a purchase), and
# "sis." abbreviates "sisäinen" in finance systems' short names.
NOT_PROCUREMENT_AS_WRITTEN = ("poistot", "poistojen", "sis")

# Heads naming goods: supplies for what the parts before them name.
GOODS = (
    "tarvike",
    "aine",
    "tavara",
    "tuote",
    "väline",
    "laite",
    "medel",
    "utrustning",
    "tillbehör",
)
HEADS = (
    *GOODS,
    "palvelu",
    "kulu",
    "kustannus",
    "meno",
    "maksu",
    "osto",
    "hankinta",
    "toimitus",
    "käsittely",
    "siirto",
    "energia",
    "lasku",
    "urakka",
    "sopimus",
    "hoito",
    "huolto",
    "korjaus",
    "kunnossapito",
    "ylläpito",
    "lippu",
    "lisenssi",
    "tjänst",
    "kostnad",
    "avgift",
    "utgift",
    "köp",
    "inköp",
    "vara",
    "biljett",
    "licens",
    "hantering",
    "energi",
    "skötsel",
    "underhåll",
    "service",
    "licence",
    "license",
)
BLOCKERS = (
    "vuokra",
    "vakuutus",
    "avustus",
    "tuki",
    "vero",
    "korvaus",
    "palkka",
    "palkkio",
    "eläke",
    "hyra",
    "försäkring",
    "bidrag",
    "skatt",
    "ersättning",
    "lön",
    "rent",
    "insurance",
    "grant",
    "tax",
)
CONJUNCTIONS = frozenset({"ja", "sekä", "tai", "och", "samt", "eller", "and", "or"})

_FINNISH_ENDINGS = """n t a ä ta tä tta ttä na nä ksi ssa ssä sta stä lla llä lta ltä lle en in
    hin seen iin den ten tten jen iden itten ja jä ia iä ita itä issa issä ista istä illa
    illä ilta iltä ille ihin ina inä iksi ien"""
_SWEDISH_ENDINGS = "en et er ar or r na erna arna orna s ens ets ns ts"
_ENGLISH_ENDINGS = "s es"
# "-" ends a part cut off before a head it shares with the next word ("Poltto- ja").
ENDINGS = frozenset(
    ["", "-", *_FINNISH_ENDINGS.split(), *_SWEDISH_ENDINGS.split(), *_ENGLISH_ENDINGS.split()]
)
# Finnish genitive endings: "ajoneuvo|jen pesu", "sähkö|n siirto".
GENITIVE = frozenset(["n", "en", "den", "ten", "tten", "jen", "iden", "itten", "ien"])
# Between the parts of a compound: nothing, a genitive (veden|puhdistus), Swedish "s"
# (avfall|s|hantering) or a hyphen (ict-|palvelut).
LINKS = ("", "n", "s", "-")

VOWELS = "aeiouyäöå"
_WEAKER = {
    "kk": "k",
    "pp": "p",
    "tt": "t",
    "nk": "ng",
    "mp": "mm",
    "lt": "ll",
    "nt": "nn",
    "rt": "rr",
    "ht": "hd",
    "lk": "l",
    "rk": "r",
    "lp": "lv",
    "rp": "rv",
    "k": "",
    "p": "v",
    "t": "d",
}
_LAST_CONSONANTS = re.compile(f"^(.*[{VOWELS}])([^{VOWELS}]+)([{VOWELS}]+)$")
_SINGLE_STOP = re.compile(f"^(.*[{VOWELS}])([kptd])$")
_NOT_IN_WORDS = re.compile(r"[^\w-]+")


@dataclass(frozen=True)
class _Part:
    """A keyword, head or blocker: what one of the trie's stems stands for."""

    code: str | None  # a category's code, EXCLUDED, NO_PURCHASE, or None for a head
    length: int  # letters of the keyword: the longer, the more specific
    short: bool
    endings: frozenset[str]
    phrase: tuple[str, ...] = ()  # the words before the last, for a keyword of several
    goods: bool = False  # a head naming goods

    @property
    def is_category(self) -> bool:
        return self.code not in (None, EXCLUDED, NO_PURCHASE)


class _Node:
    __slots__ = ("children", "parts")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.parts: list[_Part] = []


# For each letter of a word, the stems that begin there: (where the stem ends, its part).
_Occurrences = list[list[tuple[int, _Part]]]


@dataclass(frozen=True)
class _Found:
    """A part found in a word, from ``start`` to the end of its stem."""

    start: int
    end: int
    part: _Part
    strong: bool = True  # begins the word or follows known parts


@dataclass(frozen=True)
class _Word:
    found: tuple[_Found, ...]  # keywords, exclusions and blockers
    phrase_ends: tuple[_Found, ...]  # last words of keywords of several words
    head_start: int | None  # where the head words that end it begin


@dataclass(frozen=True)
class _Match:
    code: str
    start: tuple[int, int]  # (word, letter)
    end: tuple[int, int]
    strong: bool
    length: int


class Suggester:
    def __init__(self, categories: Iterable[ProcurementCategory]):
        self._root = _Node()
        self._words: dict[str, _Word] = {}
        self._goods: set[str] = set()  # the categories with a keyword naming goods
        for category in categories:
            for keyword in category.keywords.splitlines():
                self._add(keyword, category.code)
                if names_goods(keyword):
                    self._goods.add(category.code)
        for word in NOT_PROCUREMENT:
            self._add(word, EXCLUDED)
        for word in NOT_PROCUREMENT_AS_WRITTEN:
            self._insert(word, _Part(EXCLUDED, len(word), len(word) <= SHORT, frozenset([""])))
        for word in HEADS:
            self._add(word, None, goods=word in GOODS)
        for word in BLOCKERS:
            self._add(word, NO_PURCHASE)

    def __call__(self, account_name: str) -> str | None:
        """A category's code, ``EXCLUDED`` for what is not procurement, or None."""
        matches = list(self._matches(words_of(account_name)))
        if any(match.code == EXCLUDED for match in matches):
            return EXCLUDED
        kept = _without_overlaps(matches)
        if not kept:
            return None
        return max(kept, key=lambda match: match.start).code or None

    def _add(self, keyword: str, code: str | None, goods: bool = False) -> None:
        words = words_of(keyword)
        if not words:
            return
        *phrase, last = words
        length = len(" ".join(words))
        part = _Part(code, length, len(last) <= SHORT, ENDINGS, tuple(phrase), goods)
        for stem in stems(last):
            self._insert(stem, part)

    def _insert(self, stem: str, part: _Part) -> None:
        node = self._root
        for letter in stem:
            node = node.children.setdefault(letter, _Node())
        node.parts.append(part)

    def _matches(self, words: list[str]) -> Iterator[_Match]:
        for index, word in enumerate(words):
            read = self._with_shared_head(words, index)
            analysed = self._word(read)
            modifier = self._modifies_unknown(words, index, read, analysed)
            for found in analysed.found:
                if modifier and found.part.is_category:
                    continue
                if found.start < len(word):
                    code = found.part.code
                    assert code is not None  # _analyse leaves heads out
                    yield _Match(
                        code,
                        (index, found.start),
                        (index, min(found.end, len(word))),
                        found.strong,
                        found.part.length,
                    )
            if read == word:
                yield from _phrases(words, index, analysed.phrase_ends)

    def _modifies_unknown(self, words: list[str], index: int, read: str, analysed: _Word) -> bool:
        """The word is in the genitive, and the word it goes with is one where nothing is known."""
        rests = {read[found.end :] for found in analysed.found}
        if "" in rests or not rests & GENITIVE:
            return False
        later = _modified(words, index)
        if later is None:
            return False
        modified = self._word(self._with_shared_head(words, later))
        return not (modified.found or modified.phrase_ends or modified.head_start == 0)

    def _with_shared_head(self, words: list[str], index: int) -> str:
        """A part cut off before a shared head, with the head: "poltto-" → "polttoaineet"."""
        word = words[index]
        if not word.endswith("-"):
            return word
        for later in words[index + 1 :]:
            if later in CONJUNCTIONS or later.endswith("-"):
                continue
            head = self._word(later).head_start
            return word if head is None else word[:-1] + later[head:]
        return word

    def _word(self, word: str) -> _Word:
        if word not in self._words:
            self._words[word] = self._analyse(word)
        return self._words[word]

    def _analyse(self, word: str) -> _Word:
        occurrences = self._occurrences(word)
        to_end = _runs_to_end(word, occurrences, lambda part: True)
        heads = _runs_to_end(word, occurrences, lambda part: part.code is None)
        goods = _goods_to_end(word, occurrences, heads)
        known = _known_beginnings(word, occurrences)
        found, phrase_ends = [], []
        for start, ends in enumerate(occurrences):
            strong = start == 0 or word[start - 1] == "-" or known[start]
            for end, part in ends:
                if part.code is None or not _rest_ok(word, end, part, to_end):
                    continue
                if self._supplies_for(part, word, end, goods):
                    continue
                if part.phrase:
                    if start == 0:
                        phrase_ends.append(_Found(start, end, part))
                elif strong or (not part.short and start >= MIN_PREFIX):
                    found.append(_Found(start, end, part, strong))
        head_start = next((k for k in range(len(word)) if heads[k]), None)
        return _Word(tuple(found), tuple(phrase_ends), head_start)

    def _supplies_for(self, part: _Part, word: str, end: int, goods: list[bool]) -> bool:
        """Heads naming goods follow the keyword, and the keyword's category names none."""
        if not part.is_category or part.code in self._goods:
            return False
        return any(
            word.startswith(link, end) and goods[end + len(link)]
            for link in LINKS
            if end + len(link) < len(word)
        )

    def _occurrences(self, word: str) -> _Occurrences:
        """For each letter of the word, the stems beginning there: (where it ends, part)."""
        found: _Occurrences = [[] for _ in word]
        for start in range(len(word)):
            node = self._root
            for end in range(start, len(word)):
                child = node.children.get(word[end])
                if child is None:
                    break
                node = child
                found[start].extend((end + 1, part) for part in node.parts)
        return found


def _rest_ok(word: str, end: int, part: _Part, to_end: list[bool]) -> bool:
    """What follows a stem is one of its endings, or a link and more known parts."""
    if word[end:] in part.endings:
        return True
    return any(
        word.startswith(link, end) and to_end[end + len(link)]
        for link in LINKS
        if end + len(link) < len(word)
    )


def _runs_to_end(
    word: str, occurrences: _Occurrences, accept: Callable[[_Part], bool]
) -> list[bool]:
    """For each letter: accepted known parts begin there and run to the word's end."""
    runs = [False] * (len(word) + 1)
    for start in range(len(word) - 1, -1, -1):
        runs[start] = any(
            accept(part) and _rest_ok(word, end, part, runs) for end, part in occurrences[start]
        )
    return runs


def _goods_to_end(word: str, occurrences: _Occurrences, heads: list[bool]) -> list[bool]:
    """For each letter: head words run from it to the word's end, one of them naming goods."""
    goods = [False] * (len(word) + 1)
    for start in range(len(word) - 1, -1, -1):
        goods[start] = any(
            part.code is None
            and (
                (part.goods and _rest_ok(word, end, part, heads))
                or any(
                    word.startswith(link, end) and goods[end + len(link)]
                    for link in LINKS
                    if end + len(link) < len(word)
                )
            )
            for end, part in occurrences[start]
        )
    return goods


def _known_beginnings(word: str, occurrences: _Occurrences) -> list[bool]:
    """For each letter: known parts run from the word's beginning up to it."""
    known = [False] * (len(word) + 1)
    known[0] = True
    for start, ends in enumerate(occurrences):
        if not (known[start] or word[start - 1] == "-"):
            continue
        for end, _part in ends:
            for link in LINKS:
                if word.startswith(link, end):
                    known[end + len(link)] = True
    return known


def _modified(words: list[str], index: int) -> int | None:
    """Which word a genitive goes with: the next, past genitives coordinated with it."""
    later = index + 1
    while later + 1 < len(words) and words[later] in CONJUNCTIONS and words[later + 1][-1] == "n":
        later += 2
    if later == len(words) or words[later] in CONJUNCTIONS:
        return None
    return later


def _phrases(words: list[str], index: int, phrase_ends: Iterable[_Found]) -> Iterator[_Match]:
    for found in phrase_ends:
        first = index - len(found.part.phrase)
        if first >= 0 and tuple(words[first:index]) == found.part.phrase:
            code = found.part.code
            assert code is not None  # _analyse leaves heads out
            yield _Match(code, (first, 0), (index, found.end), True, found.part.length)


def _without_overlaps(matches: list[_Match]) -> list[_Match]:
    """Where keywords overlap, the one after a known beginning, then the longer, counts."""
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda match: (not match.strong, -match.length)):
        if all(match.end <= other.start or other.end <= match.start for other in kept):
            kept.append(match)
    return kept


def names_goods(keyword: str) -> bool:
    """The keyword ends in a head naming goods: "pesutarvike", "elintarvikkeet", "läkemedel"."""
    words = words_of(keyword)
    return bool(words) and singular(words[-1]).endswith(GOODS)


def words_of(text: str) -> list[str]:
    """Lower-case words, hyphens kept: "ICT-palvelut", "Poltto-" and "ja"."""
    return [word for word in _NOT_IN_WORDS.sub(" ", text.casefold()).split() if word.strip("-")]


def stems(word: str) -> frozenset[str]:
    """The beginnings a word's inflected forms share, each to be followed by an ending."""
    base = singular(word)
    found = {word, base}
    for form in {base, weaker(base)}:
        found |= {form, *_vowel_stems(form)}
    if base.endswith("e"):
        strong = stronger(base[:-1])
        found |= {strong + "e", strong + "ee"}
    if base.endswith("nen"):
        found |= {base[:-3] + "se", base[:-3] + "s", base[:-3] + "si"}
    elif len(base) > 2 and base[-1] == "s" and base[-2] in VOWELS:
        found |= {base[:-1] + "ks", base[:-1] + "kse", base[:-1] + "de", base[:-1] + "t"}
    if len(base) > 2 and base[-1] == "y" and base[-2] not in VOWELS:
        found.add(base[:-1] + "ie")  # supply → supplies
    return frozenset(stem for stem in found if len(stem) >= 2)


def _vowel_stems(form: str) -> set[str]:
    """Plural and Swedish stems of a word ending in a vowel: matka → matko-, resa → res-."""
    if form.endswith(("a", "ä")):
        return {form[:-1], form[:-1] + "o", form[:-1] + "i", form[:-1] + "ö"}
    if form.endswith("si"):
        return {form[:-1] + "e", form[:-2] + "de", form[:-2] + "t"}  # vesi → veden, vettä
    if form.endswith("i"):
        return {form[:-1] + "e"}  # paperi → papereita
    return set()


def singular(word: str) -> str:
    """A Finnish plural keyword's singular: kalusteet → kaluste, sisäiset → sisäinen."""
    if word.endswith("kset") and len(word) > 5:
        return word[:-4] + "s"
    if word.endswith("iset") and len(word) > 5:
        return word[:-3] + "nen"
    if word.endswith("eet") and len(word) > 4:
        stem = word[:-3]
        if stem[-1] == stem[-2] and stem[-1] in "kpt":
            stem = stem[:-1]
        return stem + "e"
    if len(word) > 3 and word[-1] == "t" and word[-2] in VOWELS:
        return word[:-1]
    return word


def weaker(word: str) -> str:
    """Finnish consonant gradation, strong to weak: lämpö → lämmö(n), huolto → huollo(n)."""
    found = _LAST_CONSONANTS.match(word)
    if found is None or found[2] not in _WEAKER:
        return word
    return found[1] + _WEAKER[found[2]] + found[3]


def stronger(stem: str) -> str:
    """The strong grade of a Finnish e-word's stem: tarvik(e) → tarvikk(eet)."""
    found = _SINGLE_STOP.match(stem)
    if found is None:
        return stem
    return found[1] + ("t" if found[2] == "d" else found[2] * 2)


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())
