from django.db import migrations

from academy.staff import ALL, grant_to_programme_staff


def load_defaults(apps, schema_editor):
    from plans.services import defaults

    defaults.load(apps)


def grant_staff(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "plans.factorset": ALL,
            "plans.emissionfactor": ALL,
            "plans.procurementcategory": ALL,
            "plans.categoryfactor": ALL,
            "plans.actionplan": ("view",),
            "plans.categoryspend": ("view",),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
        migrations.RunPython(grant_staff, migrations.RunPython.noop),
    ]
