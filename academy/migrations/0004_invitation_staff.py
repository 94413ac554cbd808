from django.db import migrations

from academy.staff import grant_to_programme_staff


def grant_staff(apps, schema_editor):
    # Staff see the invitations (to help a team that is stuck); revoking is the contact person's.
    grant_to_programme_staff(apps, {"academy.invitation": ("view", "change")})


class Migration(migrations.Migration):
    dependencies = [("academy", "0003_cohort_interviews_decisions_and_invitations")]

    operations = [migrations.RunPython(grant_staff, migrations.RunPython.noop)]
