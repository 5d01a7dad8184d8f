"""A stored version, its snapshot and its hash never change and are never deleted — by save(), a queryset, the
plan's deletion or ``import_plan --replace`` — as a submitted report's files never do. A decided sign-off stays
as recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.importer import import_plan, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Plan
from helhedsplan.versions.models import PlanVersion, Signoff
from tests.versions.factories import submit_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(amager_plan, personas):
    return submit_version(amager_plan, personas.coordinator)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("snapshot", "{}"),
        ("sha256", "0" * 64),
        ("reason", "Noget andet."),
        ("number", 7),
        ("needs_lbf", False),
    ],
)
def test_a_stored_version_refuses_a_change_by_save(version, field, value):
    setattr(version, field, value)
    with pytest.raises(ValidationError):
        version.save()
    stored = PlanVersion.objects.get(pk=version.pk)
    assert getattr(stored, field) != value


@pytest.mark.parametrize(
    "change", [{"snapshot": "{}"}, {"sha256": "0" * 64}, {"status": "approved"}, {"reason": "x"}]
)
def test_the_queryset_refuses_to_change_a_version(version, change):
    with pytest.raises(ValidationError):
        PlanVersion.objects.filter(pk=version.pk).update(**change)
    assert PlanVersion.objects.get(pk=version.pk).status == PlanVersion.Status.SUBMITTED


def test_no_path_deletes_a_version(version, amager_plan):
    with pytest.raises(ValidationError):
        version.delete()
    with pytest.raises(ValidationError):
        PlanVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ValidationError):
        Signoff.objects.filter(version=version).delete()
    with pytest.raises(ProtectedError):
        Plan.objects.filter(pk=amager_plan.pk).delete()
    assert PlanVersion.objects.filter(pk=version.pk).exists()


def test_import_plan_replace_is_refused_for_a_plan_with_an_approved_version(amager_plan):
    """Amager's version 1 is approved (its plan file): the plan is never replaced, and nothing changes."""
    approved = PlanVersion.objects.get(plan=amager_plan, status="approved")
    with pytest.raises(PlanFileError) as refused:
        import_plan(read(AMAGER_FILE), replace=True)
    assert "har en godkendt version" in str(refused.value)
    assert PlanVersion.objects.get(pk=approved.pk).sha256 == approved.sha256
    assert Plan.objects.filter(pk=amager_plan.pk).exists()


def test_import_plan_replace_takes_versions_never_approved_with_the_plan(amager_plan, personas):
    """A plan whose versions were never approved (one rejected, one awaiting its sign-offs, with a bestyrelse's
    decision naming it) is replaced, and its versions and sign-offs go with it."""
    from helhedsplan.governance.models import Body, MeetingDecision
    from tests.governance.factories import BodyFactory, MeetingFactory
    from tests.versions.factories import evidence, forget_versions, submit_version
    from tests.versions.test_signoff import sign

    forget_versions(amager_plan)
    rejected = submit_version(amager_plan, personas.coordinator)
    board = rejected.signoffs.get(party=Signoff.Party.BOARD)
    sign(
        board,
        personas.coordinator,
        decision="rejected",
        comment="Nej.",
        outside_app=True,
        evidence=evidence(),
    )
    awaiting = submit_version(amager_plan, personas.coordinator, reason="Igen.")
    board_body = Body.objects.filter(plan=amager_plan, kind="board").first()
    meeting = MeetingFactory(body=board_body or BodyFactory(plan=amager_plan, kind="board"))
    MeetingDecision.objects.create(meeting=meeting, text="Godkendt", approves_version=awaiting)
    rejected.refresh_from_db()
    assert {rejected.status, PlanVersion.objects.get(pk=awaiting.pk).status} == {"rejected", "submitted"}

    plan = import_plan(read(AMAGER_FILE), replace=True)

    assert plan.pk != amager_plan.pk and not Plan.objects.filter(pk=amager_plan.pk).exists()
    assert not PlanVersion.objects.filter(pk__in=[rejected.pk, awaiting.pk]).exists()
    assert not Signoff.objects.filter(version_id__in=[rejected.pk, awaiting.pk]).exists()
    # The new plan records its file's approved version as version 1.
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", "status")) == [(1, "approved")]


def test_a_version_whose_hash_does_not_match_its_snapshot_is_refused(amager_plan, personas):
    with pytest.raises(ValidationError):
        PlanVersion.objects.create(
            plan=amager_plan,
            number=9,
            reason_category="other",
            reason="x",
            snapshot="{}",
            sha256="a" * 64,
            submitted_by=personas.coordinator,
        )


def test_the_status_moves_only_along_the_machine(version):
    version.status = PlanVersion.Status.SUPERSEDED  # submitted → superseded is no transition
    with pytest.raises(ValidationError):
        version.save()


def test_a_decided_signoff_stays_as_recorded(version):
    signoff = version.signoffs.get(party=Signoff.Party.BOARD)
    with pytest.raises(ValidationError):
        Signoff.objects.filter(pk=signoff.pk).update(decision="approved")
    with pytest.raises(ValidationError):
        Signoff.objects.filter(pk=signoff.pk).update(organisation=None)


def test_a_version_whose_stored_snapshot_was_changed_gets_no_pdf_and_is_logged(
    version, amager_plan, personas, caplog
):
    """No path of the app changes a snapshot (above); a change in the database behind its back (SQL) is refused
    where the version's PDF is made from it: the PDF says only what was submitted, or nothing."""
    from django.db import connection
    from django.urls import reverse

    from tests.world import client_for

    url = reverse("versions:pdf", kwargs={"plan": amager_plan.slug, "number": version.number})
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PlanVersion._meta.db_table} SET snapshot = %s WHERE id = %s",
            [version.snapshot.replace("Amager", "Et andet sted", 1), version.pk],
        )

    with caplog.at_level("ERROR", logger="helhedsplan.files"):
        response = client_for(personas.reviewer).get(url)

    assert response.status_code == 500
    assert "Filen er beskadiget" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "helhedsplan.files"]
    assert version.sha256 in record.getMessage()
