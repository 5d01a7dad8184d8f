"""The budget as people in the field read it: totals, funding, shares and the LBF checks. Computed once, here.

Shares are of the plan's total funding. Local co-financing is every source but Landsbyggefonden; LBF asks for at
least 25 % local money, and Københavns Kommune has committed to 12,5 % of a plan's budget (hovedaftale with BL,
BR 11 Dec 2014). Everything here is arithmetic over rows already read (``selectors.budget_summaries`` reads
them, in five queries for any number of plans); nothing here queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from helhedsplan.agreements.models import FOCUS_AREA_RANK, SubAgreement

from .models import ActualSpend, BudgetAmount, BudgetCategory, BudgetLine, Funding, FundingSource

LBF_MINIMUM_LOCAL_SHARE = Decimal("0.25")
MUNICIPAL_COMMITMENT_SHARE = Decimal("0.125")
ZERO = Decimal(0)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a fraction of ``whole``, or None when there is no whole."""
    return None if not whole else part / whole


@dataclass
class LineRow:
    line: BudgetLine
    budget_by_year: dict[int, Decimal]
    actual_by_year: dict[int, Decimal | None]

    @property
    def total(self) -> Decimal:
        return sum(self.budget_by_year.values(), ZERO)

    @property
    def actual_total(self) -> Decimal | None:
        known = [v for v in self.actual_by_year.values() if v is not None]
        return sum(known, ZERO) if known else None

    def variance(self, year: int) -> Variance:
        return Variance(self.budget_by_year.get(year, ZERO), self.actual_by_year.get(year))

    @property
    def variances(self) -> list[tuple[int, Variance]]:
        return [(year, self.variance(year)) for year in self.budget_by_year]

    @property
    def total_variance(self) -> Variance:
        """Actual against budget over the years whose spend is known, so an unfinished year is not an underspend."""
        return _variance_over_known_years(self.budget_by_year, self.actual_by_year)


@dataclass
class Variance:
    budget: Decimal
    actual: Decimal | None

    @property
    def amount(self) -> Decimal | None:
        """Actual minus budget: positive is overspending."""
        return None if self.actual is None else self.actual - self.budget

    @property
    def fraction(self) -> Decimal | None:
        return None if self.actual is None else share(self.actual - self.budget, self.budget)


def _variance_over_known_years(budget: dict[int, Decimal], actual: dict[int, Decimal | None]) -> Variance:
    known = {year: value for year, value in actual.items() if value is not None}
    if not known:
        return Variance(sum(budget.values(), ZERO), None)
    return Variance(
        sum((budget.get(year, ZERO) for year in known), ZERO),
        sum(known.values(), ZERO),
    )


@dataclass
class SubAgreementGroup:
    """The budget lines of one delaftale, or of the shared costs (secretariat) when ``sub_agreement`` is None."""

    sub_agreement: SubAgreement | None
    rows: list[LineRow]
    years: list[int]

    @property
    def budget_by_year(self) -> dict[int, Decimal]:
        return {y: sum((r.budget_by_year[y] for r in self.rows), ZERO) for y in self.years}

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), ZERO)

    @property
    def is_shared(self) -> bool:
        return self.sub_agreement is None


@dataclass
class SourceRow:
    """One funding source: what it pays per year, in all, and its share of the plan's funding."""

    source: FundingSource
    by_year: dict[int, Decimal]
    total: Decimal
    share: Decimal | None
    share_of_budget: Decimal | None = None


@dataclass
class BalanceRow:
    """Funding against budget in one year. ``difference`` is funding minus budget."""

    year: int
    budget: Decimal
    funding: Decimal

    @property
    def difference(self) -> Decimal:
        return self.funding - self.budget

    @property
    def is_balanced(self) -> bool:
        return self.difference == 0

    @property
    def is_short(self) -> bool:
        """The budget is not fully funded."""
        return self.difference < 0

    @property
    def missing(self) -> Decimal:
        """How much funding is missing (0 when none is)."""
        return max(-self.difference, ZERO)

    @property
    def surplus(self) -> Decimal:
        """How much funding is not budgeted (0 when none is)."""
        return max(self.difference, ZERO)


_FOCUS_AREA_ORDER = FOCUS_AREA_RANK
_CATEGORY_ORDER = {value: index for index, value in enumerate(BudgetCategory.values)}


def _line_order(row: LineRow) -> tuple:
    """Within a delaftale: the order of LBF's budget template (salaries first), then by description."""
    return (_CATEGORY_ORDER.get(row.line.category, len(_CATEGORY_ORDER)), row.line.description, row.line.pk)


@dataclass
class BudgetSummary:
    years: list[int]
    lines: list[LineRow]
    sources: list[tuple[FundingSource, dict[int, Decimal]]]
    budget_by_year: dict[int, Decimal] = field(default_factory=dict)
    budget_by_sub_agreement: dict = field(default_factory=dict)  # SubAgreement or None (shared) → amount
    budget_by_category: dict[str, Decimal] = field(default_factory=dict)
    funding_by_year: dict[int, Decimal] = field(default_factory=dict)
    actual_by_year: dict[int, Decimal | None] = field(default_factory=dict)

    @property
    def total_budget(self) -> Decimal:
        return sum(self.budget_by_year.values(), ZERO)

    @property
    def total_funding(self) -> Decimal:
        return sum(self.funding_by_year.values(), ZERO)

    def funding_of_kinds(self, *kinds: str) -> Decimal:
        return sum((sum(by_year.values(), ZERO) for s, by_year in self.sources if s.kind in kinds), ZERO)

    @property
    def lbf_amount(self) -> Decimal:
        return self.funding_of_kinds(FundingSource.Kind.LBF)

    @property
    def local_amount(self) -> Decimal:
        return self.total_funding - self.lbf_amount

    @property
    def municipality_amount(self) -> Decimal:
        return self.funding_of_kinds(FundingSource.Kind.MUNICIPALITY)

    @property
    def housing_associations_amount(self) -> Decimal:
        return self.funding_of_kinds(FundingSource.Kind.HOUSING_ASSOCIATIONS)

    @property
    def lbf_share(self) -> Decimal | None:
        return share(self.lbf_amount, self.total_funding)

    @property
    def local_share(self) -> Decimal | None:
        return share(self.local_amount, self.total_funding)

    @property
    def municipality_share(self) -> Decimal | None:
        return share(self.municipality_amount, self.total_funding)

    @property
    def minimum_local_share(self) -> Decimal:
        """LBF's floor for local co-financing, the one every page, report and check reads (today the 2019-2026
        regulativ's 25 % for every plan)."""
        return LBF_MINIMUM_LOCAL_SHARE

    @property
    def municipal_commitment_share(self) -> Decimal:
        """The municipality's standing share of a plan's budget (Københavns Kommune's 12,5 %), read like
        ``minimum_local_share``."""
        return MUNICIPAL_COMMITMENT_SHARE

    @property
    def meets_lbf_local_minimum(self) -> bool:
        return self.local_share is not None and self.local_share >= self.minimum_local_share

    @property
    def meets_municipal_commitment(self) -> bool:
        return (
            self.municipality_share is not None and self.municipality_share >= self.municipal_commitment_share
        )

    def balance(self, year: int) -> Decimal:
        """Funding minus budget in a year: negative means the budget is not fully funded."""
        return self.funding_by_year.get(year, ZERO) - self.budget_by_year.get(year, ZERO)

    @property
    def balance_by_year(self) -> dict[int, Decimal]:
        return {year: self.balance(year) for year in self.years}

    @property
    def is_empty(self) -> bool:
        """Nothing budgeted and nothing funded yet: there is nothing to balance (a new plan)."""
        return self.total_budget == 0 and self.total_funding == 0

    @property
    def is_balanced(self) -> bool:
        """Funding equals budget in every year — never of an empty budget, which is not 'in balance' at 0 kr."""
        return not self.is_empty and all(value == 0 for value in self.balance_by_year.values())

    def finished_years_without_actual(self, today: datetime.date) -> list[int]:
        """Budgeted years that ended before ``today`` with no actual spend recorded on any line: their spend is
        not 'not yet known' but missing."""
        return [
            year
            for year in self.years
            if datetime.date(year, 12, 31) < today
            and self.actual_by_year.get(year) is None
            and self.budget_by_year.get(year, ZERO) != 0
        ]

    def variance(self, year: int) -> Variance:
        return Variance(self.budget_by_year.get(year, ZERO), self.actual_by_year.get(year))

    @property
    def total_actual(self) -> Decimal | None:
        known = [v for v in self.actual_by_year.values() if v is not None]
        return sum(known, ZERO) if known else None

    @property
    def variances(self) -> list[tuple[int, Variance]]:
        return [(year, self.variance(year)) for year in self.years]

    @property
    def total_variance(self) -> Variance:
        """Actual against budget over the years whose spend is known."""
        return _variance_over_known_years(self.budget_by_year, self.actual_by_year)

    @property
    def housing_associations_share(self) -> Decimal | None:
        return share(self.housing_associations_amount, self.total_funding)

    # Shares of the *budget*: the same as the shares of the funding while the two balance. When a budget line
    # grows before the funding does, these show how much of the plan each party now covers.

    @property
    def local_share_of_budget(self) -> Decimal | None:
        return share(self.local_amount, self.total_budget)

    @property
    def municipality_share_of_budget(self) -> Decimal | None:
        return share(self.municipality_amount, self.total_budget)

    @property
    def lbf_share_of_budget(self) -> Decimal | None:
        return share(self.lbf_amount, self.total_budget)

    @property
    def groups(self) -> list[SubAgreementGroup]:
        """Lines grouped by delaftale in the order of LBF's focus areas, shared costs (secretariat) last."""
        by_key: dict = {}
        for row in self.lines:
            by_key.setdefault(row.line.sub_agreement, []).append(row)

        def order(sub_agreement: SubAgreement | None) -> tuple[int, int]:
            if sub_agreement is None:
                return (len(_FOCUS_AREA_ORDER) + 1, 0)
            return (_FOCUS_AREA_ORDER.get(sub_agreement.focus_area, len(_FOCUS_AREA_ORDER)), sub_agreement.pk)

        return [
            SubAgreementGroup(
                sub_agreement=key,
                rows=sorted(by_key[key], key=_line_order),
                years=self.years,
            )
            for key in sorted(by_key, key=order)
        ]

    @property
    def source_rows(self) -> list[SourceRow]:
        total, budget = self.total_funding, self.total_budget
        rows = []
        for source, by_year in self.sources:
            amount = sum(by_year.values(), ZERO)
            rows.append(
                SourceRow(
                    source=source,
                    by_year=by_year,
                    total=amount,
                    share=share(amount, total),
                    share_of_budget=share(amount, budget),
                )
            )
        return rows

    @property
    def balance_rows(self) -> list[BalanceRow]:
        return [
            BalanceRow(
                year=y, budget=self.budget_by_year.get(y, ZERO), funding=self.funding_by_year.get(y, ZERO)
            )
            for y in self.years
        ]

    @property
    def lines_with_actuals(self) -> list[LineRow]:
        return [row for row in self.lines if row.actual_total is not None]


def summarise(
    years: list[int],
    lines: list[BudgetLine],
    amounts: list[BudgetAmount],
    actuals: list[ActualSpend],
    sources: list[FundingSource],
    fundings: list[Funding],
) -> BudgetSummary:
    """Pure arithmetic over already-fetched rows."""
    budget_by_line: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for amount in amounts:
        budget_by_line[amount.line_id][amount.year] = amount.amount
    actual_by_line: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for actual in actuals:
        actual_by_line[actual.line_id][actual.year] = actual.amount
    funding_by_source: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for funding in fundings:
        funding_by_source[funding.source_id][funding.year] = funding.amount

    summary = BudgetSummary(
        years=years,
        lines=[
            LineRow(
                line=line,
                budget_by_year={y: budget_by_line[line.pk].get(y, ZERO) for y in years},
                actual_by_year={y: actual_by_line[line.pk].get(y) for y in years},
            )
            for line in lines
        ],
        sources=[(s, {y: funding_by_source[s.pk].get(y, ZERO) for y in years}) for s in sources],
    )
    summary.budget_by_year = {y: sum((r.budget_by_year[y] for r in summary.lines), ZERO) for y in years}
    by_sub: dict = defaultdict(lambda: ZERO)
    by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in summary.lines:
        by_sub[row.line.sub_agreement] += row.total
        by_category[row.line.category] += row.total
    summary.budget_by_sub_agreement = dict(by_sub)
    summary.budget_by_category = dict(by_category)
    summary.funding_by_year = {y: sum((f[y] for _, f in summary.sources), ZERO) for y in years}
    for y in years:
        known = [value for r in summary.lines if (value := r.actual_by_year[y]) is not None]
        summary.actual_by_year[y] = sum(known, ZERO) if known else None
    return summary
