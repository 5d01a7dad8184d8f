"""A goal's title is unique within its delaftale: the plan file names a goal by its title (an activity names
the goals it serves), so two goals of one title would make an exported plan file that cannot be imported."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

from helhedsplan.goals.models import Goal
from helhedsplan.planfiles.demo import AMAGER_SLUG
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import import_plan, parse
from helhedsplan.plans.models import Plan
from tests.goals.page_fixtures import errors_of, snapshot
from tests.planfiles.roundtrip import comparable
from tests.world import limited_to

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "helhedsplan.goals.migrations.0007_goal_titles_unique_in_their_sub_agreement"
)


def url(name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": AMAGER_SLUG, **kwargs})


def test_a_second_goal_of_the_same_title_in_a_delaftale_is_refused(client_for, personas):
    sub_agreement = limited_to(personas)
    taken = sub_agreement.goals.order_by("pk").first().title
    before = snapshot()

    response = client_for(personas.editor).post(
        url("goal_create", sub_agreement=sub_agreement.pk), {"title": taken, "description": "", "order": "9"}
    )

    assert response.status_code == 200
    assert errors_of(response) == {"title": ["Delaftalen har allerede et delmål med denne titel."]}
    assert snapshot() == before


def test_renaming_a_goal_to_its_neighbours_title_is_refused(client_for, personas):
    sub_agreement = limited_to(personas)
    first, second = sub_agreement.goals.order_by("pk")[:2]
    before = snapshot()

    response = client_for(personas.editor).post(
        url("goal_update", pk=second.pk),
        {"title": first.title, "description": "", "order": "9", "lock_version": second.lock_version},
    )

    assert response.status_code == 200
    assert errors_of(response) == {"title": ["Delaftalen har allerede et delmål med denne titel."]}
    assert snapshot() == before


def test_the_same_title_in_two_delaftaler_is_allowed_and_the_exported_file_imports(client_for, personas):
    from tests.versions.factories import forget_versions

    plan = Plan.objects.get(slug=AMAGER_SLUG)
    sub_agreement = limited_to(personas)
    other = plan.sub_agreements.exclude(pk=sub_agreement.pk).order_by("pk").first()
    title = sub_agreement.goals.order_by("pk").first().title
    response = client_for(personas.coordinator).post(
        url("goal_create", sub_agreement=other.pk), {"title": title, "description": "", "order": "9"}
    )
    assert response.status_code == 302
    assert Goal.objects.filter(sub_agreement__plan=plan, title=title).count() == 2

    exported = export_plan(plan, personal_data=True)
    forget_versions(plan)  # a plan with an approved version is never replaced (tests/versions)
    imported = import_plan(parse(exported), replace=True)

    assert comparable(export_plan(imported, personal_data=True)) == comparable(exported)
    assert Goal.objects.filter(sub_agreement__plan=imported, title=title).count() == 2


def test_the_data_migration_numbers_the_later_duplicates_visibly():
    long = "x" * 300
    goals = [
        (1, 10, "Flere i job"),
        (2, 10, "Flere i job"),
        (3, 10, "Flere i job (2)"),  # a number already taken in the delaftale is skipped
        (4, 10, "Flere i job"),
        (5, 11, "Flere i job"),  # another delaftale's goal keeps its title
        (6, 10, long),
        (7, 10, long),
    ]
    assert MIGRATION.renames(goals) == {
        2: "Flere i job (3)",
        4: "Flere i job (4)",
        7: "x" * 296 + " (2)",
    }


def test_the_data_migration_changes_nothing_without_duplicates():
    from django.apps import apps

    before = list(Goal.objects.order_by("pk").values_list("pk", "title"))
    MIGRATION.number_duplicate_titles(apps, None)
    assert list(Goal.objects.order_by("pk").values_list("pk", "title")) == before
