"""A new plan from Landsbyggefonden's template: the one write that crosses every domain app, so it lives above
them (the layers in docs/architecture.md). It calls each app's own services, in one transaction.

The new plan gets, as a start: its funding period's focus areas as delaftaler (one each, in LBF's order), the
period's usual funding sources (amounts 0) and approval steps, and the creator as its coordinator. A successor
plan also gets its predecessor's goals and their indicators (baselines and targets, no measurements) in the
delaftaler of the same focus areas, each marked as a draft by ":data:`DRAFT_PREFIX`" in its title or name — a
coordinator removes the prefix when the goal is agreed for the new plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.agreements.services import sub_agreement_create
from helhedsplan.approvals.services import approval_step_create
from helhedsplan.budget.services import funding_source_create
from helhedsplan.goals.models import Goal, Indicator
from helhedsplan.goals.services import goal_create, indicator_create
from helhedsplan.periods.models import CatalogueIndicator, FundingPeriod
from helhedsplan.plans.models import (
    ROLE_PERMISSIONS,
    Affiliation,
    Membership,
    Organisation,
    Plan,
    is_affiliated,
)
from helhedsplan.plans.services import membership_create, party_confirm_unchecked, plan_create

#: How a copied goal or indicator says that it is a draft for the new plan (shown wherever its title is).
DRAFT_PREFIX = "Kladde: "


def may_create_plans(user: Any) -> bool:
    """An administrator (staff) or a coordinator of any plan may start a new plan (for an organisation they are
    affiliated with: ``may_start_plans_for``)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=ROLE_PERMISSIONS["plan.manage"]).exists()


def may_start_plans_for(user: Any, organisation: Organisation | None) -> bool:
    """A plan is started for an organisation the creator is confirmed as one of the people of (a superuser,
    who names the organisations' administrators, for any)."""
    if organisation is None:
        return False
    return bool(user.is_superuser) or is_affiliated(user, organisation)


def organisations_to_start_for(user: Any):
    """The organisations ``user`` may start a plan for (what the new-plan form offers)."""
    organisations = Organisation.objects.order_by("short_name")
    if user.is_superuser:
        return organisations
    return organisations.filter(affiliations__user=user, affiliations__state=Affiliation.State.CONFIRMED)


@dataclass
class NewPlanData:
    """What the creator says about the new plan."""

    name: str
    slug: str
    area: str
    start_date: datetime.date
    end_date: datetime.date
    funding_period: str  #: the period's code, e.g. "2019-2026"
    organisation: Organisation  #: whom the creator represents in the new plan
    description: str = ""


def _draft(text: str, max_length: int = 300) -> str:
    return text if text.startswith(DRAFT_PREFIX) else (DRAFT_PREFIX + text)[:max_length]


@transaction.atomic
def plan_create_from_template(*, data: NewPlanData, predecessor: Plan | None = None, actor: Any) -> Plan:
    """Make a plan from the template of ``data.funding_period``, copying ``predecessor``'s goals as drafts.

    Raises ValidationError (nothing saved) for a period that does not exist and whatever the plan's own rules
    refuse (a slug that is taken, an end not after the start); Http404 when the actor may not read
    ``predecessor``; PermissionDenied-free: who may call it is the view's ``may_create_plans``."""
    period = FundingPeriod.objects.filter(code=data.funding_period).prefetch_related("focus_areas").first()
    if period is None:
        raise ValidationError(
            {"funding_period": _("There is no funding period %(code)s.") % {"code": data.funding_period}}
        )
    if predecessor is not None and not actor.has_perm("plan.view", predecessor):
        raise Http404
    parties = list(predecessor.organisations.all()) if predecessor is not None else []
    lbf = Organisation.objects.filter(kind=Organisation.Kind.FUNDER, short_name="LBF").first()
    for organisation in (data.organisation, lbf):
        if organisation is not None and organisation not in parties:
            parties.append(organisation)
    plan = plan_create(
        data={
            "name": data.name,
            "slug": data.slug,
            "area": data.area,
            "start_date": data.start_date,
            "end_date": data.end_date,
            "description": data.description,
            "funding_period": period,
            "organisations": parties,
        },
        actor=actor,
    )
    if not may_start_plans_for(actor, data.organisation):
        raise ValidationError(
            {
                "organisation": _(
                    "You can start a plan only for an organisation that has confirmed you as one of its people. "
                    "The other parties are invited, and confirm their part themselves."
                )
            }
        )
    # The creator's organisation takes part by the creator's word (they are one of its people); every other
    # party (the predecessor's, Landsbyggefonden) is invited until its administrator confirms.
    party_confirm_unchecked(plan=plan, organisation=data.organisation, actor=actor)
    membership_create(
        plan=plan,
        data={"user": actor, "organisation": data.organisation, "role": Membership.Role.COORDINATOR},
        actor=actor,
    )
    sub_agreements = {
        area.code: sub_agreement_create(plan=plan, data={"focus_area": area.code}, actor=actor)
        for area in period.focus_areas.all()
    }
    organisations = {o.short_name: o for o in parties}
    for row in period.funding_source_rows:
        funding_source_create(
            plan=plan,
            data={
                "name": row["name"],
                "kind": row["kind"],
                "organisation": organisations.get(row.get("organisation", "")),
            },
            amounts={},
            actor=actor,
        )
    for order, row in enumerate(period.approval_step_rows, start=1):
        approval_step_create(
            plan=plan,
            data={
                "order": order,
                "title": row["title"],
                "body": row["body"],
                "status": row.get("status", "planned"),
            },
            actor=actor,
        )
    if predecessor is not None:
        _copy_goals(predecessor, sub_agreements, period, actor)
    return plan


def _copy_goals(
    predecessor: Plan, sub_agreements: dict[str, SubAgreement], period: FundingPeriod, actor: Any
) -> None:
    """The predecessor's goals and indicators, as drafts, in the delaftale of the same focus area (a focus area
    the new period does not have is left out). An indicator picked from the catalogue keeps its link: to the
    entry of the same code in the new plan's period (none if that period's catalogue lacks the code)."""
    goals = (
        Goal.objects.filter(sub_agreement__plan=predecessor)
        .select_related("sub_agreement")
        .prefetch_related("indicators__catalogue_entry")
        .order_by("sub_agreement", "order", "pk")
    )
    catalogue = {entry.code: entry for entry in CatalogueIndicator.objects.filter(period=period)}
    for goal in goals:
        target = sub_agreements.get(goal.sub_agreement.focus_area)
        if target is None:
            continue
        copy = goal_create(
            sub_agreement=target,
            data={
                "title": _draft(goal.title),
                "description": goal.description,
                "order": goal.order,
                "is_example": goal.is_example,
            },
            actor=actor,
        )
        for indicator in goal.indicators.all():
            # What it measures and against what; its measurements stay with the predecessor.
            values = {name: getattr(indicator, name) for name in Indicator.COPYABLE_FIELDS}
            values["name"] = _draft(indicator.name)
            if indicator.catalogue_entry is not None:
                values["catalogue_entry"] = catalogue.get(indicator.catalogue_entry.code)
            indicator_create(goal=copy, data=values, actor=actor)
