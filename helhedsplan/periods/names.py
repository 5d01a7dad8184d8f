"""Focus-area names of a plan's funding period, read once per request.

A delaftale or strategic goal of the 2019-2026 period names its focus area from code (``FocusArea``); one of
another period names it from ``FocusAreaDefinition`` rows. A page lists many such rows (and every row's
``__str__`` names its area), so within one request a plan's period is read once, by the first row that asks:
``FocusAreaNamesMiddleware`` opens the memo, and it is dropped with the response, so a renamed focus area is
read anew by the next request in every worker. Outside a request (commands, the shell) each call asks the
database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from helhedsplan.periods.models import FocusAreaDefinition

# plan id → {code: name} of the plan's funding period, for the request being answered.
_names_by_plan: ContextVar[dict[int, dict[str, str]] | None] = ContextVar("focus_area_names", default=None)


def focus_area_name(*, plan_id: int, code: str) -> str | None:
    """The name of focus area ``code`` in plan ``plan_id``'s funding period (None if the period has no such
    area, or the plan has no period)."""
    memo = _names_by_plan.get()
    if memo is None:
        return _names_of(plan_id).get(code)
    if plan_id not in memo:
        memo[plan_id] = _names_of(plan_id)
    return memo[plan_id].get(code)


def _names_of(plan_id: int) -> dict[str, str]:
    """Every focus area of the plan's funding period, code → name: one query."""
    return dict(FocusAreaDefinition.objects.filter(period__plans=plan_id).values_list("code", "name"))


@contextmanager
def focus_area_names_memo() -> Iterator[None]:
    """Within the block, each plan's focus-area names are read once."""
    token = _names_by_plan.set({})
    try:
        yield
    finally:
        _names_by_plan.reset(token)


class FocusAreaNamesMiddleware:
    """One memo of focus-area names per request (``focus_area_names_memo``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with focus_area_names_memo():
            return self.get_response(request)
