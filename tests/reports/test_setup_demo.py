from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from helhedsplan.planfiles.demo import AMAGER_SLUG, DEMO_LOGINS, DEMO_PASSWORD, ensure_demo_logins
from helhedsplan.plans.models import Membership, Plan

EXPECTED = {
    "admin": ("coordinator", "TMF", True),
    "kommune": ("coordinator", "TMF", False),
    "boligorg": ("editor", "3B", False),
    "lbf": ("reviewer", "LBF", False),
}


def run_setup_demo() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("setup_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_setup_demo_imports_the_plan_and_makes_the_logins_once():
    first = run_setup_demo()
    assert "Imported Boligsocial helhedsplan Amager 2022-2025." in first
    for username in EXPECTED:
        assert username in first
    assert DEMO_PASSWORD in first

    second = run_setup_demo()
    assert "is already there" in second
    assert "created" not in second.replace("already there", "")
    assert Plan.objects.filter(slug=AMAGER_SLUG).count() == 1
    assert get_user_model().objects.filter(username__in=EXPECTED).count() == 4
    assert Membership.objects.filter(plan__slug=AMAGER_SLUG).count() == 4


@pytest.mark.django_db
def test_setup_demo_leaves_an_existing_user_as_it_is():
    run_setup_demo()
    user = get_user_model().objects.get(username="kommune")
    user.set_password("a-new-secret-1")
    user.save()
    run_setup_demo()
    user.refresh_from_db()
    assert user.check_password("a-new-secret-1")


@pytest.fixture
def demo_logins(amager_plan) -> None:
    """The demo logins as ``setup_demo`` makes them, on the module's Amager plan."""
    ensure_demo_logins(amager_plan)


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def test_demo_logins_have_their_roles_and_organisations(demo_logins, amager_plan):
    assert {login.username for login in DEMO_LOGINS} == set(EXPECTED)
    for username, (role, organisation, superuser) in EXPECTED.items():
        user = demo_user(username)
        membership = Membership.objects.get(user=user, plan=amager_plan)
        assert (membership.role, membership.organisation.short_name) == (role, organisation)
        assert user.is_superuser is superuser
        assert user.is_staff is superuser


def test_demo_logins_work_with_the_demo_password(demo_logins):
    request = RequestFactory().post("/login/")
    for username in EXPECTED:
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == demo_user(username)
    assert authenticate(request, username="lbf", password="wrong") is None


def test_demo_logins_get_the_rights_of_their_role(demo_logins, amager_plan):
    goal = amager_plan.sub_agreements.get(focus_area="education").goals.first()
    kommune, boligorg, lbf = demo_user("kommune"), demo_user("boligorg"), demo_user("lbf")
    assert kommune.has_perm("plan.manage", amager_plan)
    assert boligorg.has_perm("plan.edit_goals", goal)
    assert not boligorg.has_perm("plan.manage", amager_plan)
    # The housing organisation's secretariat keeps the plan's accounts: it enters the actual spend.
    assert boligorg.has_perm("plan.enter_actual_spend", amager_plan)
    assert not kommune.memberships.get(plan=amager_plan).keeps_accounts
    assert lbf.has_perm("plan.view", amager_plan)
    assert not lbf.has_perm("plan.enter_actual_spend", amager_plan)
    assert not lbf.has_perm("plan.edit_goals", goal)


@pytest.mark.django_db
def test_setup_demo_shows_every_state_of_the_reports_once():
    from helhedsplan.reports.models import Comment, Submission
    from helhedsplan.reports.report import ReportState, report_archive

    first = run_setup_demo()
    assert "2024 returned and answered" in first
    plan = Plan.objects.get(slug=AMAGER_SLUG)
    import datetime

    states = {
        (r.report.kind, r.report.year): r.state
        for r in report_archive(plan, today=datetime.date(2026, 12, 1))
    }
    assert states[("yearly", 2022)] == states[("yearly", 2023)] == ReportState.APPROVED
    assert states[("yearly", 2024)] == ReportState.RETURNED
    assert states[("final", None)] == ReportState.AWAITING
    final = Submission.objects.get(report__plan=plan, report__kind="final")
    assert final.reservation.startswith("Eksempel:")
    assert Comment.objects.filter(submission__report__plan=plan).count() == 2
    assert all(c.text.startswith("Eksempel:") for c in Comment.objects.all())
    # The demo's submissions, LBF's answers and the comments are examples, and say so on the pages and the API.
    assert all(s.is_example for s in Submission.objects.filter(report__plan=plan))
    assert all(c.is_example for c in Comment.objects.filter(submission__report__plan=plan))
    from django.urls import reverse

    from tests.world import client_for

    coordinator = Membership.objects.filter(plan=plan, role="coordinator").first().user
    client = client_for(coordinator)
    archive = client.get(reverse("reports:archive", kwargs={"plan": plan.slug})).content.decode()
    mark = 'example-badge" title='  # the mark itself, not the legend's sample of it
    assert archive.count(mark) == 4  # one per submission (2022, 2023, 2024 and the final report)
    returned = client.get(
        reverse("reports:report", kwargs={"plan": plan.slug, "period": "2024"})
    ).content.decode()
    assert returned.count(mark) >= 3  # the submission and both comments
    api = client.get(f"/api/plans/{plan.slug}/reports").json()["items"]
    assert [s["is_example"] for r in api for s in r["submissions"]] == [True, True, True, True]

    run_setup_demo()
    assert Submission.objects.filter(report__plan=plan).count() == 4


@pytest.mark.django_db
def test_lbf_finds_the_final_report_awaiting_its_answer_on_logging_in():
    from django.urls import reverse

    from tests.world import client_for

    run_setup_demo()
    lbf = client_for(get_user_model().objects.get(username="lbf"))
    html = lbf.get(reverse("overview:dashboard", kwargs={"plan": AMAGER_SLUG})).content.decode()
    heading = html.index("Kræver opmærksomhed")
    assert html.index("Afventer dit svar", heading) < html.index("</section>", heading)
    assert reverse("reports:report", kwargs={"plan": AMAGER_SLUG, "period": "slut"}) in html
    portfolio = lbf.get("/portefolje/", {"awaiting": "yours"}).content.decode()
    assert "1 afventer dit svar" in portfolio and "Amager" in portfolio


@pytest.mark.django_db
def test_setup_demo_grants_lbf_every_plan_of_landsbyggefonden_once():
    from helhedsplan.plans.models import OrganisationGrant
    from tests.world import client_for

    first = run_setup_demo()
    assert "lbf reads every plan Landsbyggefonden is a party to" in first
    grant = OrganisationGrant.objects.get()
    assert (grant.organisation.short_name, grant.role) == ("LBF", "reviewer")
    assert [user.username for user in grant.users.all()] == ["lbf"]
    assert "lbf reads" not in run_setup_demo()
    assert OrganisationGrant.objects.get().users.count() == 1

    lbf = client_for(get_user_model().objects.get(username="lbf"))
    assert 'href="/portefolje/"' in lbf.get("/").content.decode()
    portfolio = lbf.get("/portefolje/")
    assert [row.plan.slug for row in portfolio.context["table"].data] == [AMAGER_SLUG]
