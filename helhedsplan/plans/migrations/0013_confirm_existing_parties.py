"""The parties and organisation-wide reviewers that existed before organisations vouched for their people were
named by superusers (in the admin) or by plan files: they are kept as confirmed, so nothing is lost at the
upgrade. From now on a new party is invited until the organisation's administrator confirms it."""

from django.db import migrations


def confirm_existing(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    PartyConfirmation = apps.get_model("plans", "PartyConfirmation")
    Affiliation = apps.get_model("plans", "Affiliation")
    OrganisationGrant = apps.get_model("plans", "OrganisationGrant")
    for plan in Plan.objects.prefetch_related("organisations"):
        for organisation in plan.organisations.all():
            PartyConfirmation.objects.get_or_create(plan=plan, organisation=organisation)
    for grant in OrganisationGrant.objects.prefetch_related("users"):
        for user in grant.users.all():
            Affiliation.objects.get_or_create(
                user=user, organisation_id=grant.organisation_id, defaults={"state": "confirmed"}
            )


class Migration(migrations.Migration):
    dependencies = [("plans", "0012_organisations_vouch_for_their_people")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
