"""Exporting a plan as a plan file, in one fixed order so the same plan always gives the same bytes.

Keys come in the order of the schema's records and are left out when they hold their default (empty text, no date,
``is_example: false``, …), so a file only says what the plan says. Rows come in the order a reader expects:
focus areas in LBF's order, estates by name, measurements by date, steps and levels by their number.
Datetimes are written in the project's time zone, with their offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import FOCUS_AREA_RANK, StrategicAgreement, SubAgreementParty
from helhedsplan.approvals.models import EstateDecision
from helhedsplan.budget.models import BudgetCategory, BudgetLine, FundingSource
from helhedsplan.core.personal import personal_fields
from helhedsplan.documents.models import FactSource
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.governance.models import Body, BodyMember, Meeting
from helhedsplan.plans.models import Estate, Organisation, Plan
from helhedsplan.preparedness.models import Contact, Incident, PreparednessPlan
from helhedsplan.versions.models import PlanVersion

from . import schema, yamlio

FOCUS_ORDER = FOCUS_AREA_RANK
CATEGORY_ORDER = {value: index for index, value in enumerate(BudgetCategory.values)}
BODY_ORDER = {value: index for index, value in enumerate(EstateDecision.Body.values)}
SOURCE_KIND_ORDER = {value: index for index, value in enumerate(FundingSource.Kind.values)}
ORG_KIND_ORDER = {value: index for index, value in enumerate(Organisation.Kind.values)}


def compact(record: type[schema.Record], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` in the record's key order, without the optional keys that hold their default."""
    result = {}
    for key, field in record.model_fields.items():
        value = values.get(key)
        if not field.is_required() and (
            value is None or value == field.get_default(call_default_factory=True)
        ):
            continue
        result[key] = value
    return result


@dataclass(frozen=True)
class Sources:
    """The plan's facts' sources by (fact, row pk), read once with the plan."""

    by_fact: dict[tuple[str, int], FactSource]

    def of(self, fact: str, obj: Any) -> dict[str, Any] | None:
        """The file's form of the source of ``fact`` on ``obj``, or None. The file carries no documents, so a
        source in one of them is written as a public document: its title, and its page."""
        source = self.by_fact.get((fact, obj.pk))
        if source is None:
            return None
        reference = source.reference
        if source.document is not None:
            reference = (
                _("%(title)s, page %(page)s") % {"title": source.document.title, "page": source.page}
                if source.page
                else source.document.title
            )
        return compact(
            schema.FactSource,
            {
                "url": source.url,
                "read_on": source.read_on,
                "reference": reference,
                "is_example": source.is_example,
            },
        )


def _local(value):
    return None if value is None else timezone.localtime(value)


def _rank(sub_agreement) -> tuple[int, int]:
    """A delaftale's place: LBF's order of the 2019-2026 focus areas, another period's after them as made."""
    return (FOCUS_ORDER.get(sub_agreement.focus_area, len(FOCUS_ORDER)), sub_agreement.pk)


def export_plan(plan: Plan, *, personal_data: bool) -> str:
    """The plan as the text of a plan file. With ``personal_data`` it is the whole plan (the coordinator's backup,
    ``manage.py export_plan``, and the download for those who may see contact details); without it, the personal
    fields the models declare are left out (``without_personal_data``) — so for every file that leaves the
    plan's own staff: a reviewer's download and every stored submission."""
    data = plan_data(plan)
    return yamlio.dump(data if personal_data else without_personal_data(data))


#: Where the rows of each model with personal fields (``core.personal``) sit in a plan file: a path of keys, "*"
#: for every row of a list. A file key has the model field's name.
PERSONAL_ROWS: tuple[tuple[tuple[str, ...], type, type[schema.Record]], ...] = (
    (("preparedness_plan", "contacts"), Contact, schema.Contact),
    (("sub_agreements", "*", "parties"), SubAgreementParty, schema.Party),
    (("preparedness_plan", "incidents"), Incident, schema.Incident),
)


def _lists_at(data: Any, path: tuple[str, ...]) -> list[list[Any]]:
    """Every list of rows at ``path`` in the file's data."""
    if not path:
        return [data] if isinstance(data, list) else []
    key, rest = path[0], path[1:]
    if key == "*":
        return [found for item in (data or []) for found in _lists_at(item, rest)]
    if not isinstance(data, dict) or key not in data:
        return []
    return _lists_at(data[key], rest)


def without_personal_data(data: dict[str, Any]) -> dict[str, Any]:
    """The plan file's data without any personal field (changed in place and returned). A row whose personal
    field the file requires (a contact's name, an incident's summary) is left out whole, so the file stays
    valid; otherwise the personal keys are dropped (a party's contact person). Also used to redact a submission
    stored before this rule (``reports.redaction``)."""
    for path, model, record in PERSONAL_ROWS:
        personal = personal_fields(model)
        required = {name for name, field in record.model_fields.items() if field.is_required()}
        for rows in _lists_at(data, path):
            if personal & required:
                rows.clear()
                continue
            for row in rows:
                for name in personal:
                    row.pop(name, None)
    # An emptied list is left out, as the exporter leaves out every empty key.
    preparedness = data.get("preparedness_plan")
    if isinstance(preparedness, dict):
        for key in ("contacts", "incidents"):
            if preparedness.get(key) == []:
                preparedness.pop(key)
    for sub in data.get("sub_agreements") or []:
        for party in sub.get("parties") or []:
            for name in [k for k, v in party.items() if v in ("", None)]:
                party.pop(name)
    return data


def _measurements():
    """Measurements with the estate of an estate's figure and the estates of a group's."""
    return Measurement.objects.select_related("estate").prefetch_related("estates")


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as the data of a plan file (plain dicts and lists, ready for YAML)."""
    plan = (
        Plan.objects.filter(pk=plan.pk)
        .prefetch_related(
            "organisations",
            Prefetch(
                "estates",
                queryset=Estate.objects.select_related("housing_association").prefetch_related("decisions"),
                to_attr="estate_list",
            ),
            Prefetch("strategic_goals__key_figures__measurements", queryset=_measurements()),
            "strategic_goals__key_figures__catalogue_entry",
            "sub_agreements__parties__organisation",
            "sub_agreements__narratives",
            Prefetch("sub_agreements__goals__indicators__measurements", queryset=_measurements()),
            "sub_agreements__goals__indicators__catalogue_entry",
            Prefetch(
                "sub_agreements__activities",
                queryset=Activity.objects.select_related("responsible_organisation").prefetch_related(
                    Prefetch("goals", queryset=Goal.objects.select_related("sub_agreement")), "milestones"
                ),
            ),
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.select_related("sub_agreement").prefetch_related(
                    "amounts", "actuals"
                ),
            ),
            Prefetch(
                "funding_sources",
                queryset=FundingSource.objects.select_related("organisation").prefetch_related("fundings"),
            ),
            "approval_steps",
            Prefetch("fact_sources", queryset=FactSource.objects.select_related("document")),
            Prefetch(
                "bodies",
                queryset=Body.objects.select_related("sub_agreement").prefetch_related(
                    Prefetch("members", queryset=BodyMember.objects.select_related("organisation")),
                    Prefetch("meetings", queryset=Meeting.objects.order_by("date", "pk")),
                    "meetings__decisions",
                ),
            ),
        )
        .select_related("funding_period")
        .get()
    )
    sub_agreements = sorted(
        plan.sub_agreements.all(), key=lambda s: (FOCUS_ORDER.get(s.focus_area, len(FOCUS_ORDER)), s.pk)
    )
    preparedness = _preparedness(plan)
    organisations = _organisations(plan, plan.estate_list, sub_agreements, preparedness)
    sources = Sources({(source.fact, source.object_id): source for source in plan.fact_sources.all()})
    data: dict[str, Any] = {
        "format_version": schema.FORMAT_VERSION,
        "organisations": [
            compact(schema.Organisation, {"short_name": o.short_name, "name": o.name, "kind": o.kind})
            for o in organisations
        ],
        "plan": _plan(plan, organisations, sources),
        "estates": [_estate(estate) for estate in sorted(plan.estate_list, key=lambda e: (e.name, e.pk))],
        "strategic_agreement": _strategic_agreement(plan),
        "strategic_goals": [
            compact(
                schema.StrategicGoal,
                {
                    "id": goal.pk,
                    "focus_area": goal.focus_area,
                    "text": goal.text,
                    "key_figures": _indicators(goal.key_figures.all(), sources),
                },
            )
            for goal in sorted(
                plan.strategic_goals.all(),
                key=lambda g: (FOCUS_ORDER.get(g.focus_area, len(FOCUS_ORDER)), g.pk),
            )
        ],
        "sub_agreements": _sub_agreements(sub_agreements, sources),
        "budget": _budget(plan, sources),
        "approval_steps": [
            compact(
                schema.ApprovalStep,
                {
                    **{
                        field: getattr(step, field)
                        for field in schema.ApprovalStep.model_fields
                        if field != "date_source"
                    },
                    "date_source": sources.of("approval-date", step),
                },
            )
            for step in sorted(plan.approval_steps.all(), key=lambda s: s.order)
        ],
        "governance": [_body(body) for body in plan.bodies.all()],
        "preparedness_plan": preparedness and _preparedness_data(preparedness),
    }
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    if versions:
        data["versions"] = [_carried_version(version) for version in versions]
        data["carried_ids"] = _carried_ids(versions)
    else:
        _drop_ids(data)
    return compact(schema.PlanFile, data)


def _drop_ids(data: Any) -> None:
    """Without versions to carry, the file names no object by its id (the file reads as before versions)."""
    if isinstance(data, dict):
        data.pop("id", None)
        for value in data.values():
            _drop_ids(value)
    elif isinstance(data, list):
        for value in data:
            _drop_ids(value)


def _carried_version(version: PlanVersion) -> dict[str, Any]:
    """Every version, as stored here: its snapshot's bytes and their hash, its status and sign-offs. A stored
    PDF of a decision does not travel; its sign-off says where it is."""
    signoffs = []
    for signoff in version.signoffs.select_related("organisation").order_by("pk"):
        reference = signoff.evidence_reference or (
            _("The minutes or letter is stored with version %(number)s in the app.")
            % {"number": version.number}
            if signoff.evidence
            else ""
        )
        signoffs.append(
            compact(
                schema.CarriedSignoff,
                {
                    "party": signoff.party,
                    "organisation": signoff.organisation.short_name if signoff.organisation else None,
                    "decision": signoff.decision,
                    "body": signoff.body,
                    "decided_on": signoff.decided_on,
                    "evidence_reference": reference,
                    "comment": signoff.comment,
                    "outside_app": signoff.outside_app,
                    "is_example": signoff.is_example,
                },
            )
        )
    return compact(
        schema.CarriedVersion,
        {
            "number": version.number,
            "status": version.status,
            "reason_category": version.reason_category,
            "reason": version.reason,
            "based_on": version.based_on.number if version.based_on else None,
            "submitted_at": _local(version.submitted_at),
            "needs_lbf": version.needs_lbf,
            "decided_at": _local(version.decided_at),
            "recorded_outside_app": version.recorded_outside_app,
            "is_example": version.is_example,
            "signoffs": signoffs,
            "snapshot": version.snapshot,
            "sha256": version.sha256,
        },
    )


def _carried_ids(versions: list[PlanVersion]) -> dict[str, Any]:
    """The organisations and catalogue entries the carried snapshots name, by their source ids."""
    import json

    from helhedsplan.periods.models import CatalogueIndicator
    from helhedsplan.versions.snapshot import SECTIONS

    organisation_ids: set[int] = set()
    entry_ids: set[int] = set()
    for version in versions:
        sections = json.loads(version.snapshot).get("sections", {})
        for section in SECTIONS:
            for part in section.parts:
                relations = [f for f in part.fields() if f.is_relation]
                for obj in sections.get(section.key, {}).get(part.key, []):
                    for f in relations:
                        if obj.get(f.name) is None:
                            continue
                        if f.related_model is Organisation:
                            organisation_ids.add(obj[f.name])
                        elif f.related_model is CatalogueIndicator:
                            entry_ids.add(obj[f.name])
    organisations = Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "short_name")
    entries = CatalogueIndicator.objects.filter(pk__in=entry_ids).values_list("pk", "code")
    return compact(
        schema.CarriedIds, {"organisations": dict(sorted(organisations)), "catalogue": dict(sorted(entries))}
    )


def _body(body: Body) -> dict[str, Any]:
    return compact(
        schema.Body,
        {
            "kind": body.kind,
            "name": body.name,
            "sub_agreement": body.sub_agreement.focus_area if body.sub_agreement else None,
            "terms_of_reference": body.terms_of_reference,
            "is_example": body.is_example,
            "members": [
                compact(
                    schema.BodyMember,
                    {
                        "name": member.name,
                        "title": member.title,
                        "organisation": member.organisation.short_name if member.organisation else None,
                        "role": member.role,
                        "is_example": member.is_example,
                    },
                )
                for member in body.members.all()
            ],
            "meetings": [
                compact(
                    schema.Meeting,
                    {
                        "date": meeting.date,
                        "agenda": meeting.agenda,
                        "is_example": meeting.is_example,
                        "decisions": [
                            compact(schema.MeetingDecision, {"text": d.text, "is_example": d.is_example})
                            for d in sorted(meeting.decisions.all(), key=lambda d: d.pk)
                        ],
                    },
                )
                for meeting in body.meetings.all()
            ],
        },
    )


def _organisations(plan: Plan, estates: list[Estate], sub_agreements, preparedness) -> list[Organisation]:
    """Every organisation the plan names anywhere: the file must carry them to be read on its own."""
    found: dict[int, Organisation] = {org.pk: org for org in plan.organisations.all()}
    found.update({e.housing_association.pk: e.housing_association for e in estates if e.housing_association})
    for sub in sub_agreements:
        found.update({party.organisation.pk: party.organisation for party in sub.parties.all()})
        found.update(
            {
                a.responsible_organisation.pk: a.responsible_organisation
                for a in sub.activities.all()
                if a.responsible_organisation
            }
        )
    found.update({s.organisation.pk: s.organisation for s in plan.funding_sources.all() if s.organisation})
    if preparedness is not None:
        found.update({c.organisation.pk: c.organisation for c in preparedness.contacts.all()})
    found.update(
        {
            m.organisation.pk: m.organisation
            for b in plan.bodies.all()
            for m in b.members.all()
            if m.organisation
        }
    )
    return sorted(found.values(), key=lambda o: (ORG_KIND_ORDER[o.kind], o.short_name))


def _plan(plan: Plan, organisations: list[Organisation], sources: Sources) -> dict[str, Any]:
    party_ids = {org.pk for org in plan.organisations.all()}
    values = {
        field: getattr(plan, field)
        for field in schema.Plan.model_fields
        if field not in ("parties", "funding_period", "homes_source", "residents_source")
    }
    values["homes_source"] = sources.of("plan-homes", plan)
    values["residents_source"] = sources.of("plan-residents", plan)
    values["funding_period"] = plan.funding_period.code if plan.funding_period else None
    values["parties"] = [org.short_name for org in organisations if org.pk in party_ids]
    return compact(schema.Plan, values)


def _estate(estate) -> dict[str, Any]:
    decisions = sorted(estate.decisions.all(), key=lambda d: BODY_ORDER[d.body])
    values = {
        field: getattr(estate, field)
        for field in (
            "name",
            "number",
            "homes",
            "residents",
            "name_is_known",
            "latitude",
            "longitude",
            "outline",
            "location_source",
        )
    }
    if estate.outline:
        values["outline"] = [[Decimal(str(c)) for c in point] for point in estate.outline]
    association = estate.housing_association
    values["housing_association"] = association.short_name if association else None
    values["decisions"] = [
        compact(
            schema.EstateDecision, {field: getattr(d, field) for field in schema.EstateDecision.model_fields}
        )
        for d in decisions
    ]
    return compact(schema.Estate, values)


def _strategic_agreement(plan: Plan) -> dict[str, Any] | None:
    try:
        agreement = plan.strategic_agreement
    except StrategicAgreement.DoesNotExist:
        return None
    return compact(
        schema.StrategicAgreement,
        {field: getattr(agreement, field) for field in schema.StrategicAgreement.model_fields},
    )


def _indicators(indicators, sources: Sources) -> list[dict[str, Any]]:
    rows = []
    for indicator in sorted(indicators, key=lambda i: i.pk):
        values = {
            "id": indicator.pk,
            **{field: getattr(indicator, field) for field in Indicator.COPYABLE_FIELDS},
        }
        values["baseline_source"] = sources.of("indicator-baseline", indicator)
        # The catalogue entry by its code, stable across databases (the importer finds it in the plan's period).
        entry = indicator.catalogue_entry
        values["catalogue_code"] = entry.code if entry is not None else None
        values["measurements"] = [
            compact(
                schema.Measurement,
                {
                    **{field: getattr(m, field) for field in schema.Measurement.model_fields},
                    # Estates are named by name in a plan file.
                    "estate": m.estate.name if m.estate else "",
                    "estates": sorted(estate.name for estate in m.estates.all()),
                },
            )
            # The plan's own figure first on a day, then the estates' and the groups' by name.
            for m in sorted(indicator.measurements.all(), key=lambda m: (m.date, m.level != "plan", m.pk))
        ]
        rows.append(compact(schema.Indicator, values))
    return rows


def _goal_titles(sub_agreements) -> dict[str, list[str]]:
    return {sub.focus_area: [goal.title for goal in sub.goals.all()] for sub in sub_agreements}


def _goal_ref(titles: dict[str, list[str]], own_focus: str, goal: Goal) -> str | dict[str, str]:
    """The goal's bare title when that finds it from the activity's delaftale; else the long form."""
    focus = goal.sub_agreement.focus_area
    if schema.resolve_goal(titles, own_focus, (None, goal.title)) == (focus, goal.title):
        return goal.title
    return {"sub_agreement": focus, "goal": goal.title}


def _sub_agreements(sub_agreements, sources: Sources) -> list[dict[str, Any]]:
    titles = _goal_titles(sub_agreements)
    rows = []
    for sub in sub_agreements:
        goals = sorted(sub.goals.all(), key=lambda g: (g.order, g.pk))
        activities = sorted(sub.activities.all(), key=lambda a: (a.name, a.pk))
        values = {
            field: getattr(sub, field)
            for field in ("id", "focus_area", "purpose", "problem", "target_groups", "anchoring")
        }
        values["parties"] = [
            compact(
                schema.Party,
                {
                    "id": party.pk,
                    "organisation": party.organisation.short_name,
                    "contact_name": party.contact_name,
                    "contact_title": party.contact_title,
                    "commitment": party.commitment,
                },
            )
            for party in sorted(sub.parties.all(), key=lambda p: p.organisation.short_name)
        ]
        values["goals"] = [
            compact(
                schema.Goal,
                {
                    "id": goal.pk,
                    "title": goal.title,
                    "description": goal.description,
                    "order": goal.order,
                    "is_example": goal.is_example,
                    "indicators": _indicators(goal.indicators.all(), sources),
                },
            )
            for goal in goals
        ]
        values["activities"] = [_activity(titles, sub.focus_area, activity) for activity in activities]
        values["narratives"] = [
            compact(schema.Narrative, {field: getattr(n, field) for field in schema.Narrative.model_fields})
            for n in sorted(sub.narratives.all(), key=lambda n: n.year)
        ]
        rows.append(compact(schema.SubAgreement, values))
    return rows


def _activity(titles, own_focus: str, activity: Activity) -> dict[str, Any]:
    values = {
        field: getattr(activity, field)
        for field in schema.Activity.model_fields
        if field not in ("responsible_organisation", "goals", "milestones")
    }
    org = activity.responsible_organisation
    values["responsible_organisation"] = org.short_name if org else None
    served = sorted(activity.goals.all(), key=lambda g: (_rank(g.sub_agreement), g.order, g.pk))
    values["goals"] = [_goal_ref(titles, own_focus, goal) for goal in served]
    values["milestones"] = [
        compact(schema.Milestone, {field: getattr(m, field) for field in schema.Milestone.model_fields})
        for m in sorted(activity.milestones.all(), key=lambda m: (m.due_date, m.name, m.pk))
    ]
    return compact(schema.Activity, values)


def _budget(plan: Plan, sources: Sources) -> dict[str, Any] | None:
    def line_key(line: BudgetLine):
        focus = _rank(line.sub_agreement) if line.sub_agreement else (-1, 0)
        return (focus, CATEGORY_ORDER[line.category], line.description, line.pk)

    lines = []
    for line in sorted(plan.budget_lines.all(), key=line_key):
        actuals = {}
        for actual in sorted(line.actuals.all(), key=lambda a: a.year):
            actuals[actual.year] = (
                {"amount": actual.amount, "note": actual.note} if actual.note else actual.amount
            )
        lines.append(
            compact(
                schema.BudgetLine,
                {
                    "id": line.pk,
                    "sub_agreement": line.sub_agreement.focus_area if line.sub_agreement else "",
                    "category": line.category,
                    "description": line.description,
                    "is_example": line.is_example,
                    "amounts": {a.year: a.amount for a in sorted(line.amounts.all(), key=lambda a: a.year)},
                    "actuals": actuals,
                },
            )
        )
    funding_sources = [
        compact(
            schema.FundingSource,
            {
                "id": source.pk,
                "name": source.name,
                "kind": source.kind,
                "organisation": source.organisation.short_name if source.organisation else None,
                "basis": source.basis,
                "is_example": source.is_example,
                "amounts": {f.year: f.amount for f in sorted(source.fundings.all(), key=lambda f: f.year)},
                "amount_source": sources.of("funding-amount", source),
            },
        )
        for source in sorted(plan.funding_sources.all(), key=lambda s: (SOURCE_KIND_ORDER[s.kind], s.name))
    ]
    return compact(schema.Budget, {"lines": lines, "funding_sources": funding_sources}) or None


def _preparedness(plan: Plan) -> PreparednessPlan | None:
    return (
        PreparednessPlan.objects.filter(plan=plan)
        .prefetch_related("levels", "contacts__organisation", "action_cards")
        .first()
    )


def _preparedness_data(preparedness: PreparednessPlan) -> dict[str, Any]:
    lists = ("escalation_levels", "contacts", "action_cards", "incidents")
    values = {
        field: getattr(preparedness, field)
        for field in schema.PreparednessPlan.model_fields
        if field not in lists
    }
    values["escalation_levels"] = [
        compact(
            schema.EscalationLevel,
            {field: getattr(level, field) for field in schema.EscalationLevel.model_fields},
        )
        for level in sorted(preparedness.levels.all(), key=lambda lvl: lvl.order)
    ]
    values["contacts"] = [
        compact(
            schema.Contact,
            {
                **{
                    field: getattr(contact, field)
                    for field in schema.Contact.model_fields
                    if field != "organisation"
                },
                "organisation": contact.organisation.short_name,
            },
        )
        for contact in sorted(preparedness.contacts.all(), key=lambda c: (c.order, c.role, c.pk))
    ]
    values["action_cards"] = [
        compact(schema.ActionCard, {field: getattr(card, field) for field in schema.ActionCard.model_fields})
        for card in sorted(preparedness.action_cards.all(), key=lambda c: (c.order, c.scenario))
    ]
    incidents = preparedness.plan.incidents.select_related("level", "estate").prefetch_related("log_entries")
    values["incidents"] = [
        _incident(incident) for incident in sorted(incidents, key=lambda i: (i.occurred_at, i.pk))
    ]
    return compact(schema.PreparednessPlan, values)


def _incident(incident) -> dict[str, Any]:
    skip = ("level", "estate", "log", "occurred_at", "closed_at")
    values = {field: getattr(incident, field) for field in schema.Incident.model_fields if field not in skip}
    values.update(
        occurred_at=_local(incident.occurred_at),
        closed_at=_local(incident.closed_at),
        level=incident.level.name,
        estate=incident.estate.name if incident.estate else "",
        log=[
            compact(
                schema.LogEntry,
                {
                    "at": _local(entry.at),
                    "text": entry.text,
                    "action_owner": entry.action_owner,
                    "deadline": _local(entry.deadline),
                },
            )
            for entry in sorted(incident.log_entries.all(), key=lambda e: (e.at, e.pk))
        ],
    )
    return compact(schema.Incident, values)
