"""One date format on pages: the long form ("1. januar 2022") wherever a date is read, the short form
("01.01.2022") only in dense tables — through the filters of ``core.templatetags.helhedsplan``."""

from __future__ import annotations

import datetime
import re

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
