"""``{% fact_source sources "indicator-baseline" indicator %}``: a fact's source, compactly, beside the figure
the page shows (``selectors.sources_by_fact`` read the sources; the tag adds no query)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template

from ..facts import FACTS

register = template.Library()


@register.inclusion_tag("documents/includes/fact_source.html", takes_context=True)
def fact_source(context, sources: dict | None, key: str, row: Any) -> dict[str, Any]:
    fact = FACTS[key]
    source = (sources or {}).get((key, row.pk))
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = source.kind if source is not None else ""
    return {
        "plan": context.get("plan"),
        "fact": fact,
        "row": row,
        "source": source,
        "kind": kind,
        # The host alone: the whole address is in the link, and the page stays compact.
        "host": (urlsplit(source.url).hostname or source.url) if source is not None and kind == "url" else "",
        "own_source": fact.own_source(row),
        "is_example": bool(getattr(row, "is_example", False)) or kind == "example",
        # A reviewer sees the source, never the link to set one.
        "may_set": bool(user and user.has_perm(fact.permission, row)),
    }
