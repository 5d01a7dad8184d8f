"""No write to a plan's content skips its change counter (``plans.changes``).

The counter moves from model signals; ``QuerySet.update``, ``bulk_create``, ``bulk_update`` and raw SQL send none,
so what is kept of a plan under its counter would stay stale. This test reads the source of every module under
``helhedsplan/`` (migrations apart: they run before any server keeps anything) and refuses such a write unless
its (module, function) is in ``ALLOWED`` with the reason it is safe — most often that it calls
``plans.changes.plan_changed`` itself in the same transaction.

A write whose model the source names (``Model.objects…``, ``Model._default_manager…``) is judged by the model: one
that is neither in a plan (``plan_lookup``) nor a shared row the plans show (``plans.changes``) is not plan
content and passes. A write through a model the source does not name (a variable, ``super()``) counts as plan
content. A ``.update(`` on a plain variable is taken for a dict's and not judged: keep querysets that are
written to in one expression.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

from helhedsplan.plans import changes

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "helhedsplan"

#: (module, function) → why its write without signals is safe.
ALLOWED: dict[tuple[str, str], str] = {
    ("helhedsplan.plans.changes", "plan_changed"): "It is the raise of the counter itself.",
    ("helhedsplan.core.services", "_restore_row"): (
        "Sets a restored row's 'entered' times right after the row's own save, which raised its plan's counter "
        "in the same transaction; the history records of its links are not plan content."
    ),
    ("helhedsplan.core.services", "_restore_links"): (
        "Writes history records of the restored row's links (not plan content); the links themselves are set "
        "through the many-to-many manager, which raises the counter."
    ),
    ("helhedsplan.periods.standard", "ensure_standard_periods"): (
        "The focus areas of a funding period created a line before: no plan has that period yet, and the "
        "period's own save raised every plan's counter in the same transaction."
    ),
    ("helhedsplan.periods.standard", "ensure_catalogue"): (
        "New entries of Landsbyggefonden's indicator catalogue: no indicator is picked from them yet, so no plan "
        "shows them; an entry that exists is changed only through its own save (every plan's counter)."
    ),
    ("helhedsplan.versions.services", "version_carry_in"): (
        "Sets a carried version's submission time (stamped on insert) to the carried one, and calls plan_changed."
    ),
    ("helhedsplan.planfiles.importer", "_Writer._remove_existing"): (
        "The replaced plan's decisions let go of its versions never approved a moment before the plan itself is "
        "deleted in the same transaction, which raises its counter."
    ),
    ("helhedsplan.reports.redaction", "redact_plan_file"): (
        "Run only by the data migration reports/0005 (before the servers start, so nothing is kept yet): the one "
        "change a frozen submission's file may get."
    ),
    ("helhedsplan.reports.models", "SubmissionQuerySet.update"): (
        "The queryset's own update, refusing frozen fields before it hands on: its callers are judged here."
    ),
    ("helhedsplan.core.frozen", "FrozenQuerySet.update"): (
        "The queryset's own update, refusing frozen fields before it hands on: its callers are judged here."
    ),
    ("helhedsplan.overview.selectors", "ChangeKeys.count"): "Raw SQL that only reads (SELECT COUNT).",
    (
        "helhedsplan.overview.selectors",
        "ChangeKeys.__getitem__",
    ): "Raw SQL that only reads (SELECT of a page's keys).",
    ("helhedsplan.reports.changes", "models_changed"): (
        "Raw SQL that only reads (SELECT of which historical tables hold a change in a time)."
    ),
}

#: Calls of a queryset (or manager) whose result an ``.update(`` may be called on.
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "select_for_update",
    "order_by",
    "annotate",
    "select_related",
    "prefetch_related",
    "in_plan",
    "of_plan",
    "for_user",
    "none",
    "using",
    "distinct",
    "values",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
BULK = {"bulk_create", "bulk_update"}
RAW = {"raw"}
EXECUTE = {"execute", "executemany", "executescript"}


@dataclass(frozen=True)
class SilentWrite:
    module: str
    function: str
    line: int
    what: str
    model: str | None  # the model the source names, if it does

    def __str__(self) -> str:
        return f"{self.module}:{self.line} in {self.function}: {self.what}" + (
            f" on {self.model}" if self.model else ""
        )


def _chain(node: ast.expr) -> tuple[list[str], ast.expr]:
    """The attribute and method names of ``a.b(...).c``, outermost last, and what the chain starts from."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            return list(reversed(names)), node


def _is_queryset(receiver: ast.expr) -> bool:
    names, start = _chain(receiver)
    if isinstance(start, ast.Call) or (isinstance(start, ast.Name) and start.id == "super"):
        return True
    return bool(set(names) & (MANAGERS | QUERYSET_METHODS))


def _named_model(receiver: ast.expr) -> str | None:
    """The model class a ``Model.objects…`` chain starts from, by name (None for a variable or a call)."""
    names, start = _chain(receiver)
    if isinstance(start, ast.Name) and names and names[0] in MANAGERS and start.id[:1].isupper():
        return start.id
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[str] = []
        self.found: list[SilentWrite] = []

    def _scoped(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def _add(self, node: ast.AST, what: str, model: str | None = None) -> None:
        function = ".".join(self.scope) or "<module>"
        self.found.append(SilentWrite(self.module, function, node.lineno, what, model))  # type: ignore[attr-defined]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if func.attr in BULK:
                self._add(node, f".{func.attr}()", _named_model(receiver))
            elif func.attr == "update":
                names, start = _chain(receiver)
                if names[-1:] == ["QuerySet"]:  # models.QuerySet.update(queryset, ...): the unbound call
                    self._add(node, "QuerySet.update()")
                elif _is_queryset(receiver):
                    self._add(node, ".update()", _named_model(receiver))
            elif func.attr in RAW and _is_queryset(receiver):
                self._add(node, ".raw()", _named_model(receiver))
            elif func.attr in EXECUTE:
                self._add(node, f"raw SQL (.{func.attr}())")
        if (isinstance(func, ast.Name) and func.id == "RunSQL") or (
            isinstance(func, ast.Attribute) and func.attr == "RunSQL"
        ):
            self._add(node, "RunSQL")
        self.generic_visit(node)


def silent_writes(source: str, module: str) -> list[SilentWrite]:
    """The writes without signals in ``source`` (the module named ``module``)."""
    finder = _Finder(module)
    finder.visit(ast.parse(source))
    return finder.found


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found.append((module.removesuffix(".__init__"), path))
    return found


def _not_plan_content() -> set[str]:
    """The names of the models that are neither in a plan nor shared rows the plans show (a name two models
    share counts as plan content)."""
    content, other = set(), set()
    for model in apps.get_models(include_auto_created=True):
        shows = changes._is_plan_model(model) or issubclass(model, changes._shared_models())
        (content if shows else other).add(model.__name__)
    return other - content


def refused(writes: list[SilentWrite]) -> list[SilentWrite]:
    """Of ``writes``, those neither on a model outside the plans nor allowed."""
    harmless = _not_plan_content()
    return [
        write
        for write in writes
        if not (write.model and write.model in harmless) and (write.module, write.function) not in ALLOWED
    ]


@pytest.fixture(scope="module")
def every_write() -> list[SilentWrite]:
    return [write for module, path in _modules() for write in silent_writes(path.read_text(), module)]


def test_no_write_to_a_plan_skips_its_counter(every_write):
    assert [str(write) for write in refused(every_write)] == []


def test_every_allowed_function_still_writes(every_write):
    """An allowance outliving its write would let a new one in unseen."""
    writing = {(write.module, write.function) for write in every_write}
    assert sorted(set(ALLOWED) - writing) == []


PLANTED = """
from django.db import connection
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.core.models import OutgoingMail


def rename_quietly(pk):
    Indicator.objects.filter(pk=pk).update(name="Stille")


def copy_quietly(rows):
    Measurement.objects.bulk_create(rows)


def change_by_hand(pk):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE goals_indicator SET name = 'Stille' WHERE id = %s", [pk])


def harmless(context, pk):
    context.update(name="a dict's update")
    OutgoingMail.objects.filter(pk=pk).update(status="sent")
"""


def test_a_planted_silent_write_is_refused():
    found = refused(silent_writes(PLANTED, "helhedsplan.goals.quiet"))
    assert [(write.function, write.what, write.model) for write in found] == [
        ("rename_quietly", ".update()", "Indicator"),
        ("copy_quietly", ".bulk_create()", "Measurement"),
        ("change_by_hand", "raw SQL (.execute())", None),
    ]


def test_a_planted_write_is_let_through_only_when_allowed(monkeypatch):
    monkeypatch.setitem(ALLOWED, ("helhedsplan.goals.quiet", "rename_quietly"), "raises the counter itself")
    found = refused(silent_writes(PLANTED, "helhedsplan.goals.quiet"))
    assert "rename_quietly" not in {write.function for write in found}
    assert len(found) == 2
