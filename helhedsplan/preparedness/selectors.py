"""Reads of the emergency plan's pages, as data a report could show too.

Every row comes with its plan (through ``select_related``), so links and permission checks need no query per
row. Contacts come whole: the pages decide, by ``plan.view_contact_details``, whether names, phones and
e-mails are rendered at all (reviewers never get them).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Prefetch

from helhedsplan.plans.models import Plan

from .models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry, PreparednessPlan


def preparedness_plan_of(plan: Plan) -> PreparednessPlan | None:
    """The plan's emergency plan with its plan, or None when it has not been written yet (one query)."""
    return PreparednessPlan.objects.select_related("plan").filter(plan=plan).first()


def levels_of(preparedness_plan: PreparednessPlan) -> list[EscalationLevel]:
    """The escalation levels, lowest first (one query)."""
    return list(
        EscalationLevel.objects.filter(preparedness_plan=preparedness_plan)
        .select_related("preparedness_plan__plan")
        .order_by("order")
    )


def action_cards_of(preparedness_plan: PreparednessPlan) -> list[ActionCard]:
    """The action cards in their order (one query)."""
    return list(
        ActionCard.objects.filter(preparedness_plan=preparedness_plan)
        .select_related("preparedness_plan__plan")
        .order_by("order", "scenario")
    )


class ContactRow(NamedTuple):
    contact: Contact
    #: Not verified within the last 12 months (or never).
    needs_verification: bool


def contact_rows(preparedness_plan: PreparednessPlan, today: datetime.date) -> list[ContactRow]:
    """The contacts with their organisation, each flagged when it needs verifying (one query)."""
    contacts = (
        Contact.objects.filter(preparedness_plan=preparedness_plan)
        .select_related("organisation", "preparedness_plan__plan")
        .order_by("order", "role")
    )
    return [ContactRow(contact, contact.needs_verification(today)) for contact in contacts]


@dataclass(frozen=True)
class PreparednessOverview:
    """The emergency plan's page: the plan (None when not written yet), its levels and its action cards."""

    preparedness_plan: PreparednessPlan | None
    levels: list[EscalationLevel]
    cards: list[ActionCard]


def preparedness_overview(plan: Plan) -> PreparednessOverview:
    """Three queries: the emergency plan, its levels, its cards."""
    preparedness_plan = preparedness_plan_of(plan)
    if preparedness_plan is None:
        return PreparednessOverview(None, [], [])
    return PreparednessOverview(
        preparedness_plan, levels_of(preparedness_plan), action_cards_of(preparedness_plan)
    )


@dataclass(frozen=True)
class ContactList:
    preparedness_plan: PreparednessPlan | None
    rows: list[ContactRow]


def contact_list(plan: Plan, today: datetime.date) -> ContactList:
    """Two queries: the emergency plan, its contacts with their organisations."""
    preparedness_plan = preparedness_plan_of(plan)
    rows = contact_rows(preparedness_plan, today) if preparedness_plan is not None else []
    return ContactList(preparedness_plan, rows)


@dataclass(frozen=True)
class PrintSheet:
    """Everything on the printed emergency plan."""

    preparedness_plan: PreparednessPlan
    levels: list[EscalationLevel]
    cards: list[ActionCard]
    rows: list[ContactRow]
    printed_on: datetime.date


def print_sheet(preparedness_plan: PreparednessPlan, today: datetime.date) -> PrintSheet:
    """Three queries: the levels, the cards, the contacts."""
    return PrintSheet(
        preparedness_plan=preparedness_plan,
        levels=levels_of(preparedness_plan),
        cards=action_cards_of(preparedness_plan),
        rows=contact_rows(preparedness_plan, today),
        printed_on=today,
    )


@dataclass(frozen=True)
class IncidentList:
    """Open incidents first, then closed ones, each newest first."""

    open: list[Incident]
    closed: list[Incident]


def incident_list(plan: Plan) -> IncidentList:
    """One query for the incidents, with their plan, level and estate, whatever their number."""
    incidents = list(
        Incident.objects.in_plan(plan)
        .select_related("plan", "level", "estate")
        .order_by("-occurred_at", "-pk")
    )
    return IncidentList(
        open=[incident for incident in incidents if incident.is_open],
        closed=[incident for incident in incidents if not incident.is_open],
    )


def incident_queryset():
    """An incident for its page: with its plan, level, estate and opener, and its log (with who entered each
    line) in time order — two queries."""
    return Incident.objects.select_related("plan", "level", "estate", "opened_by").prefetch_related(
        Prefetch(
            "log_entries", queryset=IncidentLogEntry.objects.select_related("entered_by").order_by("at", "pk")
        )
    )


def open_incidents_of(plan: Plan) -> list[Incident]:
    """The plan's open incidents with their plan, level and estate (one query), newest first."""
    return list(
        Incident.objects.in_plan(plan)
        .filter(status=Incident.Status.OPEN)
        .select_related("plan", "level", "estate")
        .order_by("-occurred_at", "-pk")
    )


def contacts_of(plan: Plan) -> list[Contact]:
    """Every contact of the plan's emergency plan with its organisation and plan (one query, also when the plan
    has no emergency plan yet). Personal data: the caller shows them only to those who may see contacts."""
    return list(
        Contact.objects.in_plan(plan)
        .select_related("organisation", "preparedness_plan__plan")
        .order_by("order", "role")
    )


# --- For many plans at once (the portfolio's "needs attention") --------------------------------------------------


def open_incidents_by_plan(plans: Iterable[Plan]) -> dict[int, list[Incident]]:
    """``open_incidents_of`` for each plan, keyed by plan pk: one query."""
    plan_ids = [plan.pk for plan in plans]
    by_plan: dict[int, list[Incident]] = {pk: [] for pk in plan_ids}
    incidents = (
        Incident.objects.filter(plan_id__in=plan_ids, status=Incident.Status.OPEN)
        .select_related("plan", "level", "estate")
        .order_by("-occurred_at", "-pk")
    )
    for incident in incidents:
        by_plan[incident.plan_id].append(incident)
    return by_plan


def preparedness_plans_by_plan(plans: Iterable[Plan]) -> dict[int, PreparednessPlan | None]:
    """Each plan's emergency plan (None where it has not been written), keyed by plan pk: one query."""
    plan_ids = [plan.pk for plan in plans]
    found: dict[int, PreparednessPlan | None] = dict.fromkeys(plan_ids)
    for preparedness_plan in PreparednessPlan.objects.filter(plan_id__in=plan_ids).select_related("plan"):
        found[preparedness_plan.plan_id] = preparedness_plan
    return found


def visible_contacts_by_plan(plans: Iterable[Plan], user) -> dict[int, list[Contact]]:
    """The contacts ``user`` may see (``plan.view_contact_details``: never a reviewer) of each plan's emergency
    plan, keyed by plan pk: one query."""
    plan_ids = [plan.pk for plan in plans]
    by_plan: dict[int, list[Contact]] = {pk: [] for pk in plan_ids}
    contacts = (
        Contact.objects.for_user(user, "plan.view_contact_details")
        .filter(preparedness_plan__plan_id__in=plan_ids)
        .select_related("organisation", "preparedness_plan__plan")
        .order_by("order", "role")
    )
    for contact in contacts:
        by_plan[contact.preparedness_plan.plan_id].append(contact)
    return by_plan


def contacts_by_plan(plans: Iterable[Plan]) -> dict[int, list[Contact]]:
    """Every contact of each plan's emergency plan, keyed by plan pk (one query): for a reader who decides per
    person who may see them (the daily reminders mail them only to coordinators)."""
    plan_ids = [plan.pk for plan in plans]
    by_plan: dict[int, list[Contact]] = {pk: [] for pk in plan_ids}
    contacts = (
        Contact.objects.filter(preparedness_plan__plan_id__in=plan_ids)
        .select_related("organisation", "preparedness_plan__plan")
        .order_by("order", "role")
    )
    for contact in contacts:
        by_plan[contact.preparedness_plan.plan_id].append(contact)
    return by_plan
