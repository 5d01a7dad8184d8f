"""Who may do what: the role matrix of helhedsplan/plans/rules.py."""

import pytest
from django.contrib.auth.models import AnonymousUser

from helhedsplan.agreements.models import FocusArea
from helhedsplan.goals.models import Goal, Indicator, Measurement
from helhedsplan.plans.models import Membership
from helhedsplan.plans.rules import membership_for
from tests.agreements.factories import StrategicGoalFactory, SubAgreementFactory
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory
from tests.preparedness.factories import ContactFactory, IncidentFactory
from tests.world import ROLES, make_personas


def new_user():
    # No password hashing: these users never log in, and hashing would make the matrix slow.
    return UserFactory(password=None)


@pytest.fixture
def world(db):
    """A plan with two delaftaler, its objects, and one user of each kind (outsiders and another plan's
    coordinator among them: they are never allowed anything)."""
    plan = PlanFactory()
    education = SubAgreementFactory(plan=plan, focus_area=FocusArea.EDUCATION)
    employment = SubAgreementFactory(plan=plan, focus_area=FocusArea.EMPLOYMENT)
    goal_in_education = GoalFactory(sub_agreement=education)
    goal_in_employment = GoalFactory(sub_agreement=employment)
    key_figure = IndicatorFactory(goal=None, strategic_goal=StrategicGoalFactory(plan=plan), plan=plan)
    incident = IncidentFactory(plan=plan)
    # The personas of tests/world.py, the limited editor limited to education; nobody signed in is AnonymousUser.
    personas = make_personas(plan, limited_to=[education])
    users = {role: personas[role] or AnonymousUser() for role in ROLES}
    objects = {
        "plan": plan,
        "delaftale in education": education,
        "goal in education": goal_in_education,
        "indicator in education": IndicatorFactory(goal=goal_in_education),
        "measurement in education": MeasurementFactory(indicator__goal=goal_in_education),
        "activity in education": ActivityFactory(sub_agreement=education),
        "goal in employment": goal_in_employment,
        "measurement in employment": MeasurementFactory(indicator__goal=goal_in_employment),
        "activity in employment": ActivityFactory(sub_agreement=employment),
        "key figure": key_figure,
        "strategic goal": key_figure.strategic_goal,
        "measurement of key figure": MeasurementFactory(indicator=key_figure),
        "incident": incident,
        "contact": ContactFactory(preparedness_plan=incident.level.preparedness_plan),
    }
    return users, objects


def allowed(world, perm: str, obj_name: str) -> set[str]:
    users, objects = world
    return {role for role in ROLES if users[role].has_perm(perm, objects[obj_name])}


EVERY_OBJECT = [
    "plan",
    "delaftale in education",
    "goal in education",
    "measurement in employment",
    "key figure",
    "incident",
    "contact",
]


@pytest.mark.parametrize("obj_name", EVERY_OBJECT)
def test_every_member_views_and_nobody_else(world, obj_name):
    assert allowed(world, "plan.view", obj_name) == {"coordinator", "editor", "limited_editor", "reviewer"}


@pytest.mark.parametrize("obj_name", EVERY_OBJECT)
def test_only_the_coordinator_manages(world, obj_name):
    assert allowed(world, "plan.manage", obj_name) == {"coordinator"}


@pytest.mark.parametrize(
    "obj_name",
    [
        "delaftale in education",
        "goal in education",
        "indicator in education",
        "measurement in education",
        "activity in education",
    ],
)
def test_goals_in_the_limited_editors_delaftale(world, obj_name):
    assert allowed(world, "plan.edit_goals", obj_name) == {"coordinator", "editor", "limited_editor"}


@pytest.mark.parametrize(
    "obj_name",
    [
        "goal in employment",
        "measurement in employment",
        "activity in employment",
        # Asked of the plan: whether the editor edits in all of it.
        "plan",
    ],
)
def test_goals_outside_the_limited_editors_delaftale(world, obj_name):
    assert allowed(world, "plan.edit_goals", obj_name) == {"coordinator", "editor"}


@pytest.mark.parametrize("obj_name", ["key figure", "measurement of key figure", "strategic goal"])
def test_key_figures_follow_the_strategic_agreement(world, obj_name):
    """Key figures belong to the strategic agreement, which only coordinators edit: so do its key figures."""
    assert allowed(world, "plan.edit_goals", obj_name) == {"coordinator"}
    assert allowed(world, "plan.edit_goals", obj_name) == allowed(world, "plan.manage", "plan")


def test_key_figures_are_refused_to_editors_in_one_query_too(world):
    """The querysets give the same answer as the rules: no editor edits a key figure or its measurements."""
    users, objects = world

    for role in ("editor", "limited_editor"):
        assert (
            not Indicator.objects.for_user(users[role], "plan.edit_goals")
            .filter(pk=objects["key figure"].pk)
            .exists()
        )
        assert (
            not Measurement.objects.for_user(users[role], "plan.edit_goals")
            .filter(pk=objects["measurement of key figure"].pk)
            .exists()
        )
    assert (
        Indicator.objects.for_user(users["coordinator"], "plan.edit_goals")
        .filter(pk=objects["key figure"].pk)
        .exists()
    )
    editable = set(Indicator.objects.for_user(users["editor"], "plan.edit_goals"))
    assert objects["indicator in education"] in editable


@pytest.mark.parametrize("obj_name", EVERY_OBJECT)
def test_only_the_coordinator_deletes_with_dependants_and_restores(world, obj_name):
    assert allowed(world, "plan.delete_with_dependants", obj_name) == {"coordinator"}
    assert allowed(world, "plan.restore", obj_name) == {"coordinator"}


def test_an_editor_deletes_only_what_holds_nothing(world):
    """``plan.delete_goals``: the right to edit, and for an object with rows under it, a coordinator's right."""
    users, objects = world
    childless = GoalFactory(sub_agreement=objects["delaftale in education"])
    with_indicator = objects["goal in education"]
    IndicatorFactory(goal=with_indicator)
    assert allowed(world, "plan.delete_goals", "measurement in education") == {
        "coordinator",
        "editor",
        "limited_editor",
    }
    assert {role for role in ROLES if users[role].has_perm("plan.delete_goals", childless)} == {
        "coordinator",
        "editor",
        "limited_editor",
    }
    assert {role for role in ROLES if users[role].has_perm("plan.delete_goals", with_indicator)} == {
        "coordinator"
    }


@pytest.mark.parametrize("obj_name", ["contact", "plan"])
def test_contact_details_are_hidden_from_reviewers(world, obj_name):
    assert allowed(world, "plan.view_contact_details", obj_name) == {
        "coordinator",
        "editor",
        "limited_editor",
    }


@pytest.mark.parametrize("obj_name", ["incident", "plan"])
def test_incidents_are_logged_by_coordinators_and_every_editor(world, obj_name):
    # An editor limited to a delaftale still logs incidents: the emergency plan belongs to no delaftale.
    assert allowed(world, "plan.log_incidents", obj_name) == {"coordinator", "editor", "limited_editor"}


def test_a_limited_editor_may_edit_a_new_goal_only_in_their_delaftale(world):
    users, objects = world
    editor = users["limited_editor"]
    assert editor.has_perm("plan.edit_goals", Goal(sub_agreement=objects["delaftale in education"]))
    assert not editor.has_perm(
        "plan.edit_goals", Goal(sub_agreement=objects["goal in employment"].sub_agreement)
    )


def test_a_limit_to_every_delaftale_is_like_no_limit(world):
    users, objects = world
    plan = objects["plan"]
    user = new_user()
    MembershipFactory(
        user=user, plan=plan, role=Membership.Role.EDITOR, sub_agreements=list(plan.sub_agreements.all())
    )
    assert user.has_perm("plan.edit_goals", objects["goal in employment"])
    assert not user.has_perm("plan.edit_goals", objects["key figure"])


def test_a_limit_does_not_narrow_a_coordinator(world):
    users, objects = world
    plan = objects["plan"]
    user = new_user()
    MembershipFactory(
        user=user,
        plan=plan,
        role=Membership.Role.COORDINATOR,
        sub_agreements=[objects["delaftale in education"]],
    )
    assert user.has_perm("plan.edit_goals", objects["goal in employment"])


def test_rights_in_one_plan_give_none_in_another(world):
    users, _objects = world
    other_goal = GoalFactory()
    for role in ROLES:
        assert not users[role].has_perm("plan.view", other_goal), role
        assert not users[role].has_perm("plan.edit_goals", other_goal), role


def test_staff_without_membership_have_no_rights_on_the_plan_pages(world):
    _users, objects = world
    staff = UserFactory(is_staff=True, password=None)
    assert not staff.has_perm("plan.view", objects["plan"])
    assert not staff.has_perm("plan.edit_goals", objects["goal in education"])


def test_the_membership_is_fetched_once_per_plan(world, django_assert_num_queries):
    users, objects = world
    plan = objects["plan"]
    editor = new_user()
    MembershipFactory(user=editor, plan=plan, role=Membership.Role.EDITOR)
    with django_assert_num_queries(2):  # the membership, and its delaftale limits
        for perm in ("plan.view", "plan.manage", "plan.edit_goals", "plan.log_incidents"):
            editor.has_perm(perm, plan)
    assert membership_for(editor, plan).role == Membership.Role.EDITOR


def test_no_membership_without_an_object_or_a_user(world):
    users, objects = world
    assert membership_for(users["coordinator"], None) is None
    assert membership_for(None, objects["plan"]) is None
    assert membership_for(AnonymousUser(), objects["plan"]) is None
