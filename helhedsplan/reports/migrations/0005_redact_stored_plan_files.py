"""Redact once the plan files stored with submissions before a stored file carried no personal data: the only
change a frozen file ever gets, recorded with its SHA-256 before and after (``reports.redaction``)."""

from django.db import migrations


def redact(apps, schema_editor):
    from helhedsplan.reports.redaction import redact_stored_plan_files

    redact_stored_plan_files(apps.get_model("reports", "Submission"), apps.get_model("reports", "Redaction"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_submission_data_and_redactions")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
