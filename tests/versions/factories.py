"""Plan versions for tests: a version made as a coordinator submits one (through the service)."""

from __future__ import annotations

from helhedsplan.plans.models import Plan
from helhedsplan.versions.models import PlanVersion
from helhedsplan.versions.services import version_submit


def submit_version(
    plan: Plan, actor, *, reason: str = "Et mål er ændret.", category: str = "targets"
) -> PlanVersion:
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
