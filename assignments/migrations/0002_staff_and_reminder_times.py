from django.db import migrations

from academy.staff import ALL, grant_to_programme_staff


def grant_staff(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "assignments.assignment": ALL,
            "assignments.template": ALL,
            # Adding one gives an organisation that has not started a later due date.
            "assignments.submission": ("view", "add", "change"),
            "assignments.submittedfile": ("view",),
            "assignments.feedback": ("view", "add", "change"),
        },
    )


def reminder_times(apps, schema_editor):
    """Existing cohorts get the pre-assignment reminders 7 days and 1 day before, as new ones do."""
    Cohort = apps.get_model("academy", "Cohort")
    ReminderOffset = apps.get_model("notifications", "ReminderOffset")
    ReminderOffset.objects.bulk_create(
        [
            ReminderOffset(cohort=cohort, rule="assignment_due", days=days, direction="before")
            for cohort in Cohort.objects.all()
            for days in (7, 1)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0001_initial"),
        ("notifications", "0004_outgoingemail_calendar"),
    ]

    operations = [
        migrations.RunPython(grant_staff, migrations.RunPython.noop),
        migrations.RunPython(reminder_times, migrations.RunPython.noop),
    ]
