"""Who has approved the plan: each estate's decision, and the plan's political and funder steps."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.models import ExampleFlag
from helhedsplan.core.navigation import Crumb
from helhedsplan.plans.models import Estate, Plan, PlanContent, PlanHistoricalRecords

#: Every PDF file begins with these bytes, whatever its name says.
PDF_SIGNATURE = b"%PDF-"


def overview_url(plan: Plan) -> str:
    return reverse("approvals:overview", kwargs={"plan": plan.slug})


def approvals_page(plan: Plan) -> Crumb:
    """The approvals overview, which every decision and step is shown on (their parent in the navigation)."""
    return Crumb(str(_("Approvals")), overview_url(plan))


def validate_minutes(value: FieldFile) -> None:
    """A newly uploaded file must be a PDF by name and by content, no larger than the site allows.

    A file already stored was checked when it came in (and may be gone from storage): it is left alone.
    """
    if not value.name or getattr(value, "_committed", True):  # an empty FieldFile is one without a name
        return
    if not value.name.lower().endswith(".pdf"):
        raise ValidationError(_("Minutes must be a PDF file (ending in .pdf)."), code="not_pdf_name")
    limit = settings.MINUTES_MAX_UPLOAD_BYTES
    if value.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). Minutes may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(value.size), "limit": filesizeformat(limit)},
        )
    upload = value.file
    upload.seek(0)
    head = upload.read(len(PDF_SIGNATURE))
    upload.seek(0)
    if head != PDF_SIGNATURE:
        raise ValidationError(
            _("The file is not a PDF, whatever its name says. Upload the minutes as a PDF."),
            code="not_pdf_content",
        )


def minutes_upload_to(instance: EstateDecision, filename: str) -> str:
    # A random name: the file is only ever reached through the permission-checked download view.
    return f"minutes/{instance.estate.plan_id}/{uuid.uuid4().hex}.pdf"


class EstateDecision(PlanContent, ExampleFlag):
    """An estate's decision on the plan, taken by its afdelingsmøde or afdelingsbestyrelse."""

    class Body(models.TextChoices):
        DEPARTMENT_MEETING = "department_meeting", _("department meeting (afdelingsmøde)")
        DEPARTMENT_BOARD = "department_board", _("department board (afdelingsbestyrelse)")
        BALLOT = "ballot", _("ballot (urafstemning)")

    class Result(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    plan_lookup = "estate__plan"

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("estate")
    )
    body = models.CharField(_("body"), max_length=30, choices=Body.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, default=Result.PENDING)
    date = models.DateField(_("date of decision"), null=True, blank=True)
    expected_date = models.DateField(_("expected decision date"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    minutes = models.FileField(
        _("minutes (PDF)"),
        upload_to=minutes_upload_to,
        blank=True,
        validators=[validate_minutes],
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("estate decision")
        verbose_name_plural = _("estate decisions")
        ordering = ["estate__name", "body"]
        constraints = [
            UniqueConstraint(
                fields=["estate", "body"],
                name="one_decision_per_estate_and_body",
                violation_error_message=_("The estate already has a decision by this body."),
                error_field="body",
            ),
            CheckConstraint(
                condition=Q(result="pending") | Q(date__isnull=False),
                name="decided_decision_has_a_date",
                violation_error_message=_("Give the date of the decision when it is approved or rejected."),
                error_field="date",
            ),
            *dates_in_bounds("date", "expected_date"),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_body_display()} · {self.get_result_display()}"

    def get_absolute_url(self) -> str:
        return overview_url(self.estate.plan) + f"#estate-{self.estate_id}"

    def navigation_parent(self) -> Crumb:
        return approvals_page(self.estate.plan)


class ApprovalStep(PlanContent, ExampleFlag):
    """A political or funder step: Borgerrepræsentationen, Teknik- og Miljøudvalget, LBF, …"""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PENDING = "pending", _("awaiting decision")
        DONE = "done", _("done")
        REJECTED = "rejected", _("rejected")
        #: The estates' own step ("Boligafdelingerne godkender helhedsplanen"): its status is never typed in but
        #: read from the estate decisions, so the step and "n af N godkendt" cannot disagree.
        FROM_ESTATES = "from_estates", _("follows the estates' decisions")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="approval_steps", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    body = models.CharField(
        _("body"), max_length=200, help_text=_("E.g. Borgerrepræsentationen, Landsbyggefonden.")
    )
    date = models.DateField(_("date"), null=True, blank=True)
    date_is_expected = models.BooleanField(
        _("date is expected"), default=False, help_text=_("On when the date is planned, not yet happened.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["plan", "order"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "order"],
                name="approval_step_order_unique_in_plan",
                violation_error_message=_("Another step already has this place in the timeline."),
                error_field="order",
            ),
            *dates_in_bounds("date"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return overview_url(self.plan) + f"#step-{self.pk}"

    def navigation_parent(self) -> Crumb:
        return approvals_page(self.plan)
