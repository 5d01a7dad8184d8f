"""Writes to the reports: submitting a report (which freezes it), answering it, commenting on it.

Each function is keyword-only, runs in one transaction and names its actor, as every service does. A refusal is a
``ValidationError`` with a Danish sentence, and nothing is saved.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.core.services import record_actor
from helhedsplan.plans.models import Plan

from . import documents, signals
from .models import Comment, Report, Submission, sha256_of
from .report import report_of, status_report


def report_for(*, plan: Plan, kind: str, year: int | None) -> Report:
    """The plan's report of that kind (and year), as stored, or a new unsaved one — checked by the model's rules."""
    report = report_of(plan, kind=kind, year=year)
    if report.pk is None:
        report.full_clean(exclude=["lock_version"])
    return report


@transaction.atomic
def report_submit(
    *, plan: Plan, kind: str, year: int | None, actor: Any, today: datetime.date | None = None
) -> Submission:
    """Submit the report as of today (or the end of the time it covers): store its PDF, spreadsheet and plan file
    with their SHA-256, frozen from now on. Refused while it awaits an answer, once approved, and before the time
    it covers is over."""
    today = today or timezone.localdate()
    report = report_for(plan=plan, kind=kind, year=year)
    if not report.can_be_made(today):
        if report.is_final:
            raise ValidationError(_("The final report can be submitted once the plan's period has ended."))
        raise ValidationError(
            _("The yearly report of %(year)s can be submitted once the year is over.") % {"year": year}
        )
    if report.pk is None:
        record_actor(report, actor)
        report.save()
    latest = report.submissions.select_for_update().order_by("-number").first()
    if latest is not None and latest.outcome == Submission.Outcome.AWAITING:
        raise ValidationError(_("The report is already awaiting an answer from Landsbyggefonden."))
    if latest is not None and latest.outcome == Submission.Outcome.APPROVED:
        raise ValidationError(_("The report has been approved; it is not submitted again."))
    as_of = report.default_as_of(today)
    data = status_report(report, as_of=as_of)
    pdf = documents.report_pdf(data)
    spreadsheet = documents.report_xlsx(data)
    plan_file = documents.report_plan_file(data)
    number = (latest.number if latest else 0) + 1
    stem = documents.file_stem(data, number=number)
    submission = Submission(
        report=report,
        number=number,
        as_of=as_of,
        submitted_by=actor,
        pdf_sha256=sha256_of(pdf),
        spreadsheet_sha256=sha256_of(spreadsheet),
        plan_file_sha256=sha256_of(plan_file),
    )
    submission.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    submission.spreadsheet.save(f"{stem}.xlsx", ContentFile(spreadsheet), save=False)
    submission.plan_file.save(f"{stem}.yaml", ContentFile(plan_file), save=False)
    record_actor(submission, actor)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as error:  # a second submit at the same moment
        for field in (submission.pdf, submission.spreadsheet, submission.plan_file):
            field.delete(save=False)
        raise ValidationError(_("The report is already awaiting an answer from Landsbyggefonden.")) from error
    transaction.on_commit(
        lambda: signals.report_submitted.send(sender=Submission, submission=submission, actor=actor)
    )
    return submission


@transaction.atomic
def submission_answer(*, submission: Submission, outcome: str, comment: str, actor: Any) -> Submission:
    """Landsbyggefonden's answer: approved (a comment optional) or returned (with the comment saying why)."""
    submission = Submission.objects.select_for_update().select_related("report__plan").get(pk=submission.pk)
    if submission.outcome != Submission.Outcome.AWAITING:
        raise ValidationError(_("Only a submitted report awaiting an answer can be answered."))
    if outcome not in (Submission.Outcome.APPROVED, Submission.Outcome.RETURNED):
        raise ValidationError({"outcome": _("Choose approved or returned.")})
    comment = (comment or "").strip()
    if outcome == Submission.Outcome.RETURNED and not comment:
        raise ValidationError({"comment": _("Say why the report is returned.")})
    submission.outcome = outcome
    submission.answered_at = timezone.now()
    submission.answered_by = actor
    record_actor(submission, actor)
    submission.save(update_fields=["outcome", "answered_at", "answered_by"])
    if comment:
        _comment_save(submission=submission, text=comment, actor=actor, outcome=outcome)
    transaction.on_commit(
        lambda: signals.report_answered.send(sender=Submission, submission=submission, actor=actor)
    )
    return submission


@transaction.atomic
def comment_add(*, submission: Submission, text: str, actor: Any, outcome: str = "") -> Comment:
    """A comment on a submitted report: a reviewer's remark or a coordinator's answer to one."""
    comment = _comment_save(submission=submission, text=text, actor=actor, outcome=outcome)
    transaction.on_commit(lambda: signals.report_commented.send(sender=Comment, comment=comment, actor=actor))
    return comment


def _comment_save(*, submission: Submission, text: str, actor: Any, outcome: str) -> Comment:
    comment = Comment(submission=submission, author=actor, text=(text or "").strip(), outcome=outcome)
    comment.full_clean()  # an empty comment, or one with control characters, is refused at its text
    record_actor(comment, actor)
    comment.save()
    return comment
