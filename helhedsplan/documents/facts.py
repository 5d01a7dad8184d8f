"""Which figures and texts a plan states as fact, so that each can name where it comes from (``FactSource``).

The registry sits in the documents app, low in the layers; each app registers its own facts from its
``AppConfig.ready()`` (goals the indicators' baselines, budget the funding amounts, approvals the approval
steps' dates), so no lower app names a higher one's model. A fact is known by its ``key`` — in addresses, in
the plan file and on ``FactSource.fact`` — so a key, once used, is never renamed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.formatting import format_number
from helhedsplan.plans.models import Plan


@dataclass(frozen=True)
class Fact:
    #: Names the fact for good: ``plan-homes``, ``indicator-baseline``.
    key: str
    #: What the fact is, in words ("Boliger i området").
    label: str | Promise
    #: The rows of a plan that state it (those holding a value), with what ``value`` reads: one query at most.
    rows: Callable[[Plan], Iterable[Any]]
    #: The figure or text as the page shows it.
    value: Callable[[Any], str]
    #: What a row is called beside the label (an indicator's name); empty for the plan's own facts.
    name: Callable[[Any], str] = lambda row: ""
    #: Who may name its source, asked of the row (an editor of the indicator's delaftale, a coordinator).
    permission: str = "plan.manage"
    #: Where the row already names its source in a field of its own (an approval step's reference): that
    #: counts as its source and is shown as such.
    own_source: Callable[[Any], str] = lambda row: ""
    #: The model of the rows, for the plan file (``None``: the plan itself).
    model_label: str = ""


FACTS: dict[str, Fact] = {}


def register(fact: Fact) -> Fact:
    """Add ``fact`` to the registry (an app's ``ready()``); registering the same key twice is a mistake."""
    if fact.key in FACTS and FACTS[fact.key] != fact:
        raise ValueError(f"fact {fact.key!r} is registered twice")
    FACTS[fact.key] = fact
    return fact


def fact_choices() -> list[tuple[str, str]]:
    return [(key, str(fact.label)) for key, fact in FACTS.items()]


def _plan_figure(field: str) -> Callable[[Plan], list[Plan]]:
    # The plan is already read with the request: no query.
    return lambda plan: [plan] if getattr(plan, field) is not None else []


# The plan's own facts: the plan lies below this app, so they are registered here.
register(
    Fact(
        key="plan-homes",
        label=_("Homes in the plan's area"),
        rows=_plan_figure("homes"),
        value=lambda plan: format_number(plan.homes),
    )
)
register(
    Fact(
        key="plan-residents",
        label=_("Residents in the plan's area"),
        rows=_plan_figure("residents"),
        value=lambda plan: format_number(plan.residents),
    )
)
