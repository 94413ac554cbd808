"""Category-suggestion benchmark: prints figures, asserts nothing.

The accounts page suggests a category for every account of a ledger on each
request, from a ``Suggester`` built for that request. This times, with the shipped
keywords (plans/data/category_keywords.csv, no database needed):

1. building the suggester;
2. suggesting for N account names of three words drawn from a few hundred, first
   with every word new to the suggester and then again, with every word analysed.

Each figure is the best of several rounds (a shared machine's speed wanders).

    .venv/bin/python bench/suggest.py [NAMES] [ROUNDS]   # default 5 000, 5
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DEBUG", "true")

WORDS = [f"{word}{n}" for n in range(50) for word in ("Tili", "Kunta", "Alue")] + [
    "Palvelujen",
    "ostot",
    "Puhtaanapito-",
    "ja",
    "jätehuoltopalvelut",
    "Sisäiset",
    "Ajoneuvojen",
    "pesu",
    "Sähkötarvikkeet",
    "Kiinteistöjen",
    "kunnossapito",
]


def names(count: int) -> list[str]:
    chooser = random.Random(1)  # noqa: S311 - repeatable test data, not secrets
    return [" ".join(chooser.sample(WORDS, 3)) for _ in range(count)]


def best_of(rounds: int, run) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main(count: int, rounds: int) -> None:
    import django

    django.setup()
    from plans.models import ProcurementCategory
    from plans.services import defaults
    from plans.services.suggest import Suggester

    shipped = defaults.keywords()
    categories = [ProcurementCategory(code=code, keywords=words) for code, words in shipped.items()]
    accounts = names(count)
    build = best_of(rounds, lambda: Suggester(categories))

    def cold() -> None:
        suggest = Suggester(categories)
        for name in accounts:
            suggest(name)

    warm_suggester = Suggester(categories)
    for name in accounts:
        warm_suggester(name)

    def warm() -> None:
        for name in accounts:
            warm_suggester(name)

    first = best_of(rounds, cold) - build
    again = best_of(rounds, warm)
    print(f"Keywords: {sum(len(c.keywords.splitlines()) for c in categories)}")
    print(f"Building the suggester: {build * 1000:.1f} ms")
    print(f"{count} names, words new:      {first * 1000:.1f} ms ({count / first:,.0f} names/s)")
    print(f"{count} names, words analysed: {again * 1000:.1f} ms ({count / again:,.0f} names/s)")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 5000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
