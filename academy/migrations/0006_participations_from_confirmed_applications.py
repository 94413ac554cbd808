from django.db import migrations

from academy.staff import grant_to_programme_staff


def participations_from_confirmed(apps, schema_editor):
    """Organisations that confirmed before participations existed take their place now."""
    Application = apps.get_model("applications", "Application")
    Organisation = apps.get_model("academy", "Organisation")
    Participation = apps.get_model("academy", "Participation")
    confirmed = Application.objects.filter(state="confirmed")
    for application in confirmed:
        organisation = Organisation.objects.filter(business_id=application.business_id).first()
        if organisation is not None:
            Participation.objects.get_or_create(
                cohort_id=application.cohort_id, organisation=organisation
            )


def grant_staff(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "academy.participation": ("view", "add", "change", "delete"),
            "academy.storedfile": ("view",),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0005_participation_storedfile_cohort_settings"),
        ("applications", "0002_staff_reminders_criteria"),
    ]

    operations = [
        migrations.RunPython(participations_from_confirmed, migrations.RunPython.noop),
        migrations.RunPython(grant_staff, migrations.RunPython.noop),
    ]
