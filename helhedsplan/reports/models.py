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
from typing import Any

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
from helhedsplan.core.frozen import Frozen, FrozenQuerySet, columns
from helhedsplan.core.models import CleanInput, ExampleFlag
from helhedsplan.core.validators import VisibleText
from helhedsplan.plans.models import Plan, PlanContent, PlanHistoricalRecords


class Report(PlanContent):
    """A report the plan owes Landsbyggefonden: the yearly report of ``year``, or the final report."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("yearly status report")
        FINAL = "final", _("final report")

    #: A draft report (sent to the board, or its texts started) goes with its plan; a submitted one keeps it: its
    #: submissions protect the report (``Submission.report``), and so the plan.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    #: The year a yearly report covers; None for the final report (the whole period).
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    #: The day the plan's bestyrelse approved the report (LBF asks for it on every report).
    board_approved_on = models.DateField(_("approved by the board on"), null=True, blank=True)
    #: The final report's conclusion for the whole plan ("samlet vurdering").
    conclusion = models.TextField(
        _("overall conclusion"),
        blank=True,
        help_text=_("What the plan reached against its goals over the period, and why not where not."),
    )
    #: The final report's account of how the results are carried on after the plan ("forankring").
    anchoring = models.TextField(
        _("anchoring"),
        blank=True,
        help_text=_("Which activities continue after the period, carried by whom and paid how."),
    )
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
            *dates_in_bounds("board_approved_on"),
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
        if self.board_approved_on is not None and self.board_approved_on <= self.last_day:
            raise ValidationError(
                {"board_approved_on": _("The board approves a report after the time it covers has ended.")}
            )

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


FROZEN_FILES = _("A submitted report is frozen: its files never change.")
FROZEN_ANSWER = _("A submitted report is frozen: its answer, once given, never changes.")
FROZEN_COMMENT = _("A submitted report is frozen: its comments are kept as written.")
FROZEN_DELETE = _("A submitted report is frozen: it cannot be deleted.")


#: The longest reservation a submission takes.
RESERVATION_MAX_LENGTH = 2000


class SubmissionQuerySet(FrozenQuerySet):
    """The queryset of a submitted report's rows (a submission, a comment, a redaction): ``core.frozen``'s, and
    ``update()`` refused for the answer once given (``ANSWER``, on rows that are answered) — the same rule as
    the model's ``save()``."""

    def update(self, **kwargs):
        model: Any = self.model
        answer = getattr(model, "ANSWER", ())
        if set(kwargs) & columns(answer) and self.filter(model.answered()).exists():
            raise ValidationError(FROZEN_ANSWER)
        return super().update(**kwargs)


class Submission(Frozen, ExampleFlag, models.Model):
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
    #: Made by a background task after the commit, from ``pdf_html`` (``services.submission_pdf_make``): empty
    #: until then, and set once.
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    #: The report's document as it read when submitted: what the PDF is made from, so a PDF made later still
    #: shows the moment of submission, never a later state of the plan.
    pdf_html = models.TextField(_("the document the PDF is made from"), blank=True)
    spreadsheet = models.FileField(_("spreadsheet"), upload_to="reports/%Y/")
    spreadsheet_sha256 = models.CharField(_("SHA-256 of the spreadsheet"), max_length=64)
    plan_file = models.FileField(_("plan file"), upload_to="reports/%Y/")
    plan_file_sha256 = models.CharField(_("SHA-256 of the plan file"), max_length=64)
    #: The report's data as of submitting and the page it made (``reports.snapshot``): what the page of the
    #: submitted report shows. Empty for a submission stored before it was kept.
    data = models.JSONField(_("the report's data as submitted"), default=dict, blank=True)
    #: The coordinator's reservation ("forbehold"): what the report lacks and why it is submitted all the same —
    #: printed on the report's front page.
    reservation = models.CharField(_("reservation"), max_length=RESERVATION_MAX_LENGTH, blank=True)
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

    objects = SubmissionQuerySet.as_manager()

    #: The answer: set once (while the submission awaits it), never changed after.
    ANSWER = ("outcome", "answered_at", "answered_by_id")
    FROZEN_MESSAGE = FROZEN_FILES
    DELETE_MESSAGE = FROZEN_DELETE
    #: What never changes once stored.
    FROZEN = (
        "report_id",
        "number",
        "as_of",
        "submitted_by_id",
        "pdf",
        "pdf_sha256",
        "pdf_html",
        "spreadsheet",
        "spreadsheet_sha256",
        "plan_file",
        "plan_file_sha256",
        "data",
        "reservation",
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

    #: Frozen too, but made after the submission (by the PDF's task): set once, from empty.
    MADE_AFTERWARDS = ("pdf", "pdf_sha256")

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = self.stored_values(*self.ANSWER)
            if stored is not None:
                made_now = [name for name in self.MADE_AFTERWARDS if not stored[name]]
                if self.frozen_changes(stored, [name for name in self.FROZEN if name not in made_now]):
                    raise ValidationError(FROZEN_FILES)
                if stored["outcome"] != self.Outcome.AWAITING and self.frozen_changes(stored, self.ANSWER):
                    raise ValidationError(FROZEN_ANSWER)
        super().save(*args, **kwargs)

    @staticmethod
    def answered() -> Q:
        """The submissions whose answer is given."""
        return ~Q(outcome="awaiting")

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
    def pdf_is_made(self) -> bool:
        """Whether the PDF is there yet (the background task makes it right after the submission)."""
        return bool(self.pdf_sha256)

    @property
    def is_awaiting(self) -> bool:
        return self.outcome == self.Outcome.AWAITING

    @property
    def files(self) -> list[tuple[str, str, str]]:
        """Each stored file: its format (the address's), its name, its SHA-256 — from the one list of stored
        files (``documents.STORED_FILES``)."""
        from .documents import STORED_FILES

        return [
            (f.extension, str(f.label), getattr(self, f"{name}_sha256")) for f, name in STORED_FILES.items()
        ]

    @property
    def stored_html(self) -> str:
        """The report's page as it read when submitted (empty for a submission stored before it was kept)."""
        return (self.data or {}).get("html", "")


class Redaction(Frozen, models.Model):
    """The one change a frozen file may ever get: personal data taken out of a file stored before the rule that
    a stored file carries none (``core.personal``), by a data migration (``reports.redaction``). It records the
    file's SHA-256 before and after, when and why. Never changed, never deleted."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="redactions", verbose_name=_("submission")
    )
    #: The submission's file field: "plan_file".
    file = models.CharField(_("file"), max_length=20)
    old_sha256 = models.CharField(_("SHA-256 before"), max_length=64)
    new_sha256 = models.CharField(_("SHA-256 after"), max_length=64)
    redacted_at = models.DateTimeField(_("redacted at"), auto_now_add=True)
    reason = models.TextField(_("why"))
    history = HistoricalRecords()

    objects = SubmissionQuerySet.as_manager()

    DELETE_MESSAGE = FROZEN_DELETE

    class Meta:
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        ordering = ["submission", "redacted_at", "pk"]
        constraints = [*dates_in_bounds(times=("redacted_at",))]

    def __str__(self) -> str:
        return f"{self.submission} · {self.file}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("A redaction is kept as recorded: it never changes."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A redaction is kept as recorded: it cannot be deleted."))


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class Comment(Frozen, CleanInput, ExampleFlag, models.Model):
    """A comment on a submission: a reviewer's (with the answer, or on its own) or a coordinator's reply.

    Kept as written, as a submission's files are: never edited (``save()`` of a stored comment and the
    queryset's ``update()`` are refused), never deleted."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="comments", verbose_name=_("submission")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    #: A comment must say something: a character one can see, not only spaces or invisible ones (a zero-width
    #: space, a BOM).
    text = models.TextField(_("comment"), validators=[VisibleText(_("Write the comment."))])
    #: The answer this comment came with ("returned" with the reason), empty for a reply.
    outcome = models.CharField(_("outcome"), max_length=10, choices=Submission.Outcome.choices, blank=True)
    history = HistoricalRecords()

    objects = SubmissionQuerySet.as_manager()

    plan_lookup = "submission__report__plan"

    #: Everything: a comment never changes once written.
    FROZEN = ("submission_id", "author_id", "written_at", "text", "outcome")
    FROZEN_MESSAGE = FROZEN_COMMENT
    DELETE_MESSAGE = FROZEN_DELETE

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

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and Comment.objects.filter(pk=self.pk).exists():
            raise ValidationError(FROZEN_COMMENT)
        super().save(*args, **kwargs)

    @property
    def owning_plan(self) -> Plan:
        return self.submission.report.plan
