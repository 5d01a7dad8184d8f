"""The test world's people and probes, in one place: the personas every permission test signs in as, a logged-in
client for any of them, and a snapshot of the database that any write changes.

The fixtures in ``tests/conftest.py`` build these on the Amager plan; a test with a plan of its own calls
``make_personas(plan)``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.apps import apps
from django.db import connection
from django.test import Client

from helhedsplan.plans.models import Membership, Organisation, Plan, PlanContent

#: Every kind of visitor, from the least to the most trusted. "anonymous" is nobody signed in.
ROLES = [
    "anonymous",
    "outsider",
    "other_plan_coordinator",
    "reviewer",
    "limited_editor",
    "editor",
    "coordinator",
]


@dataclass
class Personas:
    """One user per role of a plan: its coordinator, an editor, an editor limited to some delaftaler, a
    reviewer; a signed-in user who is a member of no plan (outsider); the coordinator of another plan, for
    whom this plan does not exist; and a reviewer of every plan of one of the plan's parties, no member of this
    one (org_reviewer: an organisation-wide grant, the same access as "reviewer" everywhere). Both reviewers are
    confirmed by Landsbyggefonden as its people, so they answer reports in its name."""

    coordinator: Any
    editor: Any
    limited_editor: Any
    reviewer: Any
    outsider: Any
    other_plan_coordinator: Any
    org_reviewer: Any

    def __getitem__(self, role: str):
        """The user of ``role`` (a name of ROLES); None for "anonymous"."""
        return None if role == "anonymous" else getattr(self, role)

    def pks(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name).pk for f in fields(self)}


def make_personas(
    plan: Plan,
    *,
    limited_to: list | None = None,
    other_plan: Plan | None = None,
    organisation: Organisation | None = None,
    prefix: str = "",
) -> Personas:
    """A user of every role in ``plan``. The limited editor edits goals only inside ``limited_to`` (default: the
    plan's first delaftale); the other plan's coordinator is a member of ``other_plan`` (default: a new plan).
    The organisation-wide reviewer reads the plan through a grant to Landsbyggefonden (LBF) when it is a party,
    else to a new organisation made a party. Users have no password (tests sign in with ``force_login``, and
    hashing costs time)."""
    from tests.agreements.factories import SubAgreementFactory
    from tests.plans.factories import (
        AffiliationFactory,
        MembershipFactory,
        OrganisationFactory,
        OrganisationGrantFactory,
        PlanFactory,
        UserFactory,
        confirmed_party,
        landsbyggefonden,
    )

    if limited_to is None:
        first = plan.sub_agreements.order_by("pk").first() if hasattr(plan, "sub_agreements") else None
        limited_to = [first or SubAgreementFactory(plan=plan)]

    def member(role: str, membership_role, *, of: Plan = plan, sub_agreements=None):
        user = UserFactory(username=f"{prefix}{role}", password=None)
        membership = MembershipFactory(
            user=user,
            plan=of,
            role=membership_role,
            sub_agreements=sub_agreements or [],
            **({"organisation": organisation} if organisation is not None and of == plan else {}),
        )
        # Every role is held for its organisation, which has confirmed the person (``MembershipFactory``).
        assert membership.organisation.affiliations.filter(user=user, state="confirmed").exists()
        return user

    def org_reviewer():
        party = plan.organisations.filter(short_name="LBF").first()
        if party is None:
            party = OrganisationFactory()
        # The party has confirmed its part in the plan, so its grant covers it; the reviewer is one of its people.
        confirmed_party(plan, party)
        user = UserFactory(username=f"{prefix}org_reviewer", password=None)
        OrganisationGrantFactory(organisation=party, users=[user])
        AffiliationFactory(user=user, organisation=landsbyggefonden())
        return user

    def reviewer():
        # A reviewer answers reports in Landsbyggefonden's name: LBF has confirmed them as one of its people
        # (and the organisation of their membership has too, as the role speaks for it).
        user = member("reviewer", Membership.Role.REVIEWER)
        AffiliationFactory(user=user, organisation=landsbyggefonden())
        return user

    return Personas(
        coordinator=member("coordinator", Membership.Role.COORDINATOR),
        editor=member("editor", Membership.Role.EDITOR),
        limited_editor=member("limited_editor", Membership.Role.EDITOR, sub_agreements=limited_to),
        reviewer=reviewer(),
        outsider=UserFactory(username=f"{prefix}outsider", password=None),
        other_plan_coordinator=member(
            "other_plan_coordinator", Membership.Role.COORDINATOR, of=other_plan or PlanFactory()
        ),
        org_reviewer=org_reviewer(),
    )


def client_for(user) -> Client:
    """A new client signed in as ``user`` (anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _tracked_models() -> list:
    """The plan, every model living in a plan, the memberships, and the many-to-many tables between them (an
    activity's goals, a plan's parties, a membership's delaftaler): what a page inside a plan may write."""
    from helhedsplan.reports.models import Comment, Submission

    models = [Plan, Membership, *(m for m in apps.get_models() if issubclass(m, PlanContent))]
    through = [f.remote_field.through for m in models for f in m._meta.local_many_to_many]
    # A report's submissions and comments are never edited in place: an answer shows in their history rows.
    reports = [Submission, Comment, Submission.history.model, Comment.history.model]
    # Who belongs to which organisation and what it has confirmed (a change of state shows in the history).
    from helhedsplan.plans.models import Affiliation, EmailDomain, OrganisationGrant, PartyConfirmation

    vouching = [
        Affiliation,
        Affiliation.history.model,
        EmailDomain,
        PartyConfirmation,
        OrganisationGrant,
        OrganisationGrant.users.through,
    ]
    # A plan's versions and sign-offs: a decision shows in their history rows.
    from helhedsplan.versions.models import PlanVersion, Signoff

    versions = [PlanVersion, Signoff, PlanVersion.history.model, Signoff.history.model]
    # A spreadsheet's dry run, stored until it is applied (``imports``).
    from helhedsplan.imports.models import ImportPreview

    return models + through + reports + vouching + versions + [ImportPreview]


def snapshot() -> list[tuple]:
    """Row count and summed lock counters of every plan model (and the memberships, and the many-to-many tables
    between them): any write changes it — a create or delete the count, an update the lock counter it raises.
    One query for all tables."""
    parts = []
    for model in _tracked_models():
        table = connection.ops.quote_name(model._meta.db_table)
        has_lock = any(f.name == "lock_version" for f in model._meta.concrete_fields)
        total = "COALESCE(SUM(lock_version), 0)" if has_lock else "0"
        parts.append(f"SELECT '{model._meta.label}', COUNT(*), {total} FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return sorted(tuple(row) for row in cursor.fetchall())


def commit_pending() -> list:
    """Do what a commit would do for the after-commit callbacks waiting in the test's transaction: run them and
    forget them (a test never commits, so they would wait to its end). After it, the next write to a plan
    raises its change counter again, as the first write of a new transaction does (``plans.changes``). A callback that asks for another (a mail's
    retry) has it run too, as after a real commit, where ``on_commit`` outside a transaction runs at once.
    Returns the callbacks that ran."""
    ran: list = []
    for _round in range(100):
        pending = [callback for _savepoints, callback, *_robust in connection.run_on_commit]
        if not pending:
            return ran
        connection.run_on_commit.clear()
        for callback in pending:
            callback()
        ran.extend(pending)
    raise AssertionError("after-commit callbacks keep asking for more")


def limited_to(personas: Personas):
    """The one delaftale the limited editor of ``personas`` edits goals in (on the Amager plan: "Uddannelse og
    livschancer", which has goals, measurements, activities and budget lines)."""
    from helhedsplan.agreements.models import SubAgreement

    return SubAgreement.objects.get(limited_memberships__user=personas.limited_editor)


def sent_mail() -> list:
    """The mails sent so far, as the test outbox holds them once the after-commit callbacks have run (mail goes
    through ``core.mail``: queued in the transaction, sent by a task after the commit, which a test never
    reaches by itself)."""
    from django.core import mail

    commit_pending()
    return mail.outbox
