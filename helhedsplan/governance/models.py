"""The plan's governance: its bodies (bestyrelse, styregruppe, følgegrupper — each tied to a delaftale —,
samarbejdsråd), each with its kommissorium, members and meetings; a meeting's agenda, minutes (a PDF) and
decisions. A decision may say what it approves (a report, a version of the plan, a budget line's change), so an
approval date is read from the decision, never typed twice. Each target is named by string (``"reports.Report"``,
``"versions.PlanVersion"``): those apps lie beside or above this one.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.models import ExampleFlag
from helhedsplan.core.navigation import Crumb
from helhedsplan.documents import files
from helhedsplan.plans.models import Organisation, Plan, PlanContent, PlanHistoricalRecords, plan_id_of

#: The fields of a decision that name what it approves (at most one is set). Each target is plan content.
APPROVAL_TARGETS: tuple[str, ...] = ("approves_report", "approves_version", "approves_budget_line")


def bodies_url(plan: Plan) -> str:
    return reverse("governance:bodies", kwargs={"plan": plan.slug})


def bodies_page(plan: Plan) -> Crumb:
    return Crumb(str(_("Governance")), bodies_url(plan))


def validate_minutes_pdf(value: FieldFile) -> None:
    """Newly uploaded minutes: a PDF by content, within the documents' limits, with a plain name."""
    if not value.name or getattr(value, "_committed", True):
        return
    files.validate_pdf(value.file, size=value.size, name=value.name)


def minutes_upload_to(instance: Meeting, filename: str) -> str:
    # A random name: the file is reached only through the permission-checked download view.
    return f"governance/{instance.body.plan_id}/{uuid.uuid4().hex}.pdf"


def _same_plan(obj, target, field: str) -> None:
    if target is not None and plan_id_of(target) != plan_id_of(obj):
        raise ValidationError({field: _("Choose one of this plan's own.")}, code="other_plan")


class Body(PlanContent, ExampleFlag):
    """A body of the plan's governance."""

    class Kind(models.TextChoices):
        BOARD = "board", _("board (bestyrelse)")
        STEERING_GROUP = "steering_group", _("steering group (styregruppe)")
        FOLLOW_UP_GROUP = "follow_up_group", _("follow-up group (følgegruppe)")
        COOPERATION_COUNCIL = "cooperation_council", _("cooperation council (samarbejdsråd)")

    sub_agreement_lookup = "sub_agreement"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bodies", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    sub_agreement = models.ForeignKey(
        "agreements.SubAgreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_up_groups",
        verbose_name=_("sub-agreement"),
        help_text=_("The delaftale a følgegruppe follows (only a følgegruppe has one)."),
    )
    terms_of_reference = models.TextField(_("terms of reference (kommissorium)"), blank=True)
    terms_of_reference_document = models.ForeignKey(
        "documents.PlanDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("terms of reference as a document"),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "name"],
                name="body_name_unique_in_plan",
                violation_error_message=_("The plan already has a body with this name."),
                error_field="name",
            ),
            UniqueConstraint(
                fields=["plan"],
                condition=Q(kind="board"),
                name="one_board_per_plan",
                violation_error_message=_("The plan already has a bestyrelse."),
                error_field="kind",
            ),
            CheckConstraint(
                condition=Q(kind="follow_up_group", sub_agreement__isnull=False)
                | (~Q(kind="follow_up_group") & Q(sub_agreement__isnull=True)),
                name="follow_up_group_follows_a_sub_agreement",
                violation_error_message=_(
                    "A følgegruppe follows one delaftale: choose it. Other bodies follow the whole plan."
                ),
                error_field="sub_agreement",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:body", kwargs={"plan": self.plan.slug, "pk": self.pk})

    def navigation_parent(self) -> Crumb:
        return bodies_page(self.plan)

    def clean(self) -> None:
        super().clean()
        if self.plan_id is None:
            return
        _same_plan(self, self.sub_agreement, "sub_agreement")
        _same_plan(self, self.terms_of_reference_document, "terms_of_reference_document")


class InBody(PlanContent):
    """Something of one body: its plan and delaftale are the body's."""

    plan_lookup = "body__plan"
    sub_agreement_lookup = "body__sub_agreement"
    parent_field = "body"

    class Meta:
        abstract = True

    @property
    def sub_agreement(self):
        return self.body.sub_agreement  # type: ignore[attr-defined]


class BodyMember(InBody, ExampleFlag):
    """A member of a body: a person, their title and organisation, and their role in the body."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair (formand)")
        VICE_CHAIR = "vice_chair", _("vice-chair (næstformand)")
        MEMBER = "member", _("member")
        SECRETARY = "secretary", _("secretary")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members", verbose_name=_("body"))
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        ordering = ["body", "role", "name", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["body", "name"],
                name="body_member_once",
                violation_error_message=_("This person is already a member of the body."),
                error_field="name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return self.body.get_absolute_url() + f"#member-{self.pk}"


class Meeting(InBody, ExampleFlag):
    """A meeting of a body: its date, agenda, decisions and minutes (a PDF)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("body"))
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.FileField(
        _("minutes (PDF)"), upload_to=minutes_upload_to, blank=True, validators=[validate_minutes_pdf]
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["body", "-date", "-pk"]
        constraints = [*dates_in_bounds("date")]

    def __str__(self) -> str:
        from django.utils.formats import date_format

        return f"{self.body} · {date_format(self.date, 'DATE_FORMAT')}" if self.date else str(self.body)

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", kwargs={"plan": self.body.plan.slug, "pk": self.pk})


class MeetingDecision(PlanContent, ExampleFlag):
    """A decision of a meeting; optionally what it approves (a report, a budget line's change)."""

    plan_lookup = "meeting__body__plan"
    sub_agreement_lookup = "meeting__body__sub_agreement"
    parent_field = "meeting"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    approves_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="board_decisions",
        verbose_name=_("approves report"),
        help_text=_(
            'A report appears here once it is sent to the board on its page ("Send to the board"), started '
            "(its texts saved) or submitted."
        ),
    )
    approves_version = models.ForeignKey(
        "versions.PlanVersion",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="board_decisions",
        verbose_name=_("approves plan version"),
        help_text=_(
            "The bestyrelse's approval of a submitted version of the plan (its decision, with this date)."
        ),
    )
    approves_budget_line = models.ForeignKey(
        "budget.BudgetLine",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="board_decisions",
        verbose_name=_("approves a change of budget line"),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]
        constraints = [
            CheckConstraint(
                # At most one of the targets (APPROVAL_TARGETS) is set.
                condition=Q(approves_report__isnull=True, approves_version__isnull=True)
                | Q(approves_report__isnull=True, approves_budget_line__isnull=True)
                | Q(approves_version__isnull=True, approves_budget_line__isnull=True),
                name="decision_approves_one_thing",
                violation_error_message=_(
                    "A decision approves one thing: record another decision for the next."
                ),
                error_field="approves_budget_line",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#decision-{self.pk}"

    @property
    def sub_agreement(self):
        return self.meeting.body.sub_agreement

    def approval_targets(self) -> list:
        return [getattr(self, name) for name in APPROVAL_TARGETS if getattr(self, f"{name}_id") is not None]

    def clean(self) -> None:
        super().clean()
        if self.meeting_id is None:
            return
        for name in APPROVAL_TARGETS:
            _same_plan(self, getattr(self, name), name)
        report = self.approves_report
        if report is not None:
            if self.meeting.body.kind != Body.Kind.BOARD:
                raise ValidationError(
                    {"approves_report": _("Only the bestyrelse approves a report.")}, code="not_board"
                )
            if self.meeting.date is not None and self.meeting.date <= report.last_day:
                raise ValidationError(
                    {"approves_report": _("The board approves a report after the time it covers has ended.")},
                    code="too_early",
                )
        if self.approves_version_id is not None and self.meeting.body.kind != Body.Kind.BOARD:
            raise ValidationError(
                {"approves_version": _("Only the bestyrelse approves a version of the plan.")},
                code="not_board",
            )
