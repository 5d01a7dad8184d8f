"""What the API answers, as pydantic schemas (the OpenAPI docs are made from them).

No personal data: no contact person of a party, no preparedness contacts, no names of who entered a
measurement or submitted a report — so nothing here needs hiding from reviewers.
"""

import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema


class SourceOut(Schema):
    """Where a fact the plan states comes from (``documents.FactSource``): a document of the plan and its page, a
    public web address with the day it was read, a public document by name, or — ``kind`` "example" — the mark
    that the figure is example data. No personal data: a document is named by its title only."""

    #: document, url, reference or example.
    kind: str
    document_id: int | None
    document_title: str | None
    page: int | None
    url: str | None
    read_on: datetime.date | None
    reference: str | None
    #: The figure is made-up example data (the source's own mark).
    is_example: bool


class PlanOut(Schema):
    slug: str
    name: str
    area: str
    start_date: datetime.date
    end_date: datetime.date
    years: list[int]
    description: str
    homes: int | None
    residents: int | None
    #: Where the homes' and the residents' numbers come from; None while no source is named.
    homes_source: SourceOut | None = None
    residents_source: SourceOut | None = None


class PartyOut(Schema):
    organisation: str
    commitment: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name


class SubAgreementOut(Schema):
    id: int
    focus_area: str
    focus_area_label: str
    purpose: str
    problem: str
    target_groups: str
    anchoring: str
    #: The parties and what they commit to (never their contact person).
    parties: list[PartyOut]

    @staticmethod
    def resolve_focus_area_label(obj) -> str:
        return obj.get_focus_area_display()

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.all())


class GoalOut(Schema):
    id: int
    sub_agreement_id: int
    title: str
    description: str
    order: int
    is_example: bool


class MeasurementOut(Schema):
    id: int
    date: datetime.date
    #: "plan": the plan's own figure (the one progress reads; never a sum of the estates'), "estate": one
    #: estate's, "group": a group of estates'.
    level: str
    #: The estate (one) or the group's estates (several), by id; empty for the plan's own figure.
    estate_ids: list[int]
    #: Their numbers (afdelingsnumre), in the same order; "" where an estate's number is not known.
    estate_numbers: list[str]
    #: None when the figure is suppressed (``suppressed``: too few persons to publish it).
    value: Decimal | None
    suppressed: bool
    note: str
    is_example: bool

    @staticmethod
    def _estates(measurement) -> list:
        if measurement.estate_id:
            return [measurement.estate]
        return sorted(measurement.estates.all(), key=lambda estate: estate.pk)

    @staticmethod
    def resolve_estate_ids(measurement) -> list[int]:
        return [estate.pk for estate in MeasurementOut._estates(measurement)]

    @staticmethod
    def resolve_estate_numbers(measurement) -> list[str]:
        return [estate.number for estate in MeasurementOut._estates(measurement)]


class ProgressOut(Schema):
    #: 0 at the baseline, 1 at the target; outside [0, 1] when worse than the baseline or past the target.
    value: Decimal | None
    #: ``value`` in whole per cent, rounded as the pages, the report and the spreadsheets show it.
    percent: int | None
    expected: Decimal | None
    status: str
    status_label: str
    #: The day the status is judged on: today, or the plan's last day once its period has ended.
    as_of: datetime.date
    final: bool


class IndicatorOut(Schema):
    id: int
    #: The goal it measures; None for a key figure of the strategic agreement.
    goal_id: int | None
    strategic_goal_id: int | None
    #: The code of the entry of Landsbyggefonden's catalogue it was picked from (``/api/catalogue``), if any.
    catalogue_code: str | None
    name: str
    definition: str
    unit: str
    direction: str
    baseline_value: Decimal
    baseline_date: datetime.date
    #: Where the baseline comes from; None while no source is named.
    baseline_source: SourceOut | None = None
    target_value: Decimal
    target_date: datetime.date
    data_source: str
    measurement_interval_months: int | None
    is_example: bool
    progress: ProgressOut
    next_measurement_due: datetime.date | None
    measurement_overdue: bool
    measurements: list[MeasurementOut]


class CatalogueIndicatorOut(Schema):
    """One of Landsbyggefonden's standard indicators of a funding period."""

    period: str
    code: str
    name: str
    definition: str
    unit: str
    #: "higher" or "lower" is better; "" where neither is in itself.
    direction: str
    source: str
    source_url: str
    update_cadence: str
    #: "plan" or "estate".
    level: str
    #: The definition is an example: no public source at hand states it exactly.
    is_example: bool


class MilestoneOut(Schema):
    id: int
    name: str
    due_date: datetime.date
    done_date: datetime.date | None
    note: str
    is_example: bool


class ActivityOut(Schema):
    id: int
    sub_agreement_id: int
    name: str
    description: str
    target_group: str
    status: str
    responsible_organisation: str | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    participants: int | None
    goal_ids: list[int]
    milestones: list[MilestoneOut]
    is_example: bool

    @staticmethod
    def resolve_responsible_organisation(obj) -> str | None:
        return obj.responsible_organisation.name if obj.responsible_organisation else None

    @staticmethod
    def resolve_goal_ids(obj) -> list[int]:
        return [goal.pk for goal in obj.goals.all()]

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())


class BudgetLineOut(Schema):
    id: int
    #: None for shared costs (the secretariat).
    sub_agreement_id: int | None
    category: str
    description: str
    budget_by_year: dict[int, Decimal]
    actual_by_year: dict[int, Decimal | None]
    total: Decimal
    #: Made-up demo data, not stated in the plan's documents or a public source.
    is_example: bool


class FundingSourceOut(Schema):
    id: int
    name: str
    kind: str
    organisation: str | None
    by_year: dict[int, Decimal]
    total: Decimal
    #: Made-up demo data; a total the plan's documents state is not (its split over the years may be, as its
    #: basis says).
    is_example: bool
    #: Where the amount comes from; None while no source is named.
    amount_source: SourceOut | None = None


class BudgetOut(Schema):
    years: list[int]
    total_budget: Decimal
    total_funding: Decimal
    total_actual: Decimal | None
    lbf_amount: Decimal
    lbf_share: Decimal | None
    local_share: Decimal | None
    municipality_share: Decimal | None
    meets_lbf_local_minimum: bool
    meets_municipal_commitment: bool
    is_balanced: bool
    budget_by_year: dict[int, Decimal]
    funding_by_year: dict[int, Decimal]
    actual_by_year: dict[int, Decimal | None]
    budget_by_category: dict[str, Decimal]
    lines: list[BudgetLineOut]
    sources: list[FundingSourceOut]


class EstateStateOut(Schema):
    estate_id: int
    estate: str
    housing_association: str | None
    #: approved, rejected or pending, as of the summary's day.
    result: str
    decision_date: datetime.date | None
    expected_date: datetime.date | None
    overdue: bool
    #: The decision is made-up demo data.
    is_example: bool


class ApprovalStepOut(Schema):
    """A political or funder step of the plan's approval (Teknik- og Miljøudvalget, Landsbyggefonden, …)."""

    id: int
    title: str
    body: str
    #: planned, done, …, as the step's status says.
    status: str
    date: datetime.date | None
    #: The date is the day the step is expected, not the day it was taken.
    date_is_expected: bool
    #: The decision's own name and date, where the step names it.
    reference: str
    is_example: bool
    #: Where the day the step was taken comes from; None while no source is named (or the day is expected).
    date_source: SourceOut | None = None


class ApprovalsOut(Schema):
    as_of: datetime.date
    total: int
    approved_count: int
    all_approved: bool
    last_approval_date: datetime.date | None
    estates: list[EstateStateOut]
    steps: list[ApprovalStepOut] = []


class SubmittedFileOut(Schema):
    #: pdf, xlsx (the spreadsheet) or yaml (the plan file).
    format: str
    sha256: str
    #: The file exactly as submitted, from the API (the same token or session reads it).
    url: str


class SubmissionOut(Schema):
    id: int
    number: int
    as_of: datetime.date
    submitted_at: datetime.datetime
    #: awaiting, approved or returned.
    outcome: str
    answered_at: datetime.datetime | None
    files: list[SubmittedFileOut]
    #: A demo's submission (and its answer): made-up, not a report the plan filed.
    is_example: bool


class ReportOut(Schema):
    id: int
    #: yearly or final.
    kind: str
    #: The year a yearly report covers; None for the final report.
    year: int | None
    due_date: datetime.date
    submissions: list[SubmissionOut]


class SignoffOut(Schema):
    id: int
    #: municipality, housing, board or lbf.
    party: str
    #: The organisation's short name; None for the plan's bestyrelse.
    organisation: str | None
    #: awaiting, approved, reservations or rejected.
    decision: str
    body: str
    #: None when not decided, or when the day is not known.
    decided_on: datetime.date | None
    #: Decided outside the app and recorded by a coordinator.
    outside_app: bool
    #: Whether a minutes or letter PDF is stored with the decision (downloaded on the version's page).
    has_evidence: bool
    #: The SHA-256 of that PDF as it was recorded (empty without one): what its download is checked against.
    evidence_sha256: str
    evidence_reference: str
    comment: str
    is_example: bool


class VersionOut(Schema):
    id: int
    number: int
    #: submitted, approved, rejected or superseded.
    status: str
    reason_category: str
    reason: str
    #: The number of the version it is based on (the approved one when submitted), or None.
    based_on: int | None
    #: The SHA-256 of the snapshot's canonical JSON.
    sha256: str
    needs_lbf: bool
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    recorded_outside_app: bool
    is_example: bool
    signoffs: list[SignoffOut]


class VersionDetailOut(VersionOut):
    #: The agreed part of the plan as frozen (canonical JSON, parsed): no follow-up data, no personal field.
    snapshot: dict


# --- Errors: every answer other than 200 is one of these (documented on every endpoint) -----------------------


class ErrorOut(Schema):
    """401 (no valid token or session) or 404 (nothing there, or nothing the caller may read)."""

    detail: str


class ParameterErrorOut(Schema):
    """One malformed parameter: where (``["query", "offset"]``), what kind of error, and the message."""

    type: str
    loc: list[str | int]
    msg: str
    ctx: dict[str, Any] | None = None


class ParametersErrorOut(Schema):
    """422: the malformed parameters, each named."""

    detail: list[ParameterErrorOut]
