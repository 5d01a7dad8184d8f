"""Landsbyggefonden's funding periods as this system knows them at the start.

The data migration ``periods/migrations/0002_standard_periods.py`` stores a frozen copy of these rows; the
plan-file importer and the tests (which build their database from the models, without migrations) call
:func:`ensure_standard_periods`. Administrators keep the periods in the admin afterwards.

2019-2026: the four indsatsområder of LBF's regulativ (the seed's; codes as ``agreements.FocusArea``).
2015-2018: LBF's earlier pulje had four other indsatsområder; DOMAIN.md names two of them only as examples
("tryghed og trivsel", "forebyggelse og forældreansvar"), so the period's four names are marked as examples.

The indicator catalogue (``STANDARD_CATALOGUE``, per period code): the indicators Landsbyggefonden names
itself (valgdeltagelse, unge uden for uddannelse og beskæftigelse, ledighed, tryghed), the criteria of
almenboliglovens § 61 a, stk. 1 that Beboerdata reports as "parallelsamfundskriterieværdier", and the topics
of Beboerdata's standard tables (lbf.dk lists them). Only the § 61 a criteria have a definition a public
source states (the law, as DOMAIN.md quotes it); every other entry names its real source, but its definition
is ours and so marked as an example. 2015-2018 has no catalogue yet: no source at hand lists its indicators.
"""

from __future__ import annotations

from typing import Any

from .catalogue import STANDARD_CATALOGUE

#: Funding sources and approval steps of the usual process (DOMAIN.md; named as in
#: data/amager-2022-2025.yaml). The estates' step follows the estates' decisions.
USUAL_TEMPLATE: dict[str, Any] = {
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
    # Which sections of the agreement (``versions.snapshot.SECTIONS``) a change needs Landsbyggefonden's approval
    # for: "Ændringer i den strategiske aftale skal godkendes af Landsbyggefonden", and the budget with it. A
    # change elsewhere (the delaftaler) needs the plan's bestyrelse and a recorded version.
    "changes_needing_lbf": ["strategic_agreement", "budget"],
    # The documents Landsbyggefonden expects with a plan (DOMAIN.md: the agreements, the budget in LBF's
    # template, the organisation chart, the bestyrelse's kommissorium, the Boligsociale Data extract, the
    # beredskabsplan) and, once given, its tilsagn: the documents app's checklist.
    "documents": [
        {"key": "strategic-agreement", "title": "Strategisk samarbejdsaftale", "kind": "annex"},
        {"key": "sub-agreements", "title": "Delaftaler", "kind": "annex"},
        {"key": "budget", "title": "Budget i Landsbyggefondens skabelon", "kind": "annex"},
        {"key": "organisation-chart", "title": "Organisationsdiagram", "kind": "organisation_chart"},
        {"key": "terms-of-reference", "title": "Kommissorium for bestyrelsen", "kind": "terms_of_reference"},
        {"key": "boligsociale-data", "title": "Udtræk fra Boligsociale Data", "kind": "annex"},
        {"key": "emergency-plan", "title": "Beredskabsplan", "kind": "annex"},
        {"key": "grant", "title": "Tilsagn fra Landsbyggefonden", "kind": "grant"},
    ],
}

STANDARD_PERIODS: list[dict[str, Any]] = [
    {
        "code": "2019-2026",
        "name": "Landsbyggefondens boligsociale pulje 2019-2026",
        "first_year": 2019,
        "last_year": 2026,
        "template": USUAL_TEMPLATE,
        "focus_areas": [
            # Code, name (the Danish names of agreements.FocusArea), LBF's order, is an example.
            ("education", "Uddannelse og livschancer", 1, False),
            ("employment", "Beskæftigelse", 2, False),
            ("crime_prevention", "Kriminalitetsforebyggelse", 3, False),
            ("cohesion", "Sammenhængskraft og medborgerskab", 4, False),
        ],
    },
    {
        "code": "2015-2018",
        "name": "Landsbyggefondens boligsociale pulje 2015-2018",
        "first_year": 2015,
        "last_year": 2018,
        "template": USUAL_TEMPLATE,
        "focus_areas": [
            ("safety_wellbeing", "Eksempel: Tryghed og trivsel", 1, True),
            ("prevention_parenting", "Eksempel: Forebyggelse og forældreansvar", 2, True),
            ("education_employment", "Eksempel: Uddannelse og beskæftigelse", 3, True),
            ("community_participation", "Eksempel: Kriminalpræventiv indsats og medborgerskab", 4, True),
        ],
    },
]


def ensure_standard_periods(
    period_model: Any = None, focus_area_model: Any = None, catalogue_model: Any = None
) -> None:
    """Create the standard periods and their focus areas where they are missing (an existing period is left
    as an administrator may have changed it), and the catalogue's indicators whose codes the period lacks. The
    models may be passed in (the data migration's historical ones)."""
    if period_model is None or focus_area_model is None:
        from .models import FocusAreaDefinition, FundingPeriod

        period_model, focus_area_model = FundingPeriod, FocusAreaDefinition
    if catalogue_model is None:
        from .models import CatalogueIndicator

        catalogue_model = CatalogueIndicator
    for row in STANDARD_PERIODS:
        period, created = period_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "first_year": row["first_year"],
                "last_year": row["last_year"],
                "template": row["template"],
            },
        )
        if created:
            focus_area_model.objects.bulk_create(
                focus_area_model(period=period, code=code, name=name, order=order, is_example=example)
                for code, name, order, example in row["focus_areas"]
            )
    for period_code, rows in STANDARD_CATALOGUE.items():
        ensure_catalogue(period_model.objects.get(code=period_code), rows, catalogue_model)


def ensure_catalogue(period: Any, rows: list[dict[str, Any]], catalogue_model: Any) -> None:
    """Add the catalogue's rows whose codes ``period`` does not have yet (an existing row is left as a superuser
    may have changed it)."""
    present = set(catalogue_model.objects.filter(period=period).values_list("code", flat=True))
    catalogue_model.objects.bulk_create(
        catalogue_model(period=period, order=order, **row)
        for order, row in enumerate(rows, start=1)
        if row["code"] not in present
    )
