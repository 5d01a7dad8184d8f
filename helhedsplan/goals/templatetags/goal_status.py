"""Template helpers for statuses: the day a plan's statuses are judged on, and how old a measurement is."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from helhedsplan.goals import progress

register = template.Library()


@register.simple_tag
def status_as_of(plan) -> progress.AsOf:
    """The day ``plan``'s statuses are judged on today (for pages whose selectors do not say)."""
    return progress.status_as_of(today=timezone.localdate(), period_end=plan.end_date)


@register.filter
def measured_ago(day: datetime.date | None) -> str:
    """'målt for 3 uger siden', 'seneste måling 14 mdr. gammel' — counted to today."""
    return "" if day is None else progress.measurement_age(day, timezone.localdate())
