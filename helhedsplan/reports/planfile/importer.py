"""Importing a plan file: check all of it, then write all of it in one transaction, or nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Estate, Membership, Organisation, Plan
from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    IncidentLogEntry,
    PreparednessPlan,
)

from . import yamlio
from .schema import PlanFileError, join, resolve_goal, validate


def parse(text: str) -> Any:
    """The data of a plan file's text, or PlanFileError saying where the YAML is broken."""
    try:
        return yamlio.load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is not None:
            raise PlanFileError(
                [
                    _("line %(line)s, column %(column)s: %(problem)s")
                    % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem}
                ]
            ) from error
        raise PlanFileError([str(error)]) from error


def read(source: Any) -> Any:
    """The data of the file at a path (str or PathLike); anything else is taken as already-loaded data."""
    if not isinstance(source, str | os.PathLike):
        return source
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanFileError(
            [_("cannot read %(path)s: %(error)s") % {"path": source, "error": error}]
        ) from error
    return parse(text)


def import_plan(source: Mapping | str | os.PathLike, *, replace: bool = False) -> Plan:
    """Create the plan a file describes, with all it holds, and return it.

    ``source`` is a path or already-loaded data. A plan with the same slug is refused unless ``replace``:
    then it is deleted and imported anew in the same transaction, and its members keep their memberships.
    Raises PlanFileError, and saves nothing, when anything in the file is wrong.
    """
    cleaned = validate(read(source))
    _check_against_database(cleaned, replace=replace)
    try:
        with transaction.atomic():
            return _Writer(cleaned).write(replace=replace)
    except IntegrityError as error:
        raise PlanFileError([_("the database refused the plan: %(error)s") % {"error": error}]) from error


def _check_against_database(cleaned: dict, *, replace: bool) -> None:
    """Organisations are shared by all plans: the file may add new ones, but never redefine existing ones."""
    errors = []
    for index, org in enumerate(cleaned["organisations"]):
        existing = Organisation.objects.filter(short_name=org["short_name"]).first()
        if existing is None:
            if Organisation.objects.filter(name=org["name"]).exists():
                errors.append(
                    f"organisations[{index}].name: "
                    + _("an organisation named %(name)r already exists with another short name")
                    % {"name": org["name"]}
                )
        elif (existing.name, existing.kind) != (org["name"], org["kind"]):
            errors.append(
                f"organisations[{index}]: "
                + _(
                    "%(short_name)s already exists as %(name)r (%(kind)s); "
                    "the file must describe it the same way"
                )
                % {"short_name": existing.short_name, "name": existing.name, "kind": existing.kind}
            )
    slug = cleaned["plan"]["slug"]
    if not replace and Plan.objects.filter(slug=slug).exists():
        errors.append(
            "plan.slug: "
            + _("a plan with the address %(slug)r already exists; replace it with --replace") % {"slug": slug}
        )
    if errors:
        raise PlanFileError(errors)


class _Writer:
    """Writes a cleaned plan file. Every object passes the model's own checks (full_clean) first."""

    def __init__(self, cleaned: dict):
        self.data = cleaned
        self.errors: list[str] = []
        self.organisations: dict[str, Organisation] = {}

    def save(self, obj: models.Model, path: str, keys: dict | None = None) -> bool:
        """Check and save ``obj``; on failure record the model's messages at ``path`` and return False."""
        # Links to other rows are left out of the check: they point at rows just written in this
        # transaction, and the schema has already checked what must be unique within the plan. That saves
        # a query per link and per constraint on thousands of rows; the database still guards them all.
        links = [field.name for field in obj._meta.fields if field.is_relation]
        try:
            obj.full_clean(exclude=links)
        except ValidationError as error:
            file_keys = set(keys or ())
            for field, messages in error.message_dict.items():
                place = join(path, field) if field in file_keys and field != NON_FIELD_ERRORS else path
                self.errors.extend(f"{place or _('(file)')}: {message}" for message in messages)
            return False
        obj.save()
        return True

    def org(self, short_name: str | None) -> Organisation | None:
        return self.organisations[short_name] if short_name else None

    def write(self, *, replace: bool) -> Plan:
        data = self.data
        memberships = self._remove_existing(data["plan"]["slug"]) if replace else []
        self._write_organisations()
        plan = None if self.errors else self._write_plan()
        if plan is None:
            raise PlanFileError(self.errors)
        estates = self._write_estates(plan)
        self._write_strategic(plan)
        sub_agreements = self._write_sub_agreements(plan)
        self._write_budget(plan, sub_agreements)
        self._write_approval_steps(plan)
        self._write_preparedness(plan, estates)
        if self.errors:
            raise PlanFileError(self.errors)
        self._restore_memberships(plan, memberships, sub_agreements)
        return plan

    def _remove_existing(self, slug: str) -> list[tuple[Membership, list[str]]]:
        old = Plan.objects.filter(slug=slug).first()
        if old is None:
            return []
        # Memberships are about users, not plan data: keep them across a replace.
        kept = [
            (membership, [s.focus_area for s in membership.sub_agreements.all()])
            for membership in old.memberships.prefetch_related("sub_agreements")
        ]
        delete_plan(old)
        return kept

    def _restore_memberships(self, plan: Plan, kept, sub_agreements: dict[str, SubAgreement]) -> None:
        for membership, focus_areas in kept:
            new = Membership.objects.create(
                user_id=membership.user_id,
                plan=plan,
                organisation_id=membership.organisation_id,
                role=membership.role,
            )
            new.sub_agreements.set([sub_agreements[f] for f in focus_areas if f in sub_agreements])

    def _write_organisations(self) -> None:
        for index, row in enumerate(self.data["organisations"]):
            org = Organisation.objects.filter(short_name=row["short_name"]).first()
            if org is None:
                org = Organisation(**row)
                self.save(org, f"organisations[{index}]", row)
            self.organisations[row["short_name"]] = org

    def _write_plan(self) -> Plan | None:
        row = self.data["plan"]
        plan = Plan(**{k: v for k, v in row.items() if k != "parties"})
        if not self.save(plan, "plan", row):
            return None
        plan.organisations.set([self.org(name) for name in row["parties"]])
        return plan

    def _write_estates(self, plan: Plan) -> dict[str, Estate]:
        estates = {}
        for index, row in enumerate(self.data["estates"]):
            path = f"estates[{index}]"
            estate = Estate(
                plan=plan,
                housing_association=self.org(row["housing_association"]),
                **_fields(row, "name", "number", "homes", "residents", "name_is_known"),
            )
            if not self.save(estate, path, row):
                continue
            estates[estate.name] = estate
            for d_index, decision in enumerate(row["decisions"]):
                self.save(
                    EstateDecision(estate=estate, **decision),
                    join(join(path, "decisions"), d_index),
                    decision,
                )
        return estates

    def _write_indicators(self, rows: list[dict], path: str, plan: Plan, **owner) -> None:
        for index, row in enumerate(rows):
            place = join(path, index)
            indicator = Indicator(plan=plan, **owner, **{k: v for k, v in row.items() if k != "measurements"})
            if not self.save(indicator, place, row):
                continue
            for m_index, measurement in enumerate(row["measurements"]):
                self.save(
                    Measurement(indicator=indicator, **measurement),
                    join(join(place, "measurements"), m_index),
                    measurement,
                )

    def _write_strategic(self, plan: Plan) -> None:
        agreement = self.data["strategic_agreement"]
        if agreement is not None:
            self.save(StrategicAgreement(plan=plan, **agreement), "strategic_agreement", agreement)
        for index, row in enumerate(self.data["strategic_goals"]):
            path = f"strategic_goals[{index}]"
            goal = StrategicGoal(plan=plan, focus_area=row["focus_area"], text=row["text"])
            if self.save(goal, path, row):
                self._write_indicators(
                    row["key_figures"], join(path, "key_figures"), plan, strategic_goal=goal
                )

    def _write_sub_agreements(self, plan: Plan) -> dict[str, SubAgreement]:
        subs: dict[str, SubAgreement] = {}
        goals: dict[tuple[str, str], Goal] = {}
        for index, row in enumerate(self.data["sub_agreements"]):
            path = f"sub_agreements[{index}]"
            sub = SubAgreement(
                plan=plan, **_fields(row, "focus_area", "purpose", "problem", "target_groups", "anchoring")
            )
            if not self.save(sub, path, row):
                continue
            subs[sub.focus_area] = sub
            for p_index, party in enumerate(row["parties"]):
                self.save(
                    SubAgreementParty(
                        sub_agreement=sub,
                        organisation=self.org(party["organisation"]),
                        **_fields(party, "contact_name", "contact_title", "commitment"),
                    ),
                    f"{path}.parties[{p_index}]",
                    party,
                )
            for g_index, goal_row in enumerate(row["goals"]):
                place = f"{path}.goals[{g_index}]"
                goal = Goal(
                    sub_agreement=sub, **_fields(goal_row, "title", "description", "order", "is_example")
                )
                if self.save(goal, place, goal_row):
                    goals[(sub.focus_area, goal.title)] = goal
                    self._write_indicators(goal_row["indicators"], f"{place}.indicators", plan, goal=goal)
        titles: dict[str, list[str]] = {}
        for row in self.data["sub_agreements"]:
            titles.setdefault(row["focus_area"], []).extend(goal["title"] for goal in row["goals"])
        for index, row in enumerate(self.data["sub_agreements"]):
            sub = subs.get(row["focus_area"])
            if sub is None:
                continue
            for a_index, activity_row in enumerate(row["activities"]):
                activity = Activity(
                    sub_agreement=sub,
                    responsible_organisation=self.org(activity_row["responsible_organisation"]),
                    **{
                        k: v
                        for k, v in activity_row.items()
                        if k not in ("goals", "responsible_organisation")
                    },
                )
                if self.save(activity, f"sub_agreements[{index}].activities[{a_index}]", activity_row):
                    served = [resolve_goal(titles, sub.focus_area, ref) for ref in activity_row["goals"]]
                    activity.goals.set([goals[key] for key in served if key in goals])
        return subs

    def _write_budget(self, plan: Plan, subs: dict[str, SubAgreement]) -> None:
        budget = self.data["budget"]
        if budget is None:
            return
        for index, row in enumerate(budget["lines"]):
            path = f"budget.lines[{index}]"
            line = BudgetLine(
                plan=plan,
                sub_agreement=subs.get(row["sub_agreement"]) if row["sub_agreement"] else None,
                **_fields(row, "category", "description", "is_example"),
            )
            if not self.save(line, path, row):
                continue
            for year, amount in row["amounts"].items():
                self.save(BudgetAmount(line=line, year=year, amount=amount), f"{path}.amounts[{year}]")
            for year, actual in row["actuals"].items():
                self.save(ActualSpend(line=line, year=year, **actual), f"{path}.actuals[{year}]", actual)
        for index, row in enumerate(budget["funding_sources"]):
            path = f"budget.funding_sources[{index}]"
            source = FundingSource(
                plan=plan,
                organisation=self.org(row["organisation"]),
                **_fields(row, "name", "kind", "basis", "is_example"),
            )
            if not self.save(source, path, row):
                continue
            for year, amount in row["amounts"].items():
                self.save(Funding(source=source, year=year, amount=amount), f"{path}.amounts[{year}]")

    def _write_approval_steps(self, plan: Plan) -> None:
        for index, row in enumerate(self.data["approval_steps"]):
            self.save(ApprovalStep(plan=plan, **row), f"approval_steps[{index}]", row)

    def _write_preparedness(self, plan: Plan, estates: dict[str, Estate]) -> None:
        row = self.data["preparedness_plan"]
        if row is None:
            return
        path = "preparedness_plan"
        lists = ("escalation_levels", "contacts", "action_cards", "incidents")
        preparedness = PreparednessPlan(plan=plan, **{k: v for k, v in row.items() if k not in lists})
        if not self.save(preparedness, path, row):
            return
        levels = {}
        for index, level_row in enumerate(row["escalation_levels"]):
            level = EscalationLevel(preparedness_plan=preparedness, **level_row)
            if self.save(level, f"{path}.escalation_levels[{index}]", level_row):
                levels[level.name] = level
        for index, contact in enumerate(row["contacts"]):
            self.save(
                Contact(
                    preparedness_plan=preparedness,
                    organisation=self.org(contact["organisation"]),
                    **{k: v for k, v in contact.items() if k != "organisation"},
                ),
                f"{path}.contacts[{index}]",
                contact,
            )
        for index, card in enumerate(row["action_cards"]):
            self.save(
                ActionCard(preparedness_plan=preparedness, **card), f"{path}.action_cards[{index}]", card
            )
        for index, incident_row in enumerate(row["incidents"]):
            place = f"{path}.incidents[{index}]"
            if incident_row["level"] not in levels:
                continue  # the level failed its own check, which is already reported
            incident = Incident(
                plan=plan,
                level=levels[incident_row["level"]],
                estate=estates.get(incident_row["estate"]) if incident_row["estate"] else None,
                **{k: v for k, v in incident_row.items() if k not in ("level", "estate", "log")},
            )
            if not self.save(incident, place, incident_row):
                continue
            for e_index, entry in enumerate(incident_row["log"]):
                self.save(IncidentLogEntry(incident=incident, **entry), f"{place}.log[{e_index}]", entry)


def delete_plan(plan: Plan) -> None:
    """Delete a plan and everything in it.

    Budget lines restrict deleting their delaftale, and incidents their estate and level (RESTRICT, not
    PROTECT), so those cannot go alone and take spending or the log with them — but a whole plan can.
    """
    plan.delete()


def _fields(row: dict, *names: str) -> dict:
    return {name: row[name] for name in names}
