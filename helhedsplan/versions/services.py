"""Every write of plan versions: submitting a version, recording a party's decision, and what follows from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.core.services import file_delete_after_commit, record_actor
from helhedsplan.documents.files import sha256_of
from helhedsplan.plans.changes import plan_changed
from helhedsplan.plans.models import LANDSBYGGEFONDEN, Organisation, Plan, confirmed_affiliations
from helhedsplan.plans.rules import membership_for

from . import signals
from .diff import diff
from .models import AgreementFingerprint, PlanVersion, Signoff
from .snapshot import build_snapshot, canonical_bytes, section_hashes, sha256_hex
from .summary import changed_sections, label_fields, sections_needing_lbf


def _send(signal, **kwargs) -> None:
    """Announce an event after the commit. What a plan file's import records (no actor: a decision taken long
    ago, written down now) is not an event, and nobody is mailed about it."""
    if kwargs.get("actor") is None:
        return
    transaction.on_commit(lambda: signal.send(sender=PlanVersion, **kwargs))


def required_parties(plan: Plan, *, needs_lbf: bool) -> list[tuple[str, Organisation | None]]:
    """Who signs a version of ``plan``: the kommune (the party named as the plan's municipality, e.g. Københavns
    Kommune; a plan without one: each of its municipal administrations), each housing organisation among its
    parties, the plan's bestyrelse, and Landsbyggefonden last when the change needs its approval."""
    organisations = list(plan.organisations.order_by("short_name"))
    lbf = next((o for o in organisations if o.short_name == LANDSBYGGEFONDEN), None)
    kommune = [o for o in organisations if plan.municipality and o.name == plan.municipality] or [
        o for o in organisations if o.kind == Organisation.Kind.MUNICIPAL_ADMINISTRATION
    ]
    parties: list[tuple[str, Organisation | None]] = [(Signoff.Party.MUNICIPALITY, o) for o in kommune]
    parties += [
        (Signoff.Party.HOUSING, o)
        for o in organisations
        if o.kind == Organisation.Kind.HOUSING_ASSOCIATION and o not in kommune
    ]
    parties.append((Signoff.Party.BOARD, None))
    if needs_lbf:
        if lbf is None:
            raise ValidationError(
                _(
                    "The change needs Landsbyggefonden's approval, and Landsbyggefonden is not a party to the plan."
                )
            )
        parties.append((Signoff.Party.LBF, lbf))
    return parties


@transaction.atomic
def version_submit(
    *,
    plan: Plan,
    reason_category: str,
    reason: str,
    actor: Any,
    recorded_outside_app: bool = False,
    is_example: bool = False,
) -> PlanVersion:
    """Freeze the plan's agreement as its next version, awaiting the sign-off of every required party.

    Refused when a version awaits its sign-offs already, and when nothing differs from the approved version.
    The required parties are fixed now, as sign-offs awaiting a decision; Landsbyggefonden is among them when a
    section the funding period's template names (``changes_needing_lbf``) differs from the approved version
    (the first version: always)."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one submission at a time per plan
    versions = PlanVersion.objects.of_plan(plan)
    if versions.filter(status=PlanVersion.Status.SUBMITTED).exists():
        raise ValidationError(_("A version of the plan is already awaiting its sign-offs."))
    approved = versions.filter(status=PlanVersion.Status.APPROVED).first()
    snapshot = build_snapshot(plan)
    content = canonical_bytes(snapshot)
    if approved is not None:
        changes = diff(approved_snapshot(approved), snapshot, label_fields=label_fields())
        if not changes:
            raise ValidationError(
                _("Nothing has changed since the approved version %(number)s: there is nothing to submit.")
                % {"number": approved.number}
            )
        needs_lbf = bool(changed_sections(changes) & sections_needing_lbf(plan))
    else:
        needs_lbf = True
    last = versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion(
        plan=plan,
        number=last + 1,
        reason_category=reason_category,
        reason=reason,
        based_on=approved,
        snapshot=content.decode("utf-8"),
        sha256=sha256_hex(content),
        needs_lbf=needs_lbf,
        submitted_by=actor,
        recorded_outside_app=recorded_outside_app,
        is_example=is_example,
    )
    version.full_clean()
    record_actor(version, actor)
    version.save()
    for party, organisation in required_parties(plan, needs_lbf=needs_lbf):
        signoff = Signoff(version=version, party=party, organisation=organisation, is_example=is_example)
        record_actor(signoff, actor)
        signoff.save()
    _send(signals.version_submitted, version=version, actor=actor)
    return version


def approved_snapshot(version: PlanVersion) -> dict[str, Any]:
    import json

    return json.loads(version.snapshot)


def may_sign(user: Any, signoff: Signoff) -> bool:
    """Whether ``user`` signs for the signoff's organisation in the app: a member of the plan holding "signs
    for the organisation" for that organisation, with their affiliation with it confirmed (now, not only when
    the right was granted). Nobody signs for the bestyrelse in the app: a coordinator records its decision."""
    if signoff.organisation_id is None:
        return False
    membership = membership_for(user, signoff.version)
    if membership is None or membership.pk is None or not membership.signs_for_organisation:
        return False
    if membership.organisation_id != signoff.organisation_id:
        return False
    return confirmed_affiliations(user).filter(organisation_id=signoff.organisation_id).exists()


def may_record(user: Any, version: PlanVersion) -> bool:
    """Whether ``user`` records decisions taken outside the app: a coordinator of the plan."""
    return bool(user.has_perm("plan.manage", version.plan))


def _refuse_out_of_turn(signoff: Signoff) -> None:
    version = signoff.version
    if version.status != PlanVersion.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted version awaiting its sign-offs can be signed."))
    if signoff.is_decided:
        raise ValidationError(_("This party has already signed this version."))
    if signoff.party == Signoff.Party.LBF:
        waiting = version.signoffs.exclude(pk=signoff.pk).filter(decision=Signoff.Decision.AWAITING)
        if waiting.exists():
            raise ValidationError(_("Landsbyggefonden signs last, after every local party has decided."))


@transaction.atomic
def signoff_decide(
    *,
    signoff: Signoff,
    decision: str,
    body: str,
    decided_on: Any,
    evidence: FieldFile | Any = None,
    evidence_reference: str = "",
    comment: str = "",
    outside_app: bool = False,
    is_example: bool = False,
    actor: Any,
) -> Signoff:
    """Record one party's decision on a submitted version, then move the version: one rejection rejects it;
    every party approving approves it and supersedes the version approved before.

    In the app (``outside_app`` False) only a holder of "signs for the organisation" for the party's
    organisation decides; a coordinator records a decision taken outside the app (always so for the plan's
    bestyrelse), with its minutes or letter as evidence."""
    signoff = Signoff.objects.select_for_update().select_related("version__plan").get(pk=signoff.pk)
    PlanVersion.objects.select_for_update().filter(pk=signoff.version_id).first()
    if actor is not None:
        allowed = may_record(actor, signoff.version) if outside_app else may_sign(actor, signoff)
        if not allowed:
            raise ValidationError(_("You may not record this party's decision."))
    if decision == Signoff.Decision.AWAITING:
        raise ValidationError({"decision": _("Choose the decision.")})
    _refuse_out_of_turn(signoff)
    signoff.decision = decision
    signoff.body = body
    signoff.decided_on = decided_on
    if evidence:
        signoff.evidence = evidence
        # The evidence is kept with its hash, which every download checks (``views.EvidenceView``).
        signoff.evidence_sha256 = sha256_of(evidence)
    signoff.evidence_reference = evidence_reference
    signoff.comment = comment
    signoff.outside_app = outside_app
    signoff.is_example = signoff.is_example or is_example
    signoff.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    signoff.recorded_at = timezone.now()
    signoff.full_clean()
    record_actor(signoff, actor)
    signoff.save()
    _settle(signoff.version, actor)
    _send(signals.signature_given, signoff=signoff, actor=actor)
    return signoff


def _settle(version: PlanVersion, actor: Any) -> None:
    decisions = list(version.signoffs.values_list("decision", flat=True))
    if Signoff.Decision.REJECTED in decisions:
        status = PlanVersion.Status.REJECTED
    elif Signoff.Decision.AWAITING in decisions:
        return
    else:
        status = PlanVersion.Status.APPROVED
        previous = PlanVersion.objects.filter(
            plan_id=version.plan_id, status=PlanVersion.Status.APPROVED
        ).first()
        if previous is not None:
            previous.status = PlanVersion.Status.SUPERSEDED
            record_actor(previous, actor)
            previous.save()
    version.status = status
    version.decided_at = timezone.now()
    record_actor(version, actor)
    version.save()


@transaction.atomic
def agreement_fingerprint_refresh(*, plan: Plan) -> AgreementFingerprint:
    """Store the live plan's SHA-256 per section (one query per part of the snapshot, and one to write). No
    actor: it records no one's act, only what the plan's rows hold now (``versions.tasks``)."""
    fingerprint, _created = AgreementFingerprint.objects.update_or_create(
        plan=plan,
        defaults={"sections": section_hashes(build_snapshot(plan)), "computed_at": timezone.now()},
    )
    return fingerprint


#: The statuses of a version the parties agreed on (a superseded one was approved until a later one was).
AGREED = (PlanVersion.Status.APPROVED, PlanVersion.Status.SUPERSEDED)


@transaction.atomic
def plan_versions_discard_for_replace(*, plan: Plan) -> None:
    """Before ``import_plan --replace`` deletes ``plan``: its versions never approved (awaiting their sign-offs,
    or rejected) and their sign-offs go with it, their evidence files once committed. Refused for a plan with an
    approved version, as for one with submitted reports: what the parties signed is never replaced. The only
    path that removes a version; the models' own ``delete()`` refuse every other."""
    versions = PlanVersion._base_manager.filter(plan=plan)
    if versions.filter(status__in=AGREED).exists():
        raise ValidationError(
            _("The plan %(slug)s cannot be replaced: it has an approved version, which is kept unchanged.")
            % {"slug": plan.slug}
        )
    signoffs = Signoff._base_manager.filter(version__plan=plan)
    stored = [(s.evidence.storage, s.evidence.name) for s in signoffs.exclude(evidence="")]
    signoffs.delete()
    versions.delete()
    for storage, name in stored:
        file_delete_after_commit(storage, name)


def signoff_record_board_decision(
    *, version_id: int, body: str, decided_on: Any, minutes: FieldFile | None, reference: str, actor: Any
) -> Signoff | None:
    """The bestyrelse's sign-off, recorded from its decision approving the version (``governance``, through
    ``plans.signals.version_approved_by_board``): the meeting's date, its minutes copied as the evidence (the
    meeting's file may be replaced later; a sign-off never changes), where the decision is documented. Only while
    the version awaits the bestyrelse: a decision about a version already decided (Amager's version 1, approved
    in 2021) or whose bestyrelse's decision is recorded only links the version."""
    signoff = Signoff.objects.filter(
        version_id=version_id,
        party=Signoff.Party.BOARD,
        decision=Signoff.Decision.AWAITING,
        version__status=PlanVersion.Status.SUBMITTED,
    ).first()
    if signoff is None:
        return None
    evidence = None
    if minutes:
        with minutes.open("rb") as stored:
            evidence = ContentFile(stored.read(), name="referat.pdf")
    return signoff_decide(
        signoff=signoff,
        decision=Signoff.Decision.APPROVED,
        body=body,
        decided_on=decided_on,
        evidence=evidence,
        evidence_reference=reference,
        outside_app=True,
        actor=actor,
    )


def _on_board_approval(sender: Any, **kwargs: Any) -> None:
    signoff_record_board_decision(
        version_id=kwargs["version_id"],
        body=kwargs["body"],
        decided_on=kwargs["decided_on"],
        minutes=kwargs["minutes"],
        reference=kwargs["reference"],
        actor=kwargs["actor"],
    )


@dataclass(frozen=True)
class CarriedSignoffData:
    """A carried sign-off's decision (``version_carry_in``)."""

    party: str
    organisation: Organisation | None
    decision: str
    body: str = ""
    decided_on: Any = None
    evidence_reference: str = ""
    comment: str = ""
    outside_app: bool = False
    is_example: bool = False


@transaction.atomic
def version_carry_in(
    *,
    plan: Plan,
    number: int,
    status: str,
    reason_category: str,
    reason: str,
    based_on: PlanVersion | None,
    snapshot: dict[str, Any],
    carried_sha256: str,
    submitted_at: Any,
    decided_at: Any,
    needs_lbf: bool,
    recorded_outside_app: bool,
    is_example: bool,
    signoffs: list[CarriedSignoffData],
    actor: Any,
) -> PlanVersion:
    """Record a version carried in a plan file from another installation, with its final status and its
    sign-offs as decided there: ``snapshot`` is already in this database's ids (``versions.carry.translate``),
    its hash is computed here, and ``carried_sha256`` keeps the hash of the bytes the file carried. Its
    submission time is the carried one (set right after creation: the field is stamped on insert)."""
    content = canonical_bytes(snapshot)
    version = PlanVersion(
        plan=plan,
        number=number,
        status=status,
        reason_category=reason_category,
        reason=reason,
        based_on=based_on,
        snapshot=content.decode("utf-8"),
        sha256=sha256_hex(content),
        carried_sha256=carried_sha256,
        needs_lbf=needs_lbf,
        decided_at=decided_at,
        recorded_outside_app=recorded_outside_app,
        is_example=is_example,
    )
    version.full_clean()
    record_actor(version, actor)
    version.save()
    PlanVersion.objects.filter(pk=version.pk).update(submitted_at=submitted_at)
    plan_changed(plan.pk)
    version.submitted_at = submitted_at
    for row in signoffs:
        signoff = Signoff(
            version=version,
            party=row.party,
            organisation=row.organisation,
            decision=row.decision,
            body=row.body,
            decided_on=row.decided_on,
            evidence_reference=row.evidence_reference,
            comment=row.comment,
            outside_app=row.outside_app,
            is_example=row.is_example,
            recorded_at=decided_at if row.decision != Signoff.Decision.AWAITING else None,
        )
        signoff.full_clean()
        record_actor(signoff, actor)
        signoff.save()
    return version
