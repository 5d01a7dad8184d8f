"""The portfolio (``/portefolje/``): every plan a user may see, one row each, filtered, sorted, totalled and
downloaded; nobody else's plans; bad filter values answered as bad input; a number of queries that does not depend
on the number of plans."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from helhedsplan.plans.models import Membership
from helhedsplan.portfolio.selectors import Phase, plan_phase
from tests.agreements.factories import SubAgreementFactory
from tests.approvals.factories import EstateDecisionFactory
from tests.budget.factories import BudgetAmountFactory, FundingFactory
from tests.goals.factories import GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import (
    EstateFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationGrantFactory,
    PlanFactory,
    UserFactory,
    confirmed_party,
)
from tests.reports.factories import SubmissionFactory
from tests.world import client_for

pytestmark = pytest.mark.django_db

URL = "/portefolje/"
TODAY = datetime.date.today()


def _plan(
    name: str, *, start: int, end: int, municipality: str = "", approved: int = 0, estates: int = 0, budget=0
):
    """A plan with ``estates`` estates of which ``approved`` have approved it, a delaftale with a measured
    indicator, ``budget`` kroner in its first year (all from LBF), and a submitted yearly report."""
    plan = PlanFactory(
        name=name,
        area=f"Område {name}",
        municipality=municipality,
        start_date=datetime.date(start, 1, 1),
        end_date=datetime.date(end, 12, 31),
    )
    for number in range(estates):
        estate = EstateFactory(plan=plan)
        if number < approved:
            EstateDecisionFactory(estate=estate, date=datetime.date(start - 1, 9, 1))
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=plan))
    MeasurementFactory(indicator=IndicatorFactory(goal=goal), date=datetime.date(start, 6, 1))
    if budget:
        BudgetAmountFactory(line__plan=plan, year=start, amount=Decimal(budget))
        FundingFactory(source__plan=plan, year=start, amount=Decimal(budget))
    SubmissionFactory(report__plan=plan, report__year=start)
    return plan


@pytest.fixture
def reviewer():
    """A reviewer of Landsbyggefonden who reads every plan LBF is a party to, and is a member of none."""
    user = UserFactory(username="lbf-reviewer", password=None)
    lbf = OrganisationFactory(short_name="LBF", name="Landsbyggefonden", kind="funder")
    OrganisationGrantFactory(organisation=lbf, users=[user])
    return user


@pytest.fixture
def plans(reviewer):
    """Three plans of LBF (ended, running, a draft) and one it is no party to."""
    lbf = reviewer.organisation_grants.get().organisation
    ended = _plan(
        "Nordby", start=2018, end=2021, municipality="Aarhus Kommune", approved=2, estates=2, budget=1000
    )
    running = _plan(
        "Sydby",
        start=TODAY.year - 1,
        end=TODAY.year + 2,
        municipality="Københavns Kommune",
        approved=1,
        estates=1,
        budget=3000,
    )
    draft = _plan(
        "Vestby", start=TODAY.year + 1, end=TODAY.year + 4, municipality="Københavns Kommune", estates=1
    )
    for plan in (ended, running, draft):
        confirmed_party(plan, lbf)
    hidden = _plan("Skjult", start=2022, end=2025, municipality="Odense Kommune", budget=5000)
    return {"ended": ended, "running": running, "draft": draft, "hidden": hidden}


def _areas(response) -> list[str]:
    return [row.plan.area for row in response.context["table"].data]


def test_every_plan_the_reviewer_may_see_and_no_other(reviewer, plans):
    response = client_for(reviewer).get(URL)
    assert response.status_code == 200
    assert sorted(_areas(response)) == ["Område Nordby", "Område Sydby", "Område Vestby"]
    assert b"Skjult" not in response.content


def test_a_row_shows_the_plans_facts(reviewer, plans):
    response = client_for(reviewer).get(URL)
    rows = {row.plan.area: row for row in response.context["table"].data}
    ended = rows["Område Nordby"]
    assert (ended.period, ended.phase, ended.approvals) == ("2018–2021", Phase.ENDED, "2/2")
    assert (ended.budget, ended.lbf_amount) == (Decimal(1000), Decimal(1000))
    assert rows["Område Sydby"].phase == Phase.RUNNING
    assert rows["Område Vestby"].phase == Phase.DRAFT
    page = response.content.decode()
    for text in (
        "Aarhus Kommune",
        "2018–2021",
        "afsluttet",
        "i gang",
        "kladde",
        "2/2",
        "1.000 kr.",
        "Heraf LBF",
    ):
        assert text in page, text
    # The first year's report is submitted (awaiting the answer): the three later years' and the final are overdue.
    assert ended.reports_overdue == 4 and ended.reports_due == 0
    assert ended.attention["reports"] and ended.needs_attention >= ended.reports_overdue


@pytest.mark.parametrize("role", ["coordinator", "reviewer"])
def test_needs_attention_counts_what_the_plans_dashboard_lists_for_the_same_user(amager_plan, personas, role):
    """The portfolio's count is the dashboard's "Kræver opmærksomhed" (every kind: open incidents, missing
    parts, approvals, reports, measurements, activities, actual spend, contacts to verify — these only for
    those who may see contacts), read for many plans at once."""
    from helhedsplan.overview.selectors import dashboard
    from helhedsplan.portfolio.selectors import portfolio_rows

    user = personas[role]
    for today in (datetime.date(2023, 3, 1), datetime.date(2026, 12, 1)):
        (row,) = portfolio_rows([amager_plan], today=today, user=user)
        expected = dashboard(
            amager_plan, today, may_see_contacts=user.has_perm("plan.view_contact_details", amager_plan)
        ).attention
        assert list(row.attention.items()) == [(group.kind, len(group.items)) for group in expected.groups]
        assert row.needs_attention == expected.count > 0


def test_the_phase_follows_the_dates_and_the_estates_approvals():
    plan = PlanFactory.build(start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2027, 12, 31))
    today = datetime.date(2025, 5, 1)
    assert plan_phase(plan, approved=0, estates=0, today=today) == Phase.DRAFT
    assert plan_phase(plan, approved=0, estates=3, today=today) == Phase.DRAFT
    assert plan_phase(plan, approved=2, estates=3, today=today) == Phase.IN_APPROVAL
    assert plan_phase(plan, approved=3, estates=3, today=today) == Phase.RUNNING
    assert plan_phase(plan, approved=1, estates=3, today=datetime.date(2028, 1, 1)) == Phase.ENDED


def test_filters_by_phase_text_municipality_and_year(reviewer, plans):
    client = client_for(reviewer)
    assert _areas(client.get(URL, {"phase": "ended"})) == ["Område Nordby"]
    assert _areas(client.get(URL, {"q": "sydby"})) == ["Område Sydby"]
    assert sorted(_areas(client.get(URL, {"municipality": "københavns"}))) == [
        "Område Sydby",
        "Område Vestby",
    ]
    assert _areas(client.get(URL, {"year": "2019"})) == ["Område Nordby"]
    assert _areas(client.get(URL, {"phase": "draft", "municipality": "Aarhus"})) == []
    assert "Ingen planer passer til filtrene." in client.get(URL, {"q": "ingenting"}).content.decode()


def test_reports_awaiting_the_reviewers_answer_have_their_column_and_filter(reviewer, plans):
    from helhedsplan.reports.models import Submission

    Submission.objects.filter(report__plan=plans["running"]).update(outcome="approved")
    client = client_for(reviewer)
    response = client.get(URL)
    rows = {row.plan.area: row for row in response.context["table"].data}
    assert (rows["Område Nordby"].reports_awaiting, rows["Område Nordby"].awaiting_you) == (1, 1)
    assert (rows["Område Sydby"].reports_awaiting, rows["Område Sydby"].awaiting_you) == (0, 0)
    page = response.content.decode()
    assert "Afventer svar" in page  # the column and the filter
    assert "1 afventer Landsbyggefonden · 1 afventer dit svar" in page
    assert sorted(_areas(client.get(URL, {"awaiting": "yours"}))) == ["Område Nordby", "Område Vestby"]
    assert sorted(_areas(client.get(URL, {"awaiting": "lbf"}))) == ["Område Nordby", "Område Vestby"]
    assert client.get(URL, {"awaiting": "nonsense"}).status_code == 400

    # A coordinator of the ended plan waits for Landsbyggefonden: awaiting, but not their answer.
    coordinator = UserFactory()
    MembershipFactory(plan=plans["ended"], user=coordinator, role=Membership.Role.COORDINATOR)
    row = client_for(coordinator).get(URL).context["table"].data[0]
    assert (row.reports_awaiting, row.awaiting_you) == (1, 0)
    assert _areas(client_for(coordinator).get(URL, {"awaiting": "yours"})) == []


def test_sorting_by_budget_and_by_period(reviewer, plans):
    client = client_for(reviewer)
    assert _areas(client.get(URL, {"sort": "-budget"})) == ["Område Sydby", "Område Nordby", "Område Vestby"]
    assert _areas(client.get(URL, {"sort": "period"})) == ["Område Nordby", "Område Sydby", "Område Vestby"]
    assert _areas(client.get(URL, {"sort": "-status"}))  # progress sorts although a plan has none yet
    for column in ("area", "municipality", "phase", "lbf_amount", "approvals", "reports", "needs_attention"):
        assert len(_areas(client.get(URL, {"sort": f"-{column}"}))) == 3, column
    assert client.get(URL, {"sort": "nonsense"}).status_code == 200  # an unknown column: the order as it was


def test_the_totals_are_over_the_filtered_rows(reviewer, plans):
    client = client_for(reviewer)
    totals = client.get(URL).context["totals"]
    assert (totals.plans, totals.budget, totals.lbf_amount) == (3, Decimal(4000), Decimal(4000))
    response = client.get(URL, {"phase": "running"})
    assert response.context["totals"].budget == Decimal(3000)
    assert '<dd class="col-sm-9" id="total-budget">3.000 kr.</dd>' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "tyve"}, "Indtast et tal."),
        ({"year": "99999"}, "Denne værdi skal være mindre end eller lig 2100."),
        ({"phase": "paused"}, "Marker en gyldig valgmulighed."),
    ],
)
def test_a_malformed_filter_is_bad_input(reviewer, plans, params, message):
    response = client_for(reviewer).get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _areas(response) == []
    download = client_for(reviewer).get(reverse("portfolio:download"), params)
    assert download.status_code == 400


def test_the_spreadsheet_holds_the_filtered_rows_as_text_and_numbers(reviewer, plans):
    plans["running"].name = '=HYPERLINK("http://example.org")'
    plans["running"].save()
    response = client_for(reviewer).get(
        reverse("portfolio:download"), {"sort": "-budget", "phase": "running"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="portefolje-')
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Plan", "Område", "Kommune")
    assert rows[2][0] == '=HYPERLINK("http://example.org")'
    assert sheet.cell(row=3, column=1).data_type == "s"  # text, never a formula
    assert rows[2][5] == "i gang" and rows[2][8] == 3000
    assert rows[3][0] == "I alt" and rows[3][8] == 3000 and rows[3][9] == 3000
    assert len(rows) == 4


def test_an_outsider_sees_no_plan_and_a_member_only_their_own(plans):
    outsider = UserFactory(password=None)
    response = client_for(outsider).get(URL)
    assert response.status_code == 200 and _areas(response) == []
    member = UserFactory(password=None)
    MembershipFactory(user=member, plan=plans["hidden"], role=Membership.Role.EDITOR)
    assert _areas(client_for(member).get(URL)) == ["Område Skjult"]
    assert client_for(None).get(URL).status_code == 302


def test_the_home_page_links_to_the_portfolio_for_a_grant_or_several_plans(reviewer, plans):
    response = client_for(reviewer).get("/")
    assert response.status_code == 200
    assert 'id="portfolio-link"' in response.content.decode()
    member = UserFactory(password=None)
    MembershipFactory(user=member, plan=plans["hidden"], role=Membership.Role.EDITOR)
    assert client_for(member).get("/").status_code == 302  # one plan, no grant: straight to it


def test_the_number_of_queries_does_not_depend_on_the_number_of_plans(django_assert_num_queries, settings):
    # The app's own queries: the shared cache in memory, as its own queries are its backend's (none with Redis).
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    user = UserFactory(password=None)
    lbf = OrganisationFactory(short_name="LBF", name="Landsbyggefonden", kind="funder")
    OrganisationGrantFactory(organisation=lbf, users=[user])

    def add_plans(count: int) -> None:
        for number in range(count):
            plan = _plan(f"P{number}-{count}", start=2022, end=2025, approved=1, estates=2, budget=100)
            confirmed_party(plan, lbf)

    client = client_for(user)
    add_plans(1)
    # The first read computes every plan's figures (overview.readmodel), the second those of the 19 plans added
    # (the one kept is read from the shared cache): 1 the session, 2 the user; 3 the plans (with the user's
    # memberships and grants as subqueries); 4 their change counters (the entries' keys: readmodel.change_counts);
    # the figures of the plans not kept (readmodel.plan_figures_fresh): 5-9 the goal trees (delaftaler, goals,
    # indicators, measurements, activities; the goals each activity serves are not asked, as these plans have no
    # activities); 10 the strategic goals (their key figures are not asked: there are none); 11-15 the budget
    # (lines, funding sources, amounts, actuals, fundings); 16-18 the approvals (estates, decisions, steps); 19 the
    # open incidents, 20 the emergency plans; 21-23 the reports to Landsbyggefonden (reports, submissions,
    # comments); then what depends on the reader: what they may do in each plan, asked of the rules over their
    # memberships and grants read for every plan at once (access.memberships_of): 24 their memberships of the
    # plans (none, so their delaftale limits are not asked), 25 their grants, 26 the parties confirmed in the plans
    # among the grants' organisations; 27 the organisations they sign for; 28 the open incidents (personal data,
    # never kept; a reviewer sees no contacts, so none are read); 29-30 the versions approved or awaiting (their
    # sign-offs are not asked: there are none; the Version column reads them too) and the agreements'
    # fingerprints ("changes awaiting submission", "awaiting your signature": the reader's own, never kept);
    # 31 the plans awaiting the confirmation of an organisation the user administers (none here). Read again,
    # all kept: tests/overview/test_readmodel.py.
    with django_assert_num_queries(31):
        assert client.get(URL, {"sort": "-budget"}).status_code == 200
    add_plans(19)
    with django_assert_num_queries(31):
        response = client.get(URL, {"sort": "-budget"})
    assert len(response.context["table"].data) == 20


def test_figures_built_from_example_data_are_marked_on_the_page_and_in_the_spreadsheet(amager_plan, personas):
    mark = 'example-badge" title='
    client = client_for(personas.reviewer)
    html = client.get(URL).content.decode()
    row = re.search(
        rf"<tr[^>]*>((?:(?!</tr>).)*{re.escape(amager_plan.area)}(?:(?!</tr>).)*)</tr>", html, re.S
    ).group(1)
    assert row.count(mark) == 2  # the status (example goals and measurements) and the budget (example lines)
    assert "markerer opdigtede demodata" in html  # the one legend
    book = load_workbook(BytesIO(client.get(reverse("portfolio:download")).content))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    header = rows[1]
    amager = next(r for r in rows if r[0] == amager_plan.name)
    assert amager[header.index("Eksempel")] == "Status, Budget"


def test_each_plan_shows_its_approved_version_and_one_awaiting_approval(amager_plan, personas):
    from tests.versions.factories import submit_version

    client = client_for(personas.reviewer)
    row = client.get(URL).context["table"].data[0]
    assert (row.versions.approved, row.versions.awaiting) == (1, None)  # the plan file's version 1
    assert "version 1 godkendt" in client.get(URL).content.decode()
    submit_version(amager_plan, personas.coordinator)
    page = client.get(URL).content.decode()
    assert "version 1 godkendt" in page and "version 2 afventer godkendelse" in page


def test_many_plans_are_shown_a_page_at_a_time_and_counted_over_all(reviewer, monkeypatch):
    """Landsbyggefonden's reviewer sees every plan in the country: the rows come a page at a time, in the order
    asked, while the totals and the spreadsheet cover every plan the filters leave."""
    from helhedsplan.portfolio import views

    monkeypatch.setattr(views, "PLANS_PER_PAGE", 2)
    lbf = reviewer.organisation_grants.get().organisation
    for name, budget in (("A", 100), ("B", 200), ("C", 300)):
        confirmed_party(_plan(name, start=2022, end=2025, budget=budget), lbf)
    client = client_for(reviewer)
    first = client.get(URL, {"sort": "-budget"})
    page = first.content.decode()
    assert "Område C" in page and "Område B" in page and "Område A" not in page
    assert (first.context["totals"].plans, first.context["totals"].budget) == (3, Decimal(600))
    second = client.get(URL, {"sort": "-budget", "page": 2}).content.decode()
    assert "Område A" in second and "Område C" not in second
    assert "page=1" in second  # a way back to the first page (django-tables2's pager)
    sheet = load_workbook(
        BytesIO(client.get(reverse("portfolio:download"), {"sort": "-budget"}).content)
    ).active
    areas = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)][:3]
    assert areas == ["Område C", "Område B", "Område A"]


@pytest.mark.parametrize("sort", ["", "-budget", "status"])
def test_the_tables_rows_are_those_django_tables2s_own_template_draws(amager_plan, personas, sort):
    """The portfolio draws its rows from ``PortfolioTable.page_cells`` (the per-column work done once): every row
    and cell — links, example marks, money, the empty cells' dash, the rows' classes — is what django-tables2's
    own Bootstrap 5 template draws for the same table, on every page of it."""
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django_tables2 import RequestConfig

    from helhedsplan.portfolio.selectors import portfolio_table

    for number in range(4):
        plan = _plan(
            f"Sammenlign {number}",
            start=2020 + number,
            end=2024 + number,
            municipality="" if number == 1 else "Aarhus Kommune",  # an empty cell: its default
            approved=number,
            estates=3,
            budget=1000 * number,
        )
        MembershipFactory(plan=plan, user=personas.reviewer, role=Membership.Role.REVIEWER)

    def body(template: str, page: int) -> str:
        params = QueryDict(f"sort={sort}&page={page}" if sort else f"page={page}")
        request = RequestFactory().get(URL, params)
        request.user = personas.reviewer
        table, _filter = portfolio_table(params, user=personas.reviewer, today=datetime.date(2024, 6, 1))
        RequestConfig(request, paginate={"per_page": 2}).configure(table)
        html = render_to_string(template, {"table": table, "request": request})
        tbody = re.search(r"<tbody.*?</tbody>", html, re.S).group(0)
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", tbody)).strip()

    for page in (1, 2, 3):
        ours = body("portfolio/table.html", page)
        assert ours == body("django_tables2/bootstrap5.html", page)
        assert ours.count("<tr") == 2 if page < 3 else ours.count("<tr") == 1
    assert "—" in "".join(body("portfolio/table.html", page) for page in (1, 2, 3))  # the empty municipality
