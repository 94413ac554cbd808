"""The factor set and categories the product ships with, loaded by a data migration.

Source: US EPA, Supply Chain Greenhouse Gas Emission Factors for US Industries
and Commodities, version 1.3.0 (USEEIO; EPA/600/R-20/001), public domain,
copied unchanged into ``plans/data/``. The column used is "Supply Chain
Emission Factors with Margins" (cradle to purchase, in kg CO2e per 2022 US
dollar, purchaser price). Converted to euros with the ECB's 2022 average
reference rate, 1.0530 USD per EUR: kg CO2e / EUR = kg CO2e / USD × 1.0530.
"""

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
EPA_FILE = DATA / "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"
CATEGORIES_FILE = DATA / "categories.csv"
USD_PER_EUR_2022 = Decimal("1.0530")
EPA_COLUMN = "Supply Chain Emission Factors with Margins"

EPA_SET = {
    "name": "US EPA Supply Chain GHG Emission Factors (NAICS-6), converted to EUR",
    "publisher": "US Environmental Protection Agency",
    "version": "1.3.0",
    "licence": "Public domain (work of the US federal government)",
    "unit": "kg CO2e / EUR",
    "currency": "EUR",
    "price_year": 2022,
    "region": "United States",
    "indicative": True,
    "notes": (
        "Spend-based factors of the US economy, cradle to purchase with trade and transport "
        "margins, all greenhouse gases (AR5 GWP-100). Converted from kg CO2e per 2022 US dollar "
        "with the ECB's 2022 average rate, 1.0530 USD per EUR. For Finnish spend they are "
        "indicative. Electricity generation (NAICS 2211) is not in the set. Source: "
        "EPA/600/R-20/001, file SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv."
    ),
}


# What the set describes, in each language; given to the set by a later migration than the one
# that loads it, so they are kept apart from ``EPA_SET``.
EPA_DESCRIPTIONS = {
    "description_fi": (
        "Yhdysvaltain ympäristönsuojeluviraston (EPA) toimialoittaiset päästökertoimet: "
        "kasvihuonekaasupäästöt ostettua arvoa kohden Yhdysvaltain taloudessa vuoden 2022 "
        "hinnoin, muunnettu euroiksi Euroopan keskuspankin vuoden 2022 keskikurssilla. "
        "Suomalaisille hankinnoille ne ovat suuntaa antavia."
    ),
    "description_sv": (
        "Den amerikanska miljöskyddsmyndighetens (EPA) utsläppsfaktorer per bransch: "
        "växthusgasutsläpp per köpt värde i USA:s ekonomi i 2022 års priser, omräknade till "
        "euro med Europeiska centralbankens genomsnittskurs för 2022. För finska inköp är de "
        "vägledande."
    ),
    "description_en": (
        "The US Environmental Protection Agency's emission factors by industry: greenhouse gas "
        "emissions per value bought in the US economy, in 2022 prices, converted to euros with "
        "the European Central Bank's 2022 average rate. For Finnish purchases they are "
        "indicative."
    ),
}


def per_euro(per_dollar: str) -> Decimal:
    return (Decimal(per_dollar) * USD_PER_EUR_2022).quantize(
        Decimal("0.000001"), rounding=ROUND_HALF_UP
    )


def epa_factors() -> list[tuple[str, str, Decimal]]:
    """(NAICS code, title, kg CO2e per euro) for every row of the shipped file."""
    with EPA_FILE.open(newline="", encoding="ascii") as source:
        return [
            (row["2017 NAICS Code"], row["2017 NAICS Title"], per_euro(row[EPA_COLUMN]))
            for row in csv.DictReader(source)
        ]


def categories() -> list[dict]:
    with CATEGORIES_FILE.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        row["mapping"] = [
            (code, Decimal(share))
            for code, share in (part.split(":") for part in row["naics"].split(";") if part)
        ]
    return rows


def load(apps) -> None:
    """Create the default set and categories if they are missing. ``apps``: a model registry."""
    factor_set_model = apps.get_model("plans", "FactorSet")
    factor_model = apps.get_model("plans", "EmissionFactor")
    category_model = apps.get_model("plans", "ProcurementCategory")
    mapping_model = apps.get_model("plans", "CategoryFactor")
    factor_set, created = factor_set_model.objects.get_or_create(
        name=EPA_SET["name"],
        version=EPA_SET["version"],
        defaults={
            **EPA_SET,
            "is_default": not factor_set_model.objects.filter(is_default=True).exists(),
        },
    )
    if created:
        factor_model.objects.bulk_create(
            factor_model(factor_set=factor_set, code=code, name=name[:300], kg_per_eur=value)
            for code, name, value in epa_factors()
        )
    factors = {f.code: f for f in factor_model.objects.filter(factor_set=factor_set)}
    for position, row in enumerate(categories()):
        category, made = category_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "name_fi": row["name_fi"],
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
                "notes": row["notes"],
                "position": position,
            },
        )
        if made:
            mapping_model.objects.bulk_create(
                mapping_model(category=category, factor=factors[code], share=share)
                for code, share in row["mapping"]
            )


def describe(apps) -> None:
    """The shipped set says what it is in each language, unless staff have described it."""
    apps.get_model("plans", "FactorSet").objects.filter(
        name=EPA_SET["name"], version=EPA_SET["version"], description_fi=""
    ).update(**EPA_DESCRIPTIONS)


KEYWORDS_FILE = DATA / "category_keywords.csv"


def keywords() -> dict[str, str]:
    """Words in Finnish, Swedish and English ledger account names, per category code.

    Written for the account names of the Association of Finnish Municipalities'
    chart of accounts and common finance systems; staff refine them in the admin.
    """
    with KEYWORDS_FILE.open(newline="", encoding="utf-8") as source:
        return {
            row["code"]: "\n".join(row["keywords"].split("|")) for row in csv.DictReader(source)
        }


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def replace_keywords(apps, previous: dict[str, str]) -> None:
    """Give today's words to the shipped categories that still have the ``previous`` ones.

    ``previous`` is what the file shipped before (``|``-separated); words that staff have
    changed in the admin stay as they are.
    """
    category_model = apps.get_model("plans", "ProcurementCategory")
    shipped = keywords()
    for category in category_model.objects.filter(code__in=[c for c in previous if c in shipped]):
        if lines(category.keywords) == previous[category.code].split("|"):
            category.keywords = shipped[category.code]
            category.save(update_fields=["keywords"])


def load_keywords(apps) -> None:
    """Give the shipped categories their words, where staff have not written their own."""
    category_model = apps.get_model("plans", "ProcurementCategory")
    for code, words in keywords().items():
        category_model.objects.filter(code=code, keywords="").update(keywords=words)
