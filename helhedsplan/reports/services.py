"""Writes to the reports: submitting a report (which freezes it), answering it, commenting on it.

Each function is keyword-only, runs in one transaction and names its actor, as every service does. A refusal is a
``ValidationError`` with a Danish sentence, and nothing is saved.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.core.services import object_create, object_get_or_create, object_update, record_actor
from helhedsplan.core.validators import has_visible_character
from helhedsplan.plans.models import Plan, speaks_for_landsbyggefonden
from helhedsplan.plans.rules import membership_for

from . import documents, signals, tasks
from .models import Comment, Report, Submission, sha256_of
from .report import Filing, report_of, status_report
from .snapshot import report_snapshot


def report_for(*, plan: Plan, kind: str, year: int | None) -> Report:
    """The plan's report of that kind (and year), as stored, or a new unsaved one — checked by the model's rules."""
    report = report_of(plan, kind=kind, year=year)
    if report.pk is None:
        report.full_clean(exclude=["lock_version"])
    return report


#: What a coordinator writes on the final report (the bestyrelse's approval date is read from its decision).
REPORT_TEXTS = ("conclusion", "anchoring")


@transaction.atomic
def report_update(
    *,
    plan: Plan,
    kind: str,
    year: int | None,
    data: dict[str, Any],
    expected_lock_version: int | None,
    actor: Any,
) -> Report:
    """The final report's own texts: the plan's conclusion over the period and how its results are anchored. A
    draft report is stored by its first text. Refused while the report awaits Landsbyggefonden's answer and once
    it is approved: what was filed stays. The bestyrelse's approval date is not typed here: it is read from the
    decision of its meeting that approves the report (``governance``), so it is never typed twice."""
    report = report_for(plan=plan, kind=kind, year=year)
    if not report.is_final:
        raise ValidationError(
            _(
                "A yearly report has no texts of its own: the board's approval is recorded as a decision of "
                "the board's meeting that approves the report."
            )
        )
    data = {name: value for name, value in data.items() if name in REPORT_TEXTS}
    if report.pk is None:
        return object_create(report, data=data, actor=actor)
    latest = report.submissions.order_by("-number").first()
    if latest is not None and latest.outcome != Submission.Outcome.RETURNED:
        raise ValidationError(
            _("The report is submitted: its texts change only if Landsbyggefonden returns it.")
        )
    return object_update(report, data=data, expected_lock_version=expected_lock_version, actor=actor)


@transaction.atomic
def report_draft_create(
    *, plan: Plan, kind: str, year: int | None, actor: Any, today: datetime.date | None = None
) -> Report:
    """Send the report to the bestyrelse ("Send til bestyrelsen"): store it as a draft, so the decision of the
    board's meeting that approves it can name it (``governance.MeetingDecision.approves_report``) before it is
    submitted — and so the submitted report's front page and PDF carry the approval date. A yearly report has no
    texts of its own, so without this it would be stored only when submitted. Refused before the time it covers
    is over and once it is stored (sent already, started or submitted)."""
    today = today or timezone.localdate()
    report = report_for(plan=plan, kind=kind, year=year)
    if not report.can_be_made(today):
        if report.is_final:
            raise ValidationError(_("The final report goes to the board once the plan's period has ended."))
        raise ValidationError(
            _("The yearly report of %(year)s goes to the board once the year is over.") % {"year": year}
        )
    if report.pk is not None:
        raise ValidationError(
            _("The report has already been sent to the board: record the board's decision on its meeting.")
        )
    stored, made = object_get_or_create(
        report, lookup={"plan": plan, "kind": kind, "year": year}, actor=actor
    )
    if not made:  # someone sent it at the same moment
        raise ValidationError(
            _("The report has already been sent to the board: record the board's decision on its meeting.")
        )
    return stored


def _refuse_when_answered_or_awaiting(latest: Submission | None) -> None:
    if latest is not None and latest.outcome == Submission.Outcome.AWAITING:
        raise ValidationError(_("The report is already awaiting an answer from Landsbyggefonden."))
    if latest is not None and latest.outcome == Submission.Outcome.APPROVED:
        raise ValidationError(_("The report has been approved; it is not submitted again."))


@transaction.atomic
def report_submit(
    *,
    plan: Plan,
    kind: str,
    year: int | None,
    actor: Any,
    today: datetime.date | None = None,
    gaps_confirmed: bool = False,
    reservation: str = "",
    is_example: bool = False,
) -> Submission:
    """Submit the report as of today (or the end of the time it covers): store its PDF, spreadsheet and plan file
    (without personal data) with their SHA-256, and the report's data and page as of now, frozen from now on.
    Refused while it awaits an answer, once approved, and before the time it covers is over; refused too when the
    report lacks something (``StatusReport.gaps``) and the coordinator has not confirmed the list
    (``gaps_confirmed``). ``reservation`` ("forbehold") is printed on the front page. ``is_example``: a demo's
    submission, marked as an example wherever it is shown."""
    today = today or timezone.localdate()
    reservation = (reservation or "").strip()
    report = report_for(plan=plan, kind=kind, year=year)
    if not report.can_be_made(today):
        if report.is_final:
            raise ValidationError(_("The final report can be submitted once the plan's period has ended."))
        raise ValidationError(
            _("The yearly report of %(year)s can be submitted once the year is over.") % {"year": year}
        )
    latest = report.submissions.select_for_update().order_by("-number").first() if report.pk else None
    _refuse_when_answered_or_awaiting(latest)
    as_of = report.default_as_of(today)
    number = (latest.number if latest else 0) + 1
    submission = Submission(
        report=report, number=number, as_of=as_of, submitted_by=actor, reservation=reservation
    )
    # The reservation's own rule (its length) before anything is made: a refusal freezes nothing.
    submission.clean_fields(exclude=[f.name for f in Submission._meta.fields if f.name != "reservation"])
    data = status_report(report, as_of=as_of)
    if data.gaps and not gaps_confirmed:
        raise ValidationError(
            {
                "gaps_confirmed": _(
                    "The report lacks what is listed above. Confirm that you submit it all the same, or "
                    "complete it first."
                )
            }
        )
    # Every refusal is behind us: only now is a draft report stored.
    if report.pk is None:
        # Two first submissions at once: the loser gets the winner's report, and so its awaiting submission.
        report, made = object_get_or_create(
            report, lookup={"plan": plan, "kind": kind, "year": year}, actor=actor
        )
        if not made:
            latest = report.submissions.select_for_update().order_by("-number").first()
            _refuse_when_answered_or_awaiting(latest)
            number = (latest.number if latest else 0) + 1
        submission.report, submission.number = report, number
    submitted_at = timezone.now()
    membership = membership_for(actor, report)
    # The files say what they are: submitted when, by whom for which organisation, which submission — and, for a
    # resubmission, the returned one it answers (never the earlier attempt's state as their own).
    filing = Filing(
        number=number,
        date=timezone.localdate(submitted_at),
        name=actor.get_full_name() or actor.get_username(),
        organisation=membership.organisation.name if membership is not None else "",
        answers=latest.number if latest is not None else None,
        answers_returned_on=timezone.localdate(latest.answered_at)
        if latest is not None and latest.answered_at
        else None,
    )
    data = dataclasses.replace(data, submission=None, filing=filing, reservation=reservation)
    # The PDF (the slow part: its layout) is made by a background task after the commit, from the document as
    # it reads now (``submission_pdf_make``); the spreadsheet and plan file are made here.
    submission.pdf_html = documents.report_document_html(data)
    spreadsheet = documents.report_xlsx(data)
    plan_file = documents.report_plan_file(data)
    stem = documents.file_stem(data, number=number)
    submission.spreadsheet_sha256 = sha256_of(spreadsheet)
    submission.plan_file_sha256 = sha256_of(plan_file)
    submission.data = report_snapshot(data)
    submission.is_example = is_example
    submission.spreadsheet.save(f"{stem}.xlsx", ContentFile(spreadsheet), save=False)
    submission.plan_file.save(f"{stem}.yaml", ContentFile(plan_file), save=False)
    record_actor(submission, actor)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as error:  # a second submit at the same moment
        for field in (submission.spreadsheet, submission.plan_file):
            field.delete(save=False)
        raise ValidationError(_("The report is already awaiting an answer from Landsbyggefonden.")) from error
    transaction.on_commit(lambda: tasks.make_submission_pdf.enqueue(submission.pk))
    transaction.on_commit(
        lambda: signals.report_submitted.send(sender=Submission, submission=submission, actor=actor)
    )
    return submission


def submission_pdf_make(*, submission: Submission) -> Submission:
    """Make the PDF of a submission from the document stored at submission (``pdf_html``), once: a submission
    whose PDF is made already is left as it is (a task run twice, two workers). The layout runs outside any
    transaction; only storing it locks the row."""
    if submission.pdf_is_made:
        return submission
    pdf = documents.pdf_from_html(submission.pdf_html)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.pdf_is_made:
            return locked
        # Named as its spreadsheet is (plan, report, as-of date, number), made at the same moment.
        name = Path(str(locked.spreadsheet.name)).with_suffix(".pdf").name
        locked.pdf_sha256 = sha256_of(pdf)
        locked.pdf.save(name, ContentFile(pdf), save=False)
        locked.save(update_fields=["pdf", "pdf_sha256"])
    return locked


@transaction.atomic
def submission_answer(
    *, submission: Submission, outcome: str, comment: str, actor: Any, is_example: bool = False
) -> Submission:
    """Landsbyggefonden's answer: approved (a comment optional) or returned (with the comment saying why).
    ``is_example``: a demo's answer; its comment is marked as an example (the answer of an example submission is
    one already).

    The answer is Landsbyggefonden's, so only someone LBF has confirmed as one of its people gives it (a
    reviewer's role alone, which a coordinator can hand out, is not enough)."""
    if not speaks_for_landsbyggefonden(actor):
        raise ValidationError(
            _(
                "Only someone Landsbyggefonden has confirmed as one of its people can answer in its name. "
                "Ask Landsbyggefonden's administrator to confirm your affiliation."
            )
        )
    submission = Submission.objects.select_for_update().select_related("report__plan").get(pk=submission.pk)
    if submission.outcome != Submission.Outcome.AWAITING:
        raise ValidationError(_("Only a submitted report awaiting an answer can be answered."))
    if outcome not in (Submission.Outcome.APPROVED, Submission.Outcome.RETURNED):
        raise ValidationError({"outcome": _("Choose approved or returned.")})
    comment = (comment or "").strip()
    if outcome == Submission.Outcome.RETURNED and not has_visible_character(comment):
        raise ValidationError({"comment": _("Say why the report is returned.")})
    submission.outcome = outcome
    submission.answered_at = timezone.now()
    submission.answered_by = actor
    record_actor(submission, actor)
    submission.save(update_fields=["outcome", "answered_at", "answered_by"])
    if comment:
        try:
            _comment_save(
                submission=submission, text=comment, actor=actor, outcome=outcome, is_example=is_example
            )
        except (
            ValidationError
        ) as error:  # the comment's own rules (a visible character), at the answer's field
            raise ValidationError({"comment": error.messages}) from error
    transaction.on_commit(
        lambda: signals.report_answered.send(sender=Submission, submission=submission, actor=actor)
    )
    return submission


@transaction.atomic
def comment_add(
    *, submission: Submission, text: str, actor: Any, outcome: str = "", is_example: bool = False
) -> Comment:
    """A comment on a submitted report: a reviewer's remark or a coordinator's answer to one (``is_example``: a
    demo's)."""
    comment = _comment_save(
        submission=submission, text=text, actor=actor, outcome=outcome, is_example=is_example
    )
    transaction.on_commit(lambda: signals.report_commented.send(sender=Comment, comment=comment, actor=actor))
    return comment


def _comment_save(
    *, submission: Submission, text: str, actor: Any, outcome: str, is_example: bool
) -> Comment:
    comment = Comment(
        submission=submission, author=actor, text=(text or "").strip(), outcome=outcome, is_example=is_example
    )
    comment.full_clean()  # an empty comment, or one with control characters, is refused at its text
    record_actor(comment, actor)
    comment.save()
    return comment
