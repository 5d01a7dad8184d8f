"""DATA MIGRATION (hand-written): the standard periods' templates say which sections of a plan's agreement need
Landsbyggefonden's approval when changed (``changes_needing_lbf``: the strategic agreement and the budget), as
``periods/standard.py`` does. A template that already names them (an administrator's) is left alone."""

from django.db import migrations

SECTIONS = ["strategic_agreement", "budget"]


def forwards(apps, schema_editor):
    FundingPeriod = apps.get_model("periods", "FundingPeriod")
    for period in FundingPeriod.objects.filter(code__in=["2019-2026", "2015-2018"]):
        template = dict(period.template or {})
        if "changes_needing_lbf" not in template:
            template["changes_needing_lbf"] = SECTIONS
            period.template = template
            period.save(update_fields=["template"])


def backwards(apps, schema_editor):
    FundingPeriod = apps.get_model("periods", "FundingPeriod")
    for period in FundingPeriod.objects.all():
        template = dict(period.template or {})
        if template.pop("changes_needing_lbf", None) is not None:
            period.template = template
            period.save(update_fields=["template"])


class Migration(migrations.Migration):
    dependencies = [("periods", "0002_standard_periods")]

    operations = [migrations.RunPython(forwards, backwards)]
