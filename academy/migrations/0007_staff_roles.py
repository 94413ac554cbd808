from django.db import migrations


def add_interviewers(apps, schema_editor):
    from academy.staff import INTERVIEWER_PERMISSIONS, INTERVIEWERS, grant

    grant(apps, INTERVIEWERS, INTERVIEWER_PERMISSIONS)


class Migration(migrations.Migration):
    """A permission to manage staff without being a superuser, and the Interviewers group."""

    dependencies = [
        ("academy", "0006_participations_from_confirmed_applications"),
        ("applications", "0002_staff_reminders_criteria"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["email"],
                "permissions": [
                    (
                        "manage_staff",
                        "Can make people programme staff or interviewers, and remove them",
                    )
                ],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.RunPython(add_interviewers, migrations.RunPython.noop),
    ]
