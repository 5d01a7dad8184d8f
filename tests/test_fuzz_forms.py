"""Generated submissions to every form of the app, as a coordinator (or a reviewer, for the one form that is a
reviewer's): no answer is a server error, and nothing
saved breaks a rule of the plan.

Every create and edit form of tests/test_every_url.py's table is posted ``EXAMPLES_PER_FORM`` times by
hypothesis, starting from the table's valid data and the fields the form shows: one to three fields left out, sent
twice, or replaced by very long or unicode text (NUL bytes and other control characters included), huge,
negative or malformed numbers, ids of nothing or of too many digits, dates and times outside the plan's period
and outside any sane year, or a value of the wrong kind. Each submission runs in a savepoint rolled back after
it, so every one meets the same plan. An answer of 500 (an exception in the test client) fails the test; every
object the request saved is read back and must pass ``full_clean()`` (its fields, ``clean()``, its constraints).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django import forms
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhedsplan.approvals.models import EstateDecision
from helhedsplan.preparedness.models import EscalationLevel
from helhedsplan.versions.services import version_submit
from tests.reports.factories import SubmissionFactory
from tests.test_every_url import NO_DATA, TABLE, Objects, Row, make_documents
from tests.versions.factories import change_strategic_goal

pytestmark = pytest.mark.django_db

#: Every row of the table that posts form data: each create and edit form (deletes post nothing).
FORM_ROWS = [row for row in TABLE if row.post is not None and row.post is not NO_DATA]
#: At least 1,000 submissions in all, shared evenly by the forms.
TOTAL = 1_000
EXAMPLES_PER_FORM = math.ceil(TOTAL / len(FORM_ROWS))

settings.register_profile(
    "forms-fuzz",
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,  # a request through the whole stack takes its time; a slow one is no bug here
    database=None,  # nothing written to .hypothesis/ by the suite
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

# --- What goes into a field -----------------------------------------------------------------------------------

OMIT = object()  # the field left out

TEXT = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=3).map(lambda s: s * 1_500),  # very long
    st.sampled_from(
        [
            "\x00",
            "Revision\x0b2024",
            "a\x1b[31mb",
            "<script>alert(1)</script>",
            '=HYPERLINK("http://evil.example","x")',
            "=1+2",
            "   ",
            "\u202eØvelse",
            "😀" * 200,
            "Å" * 5_000,
        ]
    ),
)
NUMBER = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "9" * 29,
            "1" * 4_400,
            "-1",
            "0",
            "1e400",
            "NaN",
            "-Infinity",
            "1.234.567,891",
            "4,62 mio.",
            "-31.200.000,00 kr.",
            "²",
            "١٢",
            "12,5,5",
            "99999999999999999999",
        ]
    ),
)
DATE = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "1899-12-31",
            "2101-01-01",
            "2021-12-31",
            "2026-01-01",
            "2023-02-30",
            "2023-13-01",
        ]
    ),
)
TIME = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat()[:16]),
    st.sampled_from(
        ["0001-01-01T00:30", "9999-12-31T23:59", "1899-12-31T23:59", "2101-01-01T00:00", "2024-03-31T02:30"]
    ),
)
BOOLEAN = st.sampled_from(["on", "", "false", "0", "x"])


def ids(field: forms.ModelChoiceField) -> st.SearchStrategy[str]:
    offered = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:50]]
    strange = st.sampled_from(["²", "abc", "-1", "0", "99999999999999999999", "1" * 4_400])
    return st.one_of(
        st.integers(-5, 10**6).map(str), strange, *([st.sampled_from(offered)] if offered else [])
    )


def typed(field: forms.Field) -> st.SearchStrategy:
    """Values of the field's own kind, mostly wrong ones."""
    if isinstance(field, forms.ModelChoiceField):  # also the multiple choices
        return ids(field)
    if isinstance(field, forms.ChoiceField):
        return st.one_of(st.sampled_from([str(key) for key, _label in field.choices] or [""]), TEXT)
    if isinstance(field, forms.DateTimeField):
        return TIME
    if isinstance(field, forms.DateField):
        return DATE
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return NUMBER
    if isinstance(field, forms.BooleanField):
        return BOOLEAN
    return TEXT


def value_of(field: forms.Field | None) -> st.SearchStrategy:
    """One field of a submission: left out, of its kind, of another kind, or sent two or three times."""
    own = typed(field) if field is not None else TEXT
    other = st.one_of(TEXT, NUMBER, DATE)
    return st.one_of(st.just(OMIT), own, other, st.lists(own, min_size=2, max_size=3))


def submissions(form: forms.BaseForm, valid: dict) -> st.SearchStrategy[dict]:
    """The valid data with one to three of the form's fields changed: most submissions are refused at some field,
    and some are saved — with values no one would type."""
    names = sorted(
        {name for name, field in form.fields.items() if not isinstance(field, forms.FileField)} | set(valid)
    )
    strategies = {name: value_of(form.fields.get(name)) for name in names}

    @st.composite
    def submission(draw) -> dict:
        data = dict(valid)
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            value = draw(strategies[name])
            if value is OMIT:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    return submission()


# --- What a request saved -------------------------------------------------------------------------------------


@contextmanager
def saved_objects() -> Iterator[list]:
    """The app's objects saved inside the block (not the history's copies of them)."""
    saved: list = []

    def remember(sender, instance, **kwargs):
        if sender.__module__.startswith("helhedsplan.") and not hasattr(sender, "instance_type"):
            saved.append(instance)

    post_save.connect(remember, weak=False, dispatch_uid="fuzz-saved-objects")
    try:
        yield saved
    finally:
        post_save.disconnect(dispatch_uid="fuzz-saved-objects")


def assert_keeps_the_rules(obj) -> None:
    stored = type(obj)._default_manager.get(pk=obj.pk)
    stored.full_clean()
    clean_many_to_many = getattr(stored, "clean_many_to_many", None)
    if clean_many_to_many is not None:
        many = {f.name: list(getattr(stored, f.name).all()) for f in stored._meta.many_to_many}
        clean_many_to_many(many)


# --- The test -------------------------------------------------------------------------------------------------


@pytest.fixture
def objects(amager_plan, personas) -> Objects:
    """The Amager plan's objects the forms are about, found as the every-URL walk finds them, with an open
    incident (all of Amager's are closed) and a report awaiting Landsbyggefonden's answer for the forms on them."""
    from tests.preparedness.factories import IncidentFactory

    levels = EscalationLevel.objects.in_plan(amager_plan).order_by("pk")
    IncidentFactory(plan=amager_plan, level=levels.filter(incidents__isnull=False).first() or levels.first())
    assert EstateDecision.objects.in_plan(amager_plan).exists()
    # A report awaiting Landsbyggefonden's answer, for the answer and comment forms.
    SubmissionFactory(report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator)
    # A plan version awaiting its sign-offs, for the decision form (and the submit form, which clears it first).
    change_strategic_goal(amager_plan)  # version 1 is approved (the plan file): version 2 changes a goal
    version_submit(
        plan=amager_plan, reason_category="other", reason="Fuzz-version.", actor=personas.coordinator
    )
    make_documents(amager_plan)
    return Objects(plan=amager_plan, limited_to=None)


def test_the_fuzzing_posts_at_least_a_thousand_submissions():
    assert len(FORM_ROWS) * EXAMPLES_PER_FORM >= TOTAL
    # The plans app's URLs (the members') have no namespace.
    assert {row.name.split(":")[0] if ":" in row.name else "plans" for row in FORM_ROWS} == {
        "plans",
        "agreements",
        "goals",
        "budget",
        "approvals",
        "preparedness",
        "reports",
        "imports",
        "documents",
        "governance",
        "versions",
    }


@pytest.mark.parametrize("row", FORM_ROWS, ids=[row.id for row in FORM_ROWS])
def test_generated_submissions_never_break_anything(objects: Objects, personas, client_for, row: Row):
    # As a coordinator; a form only a reviewer may post (Landsbyggefonden's answer to a report) as a reviewer.
    role = "coordinator" if row.access["coordinator"] == 200 else "reviewer"
    client = client_for(personas[role])
    kwargs = row.kwargs(objects)
    address = reverse(row.name, kwargs={"plan": objects.plan.slug, **kwargs})
    valid = row.post(objects, {"pk": kwargs["pk"]} if "pk" in kwargs else {})
    page = client.get(address)
    assert page.status_code == 200
    form = page.context["form"]
    answers: dict[int, int] = {}

    @settings(settings.get_profile("forms-fuzz"))
    @given(data=submissions(form, valid))
    def post(data: dict) -> None:
        savepoint = transaction.savepoint()
        try:
            with saved_objects() as saved:
                response = client.post(address, data)
            assert response.status_code < 500
            answers[response.status_code] = answers.get(response.status_code, 0) + 1
            for obj in saved:
                assert_keeps_the_rules(obj)
        finally:
            transaction.savepoint_rollback(savepoint)

    post()
    assert sum(answers.values()) >= EXAMPLES_PER_FORM
    assert set(answers) <= {200, 302}, answers
