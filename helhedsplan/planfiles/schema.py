"""The shape of a plan file and its cross-references, checked in full before anything is written.

``validate(data)`` reads the loaded YAML into the pydantic models below — one per record of the file, its keys
the models' field names, in the file's order — and returns the ``PlanFile``: every key of every record present,
optional ones with their default, values of the Python types the models take. Or it raises ``PlanFileError``
with every problem at its place in the file (``sub_agreements[2].goals[0].indicators[1].baseline_value:
expected a number``), in our own words: pydantic's error types are translated by ``_problem``. What only the
file can know is checked here: the types, the required and the unknown keys (a key left empty counts as left
out), and the names one part of the file uses for another (organisations, estates, escalation levels, goals,
focus areas).

Everything the models know — "one measurement per date", amounts not negative, years inside the plan's
period, at most two decimals, a decided decision has its date — is NOT restated here: the importer writes
every row through the model's own checks and reports the model's message at the row's place in the file.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce
from typing import Annotated, Any, NamedTuple

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from helhedsplan.approvals import models as approval_models
from helhedsplan.budget import models as budget_models
from helhedsplan.goals import models as goal_models
from helhedsplan.governance import models as governance_models
from helhedsplan.periods.models import DEFAULT_PERIOD_CODE
from helhedsplan.plans import models as plan_models
from helhedsplan.preparedness import models as preparedness_models
from helhedsplan.versions import models as version_models

FORMAT_VERSION = 1


class PlanFileError(Exception):
    """A plan file that cannot be imported. ``messages`` name each problem and where it is."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# The order problems are reported in: the shape's first (in the file's order), then a wrong format version, then
# references to goals, delaftaler, levels and estates — the part a reference names may be one of the first.
SHAPE, VERSION, REFERENCE = range(3)


def refusal(message: str, *, order: int = SHAPE) -> PydanticCustomError:
    """A problem at the place of the value being read, in our words (already translated)."""
    return PydanticCustomError("plan_file", "{message}", {"message": message, "order": order})


# The values of a plan file.


def _int_as_text(value: Any) -> Any:
    # A bare number (an estate number like 14) is text the author did not quote.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _storable_text(value: str) -> str:
    if "\x00" in value:
        # No database text column can hold it (PostgreSQL refuses it outright), so it is the file's problem,
        # whatever else the model allows in a text.
        raise refusal(_("the text holds a NUL character (\\0), which cannot be stored; remove it"))
    return value


Text = Annotated[str, BeforeValidator(_int_as_text), AfterValidator(_storable_text)]


def _focus_area_code(value: str) -> str:
    """A focus area's code (``education``, …): which codes the plan may use is its funding period's, checked by
    the model on import (``agreements.models.FocusAreaNamed``)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", value):
        raise refusal(_("expected a focus area's code, such as education"))
    return value


FocusAreaCode = Annotated[Text, AfterValidator(_focus_area_code)]


def _number(value: Any) -> Decimal:
    """An exact amount or measured value (how many digits it may have is the model field's rule)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise refusal(_("expected a number"))
    try:
        number = Decimal(value.strip().replace("_", "")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise refusal(_("expected a number")) from None
    if not number.is_finite():
        raise refusal(_("expected a number"))
    return number


Number = Annotated[Decimal, PlainValidator(_number)]


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise refusal(_("expected a date (YYYY-MM-DD), not a date and time"))
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise refusal(_("expected a date (YYYY-MM-DD)"))


Date = Annotated[datetime.date, PlainValidator(_date)]


def _datetime(value: Any) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise refusal(_("expected a date and time, e.g. 2023-05-12T21:30:00+02:00")) from None
    if not isinstance(value, datetime.datetime):
        raise refusal(_("expected a date and time, e.g. 2023-05-12T21:30:00+02:00"))
    if value.tzinfo is None or value.utcoffset() is None:
        raise refusal(_("the date and time needs its UTC offset, e.g. +02:00"))
    return value


DateTime = Annotated[datetime.datetime, PlainValidator(_datetime)]


def one_of(choices: type[TextChoices]) -> PlainValidator:
    """A choice's code, one of the model's choices."""
    values = list(choices.values)

    def read(value: Any) -> str:
        if value not in values:
            raise refusal(_("expected one of: %(values)s") % {"values": ", ".join(values)})
        return value

    return PlainValidator(read)


def organisation_ref(kind: str | None = None) -> PlainValidator:
    """An organisation's short name, which must be listed under ``organisations`` (and be of ``kind``)."""

    def read(value: Any, info: ValidationInfo) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # "3B" is text, but a short name like 112 would not be
        if not isinstance(value, str):
            raise refusal(_("expected an organisation's short name"))
        kinds = references(info).organisation_kinds
        if value not in kinds:
            raise refusal(_("unknown organisation %(name)r: list it under organisations") % {"name": value})
        if kind and kinds[value] != kind:
            label = plan_models.Organisation.Kind(kind).label
            raise refusal(_("%(name)s is not a %(kind)s") % {"name": value, "kind": label})
        return value

    return PlainValidator(read)


OrganisationRef = Annotated[str, organisation_ref()]
HousingAssociationRef = Annotated[str, organisation_ref(plan_models.Organisation.Kind.HOUSING_ASSOCIATION)]
OrganisationKind = Annotated[str, one_of(plan_models.Organisation.Kind)]


# The records of a plan file. Keys follow the models' field names; lists and year maps are plain types.


class Record(BaseModel):
    """A mapping with known keys. Unknown keys are refused: a misspelt key would otherwise be lost."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_left_out(cls, data: Any) -> Any:
        """``key:`` with nothing after it means the key's default, or that a required key is missing."""
        if isinstance(data, dict):
            return {
                key: value for key, value in data.items() if value is not None or key not in cls.model_fields
            }
        return data


class Measurement(Record):
    date: Date
    #: The plan's own figure (left out), one estate's or a group of estates'.
    level: Annotated[str, one_of(goal_models.Measurement.Level)] = goal_models.Measurement.Level.PLAN
    #: An estate's figure: the estate, by its name in this file's ``estates``.
    estate: Text = ""
    #: A group's figure: its estates, by name.
    estates: list[Text] = []
    #: Empty when the figure is suppressed (diskretioneret).
    value: Number | None = None
    suppressed: bool = False
    note: Text = ""
    is_example: bool = False

    @field_validator("estate")
    @classmethod
    def _estate_in_file(cls, value: str, info: ValidationInfo) -> str:
        if value and value not in references(info).estates:
            raise refusal(_("no estate is named %(name)r") % {"name": value}, order=REFERENCE)
        return value

    @field_validator("estates")
    @classmethod
    def _estates_in_file(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for name in value:
            if name not in references(info).estates:
                raise refusal(_("no estate is named %(name)r") % {"name": name}, order=REFERENCE)
        return value


class FactSource(Record):
    """Where a fact of the row it stands on comes from (``documents.FactSource``): a public web address with the
    day it was read, or a public document by name — or ``is_example`` alone, marking the figure as example data.
    The file carries no documents, so a source in one of the plan's documents is written as a public document by
    its title (and page). The model's rules decide on import (one source, http(s), a day not in the future)."""

    url: Text = ""
    read_on: Date | None = None
    reference: Text = ""
    is_example: bool = False


class Indicator(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    name: Text
    # The code of the entry of Landsbyggefonden's indicator catalogue (of the plan's funding period) it was
    # picked from; that the code exists is checked on import.
    catalogue_code: Text | None = None
    definition: Text = ""
    unit: Text
    direction: Annotated[str, one_of(goal_models.Indicator.Direction)]
    baseline_value: Number
    baseline_date: Date
    target_value: Number
    target_date: Date
    data_source: Text = ""
    measurement_interval_months: int = 12
    is_example: bool = False
    #: Where the baseline comes from.
    baseline_source: FactSource | None = None
    measurements: list[Measurement] = []


class Organisation(Record):
    short_name: Text
    name: Text
    kind: OrganisationKind


class Plan(Record):
    slug: Text
    name: Text
    area: Text
    municipality: Text = ""
    start_date: Date
    end_date: Date
    description: Text = ""
    homes: int | None = None
    #: Where the figure of homes comes from.
    homes_source: FactSource | None = None
    residents: int | None = None
    residents_source: FactSource | None = None
    report_due_months: int = 6
    budget_deviation_percent: int = 10
    # A funding period's code; that the period exists is checked on import.
    funding_period: Text = DEFAULT_PERIOD_CODE
    parties: list[OrganisationRef] = []


class EstateDecision(Record):
    body: Annotated[str, one_of(approval_models.EstateDecision.Body)]
    result: Annotated[str, one_of(approval_models.EstateDecision.Result)] = (
        approval_models.EstateDecision.Result.PENDING
    )
    date: Date | None = None
    expected_date: Date | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    note: Text = ""
    is_example: bool = False


class Estate(Record):
    name: Text
    number: Text = ""
    # Left out when no source says which housing association the estate belongs to.
    housing_association: HousingAssociationRef | None = None
    homes: int | None = None
    residents: int | None = None
    name_is_known: bool = True
    # Where it lies (degrees, WGS 84), only where a public source gives it, named in location_source; that the
    # point lies in Denmark and the outline is a closed polygon are the model's rules.
    latitude: Number | None = None
    longitude: Number | None = None
    outline: list[list[Number]] | None = None
    location_source: Text = ""
    decisions: list[EstateDecision] = []


class StrategicAgreement(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    vision: Text = ""
    challenges: Text = ""
    steering_tools: Text = ""
    resident_involvement: Text = ""
    governance: Text = ""


class StrategicGoal(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    focus_area: FocusAreaCode
    text: Text
    key_figures: list[Indicator] = []


class Party(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    organisation: OrganisationRef
    contact_name: Text = ""
    contact_title: Text = ""
    commitment: Text = ""


class Goal(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    title: Text
    description: Text = ""
    order: int = 0
    is_example: bool = False
    indicators: list[Indicator] = []


class Milestone(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    name: Text
    due_date: Date
    done_date: Date | None = None
    note: Text = ""
    is_example: bool = False


class GoalRef(Record):
    """A goal an activity serves: its title, or ``{sub_agreement: focus area, goal: title}``.

    A bare title is read as ``sub_agreement=None``; in the long form both keys are required.
    """

    sub_agreement: FocusAreaCode | None
    goal: Text

    @model_validator(mode="wrap")
    @classmethod
    def _read(cls, value: Any, handler: ModelWrapValidatorHandler[GoalRef], info: ValidationInfo) -> GoalRef:
        if isinstance(value, str):
            ref = cls.model_construct(sub_agreement=None, goal=value)
        elif isinstance(value, dict):
            ref = handler(value)
        else:
            raise refusal(_("expected a goal's title"))
        refs = references(info)
        found = resolve_goal(refs.goal_titles, refs.own_focus_area, (ref.sub_agreement, ref.goal))
        if isinstance(found, str):
            raise refusal(found, order=REFERENCE)
        return ref


class Activity(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    name: Text
    description: Text = ""
    target_group: Text = ""
    status: Annotated[str, one_of(goal_models.Activity.Status)] = goal_models.Activity.Status.PLANNED
    responsible_organisation: OrganisationRef | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    participants: int | None = None
    goals: list[GoalRef] = []
    milestones: list[Milestone] = []
    is_example: bool = False


class Narrative(Record):
    year: int
    went_well: Text = ""
    went_badly: Text = ""
    changes: Text = ""
    budget_explanation: Text = ""
    is_example: bool = False


class SubAgreement(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    focus_area: FocusAreaCode
    purpose: Text = ""
    problem: Text = ""
    target_groups: Text = ""
    anchoring: Text = ""
    conclusion: Text = ""
    parties: list[Party] = []
    goals: list[Goal] = []
    activities: list[Activity] = []
    narratives: list[Narrative] = []

    @field_validator("activities", mode="wrap")
    @classmethod
    def _own_goals_first(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        """A bare goal title in the activities is looked up in this delaftale first (see ``GoalRef``)."""
        references(info).own_focus_area = info.data.get("focus_area", UNREADABLE)
        return handler(value)


class Actual(Record):
    """An amount spent with a note: ``2022: {amount: 125000, note: …}``; without one, ``2022: 125000``."""

    amount: Number
    note: Text = ""


def _amount_alone(value: Any) -> Any:
    return value if isinstance(value, dict) else {"amount": _number(value)}


#: ``{2022: value, 2023: value}``: years mapped to values (that a year lies in the plan's period is the
#: model's rule).
Amounts = dict[int, Number]
Actuals = dict[int, Annotated[Actual, BeforeValidator(_amount_alone)]]


class BudgetLine(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    sub_agreement: FocusAreaCode = ""
    category: Annotated[str, one_of(budget_models.BudgetCategory)]
    description: Text = ""
    is_example: bool = False
    amounts: Amounts = {}
    actuals: Actuals = {}

    @field_validator("sub_agreement")
    @classmethod
    def _sub_agreement_in_file(cls, value: str, info: ValidationInfo) -> str:
        if value not in references(info).goal_titles:
            raise refusal(
                _("the file has no sub-agreement for %(focus_area)s") % {"focus_area": value}, order=REFERENCE
            )
        return value


class FundingSource(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    name: Text
    kind: Annotated[str, one_of(budget_models.FundingSource.Kind)]
    organisation: OrganisationRef | None = None
    basis: Text = ""
    is_example: bool = False
    amounts: Amounts = {}
    #: Where the amount comes from.
    amount_source: FactSource | None = None


class Budget(Record):
    lines: list[BudgetLine] = []
    funding_sources: list[FundingSource] = []


class ApprovalStep(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    order: int
    title: Text
    body: Text
    date: Date | None = None
    date_is_expected: bool = False
    status: Annotated[str, one_of(approval_models.ApprovalStep.Status)] = (
        approval_models.ApprovalStep.Status.PLANNED
    )
    reference: Text = ""
    note: Text = ""
    is_example: bool = False
    #: Where the date comes from, when the reference does not say it.
    date_source: FactSource | None = None


class BodyMember(Record):
    name: Text
    title: Text = ""
    organisation: OrganisationRef | None = None
    role: Annotated[str, one_of(governance_models.BodyMember.Role)] = governance_models.BodyMember.Role.MEMBER
    is_example: bool = False


class MeetingDecision(Record):
    """A decision of a meeting. What it approves (a report, a budget line's change) is recorded on the pages:
    a report exists only once it is started or submitted, which no plan file holds."""

    text: Text
    is_example: bool = False


class Meeting(Record):
    date: Date
    agenda: Text = ""
    is_example: bool = False
    decisions: list[MeetingDecision] = []


class Body(Record):
    """A body of the plan's governance; a følgegruppe names the focus area of the delaftale it follows."""

    kind: Annotated[str, one_of(governance_models.Body.Kind)]
    name: Text
    sub_agreement: FocusAreaCode | None = None
    terms_of_reference: Text = ""
    is_example: bool = False
    members: list[BodyMember] = []
    meetings: list[Meeting] = []

    @field_validator("sub_agreement")
    @classmethod
    def _sub_agreement_in_file(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value not in references(info).goal_titles:
            raise refusal(
                _("the file has no sub-agreement for %(focus_area)s") % {"focus_area": value}, order=REFERENCE
            )
        return value


class EscalationLevel(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    order: int
    name: Text
    criteria: Text = ""
    response: Text = ""


class Contact(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    name: Text
    role: Text
    organisation: OrganisationRef
    phone: Text = ""
    email: Text = ""
    availability: Text = ""
    last_verified: Date | None = None
    order: int = 0
    is_example: bool = False


class ActionCard(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    scenario: Text
    responsible_role: Text
    order: int = 0
    trigger: Text = ""
    steps_first_hour: Text = ""
    steps_first_day: Text = ""
    steps_first_days: Text = ""
    partners: Text = ""
    tools: Text = ""
    is_example: bool = False


class LogEntry(Record):
    at: DateTime
    text: Text
    action_owner: Text = ""
    deadline: DateTime | None = None


class Incident(Record):
    occurred_at: DateTime
    level: Text
    summary: Text
    estate: Text = ""
    location: Text = ""
    status: Annotated[str, one_of(preparedness_models.Incident.Status)] = (
        preparedness_models.Incident.Status.OPEN
    )
    closed_at: DateTime | None = None
    evaluation_what_worked: Text = ""
    evaluation_lessons: Text = ""
    evaluation_plan_changes: Text = ""
    is_example: bool = False
    log: list[LogEntry] = []

    @field_validator("level")
    @classmethod
    def _level_in_file(cls, value: str, info: ValidationInfo) -> str:
        if value not in references(info).levels:
            raise refusal(_("no escalation level is named %(name)r") % {"name": value}, order=REFERENCE)
        return value

    @field_validator("estate")
    @classmethod
    def _estate_in_file(cls, value: str, info: ValidationInfo) -> str:
        if value and value not in references(info).estates:
            raise refusal(_("no estate is named %(name)r") % {"name": value}, order=REFERENCE)
        return value


class PreparednessPlan(Record):
    #: Its id in the database it was exported from: what the carried versions' snapshots name it by.
    id: int | None = None
    purpose: Text = ""
    scope: Text = ""
    ssp_link: Text = ""
    activation: Text = ""
    stand_down: Text = ""
    communication: Text = ""
    last_reviewed: Date | None = None
    is_example: bool = False
    escalation_levels: list[EscalationLevel] = []
    contacts: list[Contact] = []
    action_cards: list[ActionCard] = []
    incidents: list[Incident] = []


class VersionSignoff(Record):
    """A party's decision on the approved version, taken outside the app: where it is documented, and "unknown"
    (left out) where a date is not known."""

    party: Annotated[str, one_of(version_models.Signoff.Party)]
    #: The organisation that decided; none for the plan's bestyrelse.
    organisation: OrganisationRef | None = None
    decision: Annotated[str, one_of(version_models.Signoff.Decision)]
    body: Text = ""
    decided_on: Date | None = None
    evidence_reference: Text = ""
    comment: Text = ""
    is_example: bool = False


class ApprovedVersion(Record):
    """The agreement in force: recorded on import as the plan's version 1, approved outside the app by every
    party (the file carries who decided and where it is documented; the snapshot is the plan as imported)."""

    reason_category: Annotated[str, one_of(version_models.PlanVersion.Reason)] = (
        version_models.PlanVersion.Reason.FIRST
    )
    reason: Text
    signoffs: list[VersionSignoff] = []
    is_example: bool = False


class CarriedSignoff(Record):
    """A party's decision on a carried version, as recorded in the installation it comes from. A stored PDF does
    not travel: its place says it is stored with the version there."""

    party: Annotated[str, one_of(version_models.Signoff.Party)]
    #: The organisation that decides, by short name; none for the plan's bestyrelse.
    organisation: Text | None = None
    decision: Annotated[str, one_of(version_models.Signoff.Decision)]
    body: Text = ""
    decided_on: Date | None = None
    evidence_reference: Text = ""
    comment: Text = ""
    outside_app: bool = False
    is_example: bool = False


class CarriedVersion(Record):
    """One version of the plan as stored in the installation the file comes from: its status, reason and
    sign-offs, and its snapshot (canonical JSON, naming objects by that installation's ids, as the file's ``id``
    keys do) with the SHA-256 of its bytes. Imported, the snapshot is translated into the new ids
    (``versions.carry``); the carried hash is kept beside the new one."""

    number: Annotated[int, Field(ge=1)]
    status: Annotated[str, one_of(version_models.PlanVersion.Status)]
    reason_category: Annotated[str, one_of(version_models.PlanVersion.Reason)]
    reason: Text
    based_on: int | None = None
    submitted_at: DateTime
    #: Who submitted it, by role and organisation (never a person's name).
    submitted_by: Text = ""
    needs_lbf: bool = False
    decided_at: DateTime | None = None
    recorded_outside_app: bool = False
    is_example: bool = False
    signoffs: list[CarriedSignoff] = []
    snapshot: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class CarriedIds(Record):
    """What the carried snapshots name outside the plan, by source id: organisations by short name, entries of
    Landsbyggefonden's indicator catalogue by code."""

    organisations: dict[int, Text] = {}
    catalogue: dict[int, Text] = {}


class PlanFile(Record):
    """The whole file."""

    format_version: int
    organisations: list[Organisation]
    plan: Plan
    estates: list[Estate] = []
    strategic_agreement: StrategicAgreement | None = None
    strategic_goals: list[StrategicGoal] = []
    sub_agreements: list[SubAgreement] = []
    budget: Budget | None = None
    approval_steps: list[ApprovalStep] = []
    governance: list[Body] = []
    preparedness_plan: PreparednessPlan | None = None
    approved_version: ApprovedVersion | None = None
    #: Every version of the plan, in number order (a file exported from an installation with versions); a
    #: hand-written file names only its ``approved_version``.
    versions: list[CarriedVersion] = []
    carried_ids: CarriedIds | None = None

    @field_validator("format_version")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise refusal(
                _("this is format %(found)s; only format %(known)s can be read")
                % {"found": value, "known": FORMAT_VERSION},
                order=VERSION,
            )
        return value


# The names one part of the file uses for another.

#: The focus area of a delaftale whose own cannot be read (no code looks like it).
UNREADABLE = "?"


@dataclass
class References:
    """The names the file gives its parts, gathered before it is read, so that a reference is checked at its
    own place whichever part it names. Only names that can be read count: a part whose name cannot be read
    is a problem of its own."""

    organisation_kinds: dict[str, str] = field(default_factory=dict)
    #: Each delaftale's goal titles, by focus area: its keys are the file's delaftaler.
    goal_titles: dict[str, list[str]] = field(default_factory=dict)
    estates: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)
    #: The focus area of the delaftale whose activities are being read.
    own_focus_area: str = UNREADABLE

    @classmethod
    def of(cls, data: Any) -> References:
        refs = cls()
        for row in _rows(data, "organisations"):
            short_name, kind = _readable(_TEXT, row, "short_name"), _readable(_ORGANISATION_KIND, row, "kind")
            if short_name is not None and kind is not None:
                refs.organisation_kinds[short_name] = kind
        for sub in _rows(data, "sub_agreements"):
            focus_area = _readable(_FOCUS_AREA, sub, "focus_area") or UNREADABLE
            titles = [_readable(_TEXT, goal, "title") for goal in _rows(sub, "goals")]
            refs.goal_titles.setdefault(focus_area, []).extend(title for title in titles if title is not None)
        refs.estates = {name for row in _rows(data, "estates") if (name := _readable(_TEXT, row, "name"))}
        preparedness = data.get("preparedness_plan") if isinstance(data, dict) else None
        levels = [_readable(_TEXT, row, "name") for row in _rows(preparedness, "escalation_levels")]
        refs.levels = {name for name in levels if name is not None}
        return refs


def _rows(data: Any, key: str) -> list[dict]:
    """The mappings listed under ``data[key]``."""
    rows = data.get(key) if isinstance(data, dict) else None
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


_TEXT: TypeAdapter[str] = TypeAdapter(Text)
_FOCUS_AREA: TypeAdapter[str] = TypeAdapter(FocusAreaCode)
_ORGANISATION_KIND: TypeAdapter[str] = TypeAdapter(OrganisationKind)


def _readable(adapter: TypeAdapter[str], row: dict, key: str) -> str | None:
    """``row[key]`` if it reads as the adapter's kind of value."""
    try:
        return adapter.validate_python(row.get(key), strict=True)
    except ValidationError:
        return None


def references(info: ValidationInfo) -> References:
    if not isinstance(info.context, References):
        raise TypeError("read a plan file with validate(), which knows the names it uses")
    return info.context


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


# Reading a file, and saying what is wrong with it.


def validate(data: Any) -> PlanFile:
    """The plan file read from its loaded YAML, or PlanFileError listing every problem with its place."""
    try:
        return PlanFile.model_validate(data, context=References.of(data))
    except ValidationError as error:
        errors = _without_values_of_bad_years(error.errors(include_url=False))
        problems = _unknown_keys_first([_problem(item) for item in errors])
        raise PlanFileError(
            [found.text for found in sorted(problems, key=lambda found: found.order)]
        ) from None


#: Pydantic's own error types, in our words (``refusal`` gives ours their message).
_MESSAGES = {
    "missing": gettext_lazy("missing required key"),
    "extra_forbidden": gettext_lazy("unknown key"),
    "invalid_key": gettext_lazy("unknown key"),  # a key that is not text, such as 2022
    "model_type": gettext_lazy("expected a mapping of keys to values"),
    "list_type": gettext_lazy("expected a list"),
    "dict_type": gettext_lazy("expected years mapped to amounts, e.g. 2022: 1155000"),
    "string_type": gettext_lazy("expected text"),
    "int_type": gettext_lazy("expected a whole number"),
    "bool_type": gettext_lazy("expected true or false"),
}


class _Problem(NamedTuple):
    loc: tuple[str | int, ...]  # the place, keys as the file writes them
    message: str
    order: int
    unknown_key: bool

    @property
    def text(self) -> str:
        return f"{reduce(join, self.loc, '') or _('(file)')}: {self.message}"


def _problem(item: ErrorDetails) -> _Problem:
    """One of pydantic's errors, in our words."""
    loc, kind = item["loc"], item["type"]
    if loc[-1:] == ("[key]",):  # a year that is no year; pydantic's place is (…, "2022", "[key]")
        year = item["input"]
        return _Problem(
            (*loc[:-2], year if isinstance(year, int) else str(year)), _("expected a year"), SHAPE, False
        )
    if kind in ("extra_forbidden", "invalid_key"):  # a key is named by its text (``plan.2022``)
        key = str(item["input"] if kind == "invalid_key" else loc[-1])
        return _Problem((*loc[:-1], key), str(_MESSAGES[kind]), SHAPE, True)
    if kind == "plan_file":
        return _Problem(loc, item["ctx"]["message"], item["ctx"]["order"], False)
    return _Problem(loc, str(_MESSAGES.get(kind, item["msg"])), SHAPE, False)


def _without_values_of_bad_years(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Less the problems of a value whose year is no year: that is problem enough."""
    bad_years = {item["loc"][:-1] for item in errors if item["loc"][-1:] == ("[key]",)}
    return [
        item
        for item in errors
        if item["loc"][-1:] == ("[key]",) or not any(item["loc"][: len(year)] == year for year in bad_years)
    ]


def _unknown_keys_first(problems: list[_Problem]) -> list[_Problem]:
    """A record's unknown keys before the problems of its known ones (pydantic names them after): a misspelt
    key explains the missing one."""
    ordered: list[_Problem] = []
    for found in problems:
        position = len(ordered)
        record = found.loc[:-1]
        while found.unknown_key and position:
            before = ordered[position - 1]
            if before.loc[: len(record)] != record or (before.unknown_key and before.loc[:-1] == record):
                break
            position -= 1
        ordered.insert(position, found)
    return ordered
