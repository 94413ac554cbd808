"""The demo action plan: Demolan kaupunki's spend in 2021 by category, entered by hand.

The figures are invented for the demo, in the proportions of a mid-sized Finnish
municipality's purchases (about 180 million euros a year).
"""

from decimal import Decimal

from django.db import transaction

from academy.models import Participation

from .models import ActionPlan, CategorySpend, FactorSet, ProcurementCategory

SPEND_2021 = {
    "social_health_services": "52000000",
    "building_construction": "31000000",
    "building_maintenance": "14500000",
    "heating": "9800000",
    "electricity": "6200000",
    "catering_food": "7400000",
    "street_maintenance": "6900000",
    "ict_services": "8300000",
    "ict_equipment": "2100000",
    "transport_services": "5600000",
    "cleaning": "3900000",
    "early_childhood": "4700000",
    "consulting": "3100000",
    "waste_management": "1800000",
    "vehicles": "1200000",
    "fuels": "1500000",
    "furniture": "900000",
    "office_supplies": "450000",
    "textiles": "380000",
    "travel": "260000",
}


@transaction.atomic
def load_demo_plan(participation: Participation) -> None:
    factor_set = FactorSet.objects.default()
    if factor_set is None:
        return
    plan, created = ActionPlan.objects.get_or_create(
        participation=participation, defaults={"factor_set": factor_set, "spend_year": 2021}
    )
    if not created:
        return
    categories = {c.code: c for c in ProcurementCategory.objects.filter(code__in=SPEND_2021)}
    CategorySpend.objects.bulk_create(
        CategorySpend(plan=plan, year=2021, category=categories[code], amount_eur=Decimal(amount))
        for code, amount in SPEND_2021.items()
        if code in categories
    )


SUGGESTIONS = [
    ("heating", "market_dialogue", "Kaukolämmön päästöt mukaan toimittajan valintaan",
     "Pyydetään toimittajalta tuotantotapakohtaiset päästötiedot ja asetetaan tavoite.", 5, 20),
    ("building_construction", "tender_criteria", "Hiilijalanjäljen raja-arvo uudisrakennuksille",
     "Rakennuksen elinkaaren hiilijalanjälki lasketaan ja sille asetetaan enimmäisarvo.", 10, 25),
    ("catering_food", "alternative_solution", "Kasvisruokapäivät ja hävikin vähentäminen",
     "Lisätään kasvisvaihtoehtoja ja seurataan ruokahävikkiä.", 10, 30),
    ("ict_equipment", "demand_reduction", "Laitteiden käyttöiän pidentäminen",
     "Hankitaan huollettavia laitteita ja pidennetään kiertoaikaa.", 15, 35),
    ("transport_services", "tender_criteria", "Vähäpäästöiset ajoneuvot kuljetuksissa",
     "Pisteytetään sähkö- ja biokaasuajoneuvot kilpailutuksessa.", 20, 50),
    (None, "contract_management", "Päästötietojen raportointi sopimuskaudella",
     "Sopimukseen kirjataan vuosittainen päästöraportointi ja seurantapalaverit.", 2, 10),
]  # fmt: skip


@transaction.atomic
def load_demo_suggestions() -> None:
    from .models import SuggestedMeasure

    if SuggestedMeasure.objects.exists():
        return
    categories = {c.code: c for c in ProcurementCategory.objects.all()}
    SuggestedMeasure.objects.bulk_create(
        SuggestedMeasure(
            category=categories.get(code) if code else None,
            kind=kind,
            title_fi=title,
            description=description,
            reduction_low=low,
            reduction_high=high,
        )
        for code, kind, title, description, low, high in SUGGESTIONS
    )
