"""The demo: the Amager plan from its plan file, and four logins to try it with.

Made by ``manage.py setup_demo``, never by a migration: a real installation must not get known passwords.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from helhedsplan.plans.models import Affiliation, Membership, Organisation, OrganisationGrant, Plan
from helhedsplan.plans.services import affiliation_set_up, membership_create, membership_update

from .importer import import_plan

AMAGER_FILE = Path(settings.BASE_DIR) / "data" / "amager-2022-2025.yaml"
AMAGER_SLUG = "amager-2022-2025"
DEMO_PASSWORD = "amager2022"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # a Membership.Role value
    organisation: str  # short name
    superuser: bool = False
    #: One of the organisation's administrators (confirms its people and its parties to plans).
    administrator: bool = False
    #: Keeps the plan's accounts (``Membership.keeps_accounts``): enters the budget's actual spend.
    keeps_accounts: bool = False


DEMO_LOGINS = (
    DemoLogin("admin", Membership.Role.COORDINATOR, "TMF", superuser=True),
    DemoLogin("kommune", Membership.Role.COORDINATOR, "TMF"),
    # The lead housing organisation's secretariat keeps the plan's accounts, as in practice.
    DemoLogin("boligorg", Membership.Role.EDITOR, "3B", keeps_accounts=True),
    DemoLogin("lbf", Membership.Role.REVIEWER, "LBF", administrator=True),
)


def ensure_amager_plan() -> tuple[Plan, bool]:
    """The Amager plan, imported from its file when no plan has its slug. Returns (plan, imported)."""
    plan = Plan.objects.filter(slug=AMAGER_SLUG).first()
    if plan is not None:
        return plan, False
    return import_plan(AMAGER_FILE), True


@transaction.atomic
def ensure_demo_logins(plan: Plan) -> list[tuple[DemoLogin, bool]]:
    """Create each demo login that is missing, as a member of ``plan``; returns (login, created) pairs.

    An existing user keeps its password and other settings; only a missing membership is added.
    """
    user_model = get_user_model()
    result = []
    for login in DEMO_LOGINS:
        user = user_model.objects.filter(username=login.username).first()
        created = user is None
        if created:
            user = user_model(
                username=login.username,
                email=f"{login.username}@example.org",
                is_staff=login.superuser,
                is_superuser=login.superuser,
            )
            # A known demo password on purpose; the password validators guard real users' choices.
            user.set_password(DEMO_PASSWORD)
            user.save()
        # The demo's people are confirmed by their organisations (a reviewer for LBF needs it), and the lbf
        # login is Landsbyggefonden's administrator.
        organisation = Organisation.objects.get(short_name=login.organisation)
        if created or not Affiliation.objects.filter(user=user, organisation=organisation).exists():
            affiliation_set_up(
                user=user, organisation=organisation, is_administrator=login.administrator, actor=None
            )
        membership = Membership.objects.filter(user=user, plan=plan).first()
        if membership is None:
            membership_create(
                plan=plan,
                data={
                    "user": user,
                    "role": login.role,
                    "organisation": Organisation.objects.get(short_name=login.organisation),
                    "keeps_accounts": login.keeps_accounts,
                },
                actor=None,
            )
        elif login.keeps_accounts and not membership.keeps_accounts:
            membership_update(
                membership=membership,
                data={"keeps_accounts": True},
                expected_lock_version=membership.lock_version,
                actor=None,
            )
        result.append((login, created))
    return result


@transaction.atomic
def ensure_demo_grant() -> bool:
    """Landsbyggefonden's reviewers (the ``lbf`` login) read every plan LBF is a party to, through an
    organisation-wide grant: ``lbf`` opens the portfolio. Returns whether it added ``lbf`` to the grant."""
    user = get_user_model().objects.filter(username="lbf").first()
    if user is None:
        return False
    grant, _created = OrganisationGrant.objects.get_or_create(
        organisation=Organisation.objects.get(short_name="LBF"), role=OrganisationGrant.Role.REVIEWER
    )
    if grant.users.filter(pk=user.pk).exists():
        return False
    grant.users.add(user)
    return True


#: The demo's change to the strategic agreement, awaiting Landsbyggefonden (version 2): an example key figure's
#: target, raised. The key figure and its target are examples already (the plan file says so).
DEMO_CHANGED_KEY_FIGURE = "Andel 18-64-årige i beskæftigelse"
DEMO_NEW_TARGET = Decimal("62.0")


def _example_pdf(title: str) -> ContentFile:
    """A one-page PDF that says it is an example, as the demo's minutes (WeasyPrint, as every PDF here)."""
    from weasyprint import HTML

    html = f"<h1>Eksempel</h1><p>{title}</p><p>Dette dokument er et eksempel lavet til demoen.</p>"
    return ContentFile(HTML(string=html).write_pdf(), name="eksempel-referat.pdf")


@transaction.atomic
def ensure_demo_versions(plan: Plan) -> bool:
    """Version 2 of the demo: an example change to a key figure's target in the strategic agreement, submitted
    by the ``kommune`` coordinator, decided by every local party outside the app (example minutes, marked), and
    awaiting Landsbyggefonden — whose ``lbf`` login signs for it. Made once; returns whether it was made now."""
    from helhedsplan.goals.models import Indicator
    from helhedsplan.goals.services import indicator_update
    from helhedsplan.versions.models import PlanVersion, Signoff
    from helhedsplan.versions.services import signoff_decide, version_submit

    lbf = Membership.objects.filter(plan=plan, user__username="lbf").first()
    if lbf is not None and not lbf.signs_for_organisation:
        # The lbf login is confirmed by Landsbyggefonden: it signs for it.
        membership_update(
            membership=lbf,
            data={"signs_for_organisation": True},
            expected_lock_version=lbf.lock_version,
            actor=None,
        )
    if PlanVersion.objects.filter(plan=plan, number__gt=1).exists():
        return False
    coordinator = get_user_model().objects.filter(username="kommune").first()
    key_figure = Indicator.objects.filter(plan=plan, name=DEMO_CHANGED_KEY_FIGURE, is_example=True).first()
    if coordinator is None or key_figure is None:
        return False
    indicator_update(
        indicator=key_figure,
        data={"target_value": DEMO_NEW_TARGET},
        expected_lock_version=key_figure.lock_version,
        actor=coordinator,
    )
    version = version_submit(
        plan=plan,
        reason_category=PlanVersion.Reason.TARGETS,
        reason=(
            "Eksempel: målet for andelen af 18-64-årige i beskæftigelse hæves fra 60 til 62 pct., da udviklingen "
            "har været bedre end ventet."
        ),
        actor=coordinator,
        is_example=True,
    )
    for signoff in version.signoffs.exclude(party=Signoff.Party.LBF).select_related("organisation"):
        who = signoff.organisation.name if signoff.organisation else "Helhedsplanens bestyrelse"
        signoff_decide(
            signoff=signoff,
            decision=Signoff.Decision.APPROVED,
            body="Eksempel: " + ("Teknik- og Miljøudvalget" if signoff.party == "municipality" else who),
            decided_on=None,
            evidence=_example_pdf(f"Referat: {who} godkender version {version.number}."),
            evidence_reference="Eksempel: referatet er lavet til demoen.",
            comment="",
            outside_app=True,
            is_example=True,
            actor=coordinator,
        )
    return True
