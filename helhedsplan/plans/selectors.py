"""Reads of the plans app: a plan's members, and what was deleted (a deleted object of a plan from its history,
and what was deleted under an object).

A deleted row lives on only in its history records (django-simple-history). Which plan it belonged to is found
by following its ``plan_lookup`` through the rows that still exist, or through the last records of those that
were deleted too (a measurement deleted with its indicator), so another plan's deleted object is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef

from helhedsplan.core.models import OutgoingMail, cascading_relations
from helhedsplan.core.navigation import title_of
from helhedsplan.core.services import deleted_with

from .models import (
    Affiliation,
    EmailDomain,
    Invitation,
    Membership,
    Organisation,
    OrganisationGrant,
    PartyConfirmation,
    Plan,
    confirmed_parties,
)


def _records(model, pk) -> Any:
    # Each model with a history declares its own manager (``history``); PlanContent does not.
    return model.history.filter(**{model._meta.pk.attname: pk})


def _last_record(model, pk) -> Any:
    if not hasattr(model, "history"):
        return None
    return _records(model, pk).order_by("-history_date", "-history_id").first()


def plan_pk_of_record(model, record) -> int | None:
    """The pk of the plan a history record's object belongs (or belonged) to."""
    row: Any = record
    current = model
    parts = model.plan_lookup.split("__")
    for index, part in enumerate(parts):
        field = current._meta.get_field(part)
        value = getattr(row, field.attname, None)
        if value is None:
            return None
        current = field.related_model
        if index == len(parts) - 1:
            return value
        row = current._default_manager.filter(pk=value).first() or _last_record(current, value)
        if row is None:
            return None
    return None


def name_of(obj: models.Model) -> str:
    """How pages name an object rebuilt from its history, whose parent may be gone too."""
    try:
        return title_of(obj)
    except ObjectDoesNotExist:
        return f"{obj._meta.verbose_name} {obj.pk}"


def live_parent(obj: models.Model) -> Any:
    """What a deleted object was shown under, if that still exists (else None: the plan), read again with what
    its breadcrumbs read (``PlanContent.trail_related``): two queries."""
    try:
        parent = obj.navigation_parent()  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None
    trail_related = getattr(type(parent), "trail_related", None)
    if not isinstance(parent, models.Model) or trail_related is None or not trail_related():
        return parent
    return type(parent)._default_manager.select_related(*trail_related()).get(pk=parent.pk)


@dataclass(frozen=True)
class DeletedObject:
    """A deleted object of the plan as its history tells it."""

    model: type[models.Model]
    pk: int
    #: Its history records, oldest first, with their users; the last is the deletion.
    records: list
    #: The object as it was just before it was deleted (unsaved).
    instance: models.Model
    name: str
    #: What it was shown under, if that still exists.
    parent: Any

    @property
    def deletion(self) -> Any:
        return self.records[-1]

    @property
    def deleted_with_it(self) -> list[DeletedItem]:
        """The rows its delete took along, which a restore brings back too (one level per call, recursively)."""
        items = []
        pending = deleted_with(self.deletion)
        while pending:
            record = pending.pop(0)
            items.append(DeletedItem(record.instance_type, _pk(record), name_of(record.instance), record))
            pending = deleted_with(record) + pending
        return items


@dataclass(frozen=True)
class DeletedItem:
    """One deleted row, named, with its deletion record."""

    model: type[models.Model]
    pk: int
    name: str
    deletion: Any

    @property
    def model_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_key(self) -> str:
        return self.model._meta.model_name  # type: ignore[return-value]


def _pk(record) -> int:
    return getattr(record, record.instance_type._meta.pk.attname)


def deleted_object(model, pk: int, plan: Plan) -> DeletedObject | None:
    """The object ``pk`` of ``model`` if it was deleted and belonged to ``plan``; else None."""
    if not hasattr(model, "history"):
        return None
    records = list(_records(model, pk).select_related("history_user").order_by("history_date", "history_id"))
    if not records or records[-1].history_type != "-":
        return None
    if plan_pk_of_record(model, records[-1]) != plan.pk:
        return None
    before = records[-2] if len(records) > 1 else records[-1]
    instance = before.instance
    return DeletedObject(
        model=model,
        pk=pk,
        records=records,
        instance=instance,
        name=name_of(instance),
        parent=live_parent(instance),
    )


def deleted_under(obj: models.Model) -> list[DeletedItem]:
    """The rows once under ``obj`` (pointing to it with a cascading foreign key) that are deleted now, newest
    deletion first: what its history page links to, so a deleted measurement can be found from its indicator.
    One query per such relation (``deleted_lookups``)."""
    items = []
    for relation in _relations_with_history(type(obj)):
        child = relation.related_model
        deletions = (
            child.history.filter(**{relation.field.name: obj.pk, "history_type": "-"})
            .annotate(still_exists=Exists(child._default_manager.filter(pk=OuterRef(child._meta.pk.attname))))
            .filter(still_exists=False)
            .order_by("history_date", "history_id")
        )
        latest = {_pk(record): record for record in deletions}
        items += [DeletedItem(child, pk, name_of(record.instance), record) for pk, record in latest.items()]
    items.sort(key=lambda item: item.deletion.history_date, reverse=True)
    return items


def _relations_with_history(model) -> list:
    return [relation for relation in cascading_relations(model) if hasattr(relation.related_model, "history")]


def deleted_lookups(model) -> int:
    """How many queries ``deleted_under`` makes for an object of ``model``."""
    return len(_relations_with_history(model))


@dataclass(frozen=True)
class MemberRow:
    """One member of a plan as the members page shows them."""

    membership: Membership
    name: str
    email: str
    organisation: str
    role: str
    #: The delaftaler an editor is limited to (names); empty: all of the plan.
    limits: list[str]


def member_list(plan: Plan) -> list[MemberRow]:
    """The plan's members, coordinators first, then by name. Queries: the memberships with their users and
    organisations, and the delaftale limits of all of them."""
    memberships = (
        Membership.objects.in_plan(plan)
        .select_related("user", "organisation", "plan")
        .prefetch_related("sub_agreements")
        .order_by("role", "user__first_name", "user__last_name", "user__username")
    )
    return [
        MemberRow(
            membership=membership,
            name=membership.user.get_full_name() or membership.user.get_username(),
            email=membership.user.email,
            organisation=str(membership.organisation),
            role=membership.get_role_display(),
            limits=[str(limit) for limit in membership.sub_agreements.all()],
        )
        for membership in memberships
    ]


@dataclass(frozen=True)
class InvitationRow:
    """One invitation waiting for its answer, as the members page shows it."""

    invitation: Invitation
    email: str
    organisation: str
    role: str
    limits: list[str]
    invited_by: str
    #: The link ran out: "send igen" gives a new one.
    expired: bool
    #: The last mail could not be delivered (``Invitation.mail_failed``).
    failed: bool
    #: The last mail is still waiting to go (queued, or being retried).
    sending: bool
    #: Accepted by someone the invitation's organisation has not confirmed yet: the role waits for it.
    awaiting_organisation: bool = False


def pending_invitations(plan: Plan) -> list[InvitationRow]:
    """The plan's invitations not yet accepted or withdrawn (expired ones too, and those accepted that wait for
    their organisation's confirmation of the person), newest first. Queries: the
    invitations with their organisations and inviters, and their delaftale limits."""
    invitations = (
        Invitation.objects.in_plan(plan)
        .filter(state__in=[Invitation.State.PENDING, Invitation.State.AWAITING_ORGANISATION])
        .select_related("organisation", "invited_by", "plan", "mail")
        .prefetch_related("sub_agreements")
        .order_by("-created_at", "-pk")
    )
    return [
        InvitationRow(
            invitation=invitation,
            email=invitation.email,
            organisation=str(invitation.organisation),
            role=invitation.get_role_display(),
            limits=[str(limit) for limit in invitation.sub_agreements.all()],
            invited_by=(
                (invitation.invited_by.get_full_name() or invitation.invited_by.get_username())
                if invitation.invited_by
                else ""
            ),
            expired=invitation.is_expired,
            failed=invitation.mail_failed,
            awaiting_organisation=invitation.state == Invitation.State.AWAITING_ORGANISATION,
            sending=invitation.mail is not None
            and invitation.mail.status in (OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING),
        )
        for invitation in invitations
    ]


# --- Organisations: their people and their parties to plans (the organisation pages, the portfolio) -----------


@dataclass(frozen=True)
class InvitedParty:
    """A plan that names ``organisation`` as a party which the organisation has not confirmed yet."""

    plan: Plan
    organisation: Organisation


def _invited(through_rows: models.QuerySet) -> list[InvitedParty]:
    unconfirmed = through_rows.annotate(
        confirmed=Exists(
            PartyConfirmation.objects.filter(plan=OuterRef("plan"), organisation=OuterRef("organisation"))
        )
    ).filter(confirmed=False)
    return [
        InvitedParty(plan=row.plan, organisation=row.organisation)
        for row in unconfirmed.select_related("plan", "organisation").order_by(
            "organisation__short_name", "-plan__start_date", "plan__name"
        )
    ]


def invited_parties_for(user) -> list[InvitedParty]:
    """The plans awaiting the confirmation of an organisation ``user`` administers (one query): what the
    portfolio shows its administrators apart from the plans they read."""
    if user is None or not user.is_authenticated:
        return []
    administered = Affiliation.objects.filter(
        user=user, state=Affiliation.State.CONFIRMED, is_administrator=True
    ).values("organisation")
    return _invited(Plan.organisations.through.objects.filter(organisation__in=administered))


@dataclass(frozen=True)
class AffiliationRow:
    affiliation: Affiliation
    name: str
    email: str
    #: Holds the organisation's reviewer role in every plan it is a confirmed party to.
    holds_grant: bool


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    requested: list[AffiliationRow]
    confirmed: list[AffiliationRow]
    revoked: list[AffiliationRow]
    invited: list[InvitedParty]
    confirmed_parties: list[PartyConfirmation]
    domains: list[EmailDomain]


def organisation_page(organisation: Organisation) -> OrganisationPage:
    """What an organisation's administrator sees on its page, in five queries whatever the numbers: its people
    by state (with their users and who confirmed them), who holds its reviewer role, the plans awaiting its
    confirmation, the plans it has confirmed, its e-mail domains."""
    affiliations = list(
        Affiliation.objects.filter(organisation=organisation)
        .select_related("user", "confirmed_by")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    grant_holders = set(
        OrganisationGrant.users.through.objects.filter(
            organisationgrant__organisation=organisation,
            organisationgrant__role=OrganisationGrant.Role.REVIEWER,
        ).values_list("user_id", flat=True)
    )
    rows: dict[str, list[AffiliationRow]] = {state: [] for state in Affiliation.State.values}
    for affiliation in affiliations:
        user = affiliation.user
        rows[affiliation.state].append(
            AffiliationRow(
                affiliation=affiliation,
                name=user.get_full_name() or user.get_username(),
                email=user.email,
                holds_grant=user.pk in grant_holders,
            )
        )
    return OrganisationPage(
        organisation=organisation,
        requested=rows[Affiliation.State.REQUESTED],
        confirmed=rows[Affiliation.State.CONFIRMED],
        revoked=rows[Affiliation.State.REVOKED],
        invited=_invited(Plan.organisations.through.objects.filter(organisation=organisation)),
        confirmed_parties=list(
            confirmed_parties()
            .filter(organisation=organisation)
            .select_related("plan", "confirmed_by")
            .order_by("-plan__start_date", "plan__name")
        ),
        domains=list(organisation.email_domains.order_by("domain")),
    )


def affiliations_of(user) -> list[Affiliation]:
    """The user's affiliations with their organisations (one query), for the page "Mine organisationer"."""
    return list(
        Affiliation.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__short_name")
    )
