from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    """The shared cache's table (``CACHES["default"]`` without ``REDIS_URL``: the database cache): made with the
    schema, so no deployment step is forgotten (``createcachetable`` leaves an existing table alone)."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outgoing_mail_secret_links_and_digest_plans")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
