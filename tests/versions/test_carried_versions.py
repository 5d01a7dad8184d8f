"""The plan file carries every version (issue 20, point 6): exported with the ids of its objects and each
version's snapshot and hash, imported into a fresh plan with the same numbers, statuses, reasons and sign-offs,
its snapshots translated into the new ids (``versions.carry``) — so the changes read the same on both plans — and
the carried hash kept beside the new one. A snapshot changed in the file is refused, and nothing is imported."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import import_plan, parse
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Membership, Plan
from helhedsplan.preparedness.models import Contact
from helhedsplan.versions.models import AgreementFingerprint, PlanVersion, Signoff
from helhedsplan.versions.selectors import change_rows, changes_since_approved, snapshot_of
from helhedsplan.versions.snapshot import build_snapshot, section_hashes
from tests.plans.factories import MembershipFactory
from tests.versions.factories import evidence, submit_version
from tests.versions.test_signoff import approve_all, sign
from tests.world import client_for

pytestmark = pytest.mark.django_db

COPY = "amager-kopi"


@pytest.fixture
def three_versions(amager_plan, personas):
    """Version 1 (the plan file's, superseded), 2 (approved in the app), 3 (submitted, awaiting Landsbyggefonden,
    the bestyrelse's decision recorded with its PDF)."""
    second = submit_version(amager_plan, personas.coordinator, category="other", reason="Anden version.")
    approve_all(second, personas.coordinator)
    third = submit_version(amager_plan, personas.coordinator, reason="Tredje version.")
    board = third.signoffs.get(party=Signoff.Party.BOARD)
    sign(board, personas.coordinator, outside_app=True, evidence=evidence())
    return amager_plan


def as_copy(text: str) -> dict:
    data = parse(text)
    data["plan"]["slug"] = COPY
    return data


def versions(plan: Plan) -> list[tuple]:
    return [
        (
            v.number,
            v.status,
            v.reason_category,
            v.reason,
            v.based_on.number if v.based_on else None,
            v.needs_lbf,
        )
        for v in PlanVersion.objects.filter(plan=plan).select_related("based_on").order_by("number")
    ]


def signoffs(plan: Plan) -> list[tuple]:
    return sorted(
        (
            s.version.number,
            s.party,
            s.organisation.short_name if s.organisation else "",
            s.decision,
            s.body,
            str(s.decided_on),
            s.comment,
            s.outside_app,
        )
        for s in Signoff.objects.filter(version__plan=plan).select_related("version", "organisation")
    )


def readable(rows) -> list[tuple]:
    return [(r.section, r.part_title, r.object_label, r.kind, r.field_label, r.old, r.new) for r in rows]


def test_every_version_survives_the_round_trip(three_versions):
    source = three_versions
    assert [v[:2] for v in versions(source)] == [(1, "superseded"), (2, "approved"), (3, "submitted")]
    text = export_plan(source, personal_data=True)
    assert "approved_version" not in parse(text)

    copy = import_plan(as_copy(text))

    assert versions(copy) == versions(source)
    assert signoffs(copy) == signoffs(source)
    board = Signoff.objects.get(version__plan=copy, version__number=3, party=Signoff.Party.BOARD)
    assert "version 3" in board.evidence_reference and not board.evidence  # the PDF stays where it was stored
    first, second = (PlanVersion.objects.get(plan=p, number=1) for p in (source, copy))
    assert second.submitted_at == first.submitted_at
    for version in PlanVersion.objects.filter(plan=copy):
        stored = PlanVersion.objects.get(plan=source, number=version.number)
        assert version.carried_sha256 == stored.sha256
        assert version.section_hashes == section_hashes(snapshot_of(version))
    # What changed since the approved version (version 3's change) reads the same on both plans…
    source_changes = readable(changes_since_approved(source).rows)
    assert source_changes and readable(changes_since_approved(copy).rows) == source_changes
    # …as does what version 2 changed from version 1.
    v1, v2 = (PlanVersion.objects.get(plan=source, number=n) for n in (1, 2))
    c1, c2 = (PlanVersion.objects.get(plan=copy, number=n) for n in (1, 2))
    assert readable(change_rows(copy, snapshot_of(c1), snapshot_of(c2))) == readable(
        change_rows(source, snapshot_of(v1), snapshot_of(v2))
    )
    # "Kræver opmærksomhed" reads the fingerprint, refreshed by the import.
    assert AgreementFingerprint.objects.get(plan=copy).sections == section_hashes(build_snapshot(copy))


def test_with_the_live_plan_as_the_approved_version_nothing_awaits_approval(amager_plan, personas):
    second = submit_version(amager_plan, personas.coordinator, category="other")
    approve_all(second, personas.coordinator)
    assert changes_since_approved(amager_plan).rows == []

    copy = import_plan(as_copy(export_plan(amager_plan, personal_data=True)))

    assert changes_since_approved(copy).rows == []
    assert [v[:2] for v in versions(copy)] == [(1, "superseded"), (2, "approved")]


def test_a_changed_snapshot_is_refused_with_a_danish_message_and_nothing_is_imported(three_versions):
    data = as_copy(export_plan(three_versions, personal_data=True))
    snapshot = data["versions"][1]["snapshot"]
    data["versions"][1]["snapshot"] = snapshot.replace("a", "e", 1)  # one character changed
    count = PlanVersion.objects.count()

    with translation.override("da"), pytest.raises(PlanFileError) as refusal:
        import_plan(data)

    assert refusal.value.messages == [
        "versions[1].snapshot: snapshottet passer ikke med sin SHA-256: filen er ændret, siden den blev eksporteret"
    ]
    assert not Plan.objects.filter(slug=COPY).exists()
    assert PlanVersion.objects.count() == count


def test_the_carried_versions_hold_no_contact_data(three_versions):
    contacts = Contact.objects.filter(preparedness_plan__plan=three_versions)
    personal = {value for c in contacts for value in (c.name, c.phone, c.email) if value}
    assert personal
    data = parse(export_plan(three_versions, personal_data=True))
    carried = str(data["versions"]) + str(data["carried_ids"])
    assert not [value for value in personal if value in carried]
    text = export_plan(three_versions, personal_data=False)
    assert not [value for value in personal if value in text]


def test_the_version_page_shows_the_carried_hash(three_versions, personas):
    copy = import_plan(as_copy(export_plan(three_versions, personal_data=True)))
    coordinator = Membership.objects.get(user=personas.coordinator, plan=three_versions)
    MembershipFactory(
        user=personas.coordinator, plan=copy, organisation=coordinator.organisation, role="coordinator"
    )
    version = PlanVersion.objects.get(plan=copy, number=2)
    with translation.override("da"):
        response = client_for(personas.coordinator).get(
            reverse("versions:detail", kwargs={"plan": copy.slug, "number": 2})
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "SHA-256 i den oprindelige installation" in page and version.carried_sha256 in page
    assert version.carried_sha256 != version.sha256
    made_here = client_for(personas.coordinator).get(
        reverse("versions:detail", kwargs={"plan": three_versions.slug, "number": 2})
    )
    assert 'id="carried-sha256"' not in made_here.content.decode()
