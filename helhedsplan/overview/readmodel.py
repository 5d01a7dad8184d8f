"""What the dashboard, the portfolio and "needs attention" show about a plan, computed once per change of the plan
and kept in the shared cache (``caches["default"]``): the read model of a plan, ``PlanFigures``.

A plan is read far more often than it changes, and computing what it shows means building its goal tree, budget,
approvals and reports as model instances and running their rules — the cost of the dashboard and, for many plans,
of the portfolio. So it is computed once per (plan, its change counter, today) and kept as plain data
(dataclasses of strings, numbers, dates and ``progress.Progress``; no model instance, nothing lazy), so that any
worker on any server reads it back with one cache lookup, and the portfolio reads all its plans with one
``get_many``.

- **The rules stay where they are.** ``plan_figures_fresh`` calls the same set-of-plans selectors
  (``selectors.plans_rows``) and the same rules (``goals.progress``, the providers of "needs attention") as
  before; only when they run changes.
- **The key** is the plan's pk, its change counter (``Plan.change_count``: raised in the transaction of every
  write to the plan, read afresh with ``change_counts``), this module's ``FORMAT_VERSION`` (raise it when ``PlanFigures`` changes shape), the day (what is due
  or overdue depends on it) and the language (the texts are translated when computed). A key is never deleted:
  once the counter moves, the old key is never asked for again and ages out.
- **Never in the entry:** anything about the reader. What the reader may edit, whether they answer or submit
  reports, and the parts that carry personal data (the open incidents' texts, the emergency contacts to verify)
  are applied on top for each request (``attention_for``), from a few small rows read then.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from helhedsplan.goals import progress
from helhedsplan.plans import changes
from helhedsplan.plans.locations import map_estate_rows
from helhedsplan.plans.models import Plan
from helhedsplan.preparedness.models import Contact, Incident
from helhedsplan.versions.selectors import VersionAttention

from . import selectors

#: Raise when ``PlanFigures`` (or anything in it) changes shape, so no worker reads an entry of the old shape.
FORMAT_VERSION = 1
CACHE_ALIAS = "default"
#: An entry outlives its day at most by this much (the key holds the day anyway): the cache never fills up
#: with yesterday's entries.
TIMEOUT = 26 * 3600

#: The providers of "needs attention" whose items are the same for every reader: computed once and kept.
SHARED_KINDS = ("setup", "approvals", "measurements", "activities", "actual_spend")
#: The providers that depend on whether the reader answers (``may_review``) or submits (``may_submit``) reports:
#: kept for each of the four cases — what the role sees, not who the reader is.
REPORT_PROVIDERS = (selectors.reports_awaiting_you, selectors.reports_due)
REPORT_CASES = ((False, False), (True, False), (False, True), (True, True))


def change_counts(plans: Iterable[Plan]) -> dict[int, int]:
    """The plans' change counters as the database holds them now (one query): read afresh rather than from the
    instances, which may have been read before a write of the same request or test."""
    return changes.plan_change_counts(plan.pk for plan in plans)


def _written_in_this_transaction(plan_id: int) -> bool:
    """Whether the current transaction has written to the plan and not committed yet. Its counter was raised at
    the first of those writes and is not raised again before the commit, so figures computed now would be kept
    under a counter that later writes of the same transaction — or a rollback — leave behind: they are computed
    but never kept (nor read, as no one else can have kept the uncommitted counter)."""
    return changes.written_in_this_transaction(plan_id)


# --- The kept entry: plain data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """What a page shows of a row an item or card is about: its id, its name and whether it is example data."""

    pk: int | None
    name: str = ""
    is_example: bool = False
    #: A delaftale's focus area (its code), for the cards.
    focus_area: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class CardFigures:
    sub_agreement: Mark
    progress: progress.Progress
    goal_count: int
    indicator_count: int
    activity_count: int


@dataclass(frozen=True)
class ApprovalFigures:
    """The estates' approvals as the dashboard's figure and the portfolio's column count them."""

    approved_count: int
    total: int


@dataclass(frozen=True)
class PlanFigures:
    """What the dashboard and the portfolio show about one plan on one day, the same for every reader."""

    plan_id: int
    today: datetime.date
    as_of: progress.AsOf
    cards: tuple[CardFigures, ...]
    #: The plan's progress judged on ``as_of`` (the dashboard) and on each measurement's own date (the portfolio).
    plan_progress: progress.Progress
    status: progress.Progress
    status_is_example: bool
    total_budget: Decimal
    lbf_amount: Decimal
    budget_is_example: bool
    approvals: ApprovalFigures
    estate_homes: int
    estate_residents: int
    #: What the map draws (``plans.locations.map_estate_rows``: JSON-ready dicts).
    map_rows: tuple[dict[str, Any], ...]
    #: The state of every report to Landsbyggefonden (``reports.report.ReportState``).
    report_states: tuple[str, ...]
    #: The shared groups of "needs attention" by kind (``SHARED_KINDS``), items as plain data.
    groups: dict[str, selectors.AttentionGroup]
    #: The report groups for each (may_review, may_submit).
    report_groups: dict[tuple[bool, bool], tuple[selectors.AttentionGroup, ...]]


@dataclass(frozen=True)
class PlanSummary:
    """What the portfolio shows of a plan, the same for every reader: the few figures of its columns and how many
    items each group of "needs attention" has, not the items. A small entry (``summary_of`` a plan's figures), as
    the portfolio reads one for every plan the reader sees — Landsbyggefonden's reviewer, every plan in the
    country."""

    plan_id: int
    today: datetime.date
    status: progress.Progress
    status_is_example: bool
    total_budget: Decimal
    lbf_amount: Decimal
    budget_is_example: bool
    approvals: ApprovalFigures
    report_states: tuple[str, ...]
    #: How many items each shared group of "needs attention" has (``SHARED_KINDS``).
    group_counts: dict[str, int]
    #: For each (may_review, may_submit): how many items the report groups have (``REPORT_PROVIDERS``' order).
    report_group_counts: dict[tuple[bool, bool], tuple[int, ...]]


def summary_of(figures: PlanFigures) -> PlanSummary:
    return PlanSummary(
        plan_id=figures.plan_id,
        today=figures.today,
        status=figures.status,
        status_is_example=figures.status_is_example,
        total_budget=figures.total_budget,
        lbf_amount=figures.lbf_amount,
        budget_is_example=figures.budget_is_example,
        approvals=figures.approvals,
        report_states=figures.report_states,
        group_counts={kind: len(group.items) for kind, group in figures.groups.items()},
        report_group_counts={
            case: tuple(len(group.items) for group in groups)
            for case, groups in figures.report_groups.items()
        },
    )


#: An entry kept per plan: its figures, or its summary.
Entry = TypeVar("Entry", PlanFigures, PlanSummary)


def _plain_item(item: selectors.AttentionItem) -> selectors.AttentionItem:
    """The item with its subject reduced to what the page reads of it (the example badge)."""
    subject = item.subject
    if subject is None:
        return item
    return dataclasses.replace(
        item,
        subject=Mark(pk=getattr(subject, "pk", None), is_example=bool(getattr(subject, "is_example", False))),
    )


def _plain_group(group: selectors.AttentionGroup) -> selectors.AttentionGroup:
    return selectors.AttentionGroup(
        kind=group.kind, heading=str(group.heading), items=[_plain_item(item) for item in group.items]
    )


def _has_examples(sub_agreements) -> bool:
    """Some goal, indicator or latest measurement the plan's status rolls up from is example data."""
    return any(
        goal.is_example or indicator.is_example or any(m.is_example for m in indicator.latest_measurements)
        for sub_agreement in sub_agreements
        for goal in sub_agreement.goals.all()
        for indicator in goal.indicators.all()
    )


def _figures(plan: Plan, read: selectors.PlansRows) -> PlanFigures:
    """One plan's figures from the rows ``plans_rows`` read, by the existing rules (no query)."""
    today = read.today
    as_of = progress.status_as_of(today=today, period_end=plan.end_date)
    sub_agreements = read.trees[plan.pk]
    cards = []
    for sub_agreement in sub_agreements:
        goals = list(sub_agreement.goals.all())
        cards.append(
            CardFigures(
                sub_agreement=Mark(
                    pk=sub_agreement.pk,
                    name=str(sub_agreement),
                    is_example=bool(getattr(sub_agreement, "is_example", False)),
                    focus_area=sub_agreement.focus_area,
                ),
                progress=progress.sub_agreement_progress(sub_agreement, as_of),
                goal_count=len(goals),
                indicator_count=sum(len(goal.indicators.all()) for goal in goals),
                activity_count=len(sub_agreement.activities.all()),
            )
        )
    # The reader-neutral sources: no contacts, no report role (those are applied on top).
    sources = read.sources(plan, may_see_contacts=False)
    providers = {
        "setup": selectors.missing_parts,
        "approvals": selectors.overdue_approvals,
        "measurements": selectors.measurements_due,
        "activities": selectors.activities_past_their_end,
        "actual_spend": selectors.missing_actual_spend,
    }
    groups = {kind: _plain_group(providers[kind](sources)) for kind in SHARED_KINDS}
    report_groups = {
        (review, submit): tuple(
            _plain_group(provider(dataclasses.replace(sources, may_review=review, may_submit=submit)))
            for provider in REPORT_PROVIDERS
        )
        for review, submit in REPORT_CASES
    }
    budget = read.budgets[plan.pk]
    approvals = read.approvals[plan.pk].summary
    return PlanFigures(
        plan_id=plan.pk,
        today=today,
        as_of=as_of,
        cards=tuple(cards),
        plan_progress=progress.plan_progress(sub_agreements, as_of),
        status=progress.plan_progress(sub_agreements),
        status_is_example=_has_examples(sub_agreements),
        total_budget=budget.total_budget,
        lbf_amount=budget.lbf_amount,
        budget_is_example=any(row.line.is_example for row in budget.lines),
        approvals=ApprovalFigures(approved_count=approvals.approved_count, total=approvals.total),
        estate_homes=sum(state.estate.homes or 0 for state in approvals.estates),
        estate_residents=sum(state.estate.residents or 0 for state in approvals.estates),
        map_rows=tuple(map_estate_rows(approvals.estates)),
        report_states=tuple(str(row.state) for row in read.reports[plan.pk]),
        groups=groups,
        report_groups=report_groups,
    )


def plan_figures_fresh(plans: Iterable[Plan], *, today: datetime.date) -> dict[int, PlanFigures]:
    """Compute the figures of ``plans`` on ``today``, bypassing the cache: the set-of-plans selectors' fixed
    number of queries (``selectors.plans_rows``, without contacts), whatever the number of plans."""
    plans = list(plans)
    if not plans:
        return {}
    read = selectors.plans_rows(
        plans, today=today, contacts=lambda plans: {plan.pk: [] for plan in plans}, with_versions=False
    )
    return {plan.pk: _figures(plan, read) for plan in plans}


def figures_key(plan_id: int, counter: int | None, today: datetime.date) -> str:
    return _key("plan-figures", plan_id, counter, today)


def summary_key(plan_id: int, counter: int | None, today: datetime.date) -> str:
    return _key("plan-summary", plan_id, counter, today)


def _key(kind: str, plan_id: int, counter: int | None, today: datetime.date) -> str:
    return (
        f"{kind}:{FORMAT_VERSION}:{plan_id}:{counter}:{today.isoformat()}:{translation.get_language() or ''}"
    )


def plan_figures(
    plans: Iterable[Plan], *, today: datetime.date, counters: dict[int, int] | None = None
) -> dict[int, PlanFigures]:
    """The figures of ``plans`` on ``today``, by plan pk: one query for their change counters (unless given, as
    ``counters``), one ``get_many`` for all of them, and for those not kept yet (the plan changed since, or a new
    day) one fresh computation for all of those together, then kept."""
    return _kept(
        plans,
        key=lambda pk, counter: figures_key(pk, counter, today),
        kind=PlanFigures,
        compute=lambda missing, counters: plan_figures_fresh(missing, today=today),
        counters=counters,
    )


def plan_summaries(plans: Iterable[Plan], *, today: datetime.date) -> dict[int, PlanSummary]:
    """The portfolio's summaries of ``plans`` on ``today``, by plan pk, as ``plan_figures`` reads figures: one
    query for the counters and one ``get_many`` of small entries; those not kept are made from the plans' figures
    (``plan_figures`` under the same counters: kept, or computed together) and kept."""
    return _kept(
        plans,
        key=lambda pk, counter: summary_key(pk, counter, today),
        kind=PlanSummary,
        compute=lambda missing, counters: {
            pk: summary_of(figures)
            for pk, figures in plan_figures(missing, today=today, counters=counters).items()
        },
    )


def _kept(
    plans: Iterable[Plan],
    *,
    key: Callable[[int, int | None], str],
    kind: type[Entry],
    compute: Callable[[list[Plan], dict[int, int]], dict[int, Entry]],
    counters: dict[int, int] | None = None,
) -> dict[int, Entry]:
    """The entries of ``plans`` kept under their counters (``key``), the missing ones computed together
    (``compute``, handed the counters read) and kept — except for a plan this transaction has written to and not
    committed. ``counters``: read already (one query saved when the summaries' missing figures are read)."""
    plans = list(plans)
    if not plans:
        return {}
    cache = caches[CACHE_ALIAS]
    counters = change_counts(plans) if counters is None else counters
    # Uncommitted writes of this transaction (``_written_in_this_transaction``): computed, never kept.
    unsettled = {plan.pk for plan in plans if _written_in_this_transaction(plan.pk)}
    keys = {plan.pk: key(plan.pk, counters.get(plan.pk)) for plan in plans if plan.pk not in unsettled}
    kept = cache.get_many(list(keys.values())) if keys else {}
    found: dict[int, Entry] = {}
    missing = []
    for plan in plans:
        entry = kept.get(keys[plan.pk]) if plan.pk in keys else None
        if isinstance(entry, kind):
            found[plan.pk] = entry
        else:
            missing.append(plan)
    if settings.READMODEL_STATS:
        _count(cache, hits=len(found), misses=len(missing) if kind is PlanFigures else 0)
    if missing:
        fresh = compute(missing, counters)
        to_keep = {keys[pk]: entry for pk, entry in fresh.items() if pk in keys}
        if to_keep:
            cache.set_many(to_keep, timeout=TIMEOUT)
        found.update(fresh)
    return found


STATS_KEYS = {"hits": "plan-figures-stats:hits", "misses": "plan-figures-stats:misses"}


def _count(cache, **counts: int) -> None:
    """Add to the shared counts of entries read and computed (``settings.READMODEL_STATS``: the benchmark)."""
    for name, count in counts.items():
        if count:
            cache.add(STATS_KEYS[name], 0, timeout=None)
            cache.incr(STATS_KEYS[name], count)


def stats(*, reset: bool = False) -> dict[str, int]:
    """The counts of plans' figures read from the shared cache (hits) and computed (misses) since the last reset,
    over every worker and server (``settings.READMODEL_STATS``); ``reset`` starts them again from 0."""
    cache = caches[CACHE_ALIAS]
    found = cache.get_many(list(STATS_KEYS.values()))
    counts = {name: int(found.get(key, 0)) for name, key in STATS_KEYS.items()}
    if reset:
        cache.delete_many(list(STATS_KEYS.values()))
    return counts


def plan_figures_of(plan: Plan, *, today: datetime.date) -> PlanFigures:
    return plan_figures([plan], today=today)[plan.pk]


# --- On top: what depends on the reader ----------------------------------------------------------------------


#: The order of "needs attention"'s groups, as ``selectors.ATTENTION_PROVIDERS`` lists them.
ATTENTION_ORDER = (
    "your-answer",
    "your-signature",
    "incidents",
    "setup",
    "approvals",
    "reports",
    "measurements",
    "activities",
    "actual_spend",
    "contacts",
    "version-changes",
)


@dataclass(frozen=True)
class Reader:
    """What "needs attention" depends on of the one who reads it, read for the request and never kept: the open
    incidents and the contacts they may see (personal data), whether they see contacts (not reviewers), answer
    (``may_review``) or submit (``may_submit``) reports, the plan's versions with whether they submit versions
    and the organisations they sign for (their own version groups)."""

    incidents: list[Incident]
    contacts: list[Contact]
    may_see_contacts: bool
    may_review: bool = False
    may_submit: bool = False
    versions: VersionAttention | None = None
    may_submit_versions: bool = False
    signs_for: frozenset[int] = frozenset()


def attention_for(plan: Plan, figures: PlanFigures, reader: Reader) -> selectors.Attention:
    """ "Needs attention" for one reader: the kept groups, the report groups of the reader's case, and the groups
    built for the reader (``_reader_groups``) — in the order of ``selectors.ATTENTION_PROVIDERS``, so it lists what
    the fresh computation lists."""
    awaiting_you, reports_due = figures.report_groups[(reader.may_review, reader.may_submit)]
    by_kind = {
        **figures.groups,
        "your-answer": awaiting_you,
        "reports": reports_due,
        **_reader_groups(plan, figures.today, reader),
    }
    return selectors.Attention(groups=[by_kind[kind] for kind in ATTENTION_ORDER if by_kind[kind].items])


def attention_counts_for(plan: Plan, summary: PlanSummary, reader: Reader) -> dict[str, int]:
    """How many items each group of ``attention_for`` has for the same reader (the groups with none left out, in
    the same order), from the plan's summary: what the portfolio counts."""
    awaiting_you, reports_due = summary.report_group_counts[(reader.may_review, reader.may_submit)]
    counts = {
        **summary.group_counts,
        "your-answer": awaiting_you,
        "reports": reports_due,
        **{kind: len(group.items) for kind, group in _reader_groups(plan, summary.today, reader).items()},
    }
    return {kind: counts[kind] for kind in ATTENTION_ORDER if counts[kind]}


def _reader_groups(plan: Plan, today: datetime.date, reader: Reader) -> dict[str, selectors.AttentionGroup]:
    """The groups of "needs attention" built for the reader from rows read for the request: the open incidents and
    the contacts to verify (personal data, never kept), the versions awaiting a signature of an organisation they
    sign for, and for whoever submits versions the changes not yet submitted."""
    # Only the fields these providers read are filled: the rest of the plan is in the kept entry.
    personal = selectors.AttentionSources(
        plan=plan,
        today=today,
        sub_agreements=[],
        indicators=[],
        activities=[],
        approvals=None,  # type: ignore[arg-type]
        budget=None,  # type: ignore[arg-type]
        incidents=reader.incidents,
        preparedness_plan=None,
        contacts=reader.contacts,
        reports=[],
        may_see_contacts=reader.may_see_contacts,
        versions=reader.versions or VersionAttention(),
        may_submit_versions=reader.may_submit_versions,
        signs_for=reader.signs_for,
    )
    return {
        "incidents": selectors.open_incidents(personal),
        "contacts": selectors.contacts_to_verify(personal),
        "your-signature": selectors.versions_awaiting_your_signature(personal),
        "version-changes": selectors.changes_awaiting_submission(personal),
    }
