from django.db import migrations

# What plans/data/category_keywords.csv shipped before supplies, waste fractions, street
# cleaning, laboratories, hotels and flights were told apart. A category that still has
# exactly these words gets today's; one that staff have edited keeps its own.
PREVIOUS = {
    "street_maintenance": "katujen kunnossapito|katujen ja teiden kunnossapito|teiden kunnossapito|tienpito|talvikunnossapito|maa- ja vesirakennus|auraus|hiekoitus|katuvalaistus|gatuunderhåll|vägunderhåll|snöröjning|road maintenance",
    "vehicles": "ajoneuvo|auto|autojen hankinta|autovuokra|leasingauto|fordon|vehicle",
    "ict_services": "ict-palvelu|atk-palvelu|tietoliikenne|tele|ohjelmisto|lisenssi|tietohallinto|tietojärjestelmä|tietotekniikkapalvelu|it-tjänst|datakommunikation|programvara|software|ict services",
    "cleaning": "siivous|puhtaanapito|puhdistusaine|puhdistustarvike|pesuaine|pesutarvike|pesula|städ|städning|rengöring|cleaning",
    "medicines_care_supplies": "lääke|hoitotarvike|sairaanhoitotarvike|laboratorio|läkemedel|vårdartiklar|vårdtillbehör|medicine",
    "social_health_services": "asiakaspalvelu|sosiaalipalvelu|terveyspalvelu|terveydenhuolto|työterveys|erikoissairaanhoito|asumispalvelu|kotihoito|lastensuojelu|kundtjänst|socialtjänst|hälsovård|health services",
    "textiles": "tekstiili|vaate|vaatetus|vaatteisto|työvaate|textil|kläder|textiles|clothing",
    "waste_management": "jäte|jätehuolto|jätteenkäsittely|jätteenkuljetus|jätteen kuljetus|jätekuljetus|avfall|avfallshantering|renhållning|waste",
    "vehicle_maintenance": "ajoneuvojen huolto|ajoneuvojen korjaus|autojen huolto|autojen korjaus|ajoneuvohuolto|autohuolto|fordonsunderhåll|vehicle maintenance",
    "travel": "matka|matkustus|majoitus|hotelli|resa|logi|travel|accommodation",
}


def replace_keywords(apps, schema_editor):
    from plans.services import defaults

    defaults.replace_keywords(apps, PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_spend_kept_by_hand"),
    ]

    operations = [
        migrations.RunPython(replace_keywords, migrations.RunPython.noop),
    ]
