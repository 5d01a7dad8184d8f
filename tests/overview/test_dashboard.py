"""The plan's dashboard: headline figures, the delaftaler's progress, what needs attention, recent changes —
in a number of queries that does not grow with the plan."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone

from helhedsplan.agreements.models import FocusArea
from helhedsplan.agreements.selectors import goal_trees
from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.overview import selectors
from helhedsplan.overview.views import DashboardView
from helhedsplan.plans.models import Plan
from tests.agreements.factories import SubAgreementPartyFactory
from tests.approvals.factories import ApprovalStepFactory, EstateDecisionFactory
from tests.budget.factories import (
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingFactory,
    FundingSourceFactory,
)
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import EstateFactory, HousingAssociationFactory, OrganisationFactory
from tests.preparedness.factories import (
    ContactFactory,
    EscalationLevelFactory,
    IncidentFactory,
)
from tests.reports.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


TODAY = datetime.date(2024, 1, 15)


@pytest.fixture
def pinned_today(monkeypatch):
    # The dashboard judges "overdue" against today; pin it inside the plan's period.
    monkeypatch.setattr(DashboardView, "today", lambda self: TODAY)
    return TODAY


def dashboard_url(plan) -> str:
    return reverse("overview:dashboard", kwargs={"plan": plan.slug})


def grow(plan, n: int) -> None:
    """Give every part of the plan n more rows: goals, indicators, measurements, activities, parties, budget
    lines, funding, estates with decisions, approval steps, open incidents and contacts (overdue, so each kind of
    "needs attention" has items) — so each prefetch has rows at every size."""
    association = HousingAssociationFactory()
    preparedness_plan = plan.preparedness_plan
    for row in range(n):
        level = EscalationLevelFactory(preparedness_plan=preparedness_plan, order=100 + row)
        IncidentFactory(plan=plan, level=level)
        ContactFactory(preparedness_plan=preparedness_plan, last_verified=None)
        ApprovalStepFactory(
            plan=plan,
            order=100 + row,
            status=ApprovalStep.Status.PENDING,
            date=datetime.date(2023, 1, 1),
            date_is_expected=True,
        )
    for sub_agreement in plan.sub_agreements.all():
        for _goal in range(n):
            goal = GoalFactory(sub_agreement=sub_agreement)
            for i in range(n):
                indicator = IndicatorFactory(goal=goal)
                for m in range(n):
                    MeasurementFactory(indicator=indicator, date=datetime.date(2022, 6 + m, 1 + i))
            activity = ActivityFactory(sub_agreement=sub_agreement, end_date=datetime.date(2022, 12, 31))
            activity.goals.add(goal)
            SubAgreementPartyFactory(sub_agreement=sub_agreement, organisation=OrganisationFactory())
    for strategic_goal in plan.strategic_goals.all():
        for _figure in range(n):
            indicator = IndicatorFactory(goal=None, strategic_goal=strategic_goal)
            MeasurementFactory(indicator=indicator)
    education = plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    for row in range(n):
        line = BudgetLineFactory(plan=plan, sub_agreement=education)
        BudgetAmountFactory(line=line, year=2022, amount=Decimal("1000000"))
        source = FundingSourceFactory(plan=plan)
        FundingFactory(source=source, year=2022, amount=Decimal("1000000"))
        estate = EstateFactory(plan=plan, housing_association=association, homes=100, residents=220)
        EstateDecisionFactory(estate=estate)
        ApprovalStepFactory(plan=plan, order=200 + row)
        SubmissionFactory(report__plan=plan, report__year=2022 + row)


# The dashboard's first read after a change of its plan computes and keeps the plan's figures
# (overview.readmodel); its queries, whatever the plan's size:
#  1 session, 2 user                                   (the logged-in request)
#  3 the user's membership with its plan and organisation, 4 the delaftaler it is limited to
#                                                      (PlanViewMixin: access.plan_and_membership_or_404, kept for
#                                                      plans.rules.membership_for for the rest of the request)
#  5 the plan's change counter                         (readmodel.change_counts: the entry's key; the entry is not
#                                                      kept yet, so it is computed: readmodel.plan_figures_fresh)
#  6 delaftaler (plan joined), 7 goals, 8 indicators (plan joined), 9 measurements, 10 activities (responsible
#    organisation joined), 11 the goals each activity serves (agreements.selectors.goal_trees)
# 12 strategic goals (plan joined), 13 key figures (plan joined), 14 their measurements
#                                                      (agreements.selectors.key_figure_trees)
# 15-19 budget lines, amounts, actual spend, funding sources, fundings (budget.selectors.budget_summaries)
# 20 estates with housing association, 21 their decisions, 22 the approval steps
#                                                      (approvals.selectors.approvals_overviews)
# 23 open incidents (read by selectors.plans_rows; not kept), 24 the emergency plan
# 25 the reports to Landsbyggefonden, 26 their submissions (who submitted and answered joined), 27 the comments
#                                                      (reports.report.report_archives: "reports due or overdue")
# 28 open incidents (plan, level, estate joined), 29 the emergency plan's contacts (organisation, plan joined) —
#    personal data, read for the reader on every request and never kept; listed only to those who may see
#    contacts (preparedness.selectors)
# 30 which are the newest ten changes (one UNION ALL over the plan's historical tables, each read by its (plan,
#    date) index), then per kind of object among them 31 their records and 32 the records before them (to say
#    what changed): here the newest ten are all saves of one measurement (overview.selectors.recent_changes)
# 33 the approved and awaiting versions (their sign-offs are asked only of a version awaiting them: none here),
#    34 the plan's agreement fingerprint (versions.selectors.versions_attention), 35 the organisations the reader
#    signs for (versions.selectors.signing_organisations): "changes awaiting submission", "awaiting your
#    signature" — the reader's own, read on every request and never kept
# 36 the sources of the plan's homes and residents with their documents, shown beside the figures
#                                                      (documents.selectors.sources_by_fact)
# Read again before the plan changes: 1-5, 28-36 (tests/overview/test_readmodel.py).
DASHBOARD_QUERIES = 36


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_queries_do_not_grow_with_the_plan(
    client, amager_plan, personas, pinned_today, django_assert_num_queries, n, settings
):
    # The app's own queries: the shared cache in memory, as its own queries are its backend's (none with Redis).
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    grow(amager_plan, n)
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    measurement = MeasurementFactory(indicator=IndicatorFactory(goal=GoalFactory(sub_agreement=education)))
    for value in range(10):
        measurement.value = Decimal(value)
        measurement.save()
    client.force_login(personas.limited_editor)
    url = dashboard_url(amager_plan)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["cards"]) == 4
    # Every kind of item is there, at every size (the limited editor may see contacts).
    kinds = {group.kind for group in response.context["attention"].groups}
    assert {"incidents", "approvals", "measurements", "contacts"} <= kinds


def test_dashboard_shows_the_headline_figures(client, amager_plan, personas, pinned_today):
    # No source gives an estate's size: the test gives two of them theirs.
    amager_plan.estates.filter(name="Hørgården").update(homes=748, residents=1500)
    amager_plan.estates.filter(name="Støberigården I+II").update(homes=100, residents=200)
    client.force_login(personas.reviewer)

    response = client.get(dashboard_url(amager_plan))

    page = response.content.decode()
    assert response.context["total_budget"] == Decimal("31200000")  # the plan file's budget
    assert "31,2" in page  # 31,2 mio. kr.
    # On 27 September 2021, 18 of the 19 estates had approved the plan (the seed).
    assert response.context["approvals"].approved_count == 18
    assert response.context["approvals"].total == 19
    assert response.context["estate_homes"] == 848
    assert "4.135 boliger" in page  # the plan's own number of homes, for the area as a whole
    # The plan's period in Danish date format.
    assert "2022" in page and "2025" in page

    # Without it, the homes of the estates whose size is known.
    Plan.objects.filter(pk=amager_plan.pk).update(homes=None)
    assert "848 boliger" in client.get(dashboard_url(amager_plan)).content.decode()


def test_dashboard_cards_link_to_each_delaftale_with_its_status(client, amager_plan, personas, pinned_today):
    employment = amager_plan.sub_agreements.get(focus_area=FocusArea.EMPLOYMENT)
    Measurement.objects.filter(indicator__goal__sub_agreement=employment).delete()  # no data yet
    client.force_login(personas.reviewer)

    response = client.get(dashboard_url(amager_plan))

    page = response.content.decode()
    for sub_agreement in amager_plan.sub_agreements.all():
        assert (
            reverse("agreements:sub_agreement", kwargs={"plan": amager_plan.slug, "pk": sub_agreement.pk})
            in page
        )
    cards = {card.sub_agreement.focus_area: card for card in response.context["cards"]}
    # Education's goals are 82 % (72 of 62 → 75 and 75 of 40 → 80 by their latest measurements) and 25 % (82 of
    # 80 → 88) of the way: 53,6 % on average, shown as 54 % (rounded half up, as every percentage), ahead of the
    # 51 % expected by mid-January 2024.
    assert cards[FocusArea.EDUCATION].progress.percent == 54
    assert cards[FocusArea.EDUCATION].progress.status == "on_track"
    assert cards[FocusArea.EMPLOYMENT].progress.status == "no_data"
    # Status in words, never by colour alone.
    assert 'class="status status-no_data"' in page


def test_needs_attention_lists_overdue_measurements_and_late_activities(
    client, amager_plan, personas, pinned_today
):
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    goal = education.goals.get(title="Flere unge tager en uddannelse")
    measured_long_ago = IndicatorFactory(
        goal=goal, name="Målt for længe siden", measurement_interval_months=6
    )
    MeasurementFactory(indicator=measured_long_ago, date=datetime.date(2022, 3, 1))
    late = ActivityFactory(
        sub_agreement=education, name="Forsinket aktivitet", end_date=datetime.date(2022, 6, 30)
    )
    ActivityFactory(
        sub_agreement=education,
        name="Afsluttet aktivitet",
        end_date=datetime.date(2022, 6, 30),
        status=Activity.Status.COMPLETED,
    )
    client.force_login(personas.reviewer)

    response = client.get(dashboard_url(amager_plan))

    attention = response.context["attention"]
    names = [item.title for item in attention.of("measurements")]
    # The key figure on the cohesion goal has never been measured: listed first.
    assert names[0] == "Valgdeltagelse ved kommunalvalg"
    assert "Målt for længe siden" in names
    assert [item.title for item in attention.of("activities")] == [late.name]
    assert "Forsinket aktivitet" in response.content.decode()


def test_measurements_and_activities_on_time_need_no_attention():
    today = datetime.date(2023, 1, 1)
    indicator = IndicatorFactory(measurement_interval_months=12)
    MeasurementFactory(indicator=indicator, date=datetime.date(2022, 6, 30))
    activity = ActivityFactory(
        sub_agreement=indicator.goal.sub_agreement, end_date=datetime.date(2023, 6, 30)
    )

    assert selectors.overdue_measurements([indicator], today) == []
    assert selectors.late_activities([activity], today) == []


def test_recent_changes_are_the_newest_across_models_with_links_to_history(amager_plan):
    goal = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION).goals.first()
    goal.title = "Nyt navn"
    goal.save()
    deleted = ActivityFactory(sub_agreement=goal.sub_agreement, name="Slettet aktivitet")
    deleted.delete()

    changes = selectors.recent_changes(amager_plan, limit=10)

    assert len(changes) == 10
    assert changes == sorted(changes, key=lambda c: c.when, reverse=True)
    newest = changes[0]
    assert (newest.kind, newest.label, newest.history_url) == ("-", "Slettet aktivitet", None)
    goal_change = next(c for c in changes if c.label == "Nyt navn")
    assert goal_change.kind == "~"
    assert goal_change.history_url == reverse(
        "history",
        kwargs={"plan": amager_plan.slug, "app_label": "goals", "model_name": "goal", "pk": goal.pk},
    )


def test_recent_changes_leave_other_plans_out(amager_plan, other_plan):
    GoalFactory(sub_agreement=amager_plan.sub_agreements.first(), title="Et mål i denne plan")
    GoalFactory(sub_agreement=other_plan.sub_agreements.first(), title="Et andet plans mål")

    labels = [change.label for change in selectors.recent_changes(amager_plan, limit=100)]

    assert "Et andet plans mål" not in labels
    assert "Et mål i denne plan" in labels


def test_dashboard_says_what_to_do_when_the_plan_is_empty(client, pinned_today):
    from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory

    empty = PlanFactory(slug="tom")
    user = MembershipFactory(plan=empty, user=UserFactory(password=None), role="reviewer").user
    client.force_login(user)

    response = client.get(reverse("overview:dashboard", kwargs={"plan": "tom"}))

    assert response.status_code == 200
    assert response.context["cards"] == []
    assert response.context["recent_changes"] == []
    assert response.context["total_budget"] == 0
    assert 'class="alert alert-info"' in response.content.decode()


def test_today_is_the_local_date():
    assert DashboardView().today() == timezone.localdate()


@pytest.mark.parametrize(
    ("today", "says_ended"), [(datetime.date(2026, 12, 1), True), (datetime.date(2025, 12, 31), False)]
)
def test_a_plan_whose_period_has_ended_says_so_on_its_pages(
    client, amager_plan, personas, pinned_today, monkeypatch, today, says_ended
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    client.force_login(personas.reviewer)

    for url in (
        dashboard_url(amager_plan),
        reverse("agreements:sub_agreements", kwargs={"plan": amager_plan.slug}),
    ):
        html = client.get(url).content.decode()
        assert ("Planperioden sluttede 31. december 2025." in html) is says_ended, url


def test_the_dashboard_and_the_delaftale_list_read_only_the_latest_measurement_of_each_indicator(
    client, amager_plan, personas, pinned_today
):
    # Many measurements per indicator: the pages still load one per indicator (the database picks the newest),
    # never the whole series (as measurements_prefetch() once did, growing with every measurement).
    grow(amager_plan, 3)
    indicators = Indicator.objects.in_plan(amager_plan).filter(measurements__isnull=False).distinct().count()
    measurements = Measurement.objects.in_plan(amager_plan).count()
    assert measurements > 2 * indicators
    loaded: list[Measurement] = []

    def count(sender, instance, **kwargs) -> None:
        loaded.append(instance)

    client.force_login(personas.coordinator)
    post_init.connect(count, sender=Measurement)
    try:
        for url in (
            dashboard_url(amager_plan),
            reverse("agreements:sub_agreements", kwargs={"plan": amager_plan.slug}),
        ):
            loaded.clear()
            response = client.get(url)
            assert response.status_code == 200
            # One per measured indicator (key figures appear on the dashboard once).
            assert len(loaded) == len({m.pk for m in loaded}) <= indicators < measurements
    finally:
        post_init.disconnect(count, sender=Measurement)


def test_the_latest_measurement_is_the_newest_by_date_whatever_the_order_of_entry(amager_plan):
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    indicator = IndicatorFactory(goal=GoalFactory(sub_agreement=education))
    MeasurementFactory(indicator=indicator, date=datetime.date(2023, 6, 1), value=Decimal(7))
    MeasurementFactory(indicator=indicator, date=datetime.date(2022, 6, 1), value=Decimal(3))  # entered later
    IndicatorFactory(goal=indicator.goal)  # never measured

    # What the dashboard's kept figures are computed from (overview.readmodel.plan_figures_fresh).
    tree = goal_trees([amager_plan], with_activities=True)[amager_plan.pk]

    by_indicator = {
        i.pk: i for sub_agreement in tree for goal in sub_agreement.goals.all() for i in goal.indicators.all()
    }
    for pk, read in by_indicator.items():
        expected = Indicator.objects.get(pk=pk).measurements.order_by("-date").first()
        assert read.latest_measurement() == expected
    assert by_indicator[indicator.pk].latest_measurement().value == Decimal(7)


def test_an_ended_plan_shows_its_final_status_not_a_running_one(client, amager_plan, personas, monkeypatch):
    # 1 December 2026, eleven months after the period ended: the goal's one indicator, 82 of 80 → 88, is 25 % of
    # the way, judged final; its delaftale's two goals 53,6 % on average (82 % and 25 %), shown as 54 %.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 12, 1))
    monkeypatch.setattr(DashboardView, "today", lambda self: datetime.date(2026, 12, 1))
    client.force_login(personas.reviewer)
    goal = Goal.objects.get(title="Flere unge tager en uddannelse")
    indicator = goal.indicators.get()
    education = goal.sub_agreement
    slug = amager_plan.slug
    pages = {
        "dashboard": (dashboard_url(amager_plan), 54),
        "delaftaler": (reverse("agreements:sub_agreements", kwargs={"plan": slug}), 54),
        "delaftale": (reverse("agreements:sub_agreement", kwargs={"plan": slug, "pk": education.pk}), 25),
        "goal": (reverse("goals:goal", kwargs={"plan": slug, "pk": goal.pk}), 25),
        "indicator": (reverse("goals:indicator", kwargs={"plan": slug, "pk": indicator.pk}), 25),
    }
    for name, (url, percent) in pages.items():
        html = client.get(url).content.decode()
        assert "Slutstatus: ikke nået" in html, name
        assert f"nået {percent} % af målet" in html, name
        # The legend explains the final status, judged at the period's end.
        assert "vurderet ved periodens afslutning den 31. december 2025" in html, name
        if name != "indicator":  # its measurement rows say how each stood when it was measured
            assert "status-behind" not in html and "status-on_track" not in html, name
    indicator_html = client.get(pages["indicator"][0]).content.decode()
    assert "seneste måling 29 mdr. gammel" in indicator_html  # 30 June 2024 to 1 December 2026


def test_a_running_plan_judges_its_statuses_as_of_today_with_a_legend(
    client, amager_plan, personas, pinned_today, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    client.force_login(personas.reviewer)

    response = client.get(dashboard_url(amager_plan))

    assert response.context["as_of"].day == TODAY and not response.context["as_of"].final
    html = response.content.decode()
    assert "Status pr. 15. januar 2024." in html
    assert "På sporet" in html and "Bagud" in html
    assert "Slutstatus" not in html
