from django.db import migrations

from academy.staff import ALL, grant_to_programme_staff


def create_group(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "academy.cohort": ALL,
            "academy.organisation": ALL,
            "academy.membership": ALL,
            # Staff look people up and correct participants' details; only a
            # superuser hands out rights or changes another administrator
            # (see UserAdmin). E-mail addresses are verified by their owners.
            "academy.user": ("add", "change", "view"),
            "account.emailaddress": ("view",),
        },
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Programme staff").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
