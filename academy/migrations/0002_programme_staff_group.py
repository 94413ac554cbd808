from django.db import migrations

from academy.staff import ALL, grant_to_programme_staff


def create_group(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "academy.cohort": ALL,
            "academy.organisation": ALL,
            "academy.membership": ALL,
            # Staff look people up and correct their details; only a superuser
            # hands out rights (see UserAdmin.get_readonly_fields).
            "academy.user": ("add", "change", "view"),
            "account.emailaddress": ("change", "view"),
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
