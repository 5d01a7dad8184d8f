"""The API's endpoints (django-ninja), mounted at /api/; the OpenAPI docs at /api/docs.

Every endpoint reads through the caller's plans (``plans.access``) and the apps' querysets
(``for_user(user, "plan.view")``) and selectors, so it answers exactly what the pages show that user: a plan
the caller may not read, or another plan's object, is a 404 (JSON, as every error here). Lists are paginated
(``limit`` ≤ MAX_PAGE_SIZE, ``offset``); each reads a fixed number of queries, whatever the page size —
noted at each endpoint (besides the one or two that find the caller: the token, or the session and its user).
"""

import datetime
import functools
import hashlib
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.decorators import decorate_view
from ninja.pagination import LimitOffsetPagination, paginate

from helhedsplan.agreements.models import SubAgreement, SubAgreementParty
from helhedsplan.approvals.selectors import approval_steps, approval_summary
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.core.stored_files import StoredFileDamaged
from helhedsplan.core.validators import EARLIEST_DATE, LATEST_DATE
from helhedsplan.documents.models import FactSource
from helhedsplan.documents.selectors import sources_by_fact, sources_by_fact_of_plans
from helhedsplan.goals.models import Activity, Goal, Indicator, Milestone
from helhedsplan.goals.selectors import every_measurement, measurements_prefetch, summarise
from helhedsplan.periods.models import CatalogueIndicator
from helhedsplan.plans.access import get_plan_or_404, plans_of
from helhedsplan.plans.models import Plan
from helhedsplan.reports.documents import STORED_FILES, FileNotMadeYet, open_stored_file
from helhedsplan.reports.models import Report, Submission
from helhedsplan.versions.models import PlanVersion, Signoff
from helhedsplan.versions.selectors import snapshot_of

from . import schemas
from .auth import TokenOrSession, caller

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
VIEW = "plan.view"

# Every parameter is bounded here, so a malformed one is a 422 naming it (before any query) and the OpenAPI
# schema says what is accepted: a number the database's columns cannot hold, or a NUL in a slug, would
# otherwise reach the database and fail there (a 500).

#: The largest row id (``DEFAULT_AUTO_FIELD``, a 64-bit integer) and the largest offset into a list (a 32-bit
#: integer: far beyond any list, and offset + limit still fits any database's integer).
MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1
#: A row's id (a path's ``pk``, a filter's id).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A plan's short address, as ``Plan.slug`` holds it (a Django slug).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
Slug = Annotated[str, Field(pattern=f"^{SLUG.pattern}$", max_length=Plan._meta.get_field("slug").max_length)]
#: A day within the bounds every date of the app keeps (``core.validators``).
Day = Annotated[datetime.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]

#: What an endpoint answers besides its 200: no valid caller (401), nothing there to read (404), a malformed
#: parameter (422) — each with its JSON shape, so a client generated from the schema meets no surprise.
UNAUTHORISED = {401: schemas.ErrorOut, 422: schemas.ParametersErrorOut}
ERRORS = {**UNAUTHORISED, 404: schemas.ErrorOut}


def answers(ok: Any, errors: dict[int, Any] = ERRORS) -> dict[int, Any]:
    return {200: ok, **errors}


class Pagination(LimitOffsetPagination):
    """limit/offset; a limit above MAX_PAGE_SIZE (or below 1, or not a number) is a 422, not silently cut, and
    so is an offset beyond MAX_OFFSET."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


api = NinjaAPI(
    title="Helhedsplan API",
    version="1",
    description=(
        "Read-only access to the plans you may read, with the same rules as the pages. Sign in with a personal "
        "access token (`Authorization: Bearer <token>`, made at /konto/tokens/) or a browser session. "
        "Contact details (the emergency plan's contacts, the parties' contact persons) are not in the API."
    ),
    auth=TokenOrSession(),
    urls_namespace="api",
    # Swagger UI from our own static files (ninja is in INSTALLED_APPS), so the page works under the CSP;
    # the validator badge would load an image from swagger.io, so it is off.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
)


def conditional_by_plan(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An endpoint of one plan that answers a conditional GET: its answer carries an ETag of the plan's change
    counter (``plans.changes``) and what else it depends on (``_etag``), and a GET whose ``If-None-Match`` names
    it is answered 304, with no body, after the caller and the plan are found (the token, or the session and its
    user; the plan with its counter) and nothing more.

    The caller and the plan are found as the endpoint finds them (the same auth, ``plans_of``), so a 304 only ever
    goes to a caller who may read the plan; a caller or plan not found is left to the endpoint (its 401 or 404).
    The plan found is handed to the endpoint (``_plan``), so a 200 reads no more than before. The counter is read
    before the answer: a write between them gives a newer answer under the older tag, which the next request's
    tag no longer matches — never an older answer under a newer tag.
    """

    @functools.wraps(run)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return run(request, *args, **kwargs)
        user = TokenOrSession()(request)
        slug = kwargs.get("slug", "")
        plan = plans_of(user).filter(slug=slug).first() if user is not None and SLUG.fullmatch(slug) else None
        if plan is None:
            return run(request, *args, **kwargs)
        request.__dict__[_FOUND_PLAN] = plan
        return _answer_under_tag(_etag(request, user, plan), request, run, *args, **kwargs)

    return answer


def conditional_by_plans(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The list of plans, answering a conditional GET as ``conditional_by_plan`` does one plan: its tag is that of
    every plan the caller may read with its change counter (one query of two columns), so a change to any of them,
    a plan that becomes readable or one no longer readable gives a new tag."""

    @functools.wraps(run)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return run(request, *args, **kwargs)
        user = TokenOrSession()(request)
        if user is None:
            return run(request, *args, **kwargs)
        counters = tuple(plans_of(user).order_by("pk").values_list("pk", "change_count"))
        return _answer_under_tag(
            _tag((counters, *_caller_parts(request, user))), request, run, *args, **kwargs
        )

    return answer


def _answer_under_tag(
    tag: str, request: HttpRequest, run: Callable[..., HttpResponse], *args: Any, **kwargs: Any
) -> HttpResponse:
    """A 304 when the request's ``If-None-Match`` names ``tag``; else the endpoint's answer, with the tag when it
    is a 200 (an error is never tagged)."""
    if tag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = run(request, *args, **kwargs)
        if response.status_code != 200:
            return response
    response["ETag"] = tag
    # Only the caller's own client may keep it, and must ask again (cheaply, with the tag) before using it.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
    return response


#: Where a request keeps the plan ``conditional_by_plan`` found, for the endpoint.
_FOUND_PLAN = "_api_plan"


def _etag(request: HttpRequest, user: Any, plan: Plan) -> str:
    """The tag of an answer: the plan and its change counter; the endpoint with its query; the caller (what they
    may read: their role is in the plan's rows, so a change of it moves the counter) and whether a token or the
    session asked; the language; and today (what is due or overdue is judged by it)."""
    return _tag((plan.pk, plan.change_count, *_caller_parts(request, user)))


def _caller_parts(request: HttpRequest, user: Any) -> tuple[Any, ...]:
    return (
        request.get_full_path(),
        user.pk,
        "token" if "Authorization" in request.headers else "session",
        get_language(),
        timezone.localdate().isoformat(),
    )


def _tag(parts: tuple[Any, ...]) -> str:
    return quote_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32])


def _plan(request: HttpRequest, slug: Slug) -> Plan:
    """The plan if the caller may read it (one query, or none when ``conditional_by_plan`` found it), else 404."""
    found = request.__dict__.get(_FOUND_PLAN)
    if found is not None and found.slug == slug:
        return found
    return get_plan_or_404(caller(request), slug)


def _rows(model, request: HttpRequest, plan: Plan):
    """``model``'s rows of ``plan`` that the caller may read."""
    return model.objects.for_user(caller(request), VIEW).in_plan(plan)


def _one(queryset, pk: Id):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Where a fact comes from ----------------------------------------------------------------------------------


def _source_out(source: FactSource | None) -> dict | None:
    """A fact's source as the API gives it (``schemas.SourceOut``), from the row already read; None without one.
    A document is named by its id and title (and the page), never more."""
    if source is None:
        return None
    document = source.document if source.document_id is not None else None
    return {
        "kind": source.kind,
        "document_id": document.pk if document is not None else None,
        "document_title": document.title if document is not None else None,
        "page": source.page,
        "url": source.url or None,
        "read_on": source.read_on,
        "reference": source.reference or None,
        "is_example": source.is_example,
    }


# --- Plans ---------------------------------------------------------------------------------------------------

PLAN_FACTS = {"homes_source": "plan-homes", "residents_source": "plan-residents"}


def _with_sources(plans: list[Plan], sources: dict[tuple[str, int], FactSource]) -> list[Plan]:
    """The plans, each carrying the sources of its homes and residents (``PLAN_FACTS``), read beforehand."""
    for plan in plans:
        for name, fact in PLAN_FACTS.items():
            setattr(plan, name, _source_out(sources.get((fact, plan.pk))))
    return plans


class _PlanPagination(Pagination):
    """The page's plans, with the sources of their figures (one query for the page)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        plans = list(page[self.items_attribute])
        sources = sources_by_fact_of_plans([plan.pk for plan in plans], *PLAN_FACTS.values()) if plans else {}
        page[self.items_attribute] = _with_sources(plans, sources)
        return page


@api.get("/plans", response=answers(list[schemas.PlanOut], UNAUTHORISED), tags=["plans"])
@decorate_view(conditional_by_plans)
@paginate(_PlanPagination)
def plan_list(request: HttpRequest):
    """The plans you may read, with the sources of their figures. Queries: the plans' change counters (the
    ETag), the count, the page, the sources."""
    return plans_of(caller(request))


@api.get("/plans/{slug}", response=answers(schemas.PlanOut), tags=["plans"])
@decorate_view(conditional_by_plan)
def plan_detail(request: HttpRequest, slug: Slug):
    """One plan, with the sources of its figures. Queries: the plan, the sources."""
    plan = _plan(request, slug)
    return _with_sources([plan], sources_by_fact(plan, *PLAN_FACTS.values()))[0]


# --- Delaftaler ----------------------------------------------------------------------------------------------


def _sub_agreements(request: HttpRequest, plan: Plan):
    parties = SubAgreementParty.objects.select_related("organisation").order_by("organisation__name", "pk")
    return (
        _rows(SubAgreement, request, plan)
        .prefetch_related(Prefetch("parties", queryset=parties))
        .order_by("pk")
    )


@api.get("/plans/{slug}/sub-agreements", response=answers(list[schemas.SubAgreementOut]), tags=["agreements"])
@decorate_view(conditional_by_plan)
@paginate(Pagination)
def sub_agreement_list(request: HttpRequest, slug: Slug):
    """The plan's delaftaler with their parties. Queries: the plan, the count, the page, the parties."""
    return _sub_agreements(request, _plan(request, slug))


@api.get("/plans/{slug}/sub-agreements/{pk}", response=answers(schemas.SubAgreementOut), tags=["agreements"])
@decorate_view(conditional_by_plan)
def sub_agreement_detail(request: HttpRequest, slug: Slug, pk: Id):
    """One delaftale. Queries: the plan, the delaftale, its parties."""
    return _one(_sub_agreements(request, _plan(request, slug)), pk)


# --- Goals -----------------------------------------------------------------------------------------------------


def _goals(request: HttpRequest, plan: Plan):
    return _rows(Goal, request, plan).order_by("sub_agreement__focus_area", "order", "pk")


@api.get("/plans/{slug}/goals", response=answers(list[schemas.GoalOut]), tags=["goals"])
@decorate_view(conditional_by_plan)
@paginate(Pagination)
def goal_list(request: HttpRequest, slug: Slug, sub_agreement: Id | None = None):
    """The plan's goals (of one delaftale with ``sub_agreement``). Queries: the plan, the count, the page."""
    goals = _goals(request, _plan(request, slug))
    return goals if sub_agreement is None else goals.filter(sub_agreement_id=sub_agreement)


@api.get("/plans/{slug}/goals/{pk}", response=answers(schemas.GoalOut), tags=["goals"])
@decorate_view(conditional_by_plan)
def goal_detail(request: HttpRequest, slug: Slug, pk: Id):
    """One goal. Queries: the plan, the goal."""
    return _one(_goals(request, _plan(request, slug)), pk)


# --- Indicators and their measurements ---------------------------------------------------------------------


def _indicators(request: HttpRequest, plan: Plan):
    return (
        _rows(Indicator, request, plan)
        .select_related("plan", "catalogue_entry")
        # Every level's figures, each with its estate or its group's estates (the plan's own alone make progress).
        .prefetch_related(measurements_prefetch(every_measurement(all_levels=True)))
        .order_by("pk")
    )


def _indicator_out(
    indicator: Indicator, today: datetime.date, sources: dict[tuple[str, int], FactSource]
) -> dict:
    """An indicator with where it stands, as the pages judge it (``goals.selectors.summarise``), and its
    baseline's source (from ``sources``, read for the page)."""
    summary = summarise(indicator, today)
    fields = {
        name: getattr(indicator, name)
        for name in ("id", "goal_id", "strategic_goal_id", *Indicator.COPYABLE_FIELDS)
    }
    entry = indicator.catalogue_entry
    return fields | {
        "catalogue_code": entry.code if entry is not None else None,
        "baseline_source": _source_out(sources.get((BASELINE, indicator.pk))),
        "progress": {
            "value": summary.progress.value,
            "percent": summary.progress.percent,
            "expected": summary.progress.expected,
            "status": summary.progress.status.value,
            "status_label": str(summary.progress.label),
            "as_of": summary.as_of.day,
            "final": summary.as_of.final,
        },
        "next_measurement_due": summary.next_due,
        "measurement_overdue": summary.overdue,
        "measurements": list(indicator.measurements.all()),
    }


#: The fact an indicator's baseline is (``goals.facts``).
BASELINE = "indicator-baseline"


class _IndicatorPagination(Pagination):
    """The page's indicators, each with its progress (computed from the rows already read) and its baseline's
    source (one query for the page)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        today = timezone.localdate()
        indicators = list(page[self.items_attribute])
        sources = (
            sources_by_fact(indicators[0].plan, BASELINE) if indicators else {}
        )  # the page's indicators are of one plan
        page[self.items_attribute] = [_indicator_out(i, today, sources) for i in indicators]
        return page


@api.get("/plans/{slug}/indicators", response=answers(list[schemas.IndicatorOut]), tags=["goals"])
@decorate_view(conditional_by_plan)
@paginate(_IndicatorPagination)
def indicator_list(request: HttpRequest, slug: Slug, goal: Id | None = None, key_figures: bool | None = None):
    """The plan's indicators and key figures with their measurements and their baselines' sources (``goal``: of
    one goal; ``key_figures``: only the strategic agreement's key figures, or only the goals' indicators).
    Queries: the plan, the count, the page (with the plan), the measurements (with their estate), the groups'
    estates, the baselines' sources."""
    indicators = _indicators(request, _plan(request, slug))
    if goal is not None:
        indicators = indicators.filter(goal_id=goal)
    if key_figures is not None:
        indicators = indicators.filter(goal__isnull=key_figures)
    return indicators


@api.get("/plans/{slug}/indicators/{pk}", response=answers(schemas.IndicatorOut), tags=["goals"])
@decorate_view(conditional_by_plan)
def indicator_detail(request: HttpRequest, slug: Slug, pk: Id):
    """One indicator with its measurements and its baseline's source. Queries: the plan, the indicator, its
    measurements (with their estate), the groups' estates, the baseline's source."""
    plan = _plan(request, slug)
    indicator = _one(_indicators(request, plan), pk)
    sources = {
        (source.fact, source.object_id): source
        for source in FactSource.objects.in_plan(plan)
        .filter(fact=BASELINE, object_id=indicator.pk)
        .select_related("document")
    }
    return _indicator_out(indicator, timezone.localdate(), sources)


# --- Landsbyggefonden's indicator catalogue -------------------------------------------------------------------


def _catalogue_out(entry: CatalogueIndicator) -> dict:
    fields = {
        name: getattr(entry, name) for name in schemas.CatalogueIndicatorOut.model_fields if name != "period"
    }
    return fields | {"period": entry.period.code}


class _CataloguePagination(Pagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = [_catalogue_out(entry) for entry in page[self.items_attribute]]
        return page


def _catalogue():
    return CatalogueIndicator.objects.select_related("period").order_by("-period__first_year", "order", "pk")


@api.get(
    "/catalogue", response=answers(list[schemas.CatalogueIndicatorOut], UNAUTHORISED), tags=["catalogue"]
)
@paginate(_CataloguePagination)
def catalogue_list(request: HttpRequest, period: Slug | None = None):
    """Landsbyggefonden's standard indicators (``period``: of one funding period, e.g. 2019-2026), shared by
    every plan of a period: an indicator's ``catalogue_code`` names one. Queries: the count, the page."""
    entries = _catalogue()
    return entries if period is None else entries.filter(period__code=period)


@api.get("/catalogue/{period}/{code}", response=answers(schemas.CatalogueIndicatorOut), tags=["catalogue"])
def catalogue_detail(request: HttpRequest, period: Slug, code: Slug):
    """One standard indicator of a funding period. Queries: the entry with its period."""
    entry = _catalogue().filter(period__code=period, code=code).first()
    if entry is None:
        raise Http404
    return _catalogue_out(entry)


# --- Activities and their milestones -------------------------------------------------------------------------


def _activities(request: HttpRequest, plan: Plan):
    return (
        _rows(Activity, request, plan)
        .select_related("responsible_organisation")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.only("pk").order_by("pk")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
        )
        .order_by("name", "pk")
    )


@api.get("/plans/{slug}/activities", response=answers(list[schemas.ActivityOut]), tags=["goals"])
@decorate_view(conditional_by_plan)
@paginate(Pagination)
def activity_list(
    request: HttpRequest, slug: Slug, sub_agreement: Id | None = None, status: Activity.Status | None = None
):
    """The plan's activities with their milestones and the goals they serve. Queries: the plan, the count,
    the page (with the responsible organisation), the goals, the milestones."""
    activities = _activities(request, _plan(request, slug))
    if sub_agreement is not None:
        activities = activities.filter(sub_agreement_id=sub_agreement)
    if status is not None:
        activities = activities.filter(status=status)
    return activities


@api.get("/plans/{slug}/activities/{pk}", response=answers(schemas.ActivityOut), tags=["goals"])
@decorate_view(conditional_by_plan)
def activity_detail(request: HttpRequest, slug: Slug, pk: Id):
    """One activity. Queries: the plan, the activity, its goals, its milestones."""
    return _one(_activities(request, _plan(request, slug)), pk)


# --- The budget and the approvals: the apps' summaries ------------------------------------------------------


@api.get("/plans/{slug}/budget", response=answers(schemas.BudgetOut), tags=["budget"])
@decorate_view(conditional_by_plan)
def budget(request: HttpRequest, slug: Slug):
    """The budget summary (``budget.selectors.budget_summary``): totals, shares, LBF's checks, each line and
    funding source by year, each source's amount with where it comes from. Queries: the plan, the summary's
    five, the amounts' sources."""
    plan = _plan(request, slug)
    summary = budget_summary(plan)
    amount_sources = sources_by_fact(plan, "funding-amount")
    return {
        "years": summary.years,
        "total_budget": summary.total_budget,
        "total_funding": summary.total_funding,
        "total_actual": summary.total_actual,
        "lbf_amount": summary.lbf_amount,
        "lbf_share": summary.lbf_share,
        "local_share": summary.local_share,
        "municipality_share": summary.municipality_share,
        "meets_lbf_local_minimum": summary.meets_lbf_local_minimum,
        "meets_municipal_commitment": summary.meets_municipal_commitment,
        "is_balanced": summary.is_balanced,
        "budget_by_year": summary.budget_by_year,
        "funding_by_year": summary.funding_by_year,
        "actual_by_year": summary.actual_by_year,
        "budget_by_category": summary.budget_by_category,
        "lines": [
            {
                "id": row.line.pk,
                "sub_agreement_id": row.line.sub_agreement_id,
                "category": row.line.category,
                "description": row.line.description,
                "budget_by_year": row.budget_by_year,
                "actual_by_year": row.actual_by_year,
                "total": row.total,
                "is_example": row.line.is_example,
            }
            for row in summary.lines
        ],
        "sources": [
            {
                "id": source.pk,
                "name": source.name,
                "kind": source.kind,
                "organisation": source.organisation.name if source.organisation else None,
                "by_year": by_year,
                "total": sum(by_year.values()),
                "is_example": source.is_example,
                "amount_source": _source_out(amount_sources.get(("funding-amount", source.pk))),
            }
            for source, by_year in summary.sources
        ],
    }


@api.get("/plans/{slug}/approvals", response=answers(schemas.ApprovalsOut), tags=["approvals"])
@decorate_view(conditional_by_plan)
def approvals(request: HttpRequest, slug: Slug, on: Day | None = None):
    """The estates' approvals as of ``on`` (default today) (``approvals.selectors.approval_summary``), and the
    plan's political and funder steps, each step's date with where it comes from. Queries: the plan, the
    estates, their decisions, the steps, the steps' sources."""
    plan = _plan(request, slug)
    summary = approval_summary(plan, on or timezone.localdate())
    step_sources = sources_by_fact(plan, "approval-date")
    return {
        "as_of": summary.as_of,
        "total": summary.total,
        "approved_count": summary.approved_count,
        "all_approved": summary.all_approved,
        "last_approval_date": summary.last_approval_date,
        "estates": [
            {
                "estate_id": state.estate.pk,
                "estate": state.estate.name,
                "housing_association": state.estate.housing_association.name
                if state.estate.housing_association
                else None,
                "result": state.result,
                "decision_date": state.decision.date if state.decision else None,
                "expected_date": state.expected_date,
                "overdue": state.is_overdue(summary.as_of),
                "is_example": bool(state.decision and state.decision.is_example),
            }
            for state in summary.estates
        ],
        "steps": [
            {
                "id": step.pk,
                "title": step.title,
                "body": step.body,
                "status": step.status,
                "date": step.date,
                "date_is_expected": step.date_is_expected,
                "reference": step.reference,
                "is_example": step.is_example,
                # Only a day taken is a fact with a source (``approvals.facts``); an expected day is none yet.
                "date_source": None
                if step.date_is_expected
                else _source_out(step_sources.get(("approval-date", step.pk))),
            }
            for step in approval_steps(plan)
        ],
    }


# --- Reports submitted to Landsbyggefonden -------------------------------------------------------------------


def _submission_out(submission: Submission, slug: Slug) -> dict:
    return {
        "id": submission.pk,
        "number": submission.number,
        "as_of": submission.as_of,
        "submitted_at": submission.submitted_at,
        "outcome": submission.outcome,
        "answered_at": submission.answered_at,
        "files": [
            {
                "format": file_format.extension,
                "sha256": getattr(submission, f"{field}_sha256"),
                "url": reverse(
                    "api:submission_file",
                    kwargs={"slug": slug, "pk": submission.pk, "format": file_format.extension},
                ),
            }
            for file_format, field in STORED_FILES.items()
        ],
        "is_example": submission.is_example,
    }


class _ReportPagination(Pagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = [
            {
                "id": report.pk,
                "kind": report.kind,
                "year": report.year,
                "due_date": report.due_date,
                "submissions": [_submission_out(s, report.plan.slug) for s in report.submissions.all()],
            }
            for report in page[self.items_attribute]
        ]
        return page


@api.get("/plans/{slug}/reports", response=answers(list[schemas.ReportOut]), tags=["reports"])
@decorate_view(conditional_by_plan)
@paginate(_ReportPagination)
def report_list(request: HttpRequest, slug: Slug, kind: Report.Kind | None = None):
    """The reports submitted to Landsbyggefonden, each with its submissions: outcome, dates, the SHA-256 of
    each frozen file and where to download it. Queries: the plan, the count, the page (with the plan), the
    submissions."""
    reports = (
        _rows(Report, request, _plan(request, slug))
        .select_related("plan")
        .prefetch_related(Prefetch("submissions", queryset=Submission.objects.order_by("number")))
        .order_by("kind", "year", "pk")
    )
    return reports if kind is None else reports.filter(kind=kind)


@api.get(
    "/plans/{slug}/submissions/{pk}/files/{format}",
    # 503: the PDF is made by a background task right after the submission; until then, try again shortly.
    # 500: the stored file no longer matches its SHA-256.
    response={**ERRORS, 500: schemas.ErrorOut, 503: schemas.ErrorOut},
    tags=["reports"],
    url_name="submission_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as stored.",
                "content": {
                    file_format.content_type: {"schema": {"type": "string", "format": "binary"}}
                    for file_format in STORED_FILES
                },
            }
        }
    },
)
def submission_file(request: HttpRequest, slug: Slug, pk: Id, format: str):
    """A submitted file exactly as stored (``format``: pdf, xlsx or yaml; another is a 404); its SHA-256 is in
    the report's submission. Queries: the plan, the submission."""
    plan = _plan(request, slug)
    submission = _one(
        Submission.objects.filter(report__in=_rows(Report, request, plan)).select_related("report"), pk
    )
    try:
        file_format, name, handle = open_stored_file(submission, format)
    except FileNotMadeYet:
        return 503, {"detail": "The PDF is being made; try again in a moment."}
    except StoredFileDamaged:
        # Never a file that is not what was submitted: it no longer matches its SHA-256 (logged).
        return 500, {"detail": "The stored file does not match its SHA-256 and was not sent."}
    return FileResponse(handle, as_attachment=True, filename=name, content_type=file_format.content_type)


# --- Plan versions -------------------------------------------------------------------------------------------


def _versions(plan: Plan):
    signoffs = Signoff.objects.select_related("organisation").order_by("pk")
    return (
        PlanVersion.objects.of_plan(plan)
        .select_related("based_on")
        .prefetch_related(Prefetch("signoffs", queryset=signoffs))
        .order_by("number")
    )


def _version_out(version: PlanVersion) -> dict:
    """A version without who submitted or recorded it (people are not in the API)."""
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        "reason_category": version.reason_category,
        "reason": version.reason,
        "based_on": version.based_on.number if version.based_on else None,
        "sha256": version.sha256,
        "needs_lbf": version.needs_lbf,
        "submitted_at": version.submitted_at,
        "decided_at": version.decided_at,
        "recorded_outside_app": version.recorded_outside_app,
        "is_example": version.is_example,
        "signoffs": [
            {
                "id": s.pk,
                "party": s.party,
                "organisation": s.organisation.short_name if s.organisation else None,
                "decision": s.decision,
                "body": s.body,
                "decided_on": s.decided_on,
                "outside_app": s.outside_app,
                "has_evidence": bool(s.evidence),
                "evidence_sha256": s.evidence_sha256 if s.evidence else "",
                "evidence_reference": s.evidence_reference,
                "comment": s.comment,
                "is_example": s.is_example,
            }
            for s in version.signoffs.all()
        ],
    }


class _VersionPagination(Pagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = [_version_out(v) for v in page[self.items_attribute]]
        return page


@api.get("/plans/{slug}/versions", response=answers(list[schemas.VersionOut]), tags=["versions"])
@decorate_view(conditional_by_plan)
@paginate(_VersionPagination)
def version_list(request: HttpRequest, slug: Slug):
    """The plan's versions (the agreement as the parties signed it): status, reason, hash and every party's
    sign-off. Queries: the plan, the count, the page (with the version each is based on), the sign-offs (with
    their organisations)."""
    return _versions(_plan(request, slug))


@api.get("/plans/{slug}/versions/{number}", response=answers(schemas.VersionDetailOut), tags=["versions"])
@decorate_view(conditional_by_plan)
def version_detail(request: HttpRequest, slug: Slug, number: Annotated[int, Field(ge=1, le=32767)]):
    """One version with its snapshot (the agreed part of the plan as frozen: no follow-up data, no personal
    field). Queries: the plan, the version, its sign-offs."""
    version = _versions(_plan(request, slug)).filter(number=number).first()
    if version is None:
        raise Http404
    return {**_version_out(version), "snapshot": snapshot_of(version)}
