from django.db import migrations

from academy.staff import ALL, grant_to_programme_staff


def grant_staff(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "workshops.session": ALL,
            "workshops.material": ALL,
            "workshops.attendance": ALL,
            "workshops.recordingrequest": ("view", "delete"),
        },
    )


def reminder_times(apps, schema_editor):
    """Existing cohorts get the session reminder a day before, as new cohorts do."""
    Cohort = apps.get_model("academy", "Cohort")
    ReminderOffset = apps.get_model("notifications", "ReminderOffset")
    ReminderOffset.objects.bulk_create(
        [
            ReminderOffset(cohort=cohort, rule="session_upcoming", days=1, direction="before")
            for cohort in Cohort.objects.all()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0001_initial"),
        ("notifications", "0004_outgoingemail_calendar"),
    ]

    operations = [
        migrations.RunPython(grant_staff, migrations.RunPython.noop),
        migrations.RunPython(reminder_times, migrations.RunPython.noop),
    ]
