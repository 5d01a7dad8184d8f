"""Concurrent writes answered as the form's own errors, never a 500.

(These simulations hold on SQLite and on PostgreSQL alike: run them with DATABASE_URL=postgres://… too.)

When two people create the same unique row at once, both forms validate (neither row exists yet) and the
database refuses the second save. The race is simulated here: the competing row is saved just before the
service's own save (after every validation), so the database refuses it with an IntegrityError — which the
services turn into the ValidationError of the rule it broke, shown at its field with its Danish message.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.budget.models import FundingSource
from helhedsplan.goals.models import Indicator, Measurement

pytestmark = pytest.mark.django_db


@contextmanager
def someone_else_saves_first(model, competitor: Callable[[], object]) -> Iterator[None]:
    """The competing row ``competitor()`` is in the database, but the rules of ``model`` do not see it until this
    request saves: as when another request commits it after this one's form and service validated."""
    model.objects.bulk_create([competitor()])
    real_save, real_unique, real_constraints = model.save, model.validate_unique, model.validate_constraints
    saving = []

    def save(self, *args, **kwargs):
        saving.append(self)
        return real_save(self, *args, **kwargs)

    def validate_unique(self, exclude=None):
        if saving:
            real_unique(self, exclude=exclude)

    def validate_constraints(self, exclude=None):
        if saving:
            real_constraints(self, exclude=exclude)

    with (
        mock.patch.object(model, "save", save),
        mock.patch.object(model, "validate_unique", validate_unique),
        mock.patch.object(model, "validate_constraints", validate_constraints),
    ):
        yield
    assert saving, "the race never happened"


def url(name: str, plan, **kwargs) -> str:
    return reverse(name, kwargs={"plan": plan.slug, **kwargs})


def test_two_measurements_on_the_same_date(client_for, personas, amager_plan):
    indicator = Indicator.objects.in_plan(amager_plan).filter(goal__isnull=False).order_by("pk").first()
    day = datetime.date(2023, 3, 14)
    assert not indicator.measurements.filter(date=day).exists()

    with someone_else_saves_first(Measurement, lambda: Measurement(indicator=indicator, date=day, value=1)):
        response = client_for(personas.editor).post(
            url("goals:measurement_create", amager_plan, indicator=indicator.pk),
            {"date": day.isoformat(), "value": "2"},
        )

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Der er allerede en måling på denne dato. Rediger den i stedet."
    ]
    assert list(indicator.measurements.filter(date=day).values_list("value", flat=True)) == [1]


def test_two_approval_steps_in_the_same_place(client_for, personas, amager_plan):
    with someone_else_saves_first(
        ApprovalStep, lambda: ApprovalStep(plan=amager_plan, order=99, title="Først", body="LBF")
    ):
        response = client_for(personas.coordinator).post(
            url("approvals:step_create", amager_plan),
            {"order": "99", "title": "Nyt trin", "body": "LBF", "status": "planned"},
        )

    assert response.status_code == 200
    assert response.context["form"].errors["order"] == [
        "Et andet trin har allerede denne plads i tidslinjen."
    ]
    assert list(
        ApprovalStep.objects.in_plan(amager_plan).filter(order=99).values_list("title", flat=True)
    ) == ["Først"]


def test_two_funding_sources_of_the_same_name(client_for, personas, amager_plan):
    with someone_else_saves_first(
        FundingSource, lambda: FundingSource(plan=amager_plan, name="Fonden", kind="other")
    ):
        response = client_for(personas.coordinator).post(
            url("budget:source_create", amager_plan),
            {"name": "Fonden", "kind": "other", "organisation": "", "basis": "", "amount_2022": "100.000"},
        )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Planen har allerede en finansieringskilde med dette navn."
    ]
    source = FundingSource.objects.in_plan(amager_plan).get(name="Fonden")
    assert not source.fundings.exists()  # the loser's amounts were not added to the winner's source


def test_a_refusal_no_rule_explains_is_not_hidden(amager_plan, personas):
    """An IntegrityError that no constraint of the model accounts for is raised as it is."""
    from django.db import IntegrityError

    from helhedsplan.approvals.services import approval_step_create

    with (
        mock.patch.object(ApprovalStep, "save", side_effect=IntegrityError("something else")),
        pytest.raises(IntegrityError),
    ):
        approval_step_create(
            plan=amager_plan, data={"order": 98, "title": "Trin", "body": "LBF"}, actor=personas.coordinator
        )


def test_sqlite_writers_wait_for_the_lock_instead_of_failing(tmp_path: Path):
    """SQLite: a transaction takes the write lock when it begins (IMMEDIATE) and waits for it, so concurrent
    saves queue instead of failing with "database is locked" when a read turns into a write."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.DATABASES['default']['OPTIONS']; print(o['transaction_mode'], o['timeout'])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    mode, timeout = result.stdout.split()
    assert mode == "IMMEDIATE"
    assert float(timeout) >= 5


# --- Races on a get-or-create: the loser meets the winner's row ---------------------------------------------


@contextmanager
def someone_else_made_it_meanwhile(model, competitor: Callable[[], object]) -> Iterator[object]:
    """The competing row is in the database, but nothing this request reads sees it — not its lookups, not the
    model's rules — until this request saves: as when another request commits the same new row after this one
    looked for it (on PostgreSQL the loser's insert waits for the winner's commit, then is refused)."""
    [row] = model.objects.bulk_create([competitor()])
    manager = model._default_manager
    real_filter = manager.filter
    saving: list[object] = []

    def filter(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found if saving else found.exclude(pk=row.pk)

    with (
        mock.patch.object(manager, "filter", filter),
        _hidden_from_rules(model, saving),
    ):
        yield row
    assert saving, "the race never happened"


@contextmanager
def _hidden_from_rules(model, saving: list) -> Iterator[None]:
    real_save, real_unique, real_constraints = model.save, model.validate_unique, model.validate_constraints

    def save(self, *args, **kwargs):
        saving.append(self)
        return real_save(self, *args, **kwargs)

    def validate_unique(self, exclude=None):
        if saving:
            real_unique(self, exclude=exclude)

    def validate_constraints(self, exclude=None):
        if saving:
            real_constraints(self, exclude=exclude)

    with (
        mock.patch.object(model, "save", save),
        mock.patch.object(model, "validate_unique", validate_unique),
        mock.patch.object(model, "validate_constraints", validate_constraints),
    ):
        yield


def test_two_first_submissions_of_a_report(client_for, personas, amager_plan):
    """Both coordinators found no report and made one; the loser meets the winner's, which awaits an answer."""
    from helhedsplan.reports.models import Report, Submission
    from tests.reports.factories import SubmissionFactory

    def winners_report() -> Report:
        return Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2024)

    with someone_else_made_it_meanwhile(Report, winners_report) as report:
        SubmissionFactory(report=report, number=1, submitted_by=personas.coordinator)
        response = client_for(personas.coordinator).post(
            url("reports:submission_create", amager_plan, period="2024"), {"gaps_confirmed": "on"}
        )

    assert response.status_code == 200
    assert "Rapporten afventer allerede svar fra Landsbyggefonden." in response.content.decode()
    assert Report.objects.filter(plan=amager_plan, year=2024).count() == 1
    assert Submission.objects.filter(report__plan=amager_plan, report__year=2024).count() == 1


def test_two_invitations_of_the_same_address(client_for, personas, amager_plan):
    """Both coordinators invited the same address at once (adding a member is an invitation): the loser is told
    the address has an invitation waiting, by the constraint's own sentence, and nothing else is saved."""
    from helhedsplan.plans.models import Invitation

    organisation = amager_plan.organisations.order_by("pk").first()

    with someone_else_made_it_meanwhile(
        Invitation,
        lambda: Invitation(
            plan=amager_plan,
            email="ny.kollega@example.dk",
            organisation=organisation,
            role="editor",
            invited_by=personas.coordinator,
            token_hash="0" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=Invitation.VALID_DAYS),
        ),
    ):
        response = client_for(personas.coordinator).post(
            reverse("member_add", kwargs={"plan": amager_plan.slug}),
            {"email": "ny.kollega@example.dk", "organisation": organisation.pk, "role": "editor"},
        )

    assert response.status_code == 200
    assert "Der venter allerede en invitation til planen til denne adresse." in response.content.decode()
    assert Invitation.objects.filter(plan=amager_plan, email="ny.kollega@example.dk").count() == 1
