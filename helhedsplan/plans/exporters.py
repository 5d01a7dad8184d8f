"""Every file a user downloads, in one registry, as pretix registers its data exporters.

An exporter declares what it is — a ``name``, its ``formats``, who may run it (``permission``, a rule of
``plans.rules`` asked of the plan) and whether it is about one plan or all the user's plans (``scope``) — and builds
its file from selectors in two steps: ``read`` (what the file shows, from the request's parameters; a bad one is
a 404 or a 400) and ``render`` (the bytes in one format). Each app registers its exporters in its
``exporters.py`` with ``@register``; the plans app finds those modules at start (``autodiscover``), as the admin
finds ``admin.py``.

One view, ``ExportView``, serves them all, so the rest is decided once: the access checks (the plan through the
user's membership or grant, another plan's is a 404; the exporter's permission, else a 403 naming it), the
**personal-data rule** (``ExportRequest.personal_data``: a file carries personal data — the fields the models
declare in ``PERSONAL_FIELDS``, see ``core.personal`` — only for a user who may see them on the pages; a
reviewer never does), the file name (the
plan, what the file is, and the day it shows: ``amager-2022-2025-budget-2026-12-07.xlsx``) and the content type.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.personal import PERSONAL_DATA_PERMISSION
from helhedsplan.core.stored_files import StoredFileDamaged, damaged_file_response

from .models import Plan
from .views import PlanViewMixin

__all__ = [
    "PERSONAL_DATA_PERMISSION"
]  # who may see a file's personal data: the same permission as the pages'


@dataclass(frozen=True)
class Format:
    """A file format: the name's extension (also the format's name in addresses), its content type and what a
    page calls it."""

    extension: str
    content_type: str
    label: str | Promise = field(compare=False)


PDF = Format("pdf", "application/pdf", gettext_lazy("PDF"))
XLSX = Format(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", gettext_lazy("Spreadsheet")
)
YAML = Format("yaml", "application/yaml", gettext_lazy("Plan file"))


@dataclass(frozen=True)
class ExportRequest:
    """What an exporter is asked for: by whom, about which plan (None for the user's plans), with the address's
    own parameters (``kwargs``, e.g. a report's period) and its query (``params``)."""

    user: Any
    plan: Plan | None
    kwargs: dict[str, Any]
    params: QueryDict
    today: datetime.date
    #: Whether the file may carry personal data (the models' ``PERSONAL_FIELDS``, ``core.personal``): decided
    #: here, once, for every exporter, by the same permission as the pages'.
    personal_data: bool


T = TypeVar("T")


@dataclass(frozen=True)
class Export(Generic[T]):
    """What an exporter read: the data its formats render, what the file is (``what``: "budget",
    "aarsrapport-2024") and the day it shows."""

    data: T
    what: str
    as_of: datetime.date


class Exporter(Generic[T]):
    """The base of every exporter; see the module's docstring."""

    name: ClassVar[str]
    verbose_name: ClassVar[str | Promise]
    formats: ClassVar[tuple[Format, ...]]
    #: The rule (``plans.rules``) the user must hold on the plan; for the user's plans, each plan's rows are
    #: scoped by ``access.plans_of`` instead.
    permission: ClassVar[str] = "plan.view"
    scope: ClassVar[Literal["plan", "user_plans"]] = "plan"

    def read(self, request: ExportRequest) -> Export[T]:
        """What the file shows, through selectors. Raise Http404 for an address that names nothing, and
        ``django.core.exceptions.BadRequest`` for a parameter that is not valid."""
        raise NotImplementedError

    def render(self, export: Export[T], format: Format) -> bytes:
        raise NotImplementedError

    def format_named(self, extension: str) -> Format:
        for candidate in self.formats:
            if candidate.extension == extension:
                return candidate
        raise Http404(f"{self.name} has no format {extension!r}")


_registry: dict[str, Exporter[Any]] = {}

E = TypeVar("E", bound=type[Exporter[Any]])


def register(cls: E) -> E:
    """Class decorator: add an exporter (one instance) to the registry under its name."""
    if cls.name in _registry and type(_registry[cls.name]) is not cls:
        raise ValueError(f"two exporters are named {cls.name!r}")
    _registry[cls.name] = cls()
    return cls


def autodiscover() -> None:
    """Import every installed app's ``exporters`` module, which registers its exporters."""
    autodiscover_modules("exporters")


def exporters() -> dict[str, Exporter[Any]]:
    """Every registered exporter by name (a copy)."""
    return dict(_registry)


def get(name: str) -> Exporter[Any]:
    return _registry[name]


def file_name(*, plan: Plan | None, what: str, as_of: datetime.date, suffix: str = "") -> str:
    """A downloaded or stored file's name without its extension: the plan, what it is, the day it shows and
    (for a stored file) its number — ``amager-2022-2025-aarsrapport-2024-2024-12-31-1``."""
    parts = [plan.slug] if plan is not None else []
    parts += [what, as_of.isoformat()]
    if suffix:
        parts.append(suffix)
    return "-".join(parts)


def file_response(content: bytes, *, name: str, format: Format) -> HttpResponse:
    """A file to save (never to show in the browser), with its content type."""
    response = HttpResponse(content, content_type=format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{format.extension}"'
    return response


class ExportView(PlanViewMixin, generic.View):
    """The one download view: ``ExportView.as_view(exporter="budget", format="xlsx")`` in an app's URLs, or
    with ``format`` from the address (``<str:format>``). For an exporter of the user's plans, no plan is in the
    address and a signed-in user is all it asks (the rows are theirs only)."""

    exporter: str = ""
    format: str = ""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponseBase]:
        if initkwargs.get("exporter") not in _registry:
            raise ImproperlyConfigured(f"no exporter is named {initkwargs.get('exporter')!r}")
        return super().as_view(**initkwargs)

    @property
    def the_exporter(self) -> Exporter[Any]:
        return _registry[self.exporter]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.the_exporter.scope == "user_plans":
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            self.plan = None  # type: ignore[assignment]
            return generic.View.dispatch(self, request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self) -> str:
        return self.the_exporter.permission

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        exporter = self.the_exporter
        file_format = exporter.format_named(self.format or kwargs.get("format", ""))
        plan: Plan | None = self.plan
        try:
            export = exporter.read(
                ExportRequest(
                    user=request.user,
                    plan=plan,
                    kwargs={key: value for key, value in kwargs.items() if key not in ("plan", "format")},
                    params=request.GET,
                    today=timezone.localdate(),
                    personal_data=plan is not None and request.user.has_perm(PERSONAL_DATA_PERMISSION, plan),
                )
            )
        except StoredFileDamaged:
            # What the file is made from is frozen and no longer matches its SHA-256 (a version's snapshot).
            return damaged_file_response(request, back_url=plan.get_absolute_url() if plan else "/")
        name = file_name(plan=plan, what=export.what, as_of=export.as_of)
        return file_response(exporter.render(export, file_format), name=name, format=file_format)
