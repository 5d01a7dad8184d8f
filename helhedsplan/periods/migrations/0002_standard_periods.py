"""DATA MIGRATION (hand-written): Landsbyggefonden's funding periods 2019-2026 (the seed's four focus areas, with
the codes of agreements.FocusArea) and 2015-2018 (its focus areas' names are examples), each with the usual
funding sources and approval steps as its template; every existing plan is put in 2019-2026.

The rows are a frozen copy of helhedsplan/periods/standard.py as it stood when this migration was written."""

from django.db import migrations

USUAL_TEMPLATE = {
    "funding_sources": [
        {"name": "Kommunal medfinansiering", "kind": "municipality"},
        {"name": "Boligorganisationerne", "kind": "housing_associations"},
        {"name": "Landsbyggefonden", "kind": "lbf", "organisation": "LBF"},
    ],
    "approval_steps": [
        {
            "title": "Boligafdelingerne godkender helhedsplanen",
            "body": "Afdelingsbestyrelserne",
            "status": "from_estates",
        },
        {
            "title": "Fagudvalget godkender indholdet og anbefaler planen over for Landsbyggefonden",
            "body": "Teknik- og Miljøudvalget",
            "status": "planned",
        },
        {
            "title": "Borgerrepræsentationen godkender den kommunale medfinansiering",
            "body": "Borgerrepræsentationen",
            "status": "planned",
        },
        {
            "title": "Landsbyggefondens endelige behandling",
            "body": "Landsbyggefonden",
            "status": "planned",
        },
    ],
}

PERIODS = [
    (
        "2019-2026",
        "Landsbyggefondens boligsociale pulje 2019-2026",
        2019,
        2026,
        [
            ("education", "Uddannelse og livschancer", 1, False),
            ("employment", "Beskæftigelse", 2, False),
            ("crime_prevention", "Kriminalitetsforebyggelse", 3, False),
            ("cohesion", "Sammenhængskraft og medborgerskab", 4, False),
        ],
    ),
    (
        "2015-2018",
        "Landsbyggefondens boligsociale pulje 2015-2018",
        2015,
        2018,
        [
            ("safety_wellbeing", "Eksempel: Tryghed og trivsel", 1, True),
            ("prevention_parenting", "Eksempel: Forebyggelse og forældreansvar", 2, True),
            ("education_employment", "Eksempel: Uddannelse og beskæftigelse", 3, True),
            ("community_participation", "Eksempel: Kriminalpræventiv indsats og medborgerskab", 4, True),
        ],
    ),
]


def forwards(apps, schema_editor):
    FundingPeriod = apps.get_model("periods", "FundingPeriod")
    FocusAreaDefinition = apps.get_model("periods", "FocusAreaDefinition")
    Plan = apps.get_model("plans", "Plan")
    for code, name, first_year, last_year, areas in PERIODS:
        period, created = FundingPeriod.objects.get_or_create(
            code=code,
            defaults={"name": name, "first_year": first_year, "last_year": last_year, "template": USUAL_TEMPLATE},
        )
        if created:
            FocusAreaDefinition.objects.bulk_create(
                FocusAreaDefinition(period=period, code=a, name=n, order=o, is_example=e) for a, n, o, e in areas
            )
    Plan.objects.filter(funding_period__isnull=True).update(
        funding_period=FundingPeriod.objects.get(code="2019-2026")
    )


def backwards(apps, schema_editor):
    apps.get_model("plans", "Plan").objects.update(funding_period=None)


class Migration(migrations.Migration):
    dependencies = [
        ("periods", "0001_initial"),
        ("plans", "0008_historicalplan_funding_period_plan_funding_period"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
