"""The database table the Redis cache falls back on while Redis is away (academy/cache.py)."""

from django.core.management import call_command
from django.db import migrations

TABLE = "academy_cache_fallback"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("academy", "0011_inactivity_warning")]

    operations = [migrations.RunPython(create, drop)]
