"""One date format on pages: the long form ("1. januar 2022") wherever a date is read, the short form
("01.01.2022") only in dense tables — through the filters of ``core.templatetags.helhedsplan``."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.core.formatting import format_date, format_datetime, format_short_date, format_short_datetime
from helhedsplan.goals.models import Activity, Goal

NEW_YEAR = datetime.date(2022, 1, 1)
# 13:05 UTC is 14:05 in Copenhagen: moments are shown in the plan's time zone.
MOMENT = datetime.datetime(2022, 1, 1, 13, 5, tzinfo=datetime.UTC)


def test_the_two_forms_of_a_date():
    assert format_date(NEW_YEAR) == "1. januar 2022"
    assert format_short_date(NEW_YEAR) == "01.01.2022"
    assert format_datetime(MOMENT) == "1. januar 2022 14:05"
    assert format_short_datetime(MOMENT) == "01.01.2022 14:05"
    assert format_date(None) == format_short_date("") == ""


def test_the_template_filters():
    template = Template(
        "{% load helhedsplan %}{{ d|long_date }} · {{ d|short_date }} · {{ t|long_datetime }} · {{ t|short_datetime }}"
    )
    assert template.render(Context({"d": NEW_YEAR, "t": MOMENT})) == (
        "1. januar 2022 · 01.01.2022 · 1. januar 2022 14:05 · 01.01.2022 14:05"
    )


def text_of(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(url).content.decode()
    return re.sub(r"\s+", " ", html)


LONG = re.compile(
    r"\b\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4}\b"
)
SHORT = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


def section(html: str, start: str, end: str = "</table>") -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


@pytest.mark.django_db
def test_dense_tables_use_the_short_form_and_the_rest_the_long(personas, amager_plan):
    user = personas.coordinator
    goal = Goal.objects.in_plan(amager_plan).filter(activities__start_date__isnull=False).first()
    sub_agreement = SubAgreement.objects.in_plan(amager_plan).get(pk=goal.sub_agreement_id)
    activity = Activity.objects.in_plan(amager_plan).filter(goals=goal, start_date__isnull=False).first()

    # The delaftale page: its indicators' and activities' tables are dense.
    html = text_of(user, sub_agreement.get_absolute_url())
    activities = section(html, f'id="activity-{activity.pk}"', "</tr>")
    assert format_short_date(activity.start_date) in activities
    assert not LONG.search(activities)
    indicators = section(html, 'id="goals"', "</table>")
    assert SHORT.search(indicators) and not LONG.search(indicators.split("<tbody")[1])

    # The goal page: the same activity in the same short form; its own facts stay long.
    html = text_of(user, goal.get_absolute_url())
    assert format_short_date(activity.start_date) in html
    assert format_date(activity.start_date) not in html.split(f"{activity.name}")[-1].split("</tr>")[0]

    # The activity's own page: the long form.
    html = text_of(user, activity.get_absolute_url())
    assert format_date(activity.start_date) in html

    # The approvals: sentences long, the estates' table short.
    html = text_of(user, reverse("approvals:overview", kwargs={"plan": amager_plan.slug}))
    today = format_date(timezone.localdate())
    assert f"Pr. {today}." in html
    estates = section(html, "<tbody>", "</tbody>")
    assert SHORT.search(estates) and not LONG.search(estates)


# The formats docs/architecture.md ("Dates: one format per kind of place") allows, and nothing else.
DOCUMENTED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "F Y",
    "Y",
    "Y-m-d",
    "c",
}
ROOT = Path(__file__).resolve().parents[2]
DATE_FILTER = re.compile(r"""\|(?:date|time)(?::(?:"([^"]*)"|'([^']*)'|([^\s}|%]+)))?""")


def template_formats(text: str) -> list[str]:
    """Every format a template's ``|date``/``|time`` writes out (a bare ``|date`` is ``DATE_FORMAT``)."""
    found = []
    for match in DATE_FILTER.finditer(text):
        double, single, variable = match.groups()
        if variable is not None:
            found.append(f"a format in a variable: {variable}")
        else:
            found.append(double if double is not None else single if single is not None else "DATE_FORMAT")
    return found


def python_formats(source: str) -> list[str]:
    """Every format a module's ``date_format(value, format)`` names, and every ``strftime``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name == "strftime":
            found.append("strftime")
        elif name == "date_format":
            given = node.args[1] if len(node.args) > 1 else None
            given = given or next((k.value for k in node.keywords if k.arg == "format"), None)
            if given is None:
                found.append("DATE_FORMAT")
            elif isinstance(given, ast.Constant) and isinstance(given.value, str):
                found.append(given.value)
            else:
                found.append(f"a format in a variable: {ast.unparse(given)}")
    return found


def test_the_guard_sees_a_stray_format():
    assert template_formats("{{ d|date:\"d/m/Y\" }} {{ d|date }} {{ t|time:'H:i' }} {{ d|date:fmt }}") == [
        "d/m/Y",
        "DATE_FORMAT",
        "H:i",
        "a format in a variable: fmt",
    ]
    assert python_formats('date_format(d, "j.n.Y"); formats.date_format(d); d.strftime("%d")') == [
        "j.n.Y",
        "DATE_FORMAT",
        "strftime",
    ]


def test_every_date_is_written_in_a_documented_format():
    stray = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt")):
        stray += [
            f"{path.relative_to(ROOT)}: {f}"
            for f in template_formats(path.read_text())
            if f not in DOCUMENTED
        ]
    for path in sorted((ROOT / "helhedsplan").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        stray += [
            f"{path.relative_to(ROOT)}: {f}" for f in python_formats(path.read_text()) if f not in DOCUMENTED
        ]
    assert stray == [], (
        "a date in a format docs/architecture.md does not list (see 'Dates: one format per kind')"
    )


def test_the_documented_table_lists_every_allowed_format():
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text[text.index("## Dates: one format per kind of place") :]
    table = table[: table.index("\n## ")]
    for allowed in DOCUMENTED:
        assert f"`{allowed}`" in table, allowed
