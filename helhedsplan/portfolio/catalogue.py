"""The indicator catalogue across plans (``/portefolje/indikatorer/``): for each of Landsbyggefonden's standard
indicators, the plans a user may see that measure it (their indicators picked from that catalogue entry), side by
side — each plan's latest value and date, baseline, target and progress. A suppressed latest value is shown as
"diskretioneret", never as zero, and gets no progress.

Both reads take the set of plans (``access.plans_of``) and use a fixed number of queries however many plans."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, Q, QuerySet
from django.http import Http404

from helhedsplan.goals import progress
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.goals.selectors import measurements_prefetch
from helhedsplan.periods.models import DEFAULT_PERIOD_CODE, CatalogueIndicator
from helhedsplan.plans.models import Plan


@dataclass(frozen=True)
class CatalogueUse:
    entry: CatalogueIndicator
    #: How many of the user's plans measure it.
    plans: int


@dataclass(frozen=True)
class ComparisonRow:
    plan: Plan
    indicator: Indicator
    latest: Measurement | None
    progress: progress.Progress


def catalogue_uses(plans: QuerySet[Plan]) -> list[CatalogueUse]:
    """The catalogues of the periods of ``plans``, each entry with how many of those plans measure it (one
    query)."""
    in_these = Q(indicators__plan__in=plans.values("pk"))
    # A plan without a period counts as the default period's (as ``goals.Indicator.validate_catalogue_entry``).
    without_period = Q(period__code=DEFAULT_PERIOD_CODE) & Exists(plans.filter(funding_period__isnull=True))
    entries = (
        CatalogueIndicator.objects.filter(Q(period__in=plans.values("funding_period")) | without_period)
        .select_related("period")
        .annotate(plan_count=Count("indicators__plan", filter=in_these, distinct=True))
        .order_by("-period__first_year", "order", "pk")
    )
    return [CatalogueUse(entry=entry, plans=entry.plan_count) for entry in entries]


def catalogue_entry_or_404(*, period: str, code: str) -> CatalogueIndicator:
    """The catalogue entry ``code`` of the funding period ``period`` (one query); shared data, not a plan's."""
    entry = CatalogueIndicator.objects.select_related("period").filter(period__code=period, code=code).first()
    if entry is None:
        raise Http404
    return entry


def catalogue_comparison(*, entry: CatalogueIndicator, plans: QuerySet[Plan]) -> list[ComparisonRow]:
    """Every indicator of ``plans`` picked from ``entry``, with its plan, parent and latest measurement (two
    queries: the indicators with their plans, the latest measurement of each), by plan."""
    indicators = (
        Indicator.objects.filter(catalogue_entry=entry, plan__in=plans.values("pk"))
        .select_related("plan", "goal", "strategic_goal")
        .prefetch_related(measurements_prefetch())
        .order_by("plan__name", "plan__pk", "pk")
    )
    rows = []
    for indicator in indicators:
        latest = indicator.latest_measurement()
        rows.append(
            ComparisonRow(
                plan=indicator.plan, indicator=indicator, latest=latest, progress=indicator.progress()
            )
        )
    return rows
