"""A version's snapshot: the part of a plan the parties agree on, as canonical JSON, and its SHA-256.

What is in it is declared once, here (``SECTIONS``): the strategic agreement and its goals (with their key
figures), the delaftaler with their parties, goals, indicators (baselines and targets), activities and
milestones, the planned budget and its funding, the approval steps and the emergency plan. Follow-up data —
measurements, actual spend, narratives, incidents, an activity's status and participants, a milestone's done
date, when a contact or the emergency plan was last checked — is never in it: recording progress does not change
the agreement. Personal fields (``PERSONAL_FIELDS``, read through ``core.personal``) are never in it either.

The JSON is canonical: keys sorted, no spaces, UTF-8, every object with its ``id``, objects in id order; so the
same plan gives the same bytes, and the SHA-256 of those bytes names the version. It is read in one query per
part (and one for an activity's goals), whatever the plan's size.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty
from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.budget.models import BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.core.personal import personal_fields
from helhedsplan.goals.models import Activity, Goal, Indicator, Milestone
from helhedsplan.plans.models import Plan
from helhedsplan.preparedness.models import ActionCard, Contact, EscalationLevel, PreparednessPlan

#: The snapshot's format: raised when what a snapshot holds changes shape.
FORMAT = 1

#: Fields of every model that are bookkeeping, not agreement: the edit counter and the demo's example mark.
BOOKKEEPING = frozenset({"lock_version", "is_example"})


@dataclass(frozen=True)
class Part:
    """One kind of object in a section: its model, which of the plan's rows (``where``), the fields left out as
    follow-up data (``follow_up``), and the field that names an object in a list of changes."""

    key: str
    model: type[models.Model]
    label_field: str
    where: Q = field(default_factory=Q)
    follow_up: frozenset[str] = frozenset()

    def fields(self) -> list[models.Field]:
        """The concrete fields kept: not bookkeeping, not follow-up, not personal, not the way to the plan."""
        left_out = BOOKKEEPING | self.follow_up | personal_fields(self.model)
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in left_out and not (f.is_relation and f.related_model is Plan)
        ]

    def many_to_many(self) -> list[models.ManyToManyField]:
        left_out = self.follow_up | personal_fields(self.model)
        return [f for f in self.model._meta.many_to_many if f.name not in left_out]


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    parts: tuple[Part, ...]


#: The sections of the agreement, in the order a version's document shows them. Their keys are what a funding
#: period's template names as needing Landsbyggefonden's approval (``periods.FundingPeriod.lbf_sections``).
SECTIONS: tuple[Section, ...] = (
    Section(
        "strategic_agreement",
        _("Strategic agreement"),
        (
            Part("strategic_agreement", StrategicAgreement, "vision"),
            Part("strategic_goals", StrategicGoal, "text"),
            Part("key_figures", Indicator, "name", where=Q(strategic_goal__isnull=False)),
        ),
    ),
    Section(
        "sub_agreements",
        _("Sub-agreements"),
        (
            Part("sub_agreements", SubAgreement, "focus_area"),
            Part("parties", SubAgreementParty, "commitment"),
            Part("goals", Goal, "title"),
            Part("indicators", Indicator, "name", where=Q(goal__isnull=False)),
            Part("activities", Activity, "name", follow_up=frozenset({"status", "participants"})),
            Part("milestones", Milestone, "name", follow_up=frozenset({"done_date", "note"})),
        ),
    ),
    Section(
        "budget",
        _("Budget"),
        (
            Part("budget_lines", BudgetLine, "description"),
            Part("budget_amounts", BudgetAmount, "year"),
            Part("funding_sources", FundingSource, "name"),
            Part("funding", Funding, "year"),
        ),
    ),
    Section("approvals", _("Approval steps"), (Part("approval_steps", ApprovalStep, "title"),)),
    Section(
        "preparedness",
        _("Emergency plan"),
        (
            Part("preparedness_plan", PreparednessPlan, "purpose", follow_up=frozenset({"last_reviewed"})),
            Part("escalation_levels", EscalationLevel, "name"),
            Part("contacts", Contact, "role", follow_up=frozenset({"last_verified"})),
            Part("action_cards", ActionCard, "scenario"),
        ),
    ),
)

SECTION_BY_KEY = {section.key: section for section in SECTIONS}
PART_BY_KEY = {part.key: (section, part) for section in SECTIONS for part in section.parts}


def _value(value: Any) -> Any:
    """A field's value as JSON: decimals as text (no float rounding), dates in ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _read_part(plan: Plan, part: Part) -> list[dict[str, Any]]:
    """The plan's rows of one part as plain dicts, in id order: one query (and one per many-to-many)."""
    model = part.model
    lookup = getattr(model, "plan_lookup", "plan")
    columns = {f.name: f.attname for f in part.fields()}
    rows = model._base_manager.filter(part.where, **{lookup: plan}).order_by("pk").values(*columns.values())
    objects = [{name: _value(row[attname]) for name, attname in columns.items()} for row in rows]
    for m2m in part.many_to_many():
        own, other = m2m.m2m_column_name(), m2m.m2m_reverse_name()
        links: dict[int, list[int]] = {}
        through_model: Any = m2m.remote_field.through
        pairs = through_model._base_manager.filter(**{f"{m2m.m2m_field_name()}__{lookup}": plan})
        for own_id, other_id in pairs.order_by(own, other).values_list(own, other):
            links.setdefault(own_id, []).append(other_id)
        for obj in objects:
            obj[m2m.name] = links.get(obj["id"], [])
    return objects


def build_snapshot(plan: Plan) -> dict[str, Any]:
    """The agreed part of the plan as it stands now (see the module's docstring)."""
    return {
        "format": FORMAT,
        "plan": plan.pk,
        "sections": {
            section.key: {part.key: _read_part(plan, part) for part in section.parts} for section in SECTIONS
        },
    }


def canonical_bytes(snapshot: dict[str, Any]) -> bytes:
    """The one way a snapshot is written: sorted keys, no whitespace, UTF-8."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def section_hashes(snapshot: dict[str, Any]) -> dict[str, str]:
    """The SHA-256 of each section's canonical JSON: what a version and the live plan's fingerprint
    (``models.AgreementFingerprint``) are compared by, section by section, without reading a whole snapshot."""
    return {
        key: sha256_hex(canonical_bytes(section)) for key, section in snapshot.get("sections", {}).items()
    }


#: The models whose rows make up the agreement: a change to one of them may change a section's hash.
AGREEMENT_MODELS: frozenset[type[models.Model]] = frozenset(
    part.model for section in SECTIONS for part in section.parts
)
