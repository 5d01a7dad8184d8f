"""The documents Landsbyggefonden expects, added to the standard periods' templates where they name none (a frozen
copy of ``periods.standard.USUAL_TEMPLATE["documents"]`` as of this migration)."""

from django.db import migrations

DOCUMENTS = [
    {"key": "strategic-agreement", "title": "Strategisk samarbejdsaftale", "kind": "annex"},
    {"key": "sub-agreements", "title": "Delaftaler", "kind": "annex"},
    {"key": "budget", "title": "Budget i Landsbyggefondens skabelon", "kind": "annex"},
    {"key": "organisation-chart", "title": "Organisationsdiagram", "kind": "organisation_chart"},
    {"key": "terms-of-reference", "title": "Kommissorium for bestyrelsen", "kind": "terms_of_reference"},
    {"key": "boligsociale-data", "title": "Udtræk fra Boligsociale Data", "kind": "annex"},
    {"key": "emergency-plan", "title": "Beredskabsplan", "kind": "annex"},
    {"key": "grant", "title": "Tilsagn fra Landsbyggefonden", "kind": "grant"},
]


def add_checklist(apps, schema_editor):
    FundingPeriod = apps.get_model("periods", "FundingPeriod")
    for period in FundingPeriod.objects.filter(code__in=["2019-2026", "2015-2018"]):
        template = dict(period.template or {})
        if "documents" not in template:
            template["documents"] = DOCUMENTS
            period.template = template
            period.save(update_fields=["template"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("periods", "0002_standard_periods"),
    ]

    operations = [migrations.RunPython(add_checklist, migrations.RunPython.noop)]
