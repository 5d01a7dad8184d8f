"""Plan versions for tests: a version made as a coordinator submits one (through the service)."""

from __future__ import annotations

from helhedsplan.plans.models import Plan
from helhedsplan.versions.models import PlanVersion
from helhedsplan.versions.services import version_submit


def change_strategic_goal(plan: Plan, text: str = " (skærpet)") -> None:
    """A change in the strategic agreement (a part that needs Landsbyggefonden's approval): the first strategic
    goal's text gets ``text`` added, past the services as a test may."""
    from helhedsplan.agreements.models import StrategicGoal

    goal = StrategicGoal.objects.in_plan(plan).order_by("pk").first()
    assert goal is not None
    StrategicGoal.objects.filter(pk=goal.pk).update(text=goal.text + text)


def submit_version(
    plan: Plan, actor, *, reason: str = "Et mål er ændret.", category: str = "targets", change: bool = True
) -> PlanVersion:
    """The plan's next version, submitted by ``actor`` — after a change in the strategic agreement (``change``),
    since a plan that has an approved version (Amager's, from its plan file) submits only what changed."""
    if change:
        change_strategic_goal(plan)
    return version_submit(plan=plan, reason_category=category, reason=reason, actor=actor)


def make_signer(plan: Plan, short_name: str, *, role: str = "reviewer", username: str | None = None):
    """A member of ``plan`` for the party ``short_name`` who holds "signs for the organisation", confirmed by
    that organisation as one of its people."""
    from django.contrib.auth import get_user_model

    from tests.plans.factories import AffiliationFactory, MembershipFactory, UserFactory

    organisation = plan.organisations.get(short_name=short_name)
    username = username or f"signer-{short_name.lower()}-{plan.pk}"
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = UserFactory(username=username)
    AffiliationFactory(user=user, organisation=organisation)
    MembershipFactory(user=user, plan=plan, organisation=organisation, role=role, signs_for_organisation=True)
    return user


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def evidence(name: str = "referat.pdf", content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def forget_versions(*plans: Plan) -> None:
    """Test set-up only: ``plans`` as if no version had ever been recorded (a plan file without an approved
    version), for tests of deleting or replacing a plan. No path of the app does this — a stored version is
    never deleted — so the rows are removed below the models' refusals (``_raw_delete``), with their history."""
    from django.db import router

    from helhedsplan.versions.models import Signoff

    for plan in plans:
        using = router.db_for_write(PlanVersion)
        signoffs = Signoff._base_manager.filter(version__plan=plan)
        Signoff.history.model.objects.filter(version_id__in=signoffs.values("version_id")).delete()
        PlanVersion.history.model.objects.filter(plan_id=plan.pk).delete()
        signoffs._raw_delete(using)
        PlanVersion._base_manager.filter(plan=plan)._raw_delete(using)
