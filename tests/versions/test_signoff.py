"""Submitting a version and every party's sign-off: who may, in which order, and what follows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.agreements.models import StrategicGoal, SubAgreement
from helhedsplan.plans.models import Membership
from helhedsplan.versions.models import PlanVersion, Signoff
from helhedsplan.versions.services import signoff_decide
from tests.plans.factories import AffiliationFactory, UserFactory
from tests.versions.factories import evidence, make_signer, submit_version

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)


def sign(signoff, actor, decision="approved", **kwargs):
    return signoff_decide(
        signoff=signoff,
        decision=decision,
        body=kwargs.pop("body", "Bestyrelsen"),
        decided_on=DAY,
        actor=actor,
        **kwargs,
    )


def approve_all(version, coordinator):
    """Every party approves: each organisation through its signer, the bestyrelse recorded by the coordinator."""
    for signoff in version.signoffs.order_by("party"):
        if signoff.party == Signoff.Party.BOARD:
            sign(signoff, coordinator, outside_app=True, evidence=evidence())
        elif signoff.party != Signoff.Party.LBF:
            sign(signoff, make_signer(version.plan, signoff.organisation.short_name))
    lbf = version.signoffs.filter(party=Signoff.Party.LBF).first()
    if lbf is not None:
        sign(lbf, make_signer(version.plan, "LBF", username=f"lbf-signer-{version.number}"))


def test_the_plan_file_records_version_1_as_approved_outside_the_app(amager_plan):
    first = PlanVersion.objects.get(plan=amager_plan)
    assert (first.number, first.status, first.recorded_outside_app) == (1, "approved", True)
    assert first.submitted_by is None
    signoffs = {
        (s.party, s.organisation.short_name if s.organisation else None): s for s in first.signoffs.all()
    }
    kommune = signoffs[("municipality", "KK")]
    assert kommune.body == "Teknik- og Miljøudvalget" and kommune.decided_on is None  # the date is unknown
    assert "punkt 17" in kommune.evidence_reference and not kommune.is_example
    # What no source states is marked as an example: LBF's decision, the board's, Støberigården's estate.
    assert {key for key, s in signoffs.items() if s.is_example} == {
        ("lbf", "LBF"),
        ("board", None),
        ("housing", "VIBO"),
    }


def test_a_change_to_the_strategic_agreement_is_signed_by_kommune_housing_organisations_board_and_lbf(
    amager_plan, personas
):
    version = submit_version(amager_plan, personas.coordinator)
    parties = list(version.signoffs.values_list("party", "organisation__short_name"))
    assert ("municipality", "KK") in parties
    assert sorted(p for p, _ in parties if p == "housing") == ["housing"] * 5
    assert ("board", None) in parties and ("lbf", "LBF") in parties
    assert len(parties) == 8
    approve_all(version, personas.coordinator)
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.APPROVED and version.decided_at is not None
    assert PlanVersion.objects.get(plan=amager_plan, number=1).status == PlanVersion.Status.SUPERSEDED


def test_a_change_to_a_delaftale_needs_the_board_not_lbf(amager_plan, personas):
    first = submit_version(amager_plan, personas.coordinator)
    approve_all(first, personas.coordinator)
    SubAgreement.objects.in_plan(amager_plan).filter(
        pk=SubAgreement.objects.in_plan(amager_plan).first().pk
    ).update(purpose="Et nyt formål.")
    second = submit_version(amager_plan, personas.coordinator, change=False)
    assert not second.needs_lbf
    assert not second.signoffs.filter(party=Signoff.Party.LBF).exists()
    approve_all(second, personas.coordinator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "approved")
    assert second.based_on == first


def test_a_change_to_the_strategic_agreement_needs_lbf(amager_plan, personas):
    first = submit_version(amager_plan, personas.coordinator)
    approve_all(first, personas.coordinator)
    goal = StrategicGoal.objects.in_plan(amager_plan).first()
    StrategicGoal.objects.filter(pk=goal.pk).update(text=goal.text + " (ændret)")
    second = submit_version(amager_plan, personas.coordinator, change=False)
    assert second.needs_lbf and second.signoffs.filter(party=Signoff.Party.LBF).exists()


def test_submitting_a_version_identical_to_the_approved_one_is_refused(amager_plan, personas):
    approve_all(submit_version(amager_plan, personas.coordinator), personas.coordinator)
    with pytest.raises(ValidationError, match="Intet er ændret siden den godkendte version 2"):
        submit_version(amager_plan, personas.coordinator, change=False)
    assert PlanVersion.objects.of_plan(amager_plan).count() == 2


def test_a_second_version_awaiting_sign_off_is_refused(amager_plan, personas):
    submit_version(amager_plan, personas.coordinator)
    with pytest.raises(ValidationError):
        submit_version(amager_plan, personas.coordinator)


def test_lbf_signs_last(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    lbf = version.signoffs.get(party=Signoff.Party.LBF)
    with pytest.raises(ValidationError, match="sidst|last"):
        sign(lbf, make_signer(amager_plan, "LBF"))
    assert not Signoff.objects.get(pk=lbf.pk).is_decided


def test_one_rejection_rejects_the_version_and_needs_a_reason(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    signer = make_signer(amager_plan, "KK")
    with pytest.raises(ValidationError):
        sign(kommune, signer, decision="rejected")
    assert not Signoff.objects.get(pk=kommune.pk).is_decided
    sign(kommune, signer, decision="rejected", comment="Budgettet hænger ikke sammen.")
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.REJECTED
    housing = version.signoffs.filter(party=Signoff.Party.HOUSING).first()
    with pytest.raises(ValidationError):  # a version that is not submitted is not signed
        sign(housing, make_signer(amager_plan, housing.organisation.short_name))


def test_a_party_signs_once(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    signer = make_signer(amager_plan, "KK")
    sign(kommune, signer)
    with pytest.raises(ValidationError):
        sign(kommune, signer, decision="rejected", comment="Fortrudt.")
    assert Signoff.objects.get(pk=kommune.pk).decision == "approved"


@pytest.mark.parametrize(
    "role", ["coordinator", "editor", "limited_editor", "reviewer", "org_reviewer", "other_plan_coordinator"]
)
def test_only_a_holder_of_the_right_signs_for_an_organisation(amager_plan, personas, role):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    with pytest.raises(ValidationError):
        sign(kommune, personas[role])
    assert not Signoff.objects.get(pk=kommune.pk).is_decided


def test_a_signer_of_another_organisation_does_not_sign(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    with pytest.raises(ValidationError):
        sign(kommune, make_signer(amager_plan, "3B"))


def test_a_signer_whose_affiliation_was_revoked_no_longer_signs(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kommune = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
    signer = make_signer(amager_plan, "KK")
    signer.affiliations.update(state="revoked")
    with pytest.raises(ValidationError):
        sign(kommune, signer)


@pytest.mark.parametrize("role", ["editor", "limited_editor", "reviewer", "org_reviewer"])
def test_only_a_coordinator_records_a_decision_taken_outside_the_app(amager_plan, personas, role):
    version = submit_version(amager_plan, personas.coordinator)
    board = version.signoffs.get(party=Signoff.Party.BOARD)
    with pytest.raises(ValidationError):
        sign(board, personas[role], outside_app=True, evidence=evidence())
    sign(board, personas.coordinator, outside_app=True, evidence=evidence())
    assert Signoff.objects.get(pk=board.pk).outside_app


@pytest.mark.parametrize(
    ("name", "content", "size"),
    [
        ("referat.docx", b"%PDF-1.4", None),
        ("referat.pdf", b"PK\x03\x04 not a pdf", None),
        ("referat.pdf", None, 1),
    ],
)
def test_evidence_that_is_not_a_pdf_or_too_large_is_refused(
    amager_plan, personas, settings, name, content, size
):
    if size is not None:
        settings.MINUTES_MAX_UPLOAD_BYTES = size
        content = b"%PDF-1.4 and more"
    version = submit_version(amager_plan, personas.coordinator)
    board = version.signoffs.get(party=Signoff.Party.BOARD)
    with pytest.raises(ValidationError):
        sign(board, personas.coordinator, outside_app=True, evidence=evidence(name, content))
    assert not Signoff.objects.get(pk=board.pk).is_decided


def test_a_decision_outside_the_app_needs_its_evidence(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    board = version.signoffs.get(party=Signoff.Party.BOARD)
    with pytest.raises(ValidationError):
        sign(board, personas.coordinator, outside_app=True)


def test_signs_for_organisation_needs_a_confirmed_affiliation(amager_plan):
    user = UserFactory(username="no-affiliation")
    kk = amager_plan.organisations.get(short_name="KK")
    membership = Membership(
        user=user, plan=amager_plan, organisation=kk, role="editor", signs_for_organisation=True
    )
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    # Every role is held for a confirming organisation (plans.models.AFFILIATION_REQUIRED_ROLES): the membership
    # itself is refused, and the right to sign with it.
    assert {"organisation", "signs_for_organisation"} & set(refused.value.message_dict)
    AffiliationFactory(user=user, organisation=kk)
    membership.full_clean()
