"""The change counter (``plans.changes``) moves for every kind of write to every model with a plan — found in the app
registry, so a new model is covered without a line here — in the write's own transaction; a write rolled back
moves nothing. The admin and the plan-file importer move it too."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from helhedsplan.plans import changes
from helhedsplan.plans.models import Plan, plan_id_of
from tests.world import commit_pending

pytestmark = pytest.mark.django_db

PLAN_MODELS = sorted(
    (model for model in apps.get_models() if changes._is_plan_model(model)),
    key=lambda model: model._meta.label,
)
#: Every (model, many-to-many field) of a model with a plan.
PLAN_RELATIONS = [(model, field.name) for model in PLAN_MODELS for field in model._meta.many_to_many]


def test_the_registry_has_the_models_with_a_plan():
    """The parametrisation below is not empty by mistake: the plan and its content are among them."""
    labels = {model._meta.label for model in PLAN_MODELS}
    assert {"plans.Plan", "goals.Measurement", "budget.BudgetLine", "preparedness.Contact"} <= labels
    assert ("plans.Plan", "organisations") in {(model._meta.label, name) for model, name in PLAN_RELATIONS}


def plan_of(row: models.Model) -> int:
    return row.pk if isinstance(row, Plan) else plan_id_of(row)


def count_of(plan_id: int) -> int:
    return changes.plan_change_count(plan_id)


def one_of(model: type[models.Model], amager_plan: Plan, other_plan: Plan) -> models.Model:
    """A row of ``model`` in the second plan (it has one of every kind) or else in the Amager plan."""
    for plan in (other_plan, amager_plan):
        found = model._default_manager.filter(**{model.plan_lookup: plan.pk}).order_by("pk").first()  # type: ignore[attr-defined]
        if found is not None:
            return found
    raise AssertionError(f"no {model._meta.label} in the test world: add one to tests/test_every_url_data.py")


@contextmanager
def moves_once_within(plan_id: int, *, others: list[int]):
    """Inside: a write in its own transaction; it must raise ``plan_id``'s counter by one before it commits (read
    inside the transaction), and no other plan's."""
    commit_pending()  # what the setup wrote is committed: a new transaction starts
    before, others_before = count_of(plan_id), changes.plan_change_counts(others)
    with transaction.atomic():
        yield
        assert count_of(plan_id) == before + 1
    assert changes.plan_change_counts(others) == others_before


def ids(model: type[models.Model]) -> str:
    return model._meta.label


@pytest.fixture
def world(amager_plan, other_plan, personas):
    """The two plans, with the rows the shared world has none of added to the second: an invitation, and a
    comment on a submitted report."""
    from helhedsplan.reports.models import Comment, Submission
    from tests.plans.factories import InvitationFactory

    InvitationFactory(plan=other_plan)
    submission = Submission.objects.filter(report__plan__in=[other_plan, amager_plan]).order_by("pk").first()
    Comment.objects.create(submission=submission, author=personas.coordinator, text="Tak, modtaget.")
    return amager_plan, other_plan


def _others(plan_id: int, world) -> list[int]:
    return [plan.pk for plan in world if plan.pk != plan_id]


def saved_or_refused(row: models.Model) -> bool:
    """Save ``row`` unchanged; False when its rules keep it as it is (a decided sign-off, a frozen record)."""
    try:
        with transaction.atomic():
            row.save()
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("model", PLAN_MODELS, ids=ids)
def test_an_update_moves_the_counter_or_is_refused_and_moves_nothing(world, model):
    row = one_of(model, *world)
    plan_id = plan_of(row)
    commit_pending()
    before, others_before = count_of(plan_id), changes.plan_change_counts(_others(plan_id, world))
    with transaction.atomic():
        saved = saved_or_refused(row)
        assert count_of(plan_id) == before + int(saved)  # read inside the write's transaction
    assert changes.plan_change_counts(_others(plan_id, world)) == others_before


def test_a_new_plan_has_moved_its_counter_in_its_own_transaction(world):
    from tests.plans.factories import PlanFactory

    commit_pending()
    others_before = changes.plan_change_counts(plan.pk for plan in world)
    with transaction.atomic():
        plan = PlanFactory()
        assert count_of(plan.pk) == 1
    assert changes.plan_change_counts(plan.pk for plan in world) == others_before


@pytest.mark.parametrize("model", [model for model in PLAN_MODELS if model is not Plan], ids=ids)
def test_a_create_moves_the_counter(world, model):
    """The row is taken out unseen (no signal) and inserted again: an INSERT with ``created``, as a new row."""
    row = one_of(model, *world)
    plan_id = plan_of(row)
    model._base_manager.filter(pk=row.pk)._raw_delete(model._base_manager.db)  # type: ignore[attr-defined]
    with moves_once_within(plan_id, others=_others(plan_id, world)):
        row._state.adding = True
        row.save(force_insert=True)


@pytest.mark.parametrize("model", [model for model in PLAN_MODELS if model is not Plan], ids=ids)
def test_a_delete_moves_the_counter_or_is_refused_and_moves_nothing(world, model):
    """A row the rules keep (a frozen submission, a version, a row others protect) is refused, all of it rolled
    back; any other delete moves its plan's counter, however far the cascade goes. (A plan deleted has no
    counter left to read.)"""
    row = one_of(model, *world)
    plan_id = plan_of(row)
    commit_pending()
    before = count_of(plan_id)
    try:
        with transaction.atomic():
            row.delete()
            assert count_of(plan_id) == before + 1
    except (ValidationError, ProtectedError, RestrictedError):
        assert count_of(plan_id) == before
        assert model._default_manager.filter(pk=row.pk).exists()
    else:
        assert not model._default_manager.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("model", "field"), PLAN_RELATIONS, ids=lambda value: getattr(value, "__name__", value)
)
def test_a_change_of_a_many_to_many_field_moves_the_counter(world, model, field):
    row = one_of(model, *world)
    plan_id = plan_of(row)
    with moves_once_within(plan_id, others=_others(plan_id, world)):
        getattr(row, field).clear()


@pytest.mark.parametrize("model", PLAN_MODELS, ids=ids)
def test_a_write_rolled_back_moves_nothing(world, model):
    row = one_of(model, *world)
    plan_id = plan_of(row)
    commit_pending()
    before = count_of(plan_id)
    with transaction.atomic():
        saved_or_refused(row)
        transaction.set_rollback(True)
    assert count_of(plan_id) == before


def test_a_change_in_the_admin_moves_the_counter(world, client_for):
    from helhedsplan.goals.models import Indicator
    from tests.admin.page_fixtures import admin_url, change_page_data
    from tests.plans.factories import UserFactory

    amager_plan, other_plan = world
    indicator = Indicator.objects.filter(plan=amager_plan).order_by("pk").first()
    client = client_for(UserFactory(is_staff=True, is_superuser=True, password=None))
    url = admin_url(Indicator, "change", indicator.pk)
    data = change_page_data(client.get(url))
    commit_pending()
    before, other_before = count_of(amager_plan.pk), count_of(other_plan.pk)
    response = client.post(url, {**data, "name": "Rettet i administrationen"})
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).name == "Rettet i administrationen"
    assert count_of(amager_plan.pk) == before + 1
    assert count_of(other_plan.pk) == other_before


def test_the_plan_file_importer_moves_the_counter_of_the_plan_it_makes(world):
    from helhedsplan.planfiles import yamlio
    from helhedsplan.planfiles.exporter import export_plan
    from helhedsplan.planfiles.importer import import_plan

    amager_plan, other_plan = world
    commit_pending()
    amager_before = count_of(amager_plan.pk)
    with transaction.atomic():
        data = yamlio.load(export_plan(other_plan, personal_data=True))
        data["plan"]["slug"] = "kopi-af-anden-plan"
        made = import_plan(data)
        assert count_of(made.pk) >= 1  # a new plan starts at 0: its rows' writes raised it in the import
    assert count_of(amager_plan.pk) == amager_before


def test_the_spreadsheet_import_moves_the_counter_in_its_transaction(world):
    from helhedsplan.imports.services import import_preview_apply
    from tests.imports.test_import import _one_value

    amager_plan, other_plan = world
    coordinator = amager_plan.memberships.filter(role="coordinator").order_by("pk").first().user
    preview = _one_value(amager_plan, coordinator)
    with moves_once_within(amager_plan.pk, others=[other_plan.pk]):
        import_preview_apply(preview=preview, actor=coordinator)


def test_a_restore_from_history_moves_the_counter_in_its_transaction(world):
    from helhedsplan.core.services import object_restore
    from helhedsplan.goals.models import Measurement

    amager_plan, other_plan = world
    measurement = Measurement.objects.filter(indicator__plan=amager_plan).order_by("pk").first()
    pk = measurement.pk
    measurement.delete()
    deletion = Measurement.history.filter(id=pk, history_type="-").get()
    with moves_once_within(amager_plan.pk, others=[other_plan.pk]):
        object_restore(record=deletion, actor=None)
    assert Measurement.objects.filter(pk=pk).exists()
