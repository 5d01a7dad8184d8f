"""The demo's reports to Landsbyggefonden, made by ``manage.py setup_demo`` beside the demo plan and logins
(``planfiles.demo``)."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import transaction

from helhedsplan.plans.models import Plan

from . import services
from .models import Report


@transaction.atomic
def ensure_demo_reports(plan: Plan) -> bool:
    """The reports to Landsbyggefonden in every state, as examples, when the plan has none yet: 2022 and 2023
    submitted and approved, 2024 returned with a comment and answered, the final report submitted with a
    reservation and awaiting Landsbyggefonden's answer (so ``lbf`` finds it under "Kræver opmærksomhed"). Every
    submission, answer and comment is marked as an example (``is_example``). Returns whether it made them. Needs
    the demo logins (``kommune`` submits, ``lbf`` answers)."""
    if Report.objects.filter(plan=plan).exists():
        return False
    users = get_user_model().objects.in_bulk(["kommune", "lbf"], field_name="username")
    coordinator, reviewer = users["kommune"], users["lbf"]
    after_the_period = plan.end_date.replace(year=plan.end_date.year + 1)
    submitted = functools.partial(
        services.report_submit,
        plan=plan,
        actor=coordinator,
        today=after_the_period,
        gaps_confirmed=True,
        is_example=True,
    )
    for year in (2022, 2023):
        submission = submitted(kind="yearly", year=year)
        services.submission_answer(
            submission=submission, outcome="approved", comment="", actor=reviewer, is_example=True
        )
    submission = submitted(kind="yearly", year=2024)
    services.submission_answer(
        submission=submission,
        outcome="returned",
        comment="Eksempel: beretningen for beskæftigelse mangler, og forbruget på evaluering afviger uden forklaring.",
        actor=reviewer,
        is_example=True,
    )
    services.comment_add(
        submission=submission,
        text="Eksempel: beretningen er skrevet, og afvigelsen skyldes en dyrere midtvejsevaluering. Vi indsender igen.",
        actor=coordinator,
        is_example=True,
    )
    submitted(
        kind="final",
        year=None,
        reservation="Eksempel: forbruget for 2025 og årets målinger er endnu ikke opgjort; de eftersendes, når "
        "regnskabet er revideret.",
    )
    return True
