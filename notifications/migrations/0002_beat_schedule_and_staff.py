from django.db import migrations

from academy.staff import ALL, grant_to_programme_staff

SWEEPS = [
    # (name, task, every minutes)
    ("Send due reminders", "notifications.send_reminders", 5),
    ("Enqueue outbox rows the broker lost", "notifications.requeue_stale", 2),
]


def schedule_sweeps(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in SWEEPS:
        interval, _ = interval_model.objects.get_or_create(every=minutes, period="minutes")
        task_model.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def unschedule_sweeps(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, _, _ in SWEEPS]
    ).delete()


def grant_staff(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "notifications.outgoingemail": ("change", "view"),
            "notifications.emailtemplate": ALL,
            "notifications.reminderoffset": ALL,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("academy", "0002_programme_staff_group"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_sweeps, unschedule_sweeps),
        migrations.RunPython(grant_staff, migrations.RunPython.noop),
    ]
