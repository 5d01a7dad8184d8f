"""Data migration: the plan on the historical records written before ``history_plan`` existed.

A record's plan is the row's own ``plan`` where it has one, else its parent's, read from the parent's newest
historical record (so rows whose parent has been deleted since still find their plan).
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

#: Rows with a plan of their own: (app, historical model); rows under a parent: (…, parent field, its app and
#: historical model).
DIRECT = [
    ("agreements", "HistoricalStrategicAgreement"),
    ("agreements", "HistoricalStrategicGoal"),
    ("agreements", "HistoricalSubAgreement"),
    ("approvals", "HistoricalApprovalStep"),
    ("budget", "HistoricalBudgetLine"),
    ("budget", "HistoricalFundingSource"),
    ("goals", "HistoricalIndicator"),
    ("plans", "HistoricalEstate"),
    ("plans", "HistoricalMembership"),
    ("preparedness", "HistoricalPreparednessPlan"),
    ("preparedness", "HistoricalIncident"),
]
THROUGH_PARENT = [
    ("agreements", "HistoricalSubAgreementParty", "sub_agreement", "agreements", "HistoricalSubAgreement"),
    ("approvals", "HistoricalEstateDecision", "estate", "plans", "HistoricalEstate"),
    ("budget", "HistoricalBudgetAmount", "line", "budget", "HistoricalBudgetLine"),
    ("budget", "HistoricalActualSpend", "line", "budget", "HistoricalBudgetLine"),
    ("budget", "HistoricalFunding", "source", "budget", "HistoricalFundingSource"),
    ("goals", "HistoricalGoal", "sub_agreement", "agreements", "HistoricalSubAgreement"),
    ("goals", "HistoricalActivity", "sub_agreement", "agreements", "HistoricalSubAgreement"),
    ("goals", "HistoricalMeasurement", "indicator", "goals", "HistoricalIndicator"),
    ("preparedness", "HistoricalEscalationLevel", "preparedness_plan", "preparedness", "HistoricalPreparednessPlan"),
    ("preparedness", "HistoricalContact", "preparedness_plan", "preparedness", "HistoricalPreparednessPlan"),
    ("preparedness", "HistoricalActionCard", "preparedness_plan", "preparedness", "HistoricalPreparednessPlan"),
    ("preparedness", "HistoricalIncidentLogEntry", "incident", "preparedness", "HistoricalIncident"),
]


def backfill(apps, schema_editor):
    for app, model_name in DIRECT:
        apps.get_model(app, model_name).objects.filter(history_plan__isnull=True).update(
            history_plan_id=F("plan_id")
        )
    for app, model_name, parent_field, parent_app, parent_model in THROUGH_PARENT:
        parents = apps.get_model(parent_app, parent_model).objects.filter(id=OuterRef(f"{parent_field}_id"))
        plan = Subquery(parents.order_by("-history_date", "-history_id").values("plan_id")[:1])
        apps.get_model(app, model_name).objects.filter(history_plan__isnull=True).update(history_plan_id=plan)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0006_history_plan"),
        ("approvals", "0006_history_plan"),
        ("budget", "0005_history_plan"),
        ("goals", "0005_history_plan"),
        ("plans", "0006_history_plan"),
        ("preparedness", "0006_history_plan"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
