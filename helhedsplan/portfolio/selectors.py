"""The portfolio: every plan a user may see, one row each (``/portefolje/``), for Landsbyggefonden's reviewers and
anyone who reads several plans.

``portfolio_rows(plans, today=…, user=…)`` reads the rows in a fixed number of queries, whatever the number of plans; the
page (``views.PortfolioView``), its filters (``PortfolioFilter``), its table (``PortfolioTable``) and its
spreadsheet all use it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import signature

from helhedsplan.goals import progress
from helhedsplan.overview import readmodel
from helhedsplan.plans import access
from helhedsplan.plans.models import Plan
from helhedsplan.preparedness.selectors import contacts_by_plan, open_incidents_by_plan
from helhedsplan.reports.report import ReportState
from helhedsplan.versions.selectors import (
    VersionState,
    signing_organisations,
    versions_attention,
)


class Phase:
    DRAFT = "draft"  # no estate has approved the plan yet
    IN_APPROVAL = "in_approval"  # some estates have, not all
    RUNNING = "running"  # every estate has approved it, and the period is not over
    ENDED = "ended"  # the period is over


PHASE_LABELS = {
    Phase.DRAFT: _("draft"),
    Phase.IN_APPROVAL: _("in approval"),
    Phase.RUNNING: _("running"),
    Phase.ENDED: _("ended"),
}


def plan_phase(plan: Plan, *, approved: int, estates: int, today: datetime.date) -> str:
    """Where a plan stands: ended once its period is over; before that, by the estates' approvals (the
    boligafdelingers godkendelse): none approved yet is a draft, some an approval under way, all a running plan."""
    if plan.end_date < today:
        return Phase.ENDED
    if estates == 0 or approved == 0:
        return Phase.DRAFT
    if approved < estates:
        return Phase.IN_APPROVAL
    return Phase.RUNNING


@dataclass(frozen=True)
class PortfolioRow:
    plan: Plan
    phase: str
    status: progress.Progress
    budget: Decimal
    lbf_amount: Decimal
    approved: int
    estates: int
    #: Reports to Landsbyggefonden that can be written and are not submitted: due, and overdue.
    reports_due: int
    reports_overdue: int
    #: Reports returned by Landsbyggefonden, to be submitted again.
    reports_returned: int
    #: Reports submitted and awaiting Landsbyggefonden's answer.
    reports_awaiting: int
    #: Indicators never measured or whose next measurement is overdue (as the dashboard counts them).
    measurements_overdue: int
    #: How many items each group of what the plan's dashboard lists under "Kræver opmærksomhed" for this user has,
    #: by kind, in the dashboard's order (``overview.readmodel.attention_counts_for``; groups with none left out).
    attention: dict[str, int]
    #: The plan's approved version and the one awaiting its parties' sign-offs (``versions``).
    versions: VersionState = VersionState()
    #: The status is built from example goals, indicators or measurements; the budget from example lines.
    status_is_example: bool = False
    budget_is_example: bool = False

    @property
    def has_examples(self) -> bool:
        return self.status_is_example or self.budget_is_example

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[self.phase])

    @property
    def period(self) -> str:
        return f"{self.plan.start_date.year}–{self.plan.end_date.year}"

    @property
    def approvals(self) -> str:
        return f"{self.approved}/{self.estates}"

    @property
    def awaiting_you(self) -> int:
        """The reports awaiting this user's answer: submitted ones for a reviewer, returned ones for a coordinator
        (what heads their dashboard: ``overview.selectors.reports_awaiting_you``)."""
        return self.attention.get("your-answer", 0)

    @property
    def awaiting_key(self) -> tuple[int, int]:
        return (self.awaiting_you, self.reports_awaiting)

    @property
    def needs_attention(self) -> int:
        """As many items as the plan's dashboard lists under "Kræver opmærksomhed" for the same user today."""
        return sum(self.attention.values())

    # Sort keys: django-tables2 sorts the rows by these (never None, so any two rows compare).
    @property
    def status_key(self) -> int:
        return -1 if self.status.percent is None else self.status.percent

    @property
    def phase_key(self) -> int:
        return list(PHASE_LABELS).index(self.phase)

    @property
    def approvals_key(self) -> tuple[int, int]:
        return (self.approved, self.estates)

    @property
    def reports_key(self) -> tuple[int, int]:
        return (self.reports_overdue, self.reports_due)

    @property
    def version_key(self) -> tuple[int, int]:
        return (self.versions.awaiting or 0, self.versions.approved or 0)


def portfolio_rows(plans: QuerySet[Plan] | list[Plan], *, today: datetime.date, user) -> list[PortfolioRow]:
    """One row per plan, in a number of queries that does not depend on the number of plans: one for the plans,
    their kept summaries (``overview.readmodel.plan_summaries``: one ``get_many`` of small entries from the shared
    cache, and for the plans changed since — or on a new day — made from their figures, computed together), and what depends
    on the reader: the user's memberships and grants of all the plans (``access.memberships_of``: what they may do
    in each, asked of the rules), two for the plans' approved and awaiting versions with the sign-offs and the
    agreements' fingerprints (``versions_attention``, which also gives the Version column), and one each for the
    organisations they sign for, the open incidents, and the contacts of the plans where they see them."""
    plans = list(plans)
    figures = readmodel.plan_summaries(plans, today=today)
    # What the user may do in each plan, as the plan's dashboard asks it (the rules, ``user.has_perm``), from their
    # memberships and grants read for all the plans at once (``access.memberships_of``).
    access.memberships_of(user, plans)
    reviews = {plan.pk for plan in plans if user.has_perm("plan.review_reports", plan)}
    submits = {plan.pk for plan in plans if user.has_perm("plan.submit_reports", plan)}
    manages = {plan.pk for plan in plans if user.has_perm("plan.manage", plan)}
    # Where they sign for an organisation (one query).
    signs_for = signing_organisations(user, plans)
    # Personal data, never kept in the shared entry: read for this reader (one query each): the open incidents,
    # and the contacts of the plans where they see contact details (never a reviewer's).
    incidents = open_incidents_by_plan(plans)
    contacts = contacts_by_plan([plan for plan in plans if user.has_perm("plan.view_contact_details", plan)])
    version_attention = versions_attention(plans)
    rows = []
    for plan in plans:
        kept = figures[plan.pk]
        states = list(kept.report_states)
        # Only the contacts the user may see were read: the others are not theirs to verify.
        attention = readmodel.attention_counts_for(
            plan,
            kept,
            readmodel.Reader(
                incidents=incidents[plan.pk],
                contacts=contacts.get(plan.pk, []),
                may_see_contacts=True,
                may_review=plan.pk in reviews,
                may_submit=plan.pk in submits,
                versions=version_attention[plan.pk],
                may_submit_versions=plan.pk in manages,
                signs_for=signs_for[plan.pk],
            ),
        )
        rows.append(
            PortfolioRow(
                plan=plan,
                phase=plan_phase(
                    plan, approved=kept.approvals.approved_count, estates=kept.approvals.total, today=today
                ),
                status=kept.status,
                budget=kept.total_budget,
                lbf_amount=kept.lbf_amount,
                approved=kept.approvals.approved_count,
                estates=kept.approvals.total,
                reports_due=states.count(ReportState.DUE),
                reports_overdue=states.count(ReportState.OVERDUE),
                reports_returned=states.count(ReportState.RETURNED),
                reports_awaiting=states.count(ReportState.AWAITING),
                measurements_overdue=attention.get("measurements", 0),
                attention=attention,
                versions=version_attention[plan.pk].state,
                status_is_example=kept.status_is_example,
                budget_is_example=kept.budget_is_example,
            )
        )
    return rows


@dataclass(frozen=True)
class Totals:
    plans: int
    budget: Decimal
    lbf_amount: Decimal


def totals(rows: list[PortfolioRow]) -> Totals:
    return Totals(
        plans=len(rows),
        budget=sum((row.budget for row in rows), Decimal(0)),
        lbf_amount=sum((row.lbf_amount for row in rows), Decimal(0)),
    )


# --- Filters ---------------------------------------------------------------------------------------------------


class PortfolioFilter(django_filters.FilterSet):
    """What narrows the portfolio. The text, municipality and year filter the plans in the database; the phase
    is derived from the approvals, so ``filter_rows`` applies it to the rows read."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    municipality = django_filters.CharFilter(label=_("Municipality"), lookup_expr="icontains")
    year = django_filters.NumberFilter(
        label=_("Runs in the year"), method="filter_year", min_value=1900, max_value=2100, decimal_places=0
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=list(PHASE_LABELS.items()), method="filter_nothing", empty_label=_("All")
    )

    awaiting = django_filters.ChoiceFilter(
        label=_("Awaiting an answer"),
        choices=[("yours", _("Awaiting your answer")), ("lbf", _("Awaiting Landsbyggefonden's answer"))],
        method="filter_nothing",
        empty_label=_("All"),
    )

    class Meta:
        model = Plan
        fields = ["q", "municipality", "year", "phase", "awaiting"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(area__icontains=value) | Q(municipality__icontains=value)
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_date__year__lte=int(value), end_date__year__gte=int(value))

    def filter_nothing(self, queryset, name, value):
        return queryset  # the phase is known only once the rows are read: ``filter_rows``

    def filter_rows(self, rows: list[PortfolioRow]) -> list[PortfolioRow]:
        cleaned = getattr(self.form, "cleaned_data", {})
        phase, awaiting = cleaned.get("phase"), cleaned.get("awaiting")
        if phase:
            rows = [row for row in rows if row.phase == phase]
        if awaiting == "yours":
            rows = [row for row in rows if row.awaiting_you]
        elif awaiting == "lbf":
            rows = [row for row in rows if row.reports_awaiting]
        return rows


# --- The table -------------------------------------------------------------------------------------------------


class MoneyColumn(tables.Column):
    attrs: Any = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

    def render(self, value):
        from django.contrib.humanize.templatetags.humanize import intcomma

        return f"{intcomma(int(value))} kr."


def _example_mark(is_example: bool) -> str:
    """The one example mark (``includes/example_badge.html``), explained by the legend on every page."""
    return render_to_string("includes/example_badge.html", {"example": True}) if is_example else ""


class PortfolioTable(tables.Table):
    area = tables.Column(
        verbose_name=_("Area"), accessor="plan__area", linkify=lambda record: record.plan.get_absolute_url()
    )
    municipality = tables.Column(verbose_name=_("Municipality"), accessor="plan__municipality")
    period = tables.Column(verbose_name=_("Period"), order_by=("plan__start_date", "plan__end_date"))
    phase = tables.Column(verbose_name=_("Phase"), accessor="phase_label", order_by="phase_key")
    status = tables.Column(verbose_name=_("Status"), accessor="status", order_by="status_key")
    budget = MoneyColumn(verbose_name=_("Budget"))
    lbf_amount = MoneyColumn(verbose_name=_("Of which LBF"))
    approvals = tables.Column(verbose_name=_("Approvals"), order_by="approvals_key")
    reports = tables.Column(verbose_name=_("Reports due"), accessor="reports_key", order_by="reports_key")
    awaiting = tables.Column(
        verbose_name=_("Awaiting an answer"), accessor="awaiting_key", order_by="awaiting_key"
    )
    version = tables.Column(verbose_name=_("Version"), accessor="version_key", order_by="version_key")
    needs_attention = tables.Column(
        verbose_name=_("Needs attention"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )

    class Meta:
        # django-tables2's Bootstrap 5 table, its rows drawn from ``page_cells``.
        template_name = "portfolio/table.html"
        attrs = {"class": "table table-sm align-middle", "id": "portfolio"}
        orderable = True
        empty_text = _("No plans match the filters.")

    def page_cells(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The rows of the page shown as django-tables2 draws them — each row's attributes and each cell's ``<td>``
        attributes and content — with what does not change from row to row worked out once per column: which
        arguments its ``render`` takes (django-tables2 inspects the function's signature for every cell) and its
        cells' attributes. Landsbyggefonden's reviewer's page draws 25 rows of 12 cells; the cells are the same
        (``tests/portfolio``: the page equals django-tables2's own template's)."""
        columns = [
            (column, column.attrs["td"].as_html(), _arguments(column.render)) for column in self.columns
        ]
        cells = []
        for row in self.paginated_rows:
            values = []
            for column, td_attrs, (wanted, takes_any) in columns:
                values.append((td_attrs, _cell(row, column, wanted, takes_any)))
            cells.append((row.attrs.as_html(), values))
        return cells

    def render_status(self, value: progress.Progress, record: PortfolioRow) -> str:
        text = value.label if value.percent is None else f"{value.label} · {value.percent} %"
        return format_html("{}{}", text, _example_mark(record.status_is_example))

    def render_budget(self, value, record: PortfolioRow) -> str:
        return format_html("{}{}", MoneyColumn().render(value), _example_mark(record.budget_is_example))

    def render_version(self, record: PortfolioRow) -> str:
        """The approved version, and the one awaiting approval (the plan's changes await the parties)."""
        state = record.versions
        approved = (
            _("version %(number)s approved") % {"number": state.approved}
            if state.approved
            else _("none approved")
        )
        if state.awaiting is None:
            return str(approved)
        return format_html(
            '{}<br><span class="small">{}</span>',
            approved,
            _("version %(number)s awaits approval") % {"number": state.awaiting},
        )

    def render_reports(self, record: PortfolioRow) -> str:
        return _("%(overdue)s overdue, %(due)s due") % {
            "overdue": record.reports_overdue,
            "due": record.reports_due,
        }

    def render_awaiting(self, record: PortfolioRow) -> str:
        if not record.reports_awaiting and not record.awaiting_you:
            return "—"
        text = _("%(count)s awaiting Landsbyggefonden") % {"count": record.reports_awaiting}
        if record.awaiting_you:
            text += " · " + _("%(count)s awaiting your answer") % {"count": record.awaiting_you}
        return text


def _arguments(render) -> tuple[tuple[str, ...], bool]:
    """The arguments a column's ``render`` takes, and whether it takes any (``**kwargs``)."""
    wanted, catch_all = signature(render)
    return tuple(wanted), catch_all is not None


def _cell(row, column, wanted: tuple[str, ...], takes_any: bool):
    """One cell as ``BoundRow.get_cell`` makes it (the value through the column's accessor, its default when
    empty, its ``render`` and link), given the arguments its ``render`` takes."""
    value = None
    try:
        value = column.accessor.resolve(row.record)
    except Exception:  # as django-tables2: a column that is no field of the record renders its default
        value = None
    if value in column.column.empty_values:
        return column.default
    available = {
        "value": value,
        "record": row.record,
        "column": column.column,
        "bound_column": column,
        "bound_row": row,
        "table": row.table,
    }
    arguments = available if takes_any else {name: available[name] for name in wanted if name in available}
    if not takes_any and len(arguments) < len(wanted):
        return None
    content = column.render(**arguments)
    return column.link(content, **available) if column.link else content


def portfolio_table(
    params: QueryDict, *, user, today: datetime.date
) -> tuple[PortfolioTable, PortfolioFilter]:
    """The filter over the user's plans (``access.plans_of``) and the table of its rows, sorted as ``params``
    ask (``?sort=``): what the page and its spreadsheet show. A filter value that is not valid (a year that is
    no number, an unknown phase) gives no rows and the form's error."""
    filterset = PortfolioFilter(params or None, queryset=access.plans_of(user))
    rows: list[PortfolioRow] = []
    if not filterset.is_bound or filterset.is_valid():
        rows = filterset.filter_rows(portfolio_rows(filterset.qs, today=today, user=user))
    table = PortfolioTable(rows)
    order_by = params.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by
    return table, filterset
