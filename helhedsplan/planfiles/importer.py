"""Importing a plan file: check all of it, then write all of it in one transaction, or nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import (
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.core.services import file_delete_after_commit, object_create
from helhedsplan.documents.models import DocumentVersion, FactSource
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement, Milestone
from helhedsplan.governance.models import Body, BodyMember, Meeting, MeetingDecision
from helhedsplan.periods.models import CatalogueIndicator, FundingPeriod
from helhedsplan.periods.standard import ensure_standard_periods
from helhedsplan.plans.models import Estate, Membership, Organisation, Plan
from helhedsplan.plans.services import estate_create, membership_create, party_confirm_unchecked
from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    IncidentLogEntry,
    PreparednessPlan,
)
from helhedsplan.versions.carry import IdMap, translate
from helhedsplan.versions.models import PlanVersion
from helhedsplan.versions.services import (
    CarriedSignoffData,
    agreement_fingerprint_refresh,
    plan_versions_discard_for_replace,
    signoff_decide,
    version_carry_in,
    version_submit,
)
from helhedsplan.versions.snapshot import build_snapshot, sha256_hex

from . import schema, yamlio
from .schema import PlanFileError, join, resolve_goal, validate

M = TypeVar("M", bound=models.Model)


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
    then it is deleted and imported anew in the same transaction, its members keep their memberships, and
    each estate decision keeps its uploaded minutes (matched by estate name and body: one decision per body);
    the minutes of a decision the file no longer has are deleted from storage once the import is committed.
    Raises PlanFileError, and saves nothing, when anything in the file is wrong.
    """
    cleaned = validate(read(source))
    _check_against_database(cleaned, replace=replace)
    try:
        with transaction.atomic():
            return _Writer(cleaned).write(replace=replace)
    except IntegrityError as error:
        raise PlanFileError([_("the database refused the plan: %(error)s") % {"error": error}]) from error


def _check_against_database(cleaned: schema.PlanFile, *, replace: bool) -> None:
    """Organisations are shared by all plans: the file may add new ones, but never redefine existing ones."""
    errors = []
    for index, org in enumerate(cleaned.organisations):
        existing = Organisation.objects.filter(short_name=org.short_name).first()
        if existing is not None and (existing.name, existing.kind) != (org.name, org.kind):
            errors.append(
                f"organisations[{index}]: "
                + _(
                    "%(short_name)s already exists as %(name)r (%(kind)s); "
                    "the file must describe it the same way"
                )
                % {"short_name": existing.short_name, "name": existing.name, "kind": existing.kind}
            )
    slug = cleaned.plan.slug
    if not replace and Plan.objects.filter(slug=slug).exists():
        errors.append(
            "plan.slug: "
            + _("a plan with the address %(slug)r already exists; replace it with --replace") % {"slug": slug}
        )
    if errors:
        raise PlanFileError(errors)


class _Writer:
    """Writes a checked plan file row by row through the models' own rules, collecting their refusals.

    Every row is created by ``core.services.object_create`` with its parent set, so ``full_clean()`` checks
    its fields, its ``clean()`` and its constraints — "one measurement per date" against the rows written just
    before it — and a refusal is reported with the model's message at the row's place in the file. A refused
    row is not written (its savepoint is rolled back) and its children are skipped; the writing goes on so
    that every problem is found, and the caller's transaction is rolled back when there was any.
    """

    def __init__(self, cleaned: schema.PlanFile):
        self.data = cleaned
        self.errors: list[str] = []
        self.organisations: dict[str, Organisation] = {}
        #: The plan's estates by name, as the file's figures of estates name them.
        self.estates: dict[str, Estate] = {}
        #: The replaced plan's minutes files by (estate name, body), handed on to the new decisions.
        self.minutes: dict[tuple[str, str], str] = {}
        #: The replaced plan's other stored files (its documents' versions, its meetings' minutes): the file
        #: holds none of them, so they go once the import is committed.
        self.dropped_files: list[tuple[Any, str]] = []
        #: The facts' sources met on the way (fact, row, the file's source, its place), written last: a source's
        #: rule reads the rows that state its fact.
        self.fact_sources: list[tuple[str, models.Model, schema.FactSource, str]] = []
        self._catalogue: dict[str, CatalogueIndicator] | None = None
        #: The file's ids (``id``) → the new rows' ids, for the carried versions' snapshots.
        self.ids = IdMap()

    def catalogue(self, plan: Plan) -> dict[str, CatalogueIndicator]:
        """The indicator catalogue of the plan's funding period by code, read once per import."""
        if self._catalogue is None:
            entries = CatalogueIndicator.objects.filter(period_id=plan.funding_period_id)
            self._catalogue = {entry.code: entry for entry in entries}
        return self._catalogue

    def create(
        self, obj: M, path: str, data: dict[str, Any], *, places: dict[str, str] | None = None
    ) -> M | None:
        """Create ``obj`` (its parent set) with ``data``; None, and the model's messages recorded, if refused."""
        data = dict(data)
        source_id = data.pop("id", None)
        created = self.attempt(lambda: object_create(obj, data=data, actor=None), path, data, places)
        if created is not None and source_id is not None:
            self.ids.add(type(created), source_id, created.pk)
        return created

    def attempt(
        self, write: Callable[[], M], path: str, data: dict[str, Any], places: dict[str, str] | None = None
    ) -> M | None:
        """Run ``write``; if the model refuses, record its messages at their places in the file, return None.

        A message about a field is placed at ``path.<field>`` (the file's keys are the models' field names),
        or where ``places`` says; a message about the whole row at ``path``. Should the database (or a number's
        arithmetic) still refuse a row the model passed, that refusal is reported at ``path`` too, never as a
        traceback: the row runs in its own savepoint, so the rest of the import goes on and is then rolled back.
        """
        try:
            with transaction.atomic():
                return write()
        except (DatabaseError, ArithmeticError) as error:
            self.errors.append(
                f"{path or _('(file)')}: "
                + _("the database could not store this: %(error)s") % {"error": error}
            )
            return None
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if places and name in places:
                    place = places[name]
                elif name in data and name != NON_FIELD_ERRORS:
                    place = join(path, name)
                else:
                    place = path
                self.errors.extend(f"{place or _('(file)')}: {message}" for message in messages)
            return None

    def org(self, short_name: str | None) -> Organisation | None:
        return self.organisations.get(short_name) if short_name else None

    def write(self, *, replace: bool) -> Plan:
        data = self.data
        memberships = self._remove_existing(data.plan.slug) if replace else []
        self._write_organisations()
        plan = None if self.errors else self._write_plan()
        if plan is None:
            raise PlanFileError(self.errors)
        # A plan file's parties count as confirmed: the file is imported by an administrator (or the demo), not
        # started by one party in the others' names.
        for organisation in plan.organisations.all():
            party_confirm_unchecked(plan=plan, organisation=organisation, actor=None)
        estates = self._write_estates(plan)
        self._write_strategic(plan)
        sub_agreements = self._write_sub_agreements(plan)
        self._write_budget(plan, sub_agreements)
        self._write_approval_steps(plan)
        self._write_governance(plan, sub_agreements)
        self._write_preparedness(plan, estates)
        self._write_fact_sources(plan)
        if not self.errors:
            if data.versions:
                self._write_carried_versions(plan)
            else:
                self._write_approved_version(plan)
        if self.errors:
            raise PlanFileError(self.errors)
        self._restore_memberships(plan, memberships, sub_agreements)
        # Minutes no new decision took over belong to no row any more: they go once the import is committed.
        handed_on = set(EstateDecision.objects.filter(estate__plan=plan).values_list("minutes", flat=True))
        _delete_files_after_commit(set(self.minutes.values()) - handed_on)
        for storage, name in self.dropped_files:
            file_delete_after_commit(storage, name)
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
        # Uploaded minutes are not in the file either: the new decisions take them over (see write()). Their
        # files stay where they are, so a rolled-back import leaves the old plan whole.
        self.minutes = {
            (estate, body): name
            for estate, body, name in EstateDecision.objects.filter(estate__plan=old)
            .exclude(minutes="")
            .values_list("estate__name", "body", "minutes")
        }
        self.dropped_files = stored_files_without_a_place_in_the_file(old)
        # Versions never approved go with the plan; a plan with an approved version is never replaced. A
        # decision of the old plan's bestyrelse that approves one of them goes with the plan a moment later, so it
        # lets go of it first (it would hold it: ``MeetingDecision.approves_version`` restricts).
        MeetingDecision.objects.filter(meeting__body__plan=old, approves_version__isnull=False).update(
            approves_version=None
        )
        try:
            plan_versions_discard_for_replace(plan=old)
        except ValidationError as error:
            raise PlanFileError(error.messages) from error
        try:
            old.delete()
        except ProtectedError as error:
            # Rows that must outlive the plan protect it (submitted reports to Landsbyggefonden are frozen,
            # and so is the plan they were made from): such a plan is never replaced. The rows say so
            # themselves, through their foreign key, so the importer need not know every kind.
            kinds = sorted({str(row._meta.verbose_name_plural) for row in error.protected_objects})
            raise PlanFileError(
                [
                    _("The plan %(slug)s cannot be replaced: it has %(rows)s, which are kept unchanged.")
                    % {"slug": slug, "rows": ", ".join(kinds)}
                ]
            ) from error
        return kept

    def _restore_memberships(self, plan: Plan, kept, sub_agreements: dict[str, SubAgreement]) -> None:
        for membership, focus_areas in kept:
            membership_create(
                plan=plan,
                data={
                    "user": membership.user_id,
                    "organisation": membership.organisation_id,
                    "role": membership.role,
                    "sub_agreements": [sub_agreements[f] for f in focus_areas if f in sub_agreements],
                },
                actor=None,
            )

    def _write_organisations(self) -> None:
        rows = self.data.organisations
        # Organisations already in the database are used as they are (the file describes them the same way,
        # see _check_against_database); every other row is a new organisation, so a short name or name given
        # twice in the file is refused by the model.
        existing = Organisation.objects.in_bulk([row.short_name for row in rows], field_name="short_name")
        for index, row in enumerate(rows):
            org = existing.get(row.short_name) or self.create(
                Organisation(), f"organisations[{index}]", row.model_dump()
            )
            if org is not None:
                self.organisations.setdefault(row.short_name, org)

    def _write_plan(self) -> Plan | None:
        row = self.data.plan
        data = row.model_dump(exclude={"parties", "homes_source", "residents_source"})
        data["organisations"] = [self.org(name) for name in row.parties]
        ensure_standard_periods()
        data["funding_period"] = FundingPeriod.objects.filter(code=row.funding_period).first()
        if data["funding_period"] is None:
            self.errors.append(
                "plan.funding_period: "
                + _("There is no funding period %(code)s.") % {"code": row.funding_period}
            )
            return None
        plan = self.create(Plan(), "plan", data, places={"organisations": "plan.parties"})
        if plan is not None:
            self.source("plan-homes", plan, row.homes_source, "plan.homes_source")
            self.source("plan-residents", plan, row.residents_source, "plan.residents_source")
        return plan

    def source(self, fact: str, obj: models.Model, row: schema.FactSource | None, path: str) -> None:
        if row is not None:
            self.fact_sources.append((fact, obj, row, path))

    def _write_fact_sources(self, plan: Plan) -> None:
        for fact, obj, row, path in self.fact_sources:
            self.create(FactSource(plan=plan, fact=fact, object_id=obj.pk), path, row.model_dump())

    def _write_estates(self, plan: Plan) -> dict[str, Estate]:
        estates: dict[str, Estate] = {}
        for index, row in enumerate(self.data.estates):
            path = f"estates[{index}]"
            data = row.model_dump(exclude={"decisions"})
            data["housing_association"] = self.org(row.housing_association)
            # An outline is stored as plain JSON numbers (the file's decimals are read exactly, as Decimals).
            data["outline"] = [[float(c) for c in point] for point in row.outline] if row.outline else None
            estate = self.attempt(partial(estate_create, plan=plan, data=data, actor=None), path, data)
            if estate is None:
                continue
            estates.setdefault(estate.name, estate)
            self.estates.setdefault(estate.name, estate)
            for d_index, decision in enumerate(row.decisions):
                minutes = self.minutes.get((estate.name, decision.body), "")
                self.create(
                    EstateDecision(estate=estate, minutes=minutes),
                    f"{path}.decisions[{d_index}]",
                    decision.model_dump(),
                )
        return estates

    def _write_indicators(self, rows: list[schema.Indicator], path: str, plan: Plan, **owner) -> None:
        for index, row in enumerate(rows):
            place = join(path, index)
            data = row.model_dump(include={"id", *Indicator.COPYABLE_FIELDS})
            if row.catalogue_code is not None:
                entry = self.catalogue(plan).get(row.catalogue_code)
                if entry is None:
                    self.errors.append(
                        f"{place}.catalogue_code: "
                        + _(
                            "Landsbyggefonden's indicator catalogue for the funding period %(period)s has no "
                            "indicator with the code %(code)s."
                        )
                        % {"period": self.data.plan.funding_period, "code": row.catalogue_code}
                    )
                    continue
                data["catalogue_entry"] = entry
            indicator = self.create(Indicator(plan=plan, **owner), place, data)
            if indicator is None:
                continue
            self.source("indicator-baseline", indicator, row.baseline_source, f"{place}.baseline_source")
            for m_index, measurement in enumerate(row.measurements):
                data = measurement.model_dump()
                # Estates are named by name (the schema checked that the file has them).
                data["estate"] = self.estates.get(measurement.estate) if measurement.estate else None
                if measurement.estates:
                    data["estates"] = [
                        self.estates[name] for name in measurement.estates if name in self.estates
                    ]
                else:
                    del data["estates"]
                self.create(Measurement(indicator=indicator), f"{place}.measurements[{m_index}]", data)

    def _write_strategic(self, plan: Plan) -> None:
        agreement = self.data.strategic_agreement
        if agreement is not None:
            self.create(StrategicAgreement(plan=plan), "strategic_agreement", agreement.model_dump())
        for index, row in enumerate(self.data.strategic_goals):
            path = f"strategic_goals[{index}]"
            goal = self.create(StrategicGoal(plan=plan), path, row.model_dump(exclude={"key_figures"}))
            if goal is not None:
                self._write_indicators(row.key_figures, f"{path}.key_figures", plan, strategic_goal=goal)

    def _write_sub_agreements(self, plan: Plan) -> dict[str, SubAgreement]:
        subs: dict[str, SubAgreement] = {}
        goals: dict[tuple[str, str], Goal] = {}
        written: list[tuple[int, schema.SubAgreement, SubAgreement]] = []
        for index, row in enumerate(self.data.sub_agreements):
            path = f"sub_agreements[{index}]"
            sub = self.create(
                SubAgreement(plan=plan),
                path,
                row.model_dump(exclude={"parties", "goals", "activities", "narratives"}),
            )
            if sub is None:
                continue
            subs.setdefault(sub.focus_area, sub)
            written.append((index, row, sub))
            for p_index, party in enumerate(row.parties):
                data = {**party.model_dump(), "organisation": self.org(party.organisation)}
                self.create(SubAgreementParty(sub_agreement=sub), f"{path}.parties[{p_index}]", data)
            for n_index, narrative in enumerate(row.narratives):
                self.create(
                    Narrative(sub_agreement=sub), f"{path}.narratives[{n_index}]", narrative.model_dump()
                )
            for g_index, goal_row in enumerate(row.goals):
                place = f"{path}.goals[{g_index}]"
                goal = self.create(
                    Goal(sub_agreement=sub), place, goal_row.model_dump(exclude={"indicators"})
                )
                if goal is not None:
                    goals.setdefault((sub.focus_area, goal.title), goal)
                    self._write_indicators(goal_row.indicators, f"{place}.indicators", plan, goal=goal)
        titles: dict[str, list[str]] = {}
        for row in self.data.sub_agreements:
            titles.setdefault(row.focus_area, []).extend(goal.title for goal in row.goals)
        for index, row, sub in written:
            for a_index, activity_row in enumerate(row.activities):
                served = [
                    resolve_goal(titles, sub.focus_area, (ref.sub_agreement, ref.goal))
                    for ref in activity_row.goals
                ]
                data = {
                    **activity_row.model_dump(exclude={"milestones"}),
                    "responsible_organisation": self.org(activity_row.responsible_organisation),
                    "goals": [goals[key] for key in served if isinstance(key, tuple) and key in goals],
                }
                place = f"sub_agreements[{index}].activities[{a_index}]"
                activity = self.create(Activity(sub_agreement=sub), place, data)
                if activity is None:
                    continue
                for m_index, milestone in enumerate(activity_row.milestones):
                    self.create(
                        Milestone(activity=activity), f"{place}.milestones[{m_index}]", milestone.model_dump()
                    )
        return subs

    def _write_year_map(
        self, new: Callable[[], models.Model], path: str, rows: Mapping[int, Decimal | schema.Actual]
    ) -> None:
        """Amounts per year, each made by ``new()`` with its parent set. The year's entry is the place of every
        message about the year or the amount."""
        for year, row in rows.items():
            place = f"{path}[{year}]"
            data = {"year": year, **(row.model_dump() if isinstance(row, schema.Actual) else {"amount": row})}
            self.create(new(), place, data, places={"year": place, "amount": place})

    def _write_budget(self, plan: Plan, subs: dict[str, SubAgreement]) -> None:
        budget = self.data.budget
        if budget is None:
            return
        for index, line_row in enumerate(budget.lines):
            path = f"budget.lines[{index}]"
            data = line_row.model_dump(include={"id", "category", "description", "is_example"})
            data["sub_agreement"] = subs.get(line_row.sub_agreement) if line_row.sub_agreement else None
            line = self.create(BudgetLine(plan=plan), path, data)
            if line is None:
                continue
            self._write_year_map(partial(BudgetAmount, line=line), f"{path}.amounts", line_row.amounts)
            self._write_year_map(partial(ActualSpend, line=line), f"{path}.actuals", line_row.actuals)
        for index, source_row in enumerate(budget.funding_sources):
            path = f"budget.funding_sources[{index}]"
            data = {
                **source_row.model_dump(include={"id", "name", "kind", "basis", "is_example"}),
                "organisation": self.org(source_row.organisation),
            }
            source = self.create(FundingSource(plan=plan), path, data)
            if source is not None:
                self._write_year_map(partial(Funding, source=source), f"{path}.amounts", source_row.amounts)
                self.source("funding-amount", source, source_row.amount_source, f"{path}.amount_source")

    def _write_approval_steps(self, plan: Plan) -> None:
        for index, row in enumerate(self.data.approval_steps):
            path = f"approval_steps[{index}]"
            step = self.create(ApprovalStep(plan=plan), path, row.model_dump(exclude={"date_source"}))
            if step is not None:
                self.source("approval-date", step, row.date_source, f"{path}.date_source")

    def _write_approved_version(self, plan: Plan) -> None:
        """The file's approved version: the plan as imported, submitted and decided by every party outside the
        app (``versions.services``), Landsbyggefonden last. A party the plan needs and the file does not name,
        or one the file names and the plan does not need, is reported at the file's place."""
        row = self.data.approved_version
        if row is None:
            return
        path = "approved_version"
        try:
            with transaction.atomic():
                version = version_submit(
                    plan=plan,
                    reason_category=row.reason_category,
                    reason=row.reason,
                    actor=None,
                    recorded_outside_app=True,
                    is_example=row.is_example,
                )
        except ValidationError as error:
            self.errors.extend(f"{path}: {message}" for message in error.messages)
            return
        required = {
            (s.party, s.organisation.short_name if s.organisation else None): s
            for s in version.signoffs.all()
        }
        named = set()
        ordered = sorted(enumerate(row.signoffs), key=lambda item: item[1].party == "lbf")
        for index, signoff_row in ordered:
            place = f"{path}.signoffs[{index}]"
            key = (signoff_row.party, signoff_row.organisation)
            signoff = required.get(key)
            if signoff is None:
                self.errors.append(f"{place}: " + _("this party does not sign a version of this plan"))
                continue
            named.add(key)
            try:
                with transaction.atomic():
                    signoff_decide(
                        signoff=signoff,
                        decision=signoff_row.decision,
                        body=signoff_row.body,
                        decided_on=signoff_row.decided_on,
                        evidence_reference=signoff_row.evidence_reference,
                        comment=signoff_row.comment,
                        outside_app=True,
                        is_example=signoff_row.is_example,
                        actor=None,
                    )
            except ValidationError as error:
                self.errors.extend(f"{place}: {message}" for message in error.messages)
        for party, organisation in sorted(set(required) - named, key=str):
            self.errors.append(
                f"{path}.signoffs: "
                + _("the decision of %(party)s is missing") % {"party": organisation or party}
            )
        if not self.errors and not PlanVersion.objects.filter(pk=version.pk, status="approved").exists():
            self.errors.append(f"{path}: " + _("an approved version is approved by every party"))

    def _write_carried_versions(self, plan: Plan) -> None:
        """Every version the file carries, in number order, with its status and sign-offs as decided where it
        comes from (``versions.services.version_carry_in``). Each snapshot's bytes are checked against their
        hash first (a mismatch refuses the file at its place), then translated into the new plan's ids
        (``versions.carry``): the carried hash is kept beside the new one."""
        rows = sorted(enumerate(self.data.versions), key=lambda item: item[1].number)
        parsed: dict[int, dict[str, Any]] = {}
        for index, row in rows:
            place = f"versions[{index}]"
            if sha256_hex(row.snapshot.encode("utf-8")) != row.sha256:
                self.errors.append(
                    f"{place}.snapshot: "
                    + _(
                        "the snapshot does not match its SHA-256: the file has been changed since it was exported"
                    )
                )
                continue
            try:
                parsed[index] = json.loads(row.snapshot)
            except ValueError:
                self.errors.append(f"{place}.snapshot: " + _("the snapshot is not JSON"))
        if self.errors:
            return
        carried = self.data.carried_ids or schema.CarriedIds()
        organisations = {
            org.short_name: org.pk
            for org in Organisation.objects.filter(short_name__in=set(carried.organisations.values()))
        }
        for source_id, short_name in carried.organisations.items():
            if short_name in organisations:
                self.ids.add(Organisation, source_id, organisations[short_name])
        for source_id, code in carried.catalogue.items():
            entry = self.catalogue(plan).get(code)
            if entry is not None:
                self.ids.add(CatalogueIndicator, source_id, entry.pk)
        self.ids.learn_natural_keys(build_snapshot(plan))
        made: dict[int, PlanVersion] = {}
        for index, row in rows:
            place = f"versions[{index}]"
            signoffs = []
            for s_index, signoff_row in enumerate(row.signoffs):
                organisation = None
                if signoff_row.organisation:
                    organisation = self.organisations.get(signoff_row.organisation) or (
                        Organisation.objects.filter(short_name=signoff_row.organisation).first()
                    )
                    if organisation is None:
                        self.errors.append(
                            f"{place}.signoffs[{s_index}].organisation: "
                            + _("no organisation is named %(name)r") % {"name": signoff_row.organisation}
                        )
                        continue
                signoffs.append(
                    CarriedSignoffData(
                        party=signoff_row.party,
                        organisation=organisation,
                        decision=signoff_row.decision,
                        body=signoff_row.body,
                        decided_on=signoff_row.decided_on,
                        evidence_reference=signoff_row.evidence_reference,
                        comment=signoff_row.comment,
                        outside_app=signoff_row.outside_app,
                        is_example=signoff_row.is_example,
                    )
                )
            try:
                with transaction.atomic():
                    made[row.number] = version_carry_in(
                        plan=plan,
                        number=row.number,
                        status=row.status,
                        reason_category=row.reason_category,
                        reason=row.reason,
                        based_on=made.get(row.based_on) if row.based_on else None,
                        snapshot=translate(parsed[index], plan_id=plan.pk, ids=self.ids),
                        carried_sha256=row.sha256,
                        submitted_at=row.submitted_at,
                        decided_at=row.decided_at,
                        needs_lbf=row.needs_lbf,
                        recorded_outside_app=row.recorded_outside_app,
                        is_example=row.is_example,
                        signoffs=signoffs,
                        actor=None,
                    )
            except ValidationError as error:
                self.errors.extend(f"{place}: {message}" for message in error.messages)
        if not self.errors:
            agreement_fingerprint_refresh(plan=plan)

    def _write_governance(self, plan: Plan, sub_agreements: dict[str, SubAgreement]) -> None:
        for index, row in enumerate(self.data.governance):
            path = f"governance[{index}]"
            data = {
                **row.model_dump(exclude={"members", "meetings", "sub_agreement"}),
                "sub_agreement": sub_agreements.get(row.sub_agreement) if row.sub_agreement else None,
            }
            body = self.create(Body(plan=plan), path, data)
            if body is None:
                continue
            for m_index, member in enumerate(row.members):
                self.create(
                    BodyMember(body=body),
                    f"{path}.members[{m_index}]",
                    {**member.model_dump(), "organisation": self.org(member.organisation)},
                )
            for m_index, meeting_row in enumerate(row.meetings):
                place = f"{path}.meetings[{m_index}]"
                meeting = self.create(
                    Meeting(body=body), place, meeting_row.model_dump(exclude={"decisions"})
                )
                if meeting is None:
                    continue
                for d_index, decision in enumerate(meeting_row.decisions):
                    self.create(
                        MeetingDecision(meeting=meeting),
                        f"{place}.decisions[{d_index}]",
                        decision.model_dump(),
                    )

    def _write_preparedness(self, plan: Plan, estates: dict[str, Estate]) -> None:
        row = self.data.preparedness_plan
        if row is None:
            return
        path = "preparedness_plan"
        lists = {"escalation_levels", "contacts", "action_cards", "incidents"}
        preparedness = self.create(PreparednessPlan(plan=plan), path, row.model_dump(exclude=lists))
        if preparedness is None:
            return
        levels: dict[str, EscalationLevel] = {}
        for index, level_row in enumerate(row.escalation_levels):
            level = self.create(
                EscalationLevel(preparedness_plan=preparedness),
                f"{path}.escalation_levels[{index}]",
                level_row.model_dump(),
            )
            if level is not None:
                levels.setdefault(level.name, level)
        for index, contact in enumerate(row.contacts):
            data = {**contact.model_dump(), "organisation": self.org(contact.organisation)}
            self.create(Contact(preparedness_plan=preparedness), f"{path}.contacts[{index}]", data)
        for index, card in enumerate(row.action_cards):
            self.create(
                ActionCard(preparedness_plan=preparedness), f"{path}.action_cards[{index}]", card.model_dump()
            )
        for index, incident_row in enumerate(row.incidents):
            place = f"{path}.incidents[{index}]"
            if incident_row.level not in levels:
                continue  # the level was refused, which is already reported
            data = incident_row.model_dump(exclude={"log"})
            data["level"] = levels[incident_row.level]
            data["estate"] = estates.get(incident_row.estate) if incident_row.estate else None
            incident = self.create(Incident(plan=plan), place, data)
            if incident is None:
                continue
            for e_index, entry in enumerate(incident_row.log):
                self.create(
                    IncidentLogEntry(incident=incident), f"{place}.log[{e_index}]", entry.model_dump()
                )


@transaction.atomic
def delete_plan(plan: Plan) -> None:
    """Delete a plan and everything in it, and (once that is committed) its stored files: its estates'
    decisions' minutes, its documents' versions and its governance meetings' minutes.

    Budget lines restrict deleting their delaftale, and incidents their estate and level (RESTRICT, not
    PROTECT), so those cannot go alone and take spending or the log with them — but a whole plan can.
    """
    names = set(
        EstateDecision.objects.filter(estate__plan=plan).exclude(minutes="").values_list("minutes", flat=True)
    )
    others = stored_files_without_a_place_in_the_file(plan)
    plan.delete()
    _delete_files_after_commit(names)
    for storage, name in others:
        file_delete_after_commit(storage, name)


def stored_files_without_a_place_in_the_file(plan: Plan) -> list[tuple[Any, str]]:
    """The plan's stored files a plan file does not carry, each with its storage: its documents' versions and
    its governance meetings' minutes (two queries)."""
    version_storage = DocumentVersion._meta.get_field("file").storage
    minutes_storage = Meeting._meta.get_field("minutes").storage
    versions = (
        DocumentVersion.objects.filter(document__plan=plan).exclude(file="").values_list("file", flat=True)
    )
    minutes = Meeting.objects.filter(body__plan=plan).exclude(minutes="").values_list("minutes", flat=True)
    return [(version_storage, name) for name in sorted(versions)] + [
        (minutes_storage, name) for name in sorted(minutes)
    ]


def _delete_files_after_commit(names: set[str]) -> None:
    """Delete these minutes files from storage once the transaction commits (never, if it is rolled back)."""
    storage = EstateDecision._meta.get_field("minutes").storage
    for name in sorted(names):
        file_delete_after_commit(storage, name)
