"""Ledger-import benchmark: prints figures, asserts nothing.

Writes a purchase-invoice file in the municipal format (the Association of
Finnish Municipalities' open purchase-invoice data: ``;`` between fields,
decimal commas, thousands separated by a space, dates as 31.12.2021, UTF-8 with
a BOM, about 8 % credit notes), then in two fresh processes, one after the
other on the same file:

1. the real import path: the file stored as an upload, its columns chosen, and
   the ``plans.import_ledger`` Celery task run on it, against a throw-away test
   database (Django's test database for the configured ``DATABASE_URL``);
2. pandas ``read_csv`` + ``groupby`` of the amount per account.

For each: rows per second and the process's peak resident memory, over several
rounds that take turns (a shared machine's speed wanders: each round's ratio is
printed, and the best of each side against the other). Targets: the import at
least half pandas' rate, with peak memory under 300 MB.

    .venv/bin/python bench/ledger_import.py [ROWS] [ROUNDS]   # default 1 000 000, 3
    DATABASE_URL=postgres://academy:academy@127.0.0.1:5432/academy \\
        .venv/bin/python bench/ledger_import.py

pandas is a development dependency (requirements-dev.txt).
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "Tili;Tilin nimi;Kustannuspaikka;Kustannuspaikan nimi;Tositepäivä;Tositenumero;"
    "Summa;Toimittaja;Y-tunnus"
)
ACCOUNTS = [
    ("4300", "Asiakaspalvelujen ostot"),
    ("4350", "Asiantuntijapalvelut"),
    ("4360", "ICT-palvelut"),
    ("4390", "Rakennusten ja alueiden kunnossapito"),
    ("4400", "Kuljetuspalvelut"),
    ("4410", "Matkustus ja majoitus"),
    ("4420", "Painatukset ja ilmoitukset"),
    ("4440", "Siivouspalvelut"),
    ("4460", "Henkilöstövuokraus"),
    ("4500", "Toimistotarvikkeet"),
    ("4520", "Elintarvikkeet"),
    ("4530", "Vaatteet ja tekstiilit"),
    ("4550", "Lääkkeet ja hoitotarvikkeet"),
    ("4570", "Lämmitys"),
    ("4580", "Sähkö"),
    ("4590", "Vesi ja jätevesi"),
    ("4600", "Polttoaineet"),
    ("4610", "Kalusteet"),
    ("4620", "ATK-laitteet"),
    ("4630", "Jätehuolto"),
] + [(str(4700 + n), f"Muut palvelujen ostot {n}") for n in range(180)]


def finnish(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", " ") + f",{rest:02d}"


def generate(path: Path, rows: int, seed: int = 2021) -> None:
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    suppliers = [(f"Toimittaja {n} Oy", f"{1000000 + n * 37}-{n % 10}") for n in range(5000)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(HEADER + "\r\n")
        lines = []
        for number in range(1, rows + 1):
            account, name = ACCOUNTS[min(int(rng.paretovariate(1.2)) - 1, len(ACCOUNTS) - 1)]
            centre = rng.randrange(1000, 1400)
            cents = int(rng.lognormvariate(9.5, 1.6))
            if rng.random() < 0.08:
                cents = -cents
            supplier, business_id = suppliers[rng.randrange(len(suppliers))]
            lines.append(
                f"{account};{name};{centre};Yksikkö {centre};{rng.randrange(1, 29)}."
                f"{rng.randrange(1, 13)}.2021;{number};{finnish(cents)};{supplier};{business_id}"
            )
            if len(lines) == 10_000:
                out.write("\r\n".join(lines) + "\r\n")
                lines.clear()
        if lines:
            out.write("\r\n".join(lines) + "\r\n")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.files import File
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    created = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from academy.tests.programme import ParticipationFactory
        from plans.models import LedgerImport
        from plans.services import ledger
        from plans.services import plan as plan_service
        from plans.tasks import import_ledger

        plan = plan_service.plan_for(ParticipationFactory())
        before = peak_mb()
        with path.open("rb") as handle:
            started = time.perf_counter()
            made = ledger.start(plan, File(handle, name="ostolaskut_2021.csv"), year=2021, by=None)
            stored = time.perf_counter() - started
        guessed = ledger.guess_columns(ledger.header(made))
        made.columns, made.vat_mode = guessed.columns, guessed.vat_mode or "excluded"
        made.state = "queued"
        made.save()
        started = time.perf_counter()
        import_ledger.apply((made.pk,))
        seconds = time.perf_counter() - started
        made = LedgerImport.objects.get(pk=made.pk)
        return {
            "seconds": seconds,
            "rows": made.rows_read,
            "bad": made.rows_bad,
            "accounts": made.totals.count(),
            "total": str(made.total_eur),
            "state": made.state,
            "upload_seconds": stored,
            "reading_seconds": (made.finished_at - made.started_at).total_seconds(),
            "peak_mb": peak_mb(),
            "before_mb": before,
            "database": connection.vendor,
        }
    finally:
        connection.creation.destroy_test_db(created, verbosity=0)


def child_pandas(path: Path) -> dict:
    import pandas

    started = time.perf_counter()
    frame = pandas.read_csv(
        path, sep=";", decimal=",", thousands=" ", encoding="utf-8-sig", dtype={"Tili": str}
    )
    totals = frame.groupby("Tili")["Summa"].sum()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": len(frame),
        "accounts": len(totals),
        "total": f"{totals.sum():.2f}",
        "peak_mb": peak_mb(),
    }


def run_child(kind: str, path: Path) -> dict:
    output = subprocess.run(  # noqa: S603 - this script, with our own arguments
        [sys.executable, __file__, "--child", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(rows: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ostolaskut_2021.csv"
        started = time.perf_counter()
        generate(path, rows)
        print(
            f"file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s; {rounds} rounds, each side in "
            "a fresh process, taking turns"
        )
        runs = [(run_child("import", path), run_child("pandas", path)) for _ in range(rounds)]
    ours = min((run[0] for run in runs), key=lambda run: run["seconds"])
    theirs = min((run[1] for run in runs), key=lambda run: run["seconds"])
    our_rate = ours["rows"] / ours["seconds"]
    their_rate = theirs["rows"] / theirs["seconds"]
    print(f"database: {ours['database']}; the best round of each side:")
    print(f"{'':24}{'rows/s':>12}{'seconds':>10}{'peak MB':>10}{'accounts':>10}  total EUR")
    print(
        f"{'import (Celery task)':24}{our_rate:>12,.0f}{ours['seconds']:>10.2f}"
        f"{ours['peak_mb']:>10.0f}{ours['accounts']:>10}  {ours['total']}"
    )
    print(
        f"{'pandas read_csv+groupby':24}{their_rate:>12,.0f}{theirs['seconds']:>10.2f}"
        f"{theirs['peak_mb']:>10.0f}{theirs['accounts']:>10}  {theirs['total']}"
    )
    print(
        f"of the task's {ours['seconds']:.2f} s, reading the file took "
        f"{ours['reading_seconds']:.2f} s, saving and applying the totals the rest"
    )
    print(
        f"upload check and storing: {ours['upload_seconds']:.2f} s; import process before "
        f"reading: {ours['before_mb']:.0f} MB; rows not read: {ours['bad']}; state: {ours['state']}"
    )
    ratios = sorted(
        mine["seconds"] and theirs_["seconds"] / mine["seconds"] for mine, theirs_ in runs
    )
    print("import / pandas rate, round by round: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(
        f"import / pandas rate, best against best: {our_rate / their_rate:.2f} (target >= 0.5); "
        f"import peak {max(run[0]['peak_mb'] for run in runs):.0f} MB (target < 300)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        work = child_import if sys.argv[2] == "import" else child_pandas
        print(json.dumps(work(Path(sys.argv[3]))))
    else:
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
            int(sys.argv[2]) if len(sys.argv) > 2 else 3,
        )
