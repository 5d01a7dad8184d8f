"""The versions' pages as each role meets them: the list, a version, what changed, the banner, submitting and
recording a decision — with the queries they read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.agreements.models import StrategicGoal, SubAgreement
from helhedsplan.versions.models import AgreementFingerprint, PlanVersion, Signoff
from helhedsplan.versions.services import agreement_fingerprint_refresh
from tests.versions.factories import evidence, make_signer, submit_version
from tests.versions.test_signoff import approve_all
from tests.world import client_for

pytestmark = pytest.mark.django_db


def url(plan, name, **kwargs):
    return reverse(f"versions:{name}", kwargs={"plan": plan.slug, **kwargs})


@pytest.fixture
def approved(amager_plan):
    """Version 1, approved outside the app (from the plan file)."""
    return PlanVersion.objects.get(plan=amager_plan, number=1)


@pytest.fixture
def approved_in_the_app(amager_plan, personas):
    """Version 2, approved by every party in the app (the bestyrelse's decision recorded with its PDF)."""
    version = submit_version(amager_plan, personas.coordinator, category="other")
    approve_all(version, personas.coordinator)
    return version


def change_a_strategic_goal(plan) -> StrategicGoal:
    goal = StrategicGoal.objects.in_plan(plan).order_by("pk").first()
    StrategicGoal.objects.filter(pk=goal.pk).update(text=goal.text + " Mindst 80 pct.")
    return goal


def test_the_banner_shows_a_change_needing_lbf_and_only_then(amager_plan, personas, approved_in_the_app):
    client = client_for(personas.reviewer)
    agreement_fingerprint_refresh(plan=amager_plan)
    assert "version-banner" not in client.get(url(amager_plan, "banner")).content.decode()
    SubAgreement.objects.in_plan(amager_plan).filter(
        pk=SubAgreement.objects.in_plan(amager_plan).order_by("pk").first().pk
    ).update(purpose="Et nyt formål.")
    # What the task does after the commit of a change (a queryset's update sends no signal to enqueue it).
    agreement_fingerprint_refresh(plan=amager_plan)
    assert "version-banner" not in client.get(url(amager_plan, "banner")).content.decode()  # the board's part
    change_a_strategic_goal(amager_plan)
    agreement_fingerprint_refresh(plan=amager_plan)
    page = client.get(url(amager_plan, "banner")).content.decode()
    assert "version-banner" in page and "godkendt version 2" in page


def test_the_banner_reads_the_fingerprint_not_the_live_plan(
    amager_plan, personas, approved_in_the_app, django_assert_max_num_queries
):
    """Two queries of its own (the approved version's hashes, the fingerprint): no snapshot is built."""
    agreement_fingerprint_refresh(plan=amager_plan)
    change_a_strategic_goal(amager_plan)
    agreement_fingerprint_refresh(plan=amager_plan)
    client = client_for(personas.reviewer)
    client.get(url(amager_plan, "banner"))  # the session's and the plan's first reads
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url(amager_plan, "banner")).content.decode()
    assert "version-banner" in page
    own = [q["sql"] for q in queries.captured_queries if "versions_" in q["sql"]]
    assert len(own) == 2, own
    assert not any("strategicgoal" in q["sql"] for q in queries.captured_queries)
    # The page as a whole: the kit's reads of the plan and the user, and the banner's two.
    with django_assert_max_num_queries(len(queries.captured_queries)):
        client.get(url(amager_plan, "banner"))


def test_the_banner_without_a_fingerprint_yet_reads_the_live_plan_once(
    amager_plan, personas, approved_in_the_app
):
    change_a_strategic_goal(amager_plan)
    AgreementFingerprint.objects.filter(plan=amager_plan).delete()
    page = client_for(personas.reviewer).get(url(amager_plan, "banner")).content.decode()
    assert "version-banner" in page


def test_the_banner_goes_once_the_change_is_approved(amager_plan, personas, approved_in_the_app):
    change_a_strategic_goal(amager_plan)
    agreement_fingerprint_refresh(plan=amager_plan)
    client = client_for(personas.reviewer)
    assert "version-banner" in client.get(url(amager_plan, "banner")).content.decode()
    version = submit_version(amager_plan, personas.coordinator, category="targets", change=False)
    approve_all(version, personas.coordinator)
    page = client.get(url(amager_plan, "banner")).content.decode()
    assert "version-banner" not in page


def test_every_plan_page_loads_the_banner(amager_plan, personas):
    page = client_for(personas.editor).get(reverse("overview:dashboard", kwargs={"plan": amager_plan.slug}))
    assert url(amager_plan, "banner") in page.content.decode()


def test_changes_since_the_approved_version_name_section_object_field_and_words(
    amager_plan, personas, approved
):
    goal = change_a_strategic_goal(amager_plan)
    page = client_for(personas.reviewer).get(url(amager_plan, "changes")).content.decode()
    assert "Ændringer siden godkendt version 1" in page
    assert "Strategisk samarbejdsaftale" in page and "needs-lbf" in page
    assert "<ins>Mindst 80 pct.</ins>" in page or "Mindst 80 pct." in page
    assert goal.text[:20] in page


def test_the_list_shows_status_signatures_and_hash(
    amager_plan, personas, approved, django_assert_num_queries
):
    client = client_for(personas.reviewer)
    client.get(url(amager_plan, "list"))  # the session and the user's membership are warm after a first page
    with django_assert_num_queries(6):
        # 1 the session, 2 the user, 3 the user's membership with its plan and organisation (access), 4 the
        # membership's delaftale limits, 5 the versions with their plan and submitter, 6 their sign-offs with
        # their organisations — however many versions and sign-offs.
        page = client.get(url(amager_plan, "list")).content.decode()
    assert approved.sha256 in page and 'data-status="approved"' in page
    assert "KK: godkendt" in page


def test_a_version_page_shows_its_document_and_signoffs(
    amager_plan, personas, approved_in_the_app, django_assert_num_queries
):
    approved = approved_in_the_app
    client = client_for(personas.reviewer)
    client.get(url(amager_plan, "list"))
    with django_assert_num_queries(7):
        # 1 the session, 2 the user, 3 the membership with its plan, 4 its delaftale limits, 5 the version with
        # its plan, period, submitter and base, 6 its sign-offs with organisations and recorders, 7 the
        # organisations' names the document shows — the document itself is read from the stored snapshot.
        page = client.get(url(amager_plan, "detail", number=2)).content.decode()
    assert approved.sha256 in page
    assert "Strategisk samarbejdsaftale" in page and "Delaftaler" in page
    # The board's decision was recorded outside the app with its PDF.
    assert "besluttet uden for systemet" in page
    board = approved.signoffs.get(party=Signoff.Party.BOARD)
    assert url(amager_plan, "evidence", number=2, pk=board.pk) in page
    # The version's PDF.
    response = client_for(personas.reviewer).get(url(amager_plan, "pdf", number=2))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    # Read back, the file says what it is: submitted when and by whom, and as of when its status is told.
    from tests.reports.test_lbf_reports import pdf_text

    text = " ".join(pdf_text(response.content).split())
    submitter = approved.submitted_by.get_full_name() or approved.submitted_by.username
    assert f"af {submitter}." in text and "Indsendt " in text
    assert "Status og underskrifter pr. " in text and approved.sha256 in text
    # Version 1 came from the plan file: recorded, not submitted by anyone.
    first = " ".join(pdf_text(client.get(url(amager_plan, "pdf", number=1)).content).split())
    assert "fra planfilen (besluttet uden for systemet)" in first and "Indsendt " not in first


def test_no_contact_name_reaches_a_version_page(amager_plan, personas, approved):
    from helhedsplan.preparedness.models import Contact

    names = [n for n in Contact.objects.in_plan(amager_plan).values_list("name", flat=True) if n]
    page = client_for(personas.coordinator).get(url(amager_plan, "detail", number=1)).content.decode()
    assert names and not any(name in page for name in names)


def test_a_coordinator_submits_a_version_with_its_reason(amager_plan, personas, approved):
    change_a_strategic_goal(amager_plan)
    client = client_for(personas.coordinator)
    response = client.post(
        url(amager_plan, "version_create"), {"reason_category": "targets", "reason": "Målet er skærpet."}
    )
    assert response.status_code == 302
    version = PlanVersion.objects.get(plan=amager_plan, number=2)
    assert version.needs_lbf and version.based_on == approved and version.reason == "Målet er skærpet."


def test_submitting_an_unchanged_plan_is_refused_in_danish(amager_plan, personas, approved):
    response = client_for(personas.coordinator).post(
        url(amager_plan, "version_create"), {"reason_category": "targets", "reason": "Ingenting."}
    )
    assert response.status_code == 200
    assert "Intet er ændret siden den godkendte version 1" in response.content.decode()
    assert PlanVersion.objects.of_plan(amager_plan).count() == 1


def test_a_reason_is_required(amager_plan, personas):
    change_a_strategic_goal(amager_plan)
    response = client_for(personas.coordinator).post(
        url(amager_plan, "version_create"), {"reason_category": "targets", "reason": "  "}
    )
    assert response.status_code == 200 and PlanVersion.objects.of_plan(amager_plan).count() == 1


def test_a_signer_signs_in_the_app_and_a_coordinator_records_outside(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    signer = make_signer(amager_plan, "KK")
    response = client_for(signer).post(
        url(amager_plan, "signoff_update", number=2, pk=kommune.pk),
        {
            "decision": "approved",
            "body": "Teknik- og Miljøudvalget",
            "decided_on": "2026-11-30",
            "comment": "",
        },
    )
    assert response.status_code == 302
    kommune.refresh_from_db()
    assert kommune.decision == "approved" and not kommune.outside_app and kommune.recorded_by == signer

    board = version.signoffs.get(party=Signoff.Party.BOARD)
    address = url(amager_plan, "signoff_update", number=2, pk=board.pk)
    refused = client_for(personas.coordinator).post(
        address, {"decision": "approved", "body": "Bestyrelsen", "decided_on": "", "comment": ""}
    )
    assert refused.status_code == 200  # outside the app: its document is required
    board.refresh_from_db()
    assert not board.is_decided
    response = client_for(personas.coordinator).post(
        address,
        {
            "decision": "approved",
            "body": "Bestyrelsen",
            "decided_on": "",
            "comment": "",
            "evidence": evidence(),
        },
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.outside_app and board.decided_on is None and board.evidence


def test_evidence_that_is_not_a_pdf_is_refused_in_danish(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    board = version.signoffs.get(party=Signoff.Party.BOARD)
    response = client_for(personas.coordinator).post(
        url(amager_plan, "signoff_update", number=2, pk=board.pk),
        {
            "decision": "approved",
            "body": "Bestyrelsen",
            "decided_on": "2026-11-30",
            "comment": "",
            "evidence": evidence("referat.pdf", b"GIF89a not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "ikke en PDF" in response.content.decode()
    board.refresh_from_db()
    assert not board.is_decided


def test_a_signer_cannot_sign_for_another_organisation_on_the_page(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    other = make_signer(amager_plan, "3B")
    address = url(amager_plan, "signoff_update", number=2, pk=kommune.pk)
    assert client_for(other).get(address).status_code == 403
    assert client_for(other).post(address, {"decision": "approved"}).status_code == 403
    kommune.refresh_from_db()
    assert not kommune.is_decided


def test_a_version_of_another_number_is_not_found(amager_plan, personas):
    assert client_for(personas.coordinator).get(url(amager_plan, "detail", number=9)).status_code == 404
    assert client_for(personas.coordinator).get(url(amager_plan, "pdf", number=9)).status_code == 404


def test_a_coordinator_grants_signing_only_to_a_person_the_organisation_confirmed(amager_plan, personas):
    from helhedsplan.plans.models import Membership
    from tests.plans.factories import AffiliationFactory

    membership = Membership.objects.get(plan=amager_plan, user=personas.editor)
    address = reverse("member_update", kwargs={"plan": amager_plan.slug, "pk": membership.pk})
    data = {
        "organisation": membership.organisation_id,
        "role": membership.role,
        "signs_for_organisation": "on",
        "lock_version": membership.lock_version,
    }
    client = client_for(personas.coordinator)
    membership.user.affiliations.filter(organisation=membership.organisation).delete()
    refused = client.post(address, data)
    assert refused.status_code == 200
    assert "ingen bekræftet tilknytning" in refused.content.decode()
    membership.refresh_from_db()
    assert not membership.signs_for_organisation

    AffiliationFactory(user=membership.user, organisation=membership.organisation)
    assert client.post(address, data).status_code == 302
    membership.refresh_from_db()
    assert membership.signs_for_organisation


def test_a_signoffs_evidence_is_sent_only_as_recorded(amager_plan, personas, caplog):
    """The minutes recorded with a decision are kept with their SHA-256 and download as uploaded; changed in the
    storage afterwards, they are not sent (the damaged-file page, logged with both hashes)."""
    import hashlib

    from django.core.files.base import ContentFile

    from tests.versions.factories import PDF

    version = submit_version(amager_plan, personas.coordinator)
    board = version.signoffs.get(party=Signoff.Party.BOARD)
    uploaded = PDF + b"% referat fra bestyrelsesmoedet\n"
    response = client_for(personas.coordinator).post(
        url(amager_plan, "signoff_update", number=2, pk=board.pk),
        {
            "decision": "approved",
            "body": "Bestyrelsen",
            "decided_on": "2026-11-30",
            "comment": "",
            "evidence": evidence("referat.pdf", uploaded),
        },
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.evidence_sha256 == hashlib.sha256(uploaded).hexdigest()
    address = url(amager_plan, "evidence", number=2, pk=board.pk)
    reader = client_for(personas.reviewer)
    assert b"".join(reader.get(address).streaming_content) == uploaded
    # The API names the hash beside the decision (the PDF itself is downloaded on the version's page).
    answer = reader.get(f"/api/plans/{amager_plan.slug}/versions/2").json()
    [board_out] = [s for s in answer["signoffs"] if s["party"] == "board"]
    assert board_out["has_evidence"] and board_out["evidence_sha256"] == board.evidence_sha256

    storage, name = board.evidence.storage, board.evidence.name
    storage.delete(name)
    assert storage.save(name, ContentFile(uploaded + b"% changed\n")) == name
    with caplog.at_level("ERROR", logger="helhedsplan.files"):
        refused = reader.get(address)
    assert refused.status_code == 500
    assert "Filen er beskadiget" in refused.content.decode()
    [record] = [r for r in caplog.records if r.name == "helhedsplan.files"]
    assert board.evidence_sha256 in record.getMessage() and name in record.getMessage()
