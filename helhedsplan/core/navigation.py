"""Navigation declared once: each model names what it is shown under, and pages derive the rest from that.

A model of a plan says what its parent is (``PlanContent.parent_field`` or ``navigation_parent()``): another
object, a ``Crumb`` for a list page (the budget, the delaftaler), or None for the plan itself. From that chain
the generic views build breadcrumbs, where "cancel" leads, where a save or a delete returns to — and accept a
``next`` address only when it stays on this site (as NetBox's ``GetReturnURLMixin`` does).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

#: The query or form parameter that names the page to return to.
RETURN_PARAMETER = "next"


class Crumb(NamedTuple):
    """One step of a breadcrumb trail; ``url`` None for the page itself or a step without a page."""

    title: str
    url: str | None = None


def url_of(obj: Any) -> str | None:
    """The object's own page, or None when it has none (an escalation level lives on its plan's page)."""
    if isinstance(obj, Crumb):
        return obj.url
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if get_url is not None else None


def parent_of(obj: Any) -> Any:
    """What ``obj`` is shown under: an object, a Crumb, or None (the plan)."""
    if isinstance(obj, Crumb):
        return None
    parent = getattr(obj, "navigation_parent", None)
    return parent() if parent is not None else None


def title_of(obj: Any) -> str:
    if isinstance(obj, Crumb):
        return obj.title
    return str(getattr(obj, "crumb_title", None) or obj)


def trail(obj: Any) -> list[Crumb]:
    """The linked breadcrumbs from just below the plan down to ``obj`` itself (None: an empty trail)."""
    crumbs: list[Crumb] = []
    while obj is not None:
        crumbs.append(Crumb(title_of(obj), url_of(obj)))
        obj = parent_of(obj)
    crumbs.reverse()
    return crumbs


def return_url(obj: Any, default: str) -> str:
    """The nearest page going up from ``obj``: its own, else its parent's, …, else ``default`` (the plan)."""
    while obj is not None:
        url = url_of(obj)
        if url:
            return url
        obj = parent_of(obj)
    return default


def safe_next_url(request: HttpRequest) -> str | None:
    """The ``next`` address of the request (POST first, then GET) if it stays on this site, else None."""
    candidate = request.POST.get(RETURN_PARAMETER) or request.GET.get(RETURN_PARAMETER)
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None
