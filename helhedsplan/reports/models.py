"""Reports to Landsbyggefonden: the yearly status report and the final report, as submitted and answered.

A ``Report`` is one report a plan owes: the yearly report of one year of the period, or the final report. Its
content is not stored while it is a draft: the report page is built from the plan's data as of a date
(``reports.report``). Submitting it stores a ``Submission``: the PDF, the spreadsheet and the plan file of that
moment with their SHA-256, frozen — no later edit of the plan, no admin and no delete changes them. A reviewer
of Landsbyggefonden answers a submission (approved, or returned with a comment); comments and answers are kept
with author and time, and a returned report is followed by a new submission.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.dates import add_months
from helhedsplan.core.models import CleanInput, ExampleFlag
from helhedsplan.plans.models import Plan, PlanContent, PlanHistoricalRecords


class Report(PlanContent):
    """A report the plan owes Landsbyggefonden: the yearly report of ``year``, or the final report."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("yearly status report")
        FINAL = "final", _("final report")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    #: The year a yearly report covers; None for the final report (the whole period).
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["plan", "kind", "year"]
        constraints = [
            CheckConstraint(
                condition=Q(kind="yearly", year__isnull=False) | Q(kind="final", year__isnull=True),
                name="report_year_only_on_yearly_reports",
                error_field="year",
                violation_error_message=_(
                    "A yearly report names its year; the final report covers the period."
                ),
            ),
            UniqueConstraint(
                fields=["plan", "kind", "year"],
                name="one_yearly_report_per_year",
                error_field="year",
                violation_error_message=_("The plan already has this report."),
            ),
            UniqueConstraint(
                fields=["plan"],
                condition=Q(kind="final"),
                name="one_final_report_per_plan",
                violation_error_message=_("The plan already has a final report."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.FINAL:
            return str(_("Final report"))
        return str(_("Yearly report %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("reports:report", kwargs={"plan": self.plan.slug, **self.url_kwargs()})

    def url_kwargs(self) -> dict:
        return {"period": "slut"} if self.kind == self.Kind.FINAL else {"period": str(self.year)}

    def clean(self) -> None:
        if not self.plan_id:
            return
        if self.kind == self.Kind.YEARLY:
            self.plan.validate_year(self.year)

    # --- What the report covers and when it is due ---------------------------------------------------------------

    @property
    def is_final(self) -> bool:
        return self.kind == self.Kind.FINAL

    @property
    def first_day(self) -> datetime.date:
        if self.year is None:  # the final report: the whole period
            return self.plan.start_date
        return max(self.plan.start_date, datetime.date(self.year, 1, 1))

    @property
    def last_day(self) -> datetime.date:
        if self.year is None:
            return self.plan.end_date
        return min(self.plan.end_date, datetime.date(self.year, 12, 31))

    @property
    def due_date(self) -> datetime.date:
        """The covered time's last day plus the plan's months to report."""
        return add_months(self.last_day, self.plan.report_due_months)

    def can_be_made(self, today: datetime.date) -> bool:
        """A report is written once its time is over: a yearly report after its year, the final after the period."""
        return self.last_day < today

    def default_as_of(self, today: datetime.date) -> datetime.date:
        """The as-of date a report is shown at: the end of the time it covers, or today while that is running."""
        return min(today, self.last_day)


class FrozenQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("A submitted report is frozen: it cannot be deleted."))

    def update(self, **kwargs):
        frozen = set(kwargs) & {name.removesuffix("_id") for name in Submission.FROZEN} | (
            set(kwargs) & set(Submission.FROZEN)
        )
        if frozen:
            raise ValidationError(_("A submitted report is frozen: its files never change."))
        return super().update(**kwargs)


class Submission(ExampleFlag, models.Model):
    """A submitted report: frozen files with their SHA-256 and the answer of Landsbyggefonden.

    Not ``PlanContent``: it has no lock counter, as it is never edited; only the answer is written once. The
    demo's submissions and their answers are examples (``is_example``, set when submitted).
    """

    class Outcome(models.TextChoices):
        AWAITING = "awaiting", _("awaiting review")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("report")
    )
    number = models.PositiveSmallIntegerField(_("submission number"))
    as_of = models.DateField(_("as of"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/")
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    spreadsheet = models.FileField(_("spreadsheet"), upload_to="reports/%Y/")
    spreadsheet_sha256 = models.CharField(_("SHA-256 of the spreadsheet"), max_length=64)
    plan_file = models.FileField(_("plan file"), upload_to="reports/%Y/")
    plan_file_sha256 = models.CharField(_("SHA-256 of the plan file"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.AWAITING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    history = HistoricalRecords()

    objects = FrozenQuerySet.as_manager()

    #: What never changes once stored.
    FROZEN = (
        "report_id",
        "number",
        "as_of",
        "submitted_by_id",
        "pdf",
        "pdf_sha256",
        "spreadsheet",
        "spreadsheet_sha256",
        "plan_file",
        "plan_file_sha256",
    )

    #: The way to the plan (``plans.changes`` raises its change stamp on a new submission or answer).
    plan_lookup = "report__plan"

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["report", "number"]
        constraints = [
            UniqueConstraint(
                fields=["report", "number"],
                name="submissions_numbered_once",
                violation_error_message=_("This submission number is taken."),
            ),
            *dates_in_bounds("as_of", times=("submitted_at", "answered_at")),
            UniqueConstraint(
                fields=["report"],
                condition=Q(outcome="awaiting"),
                name="one_submission_awaiting_an_answer",
                violation_error_message=_("The report is already awaiting an answer from Landsbyggefonden."),
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(report)s, submission %(number)s of %(date)s")
            % {
                "report": self.report,
                "number": self.number,
                "date": date_format(
                    self.submitted_at.date() if self.submitted_at else self.as_of, "DATE_FORMAT"
                ),
            }
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = Submission.objects.filter(pk=self.pk).values(*self.FROZEN).first()
            if stored is not None:
                changed = [
                    name for name in self.FROZEN if str(stored[name]) != str(getattr(self, name) or "")
                ]
                if changed:
                    raise ValidationError(_("A submitted report is frozen: its files never change."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submitted report is frozen: it cannot be deleted."))

    @property
    def owning_plan(self) -> Plan:
        return self.report.plan

    @property
    def hashes(self) -> list[tuple[str, str]]:
        return [
            (str(_("PDF")), self.pdf_sha256),
            (str(_("Spreadsheet")), self.spreadsheet_sha256),
            (str(_("Plan file")), self.plan_file_sha256),
        ]

    @property
    def is_awaiting(self) -> bool:
        return self.outcome == self.Outcome.AWAITING


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class Comment(CleanInput, ExampleFlag, models.Model):
    # Comments are kept as written: never edited, never deleted (the queryset refuses it as a submission's does).
    """A comment on a submission: a reviewer's (with the answer, or on its own) or a coordinator's reply."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="comments", verbose_name=_("submission")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    text = models.TextField(_("comment"))
    #: The answer this comment came with ("returned" with the reason), empty for a reply.
    outcome = models.CharField(_("outcome"), max_length=10, choices=Submission.Outcome.choices, blank=True)
    history = HistoricalRecords()

    objects = FrozenQuerySet.as_manager()

    plan_lookup = "submission__report__plan"

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["submission", "written_at", "pk"]
        constraints = [
            *dates_in_bounds(times=("written_at",)),
            CheckConstraint(
                condition=~Q(text=""),
                name="comment_has_text",
                error_field="text",
                violation_error_message=_("Write the comment."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def owning_plan(self) -> Plan:
        return self.submission.report.plan

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submitted report is frozen: it cannot be deleted."))

    def clean(self) -> None:
        if self.text is not None and not self.text.strip():
            raise ValidationError({"text": _("Write the comment.")})
