"""The shape of a plan file and its cross-references, checked in full before anything is written.

``validate(data)`` walks the loaded YAML once, collects every problem with the place it was found
(``sub_agreements[2].goals[0].indicators[1].baseline_value: expected a number``) and returns the cleaned
tree: every key of every record present, optional ones with their default, values converted to the Python
types the models take. What only the file can know is checked here: the types, the required and the unknown
keys, and the names one part of the file uses for another (organisations, estates, escalation levels, goals,
focus areas).

Everything the models know — "one measurement per date", amounts not negative, years inside the plan's
period, at most two decimals, a decided decision has its date — is NOT restated here: the importer writes
every row through the model's own checks and reports the model's message at the row's place in the file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import BudgetCategory, FundingSource
from helhedsplan.goals.models import Activity, Indicator
from helhedsplan.periods.models import DEFAULT_PERIOD_CODE
from helhedsplan.plans.models import Organisation
from helhedsplan.preparedness.models import Incident

FORMAT_VERSION = 1

#: Marks a value that failed its check (its error is already recorded).
INVALID: Any = object()


class PlanFileError(Exception):
    """A plan file that cannot be imported. ``messages`` name each problem and where it is."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


@dataclass
class Reader:
    """Collects errors while specs read a file; holds what later checks need to know."""

    errors: list[str] = field(default_factory=list)
    organisation_kinds: dict[str, str] = field(default_factory=dict)

    def error(self, path: str, message: str) -> Any:
        self.errors.append(f"{path or _('(file)')}: {message}")
        return INVALID


class Spec:
    """How one value is read. ``required`` values must be present (whether empty is allowed is the model's
    rule)."""

    def __init__(self, *, required: bool = False, default: Any = None):
        self.required = required
        self.default = default

    def missing(self) -> Any:
        return self.default() if callable(self.default) else self.default

    def read(self, reader: Reader, value: Any, path: str) -> Any:
        raise NotImplementedError


class Text(Spec):
    def __init__(self, *, required: bool = False):
        super().__init__(required=required, default="")

    def read(self, reader, value, path):
        # A bare number (an estate number like 14) is text the author did not quote.
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return reader.error(path, _("expected text"))
        if "\x00" in value:
            # No database text column can hold it (PostgreSQL refuses it outright), so it is the file's
            # problem, whatever else the model allows in a text.
            return reader.error(
                path, _("the text holds a NUL character (\\0), which cannot be stored; remove it")
            )
        return value


class FocusAreaCode(Text):
    """A focus area's code (``education``, …): which codes the plan may use is its funding period's, checked by the
    model on import (``agreements.models.FocusAreaNamed``)."""

    def read(self, reader, value, path):
        value = super().read(reader, value, path)
        if isinstance(value, str) and not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", value):
            return reader.error(path, _("expected a focus area's code, such as education"))
        return value


class FundingPeriodCode(Text):
    """A funding period's code, 2019-2026 when left out; that the period exists is checked on import."""

    def __init__(self):
        Spec.__init__(self, default=DEFAULT_PERIOD_CODE)


class Integer(Spec):
    def __init__(self, *, required: bool = False, default: int | None = None):
        super().__init__(required=required, default=default)

    def read(self, reader, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            return reader.error(path, _("expected a whole number"))
        return value


class Number(Spec):
    """An exact amount or measured value (how many digits it may have is the model field's rule)."""

    def read(self, reader, value, path):
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            return reader.error(path, _("expected a number"))
        try:
            number = Decimal(value.strip().replace("_", "")) if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            return reader.error(path, _("expected a number"))
        if not number.is_finite():
            return reader.error(path, _("expected a number"))
        return number


class Date(Spec):
    def read(self, reader, value, path):
        if isinstance(value, datetime.datetime):
            return reader.error(path, _("expected a date (YYYY-MM-DD), not a date and time"))
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        return reader.error(path, _("expected a date (YYYY-MM-DD)"))


class DateTime(Spec):
    def read(self, reader, value, path):
        if isinstance(value, str):
            try:
                value = datetime.datetime.fromisoformat(value.strip())
            except ValueError:
                return reader.error(path, _("expected a date and time, e.g. 2023-05-12T21:30:00+02:00"))
        if not isinstance(value, datetime.datetime):
            return reader.error(path, _("expected a date and time, e.g. 2023-05-12T21:30:00+02:00"))
        if value.tzinfo is None or value.utcoffset() is None:
            return reader.error(path, _("the date and time needs its UTC offset, e.g. +02:00"))
        return value


class Boolean(Spec):
    def __init__(self, *, default: bool = False):
        super().__init__(default=default)

    def read(self, reader, value, path):
        if not isinstance(value, bool):
            return reader.error(path, _("expected true or false"))
        return value


class Choice(Spec):
    def __init__(self, choices: type[models.TextChoices], *, required: bool = False, default: str = ""):
        super().__init__(required=required, default=default)
        self.values = list(choices.values)

    def read(self, reader, value, path):
        if value not in self.values:
            return reader.error(path, _("expected one of: %(values)s") % {"values": ", ".join(self.values)})
        return value


class OrganisationRef(Spec):
    """An organisation's short name, which must be listed under ``organisations``."""

    def __init__(self, *, required: bool = False, kind: str | None = None):
        super().__init__(required=required)
        self.kind = kind

    def read(self, reader, value, path):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # "3B" is text, but a short name like 112 would not be
        if not isinstance(value, str):
            return reader.error(path, _("expected an organisation's short name"))
        if value not in reader.organisation_kinds:
            return reader.error(
                path, _("unknown organisation %(name)r: list it under organisations") % {"name": value}
            )
        if self.kind and reader.organisation_kinds[value] != self.kind:
            return reader.error(
                path,
                _("%(name)s is not a %(kind)s") % {"name": value, "kind": Organisation.Kind(self.kind).label},
            )
        return value


class ListOf(Spec):
    """A list of items. Which values must be unique in it is the models' rule (their constraints)."""

    def __init__(self, item: Spec, *, required: bool = False):
        super().__init__(required=required, default=list)
        self.item = item

    def read(self, reader, value, path):
        if not isinstance(value, list):
            return reader.error(path, _("expected a list"))
        return [self.item.read(reader, entry, join(path, index)) for index, entry in enumerate(value)]


class YearMap(Spec):
    """``{2022: value, 2023: value}``: years mapped to values (that a year lies in the plan's period is the
    model's rule)."""

    def __init__(self, item: Spec):
        super().__init__(default=dict)
        self.item = item

    def read(self, reader, value, path):
        if not isinstance(value, dict):
            return reader.error(path, _("expected years mapped to amounts, e.g. 2022: 1155000"))
        result = {}
        for year, entry in value.items():
            place = join(path, year) if isinstance(year, int) else join(path, str(year))
            if isinstance(year, bool) or not isinstance(year, int):
                reader.error(place, _("expected a year"))
                continue
            result[year] = self.item.read(reader, entry, place)
        return result


class Record(Spec):
    """A mapping with known keys. Unknown keys are refused: a misspelt key would otherwise be lost."""

    def __init__(self, fields: dict[str, Spec], *, required: bool = False):
        super().__init__(required=required)
        self.fields = fields

    def read(self, reader, value, path):
        if not isinstance(value, dict):
            return reader.error(path, _("expected a mapping of keys to values"))
        for key in value:
            if key not in self.fields:
                reader.error(join(path, str(key)), _("unknown key"))
        result = {}
        for key, spec in self.fields.items():
            place = join(path, key)
            if value.get(key) is None:
                result[key] = (
                    reader.error(place, _("missing required key")) if spec.required else spec.missing()
                )
                self.after_key(reader, key, result[key])
                continue
            result[key] = spec.read(reader, value[key], place)
            self.after_key(reader, key, result[key])
        return result

    def after_key(self, reader: Reader, key: str, value: Any) -> None:
        """Called with each key's cleaned value, in the schema's order."""


class Either(Spec):
    """A short form or a record: ``2022: 125000`` or ``2022: {amount: 125000, note: …}``."""

    def __init__(self, short: Spec, record: Record, expand: Callable[[Any], dict]):
        super().__init__()
        self.short, self.record, self.expand = short, record, expand

    def read(self, reader, value, path):
        if isinstance(value, dict):
            return self.record.read(reader, value, path)
        result = self.short.read(reader, value, path)
        return INVALID if result is INVALID else self.expand(result)


class GoalRef(Spec):
    """A goal an activity serves: its title, or ``{sub_agreement: focus area, goal: title}``."""

    record = Record({"sub_agreement": FocusAreaCode(required=True), "goal": Text(required=True)})

    def read(self, reader, value, path):
        if isinstance(value, str):
            return (None, value)
        if isinstance(value, dict):
            result = self.record.read(reader, value, path)
            return (result["sub_agreement"], result["goal"])
        return reader.error(path, _("expected a goal's title"))


# The records of a plan file. Keys follow the models' field names.

MEASUREMENT = Record(
    {"date": Date(required=True), "value": Number(required=True), "note": Text(), "is_example": Boolean()}
)

INDICATOR = Record(
    {
        "name": Text(required=True),
        "unit": Text(required=True),
        "direction": Choice(Indicator.Direction, required=True),
        "baseline_value": Number(required=True),
        "baseline_date": Date(required=True),
        "target_value": Number(required=True),
        "target_date": Date(required=True),
        "data_source": Text(),
        "measurement_interval_months": Integer(default=12),
        "is_example": Boolean(),
        "measurements": ListOf(MEASUREMENT),
    }
)

ORGANISATION = Record(
    {
        "short_name": Text(required=True),
        "name": Text(required=True),
        "kind": Choice(Organisation.Kind, required=True),
    }
)

PLAN = Record(
    {
        "slug": Text(required=True),
        "name": Text(required=True),
        "area": Text(required=True),
        "municipality": Text(),
        "start_date": Date(required=True),
        "end_date": Date(required=True),
        "description": Text(),
        "homes": Integer(),
        "residents": Integer(),
        "report_due_months": Integer(default=6),
        "funding_period": FundingPeriodCode(),
        "parties": ListOf(OrganisationRef()),
    },
    required=True,
)


ESTATE_DECISION = Record(
    {
        "body": Choice(EstateDecision.Body, required=True),
        "result": Choice(EstateDecision.Result, default=EstateDecision.Result.PENDING),
        "date": Date(),
        "expected_date": Date(),
        "votes_for": Integer(),
        "votes_against": Integer(),
        "note": Text(),
        "is_example": Boolean(),
    }
)

ESTATE = Record(
    {
        "name": Text(required=True),
        "number": Text(),
        # Left out when no source says which housing association the estate belongs to.
        "housing_association": OrganisationRef(kind=Organisation.Kind.HOUSING_ASSOCIATION),
        "homes": Integer(),
        "residents": Integer(),
        "name_is_known": Boolean(default=True),
        "decisions": ListOf(ESTATE_DECISION),
    }
)

STRATEGIC_AGREEMENT = Record(
    {
        "vision": Text(),
        "challenges": Text(),
        "steering_tools": Text(),
        "resident_involvement": Text(),
        "governance": Text(),
    }
)

STRATEGIC_GOAL = Record(
    {
        "focus_area": FocusAreaCode(required=True),
        "text": Text(required=True),
        "key_figures": ListOf(INDICATOR),
    }
)

PARTY = Record(
    {
        "organisation": OrganisationRef(required=True),
        "contact_name": Text(),
        "contact_title": Text(),
        "commitment": Text(),
    }
)

GOAL = Record(
    {
        "title": Text(required=True),
        "description": Text(),
        "order": Integer(default=0),
        "is_example": Boolean(),
        "indicators": ListOf(INDICATOR),
    }
)

MILESTONE = Record(
    {
        "name": Text(required=True),
        "due_date": Date(required=True),
        "done_date": Date(),
        "note": Text(),
        "is_example": Boolean(),
    }
)

ACTIVITY = Record(
    {
        "name": Text(required=True),
        "description": Text(),
        "target_group": Text(),
        "status": Choice(Activity.Status, default=Activity.Status.PLANNED),
        "responsible_organisation": OrganisationRef(),
        "start_date": Date(),
        "end_date": Date(),
        "participants": Integer(),
        "goals": ListOf(GoalRef()),
        "milestones": ListOf(MILESTONE),
        "is_example": Boolean(),
    }
)

NARRATIVE = Record(
    {
        "year": Integer(required=True),
        "went_well": Text(),
        "went_badly": Text(),
        "changes": Text(),
        "is_example": Boolean(),
    }
)

SUB_AGREEMENT = Record(
    {
        "focus_area": FocusAreaCode(required=True),
        "purpose": Text(),
        "problem": Text(),
        "target_groups": Text(),
        "anchoring": Text(),
        "parties": ListOf(PARTY),
        "goals": ListOf(GOAL),
        "activities": ListOf(ACTIVITY),
        "narratives": ListOf(NARRATIVE),
    }
)

AMOUNT = Number()

ACTUAL = Either(
    AMOUNT,
    Record({"amount": Number(required=True), "note": Text()}),
    expand=lambda amount: {"amount": amount, "note": ""},
)

BUDGET_LINE = Record(
    {
        "sub_agreement": FocusAreaCode(),
        "category": Choice(BudgetCategory, required=True),
        "description": Text(),
        "is_example": Boolean(),
        "amounts": YearMap(AMOUNT),
        "actuals": YearMap(ACTUAL),
    }
)

FUNDING_SOURCE = Record(
    {
        "name": Text(required=True),
        "kind": Choice(FundingSource.Kind, required=True),
        "organisation": OrganisationRef(),
        "basis": Text(),
        "is_example": Boolean(),
        "amounts": YearMap(AMOUNT),
    }
)

BUDGET = Record(
    {
        "lines": ListOf(BUDGET_LINE),
        "funding_sources": ListOf(FUNDING_SOURCE),
    }
)

APPROVAL_STEP = Record(
    {
        "order": Integer(required=True),
        "title": Text(required=True),
        "body": Text(required=True),
        "date": Date(),
        "date_is_expected": Boolean(),
        "status": Choice(ApprovalStep.Status, default=ApprovalStep.Status.PLANNED),
        "reference": Text(),
        "note": Text(),
        "is_example": Boolean(),
    }
)

ESCALATION_LEVEL = Record(
    {"order": Integer(required=True), "name": Text(required=True), "criteria": Text(), "response": Text()}
)

CONTACT = Record(
    {
        "name": Text(required=True),
        "role": Text(required=True),
        "organisation": OrganisationRef(required=True),
        "phone": Text(),
        "email": Text(),
        "availability": Text(),
        "last_verified": Date(),
        "order": Integer(default=0),
        "is_example": Boolean(),
    }
)

ACTION_CARD = Record(
    {
        "scenario": Text(required=True),
        "responsible_role": Text(required=True),
        "order": Integer(default=0),
        "trigger": Text(),
        "steps_first_hour": Text(),
        "steps_first_day": Text(),
        "steps_first_days": Text(),
        "partners": Text(),
        "tools": Text(),
        "is_example": Boolean(),
    }
)

LOG_ENTRY = Record(
    {
        "at": DateTime(required=True),
        "text": Text(required=True),
        "action_owner": Text(),
        "deadline": DateTime(),
    }
)

INCIDENT = Record(
    {
        "occurred_at": DateTime(required=True),
        "level": Text(required=True),
        "summary": Text(required=True),
        "estate": Text(),
        "location": Text(),
        "status": Choice(Incident.Status, default=Incident.Status.OPEN),
        "closed_at": DateTime(),
        "evaluation_what_worked": Text(),
        "evaluation_lessons": Text(),
        "evaluation_plan_changes": Text(),
        "is_example": Boolean(),
        "log": ListOf(LOG_ENTRY),
    }
)

PREPAREDNESS_PLAN = Record(
    {
        "purpose": Text(),
        "scope": Text(),
        "ssp_link": Text(),
        "activation": Text(),
        "stand_down": Text(),
        "communication": Text(),
        "last_reviewed": Date(),
        "is_example": Boolean(),
        "escalation_levels": ListOf(ESCALATION_LEVEL),
        "contacts": ListOf(CONTACT),
        "action_cards": ListOf(ACTION_CARD),
        "incidents": ListOf(INCIDENT),
    }
)

#: The whole file, in the order it is read: organisations come first because the references after them use
#: them.
PLAN_FILE = Record(
    {
        "format_version": Integer(required=True),
        "organisations": ListOf(ORGANISATION, required=True),
        "plan": PLAN,
        "estates": ListOf(ESTATE),
        "strategic_agreement": STRATEGIC_AGREEMENT,
        "strategic_goals": ListOf(STRATEGIC_GOAL),
        "sub_agreements": ListOf(SUB_AGREEMENT),
        "budget": BUDGET,
        "approval_steps": ListOf(APPROVAL_STEP),
        "preparedness_plan": PREPAREDNESS_PLAN,
    }
)


class _PlanFileRecord(Record):
    """The top level: learns the organisations as soon as they are read, for the references after them."""

    def after_key(self, reader, key, value):
        if key == "organisations":
            reader.organisation_kinds = {
                org["short_name"]: org["kind"]
                for _index, org in valid_rows(value)
                if INVALID not in (org["short_name"], org["kind"])
            }


def _check_format_version(reader: Reader, data: dict) -> None:
    version = data["format_version"]
    if version is not INVALID and version != FORMAT_VERSION:
        reader.error(
            "format_version",
            _("this is format %(found)s; only format %(known)s can be read")
            % {"found": version, "known": FORMAT_VERSION},
        )


def resolve_goal(
    titles: dict[str, list[str]], own_focus: str, ref: tuple[str | None, str]
) -> tuple[str, str] | str:
    """Find the goal a reference names: ``(focus area, title)``, or an error message.

    ``titles`` maps each focus area to its goals' titles. A bare title is looked up in the activity's own
    delaftale first, then in the others; it must name exactly one goal.
    """
    focus, title = ref
    if focus is not None:
        count = titles.get(focus, []).count(title)
    else:
        count = titles.get(own_focus, []).count(title)
        if count:
            focus = own_focus
        else:
            matches = [area for area, area_titles in titles.items() if title in area_titles]
            count = sum(titles[area].count(title) for area in matches)
            focus = matches[0] if matches else None
    if count == 0:
        return _("no goal is titled %(title)r") % {"title": title}
    if count > 1:
        return _("more than one goal is titled %(title)r; give the goals different titles") % {"title": title}
    assert focus is not None  # exactly one goal has the title, so the focus area it lies in is known
    return (focus, title)


def valid_rows(rows: Any) -> list[tuple[int, dict]]:
    """The rows of a cleaned list that passed their own checks, with their places in the list."""
    if not isinstance(rows, list):
        return []
    return [(index, row) for index, row in enumerate(rows) if row is not INVALID]


def _check_references(reader: Reader, data: dict) -> None:
    """What single values cannot check: goals, estates, levels and delaftaler named elsewhere in the file."""
    sub_agreements = valid_rows(data["sub_agreements"])
    titles: dict[str, list[str]] = {}
    for _index, sub in sub_agreements:
        titles.setdefault(sub["focus_area"], []).extend(
            goal["title"] for _i, goal in valid_rows(sub["goals"])
        )
    for s_index, sub in sub_agreements:
        for a_index, activity in valid_rows(sub["activities"]):
            for g_index, ref in enumerate(activity["goals"] if isinstance(activity["goals"], list) else []):
                found = INVALID if ref is INVALID else resolve_goal(titles, sub["focus_area"], ref)
                if isinstance(found, str):
                    reader.error(f"sub_agreements[{s_index}].activities[{a_index}].goals[{g_index}]", found)

    budget = data["budget"] if isinstance(data["budget"], dict) else {}
    for index, line in valid_rows(budget.get("lines")):
        if line["sub_agreement"] not in ("", INVALID, *titles):
            reader.error(
                f"budget.lines[{index}].sub_agreement",
                _("the file has no sub-agreement for %(focus_area)s") % {"focus_area": line["sub_agreement"]},
            )

    preparedness = data["preparedness_plan"] if isinstance(data["preparedness_plan"], dict) else {}
    estate_names = {estate["name"] for _index, estate in valid_rows(data["estates"])}
    level_names = {level["name"] for _index, level in valid_rows(preparedness.get("escalation_levels"))}
    for index, incident in valid_rows(preparedness.get("incidents")):
        place = f"preparedness_plan.incidents[{index}]"
        if incident["level"] not in (INVALID, *level_names):
            reader.error(
                f"{place}.level", _("no escalation level is named %(name)r") % {"name": incident["level"]}
            )
        if incident["estate"] not in ("", INVALID, *estate_names):
            reader.error(f"{place}.estate", _("no estate is named %(name)r") % {"name": incident["estate"]})


def validate(data: Any) -> dict:
    """The cleaned plan file, or PlanFileError listing every problem with its place."""
    reader = Reader()
    cleaned = _PlanFileRecord(PLAN_FILE.fields, required=True).read(reader, data, "")
    if cleaned is not INVALID:
        _check_format_version(reader, cleaned)
        _check_references(reader, cleaned)
    if reader.errors:
        raise PlanFileError(reader.errors)
    return cleaned
