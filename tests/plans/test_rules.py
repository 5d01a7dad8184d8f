"""Who may do what: the role matrix of helhedsplan/plans/rules.py, asked of the Amager plan's objects by the
personas of tests/world.py (the limited editor edits in the education delaftale only; outsiders and another
plan's coordinator are never allowed anything; nobody signed in is AnonymousUser)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from helhedsplan.agreements.models import FocusArea, SubAgreement
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Membership
from helhedsplan.plans.rules import membership_for
from helhedsplan.preparedness.models import Contact, Incident
from tests.goals.factories import GoalFactory
from tests.plans.factories import MembershipFactory, UserFactory
from tests.world import ROLES


def new_user():
    # No password hashing: these users never log in, and hashing would make the matrix slow.
    return UserFactory(password=None)


def visitor(personas, role: str):
    """The persona of ``role``; AnonymousUser for nobody signed in."""
    return personas[role] or AnonymousUser()


@pytest.fixture
def objects(amager_plan, personas) -> dict:
    """The Amager plan's objects of every kind, inside and outside the limited editor's delaftale."""
    education = Membership.objects.get(user=personas.limited_editor, plan=amager_plan).sub_agreements.get()
    assert education.focus_area == FocusArea.EDUCATION
    employment = SubAgreement.objects.in_plan(amager_plan).get(focus_area=FocusArea.EMPLOYMENT)
    key_figure = (
        Indicator.objects.in_plan(amager_plan)
        .filter(goal=None, measurements__isnull=False)
        .order_by("pk")
        .first()
    )

    def first(model, **lookups):
        return model.objects.in_plan(amager_plan).filter(**lookups).order_by("pk").first()

    return {
        "plan": amager_plan,
        "delaftale in education": education,
        "goal in education": first(Goal, sub_agreement=education),
        "indicator in education": first(Indicator, goal__sub_agreement=education),
        "measurement in education": first(Measurement, indicator__goal__sub_agreement=education),
        "activity in education": first(Activity, sub_agreement=education),
        "goal in employment": first(Goal, sub_agreement=employment),
        "measurement in employment": first(Measurement, indicator__goal__sub_agreement=employment),
        "activity in employment": first(Activity, sub_agreement=employment),
        "key figure": key_figure,
        "strategic goal": key_figure.strategic_goal,
        "measurement of key figure": key_figure.measurements.order_by("pk").first(),
        "incident": first(Incident),
        "contact": first(Contact),
    }


def allowed(personas, objects, perm: str, obj_name: str) -> set[str]:
    return {role for role in ROLES if visitor(personas, role).has_perm(perm, objects[obj_name])}


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
def test_every_member_views_and_nobody_else(personas, objects, obj_name):
    assert allowed(personas, objects, "plan.view", obj_name) == {
        "coordinator",
        "editor",
        "limited_editor",
        "reviewer",
    }


@pytest.mark.parametrize("obj_name", EVERY_OBJECT)
def test_only_the_coordinator_manages(personas, objects, obj_name):
    assert allowed(personas, objects, "plan.manage", obj_name) == {"coordinator"}


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
def test_goals_in_the_limited_editors_delaftale(personas, objects, obj_name):
    assert allowed(personas, objects, "plan.edit_goals", obj_name) == {
        "coordinator",
        "editor",
        "limited_editor",
    }


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
def test_goals_outside_the_limited_editors_delaftale(personas, objects, obj_name):
    assert allowed(personas, objects, "plan.edit_goals", obj_name) == {"coordinator", "editor"}


@pytest.mark.parametrize("obj_name", ["key figure", "measurement of key figure", "strategic goal"])
def test_key_figures_follow_the_strategic_agreement(personas, objects, obj_name):
    """Key figures belong to the strategic agreement, which only coordinators edit: so do its key figures."""
    assert allowed(personas, objects, "plan.edit_goals", obj_name) == {"coordinator"}
    assert allowed(personas, objects, "plan.edit_goals", obj_name) == allowed(
        personas, objects, "plan.manage", "plan"
    )


def test_key_figures_are_refused_to_editors_in_one_query_too(personas, objects):
    """The querysets give the same answer as the rules: no editor edits a key figure or its measurements."""

    for role in ("editor", "limited_editor"):
        assert (
            not Indicator.objects.for_user(personas[role], "plan.edit_goals")
            .filter(pk=objects["key figure"].pk)
            .exists()
        )
        assert (
            not Measurement.objects.for_user(personas[role], "plan.edit_goals")
            .filter(pk=objects["measurement of key figure"].pk)
            .exists()
        )
    assert (
        Indicator.objects.for_user(personas.coordinator, "plan.edit_goals")
        .filter(pk=objects["key figure"].pk)
        .exists()
    )
    editable = set(Indicator.objects.for_user(personas.editor, "plan.edit_goals"))
    assert objects["indicator in education"] in editable


@pytest.mark.parametrize("obj_name", EVERY_OBJECT)
def test_only_the_coordinator_deletes_with_dependants_and_restores(personas, objects, obj_name):
    assert allowed(personas, objects, "plan.delete_with_dependants", obj_name) == {"coordinator"}
    assert allowed(personas, objects, "plan.restore", obj_name) == {"coordinator"}


def test_an_editor_deletes_only_what_holds_nothing(personas, objects):
    """``plan.delete_goals``: the right to edit, and for an object with rows under it, a coordinator's right."""
    childless = GoalFactory(sub_agreement=objects["delaftale in education"])
    with_indicator = objects["goal in education"]
    assert with_indicator.indicators.exists()
    assert allowed(personas, objects, "plan.delete_goals", "measurement in education") == {
        "coordinator",
        "editor",
        "limited_editor",
    }
    assert {role for role in ROLES if visitor(personas, role).has_perm("plan.delete_goals", childless)} == {
        "coordinator",
        "editor",
        "limited_editor",
    }
    assert {
        role for role in ROLES if visitor(personas, role).has_perm("plan.delete_goals", with_indicator)
    } == {"coordinator"}


@pytest.mark.parametrize("obj_name", ["contact", "plan"])
def test_contact_details_are_hidden_from_reviewers(personas, objects, obj_name):
    assert allowed(personas, objects, "plan.view_contact_details", obj_name) == {
        "coordinator",
        "editor",
        "limited_editor",
    }


@pytest.mark.parametrize("obj_name", ["incident", "plan"])
def test_incidents_are_logged_by_coordinators_and_every_editor(personas, objects, obj_name):
    # An editor limited to a delaftale still logs incidents: the emergency plan belongs to no delaftale.
    assert allowed(personas, objects, "plan.log_incidents", obj_name) == {
        "coordinator",
        "editor",
        "limited_editor",
    }


def test_a_limited_editor_may_edit_a_new_goal_only_in_their_delaftale(personas, objects):
    editor = personas.limited_editor
    assert editor.has_perm("plan.edit_goals", Goal(sub_agreement=objects["delaftale in education"]))
    assert not editor.has_perm(
        "plan.edit_goals", Goal(sub_agreement=objects["goal in employment"].sub_agreement)
    )


def test_a_limit_to_every_delaftale_is_like_no_limit(objects):
    plan = objects["plan"]
    user = new_user()
    MembershipFactory(
        user=user, plan=plan, role=Membership.Role.EDITOR, sub_agreements=list(plan.sub_agreements.all())
    )
    assert user.has_perm("plan.edit_goals", objects["goal in employment"])
    assert not user.has_perm("plan.edit_goals", objects["key figure"])


def test_a_limit_does_not_narrow_a_coordinator(objects):
    plan = objects["plan"]
    user = new_user()
    MembershipFactory(
        user=user,
        plan=plan,
        role=Membership.Role.COORDINATOR,
        sub_agreements=[objects["delaftale in education"]],
    )
    assert user.has_perm("plan.edit_goals", objects["goal in employment"])


def test_rights_in_one_plan_give_none_in_another(personas):
    other_goal = GoalFactory()
    for role in ROLES:
        assert not visitor(personas, role).has_perm("plan.view", other_goal), role
        assert not visitor(personas, role).has_perm("plan.edit_goals", other_goal), role


def test_staff_without_membership_have_no_rights_on_the_plan_pages(objects):
    staff = UserFactory(is_staff=True, password=None)
    assert not staff.has_perm("plan.view", objects["plan"])
    assert not staff.has_perm("plan.edit_goals", objects["goal in education"])


def test_the_membership_is_fetched_once_per_plan(objects, django_assert_num_queries):
    plan = objects["plan"]
    editor = new_user()
    MembershipFactory(user=editor, plan=plan, role=Membership.Role.EDITOR)
    with django_assert_num_queries(2):  # the membership, and its delaftale limits
        for perm in ("plan.view", "plan.manage", "plan.edit_goals", "plan.log_incidents"):
            editor.has_perm(perm, plan)
    assert membership_for(editor, plan).role == Membership.Role.EDITOR


def test_no_membership_without_an_object_or_a_user(personas, objects):
    assert membership_for(personas.coordinator, None) is None
    assert membership_for(None, objects["plan"]) is None
    assert membership_for(AnonymousUser(), objects["plan"]) is None
