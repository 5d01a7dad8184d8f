"""Plan versions: the agreement as the parties signed it, frozen, and each party's sign-off.

A ``PlanVersion`` is a snapshot of the agreed part of a plan (``versions.snapshot``) as canonical JSON with its
SHA-256. A coordinator submits one with the reason for the change; the parties that must sign are fixed then,
as ``Signoff`` rows awaiting a decision (the kommune, each housing organisation, the plan's bestyrelse, and
Landsbyggefonden when a section needing its approval changed). Every party approves → the version is approved
and the one approved before it superseded; one rejection → rejected. Its snapshot, hash and reason never change,
and no version is deleted — by a view, the admin (it is not there), a queryset or the plan-file importer (the
plan is protected from deletion and so from ``import_plan --replace``), as a submitted report's files never do.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.approvals.models import validate_minutes
from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.frozen import Frozen, FrozenQuerySet
from helhedsplan.core.models import CleanInput, ExampleFlag
from helhedsplan.core.validators import VisibleText
from helhedsplan.plans.models import Organisation, Plan

FROZEN_VERSION = _("A stored version never changes: its snapshot, hash and reason are kept as submitted.")
FROZEN_STATUS = _("A version's status moves only by its sign-offs: submitted, then approved or rejected.")
FROZEN_DELETE = _("A stored version cannot be deleted.")
FROZEN_SIGNOFF = _("A sign-off, once decided, is kept as recorded.")
FROZEN_SIGNOFF_DELETE = _("A sign-off cannot be deleted.")


class VersionQuerySet(FrozenQuerySet):
    """``delete()`` refused; ``update()`` refused for what the model keeps frozen and for the status (which
    moves only through ``save()``, along the allowed transitions): ``core.frozen``."""

    def of_plan(self, plan: Plan) -> VersionQuerySet:
        """The plan's rows (named apart from ``PlanScopedQuerySet.in_plan``: no generic history page shows these)."""
        return self.filter(**{self.model.plan_lookup: plan})


class PlanVersion(Frozen, ExampleFlag, models.Model):
    """One version of a plan's agreement (see the module's docstring). Not ``PlanContent``: it is never edited."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("superseded")

    class Reason(models.TextChoices):
        FIRST = "first", _("the plan as first approved")
        TARGETS = "targets", _("goals or targets changed")
        ACTIVITIES = "activities", _("activities changed")
        BUDGET = "budget", _("budget or funding changed")
        PARTIES = "parties", _("parties or organisation changed")
        CORRECTION = "correction", _("correction of errors")
        OTHER = "other", _("other")

    #: The status moves: submitted → approved | rejected; approved → superseded (a later one is approved).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED}),
        Status.APPROVED: frozenset({Status.SUPERSEDED}),
        Status.REJECTED: frozenset(),
        Status.SUPERSEDED: frozenset(),
    }

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("version number"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reason_category = models.CharField(_("kind of change"), max_length=12, choices=Reason.choices)
    reason = models.TextField(
        _("reason for the change"), validators=[VisibleText(_("Say why the plan is changed."))]
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on version"),
    )
    #: The canonical JSON (``versions.snapshot.canonical_bytes``) as text, and the SHA-256 of its UTF-8 bytes.
    snapshot = models.TextField(_("snapshot"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    #: Each section's SHA-256 (``snapshot.section_hashes``), set from the snapshot when the version is stored: what
    #: "Kræver opmærksomhed" compares the live plan's fingerprint with, without reading the snapshot.
    section_hashes = models.JSONField(_("SHA-256 per section"), default=dict, editable=False)
    #: A version carried in a plan file from another installation: the SHA-256 of its snapshot as stored there
    #: (naming objects by that database's ids); ``sha256`` is of the snapshot translated into this database's ids
    #: (``versions.carry``). Empty for a version made here.
    carried_sha256 = models.CharField(_("SHA-256 in the original installation"), max_length=64, blank=True)
    #: Whether a section needing Landsbyggefonden's approval differs from the version it is based on (fixed
    #: when submitted, from the funding period's template).
    needs_lbf = models.BooleanField(_("needs Landsbyggefonden's approval"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    #: Who submitted it; empty for a version recorded from a plan file (no user of this database submitted it).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    #: Recorded in the app after the parties decided outside it (the plan's first version, approved in 2021).
    recorded_outside_app = models.BooleanField(_("approved outside the app"), default=False)
    history = HistoricalRecords()

    objects = VersionQuerySet.as_manager()

    FROZEN = (
        "plan_id",
        "number",
        "reason_category",
        "reason",
        "based_on_id",
        "snapshot",
        "sha256",
        "section_hashes",
        "carried_sha256",
        "needs_lbf",
        "submitted_by_id",
        "recorded_outside_app",
    )
    MOVES_BY_SAVE = ("status", "decided_at")
    FROZEN_MESSAGE = FROZEN_VERSION
    DELETE_MESSAGE = FROZEN_DELETE

    plan_lookup = "plan"

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "number"],
                name="plan_version_numbered_once",
                violation_error_message=_("This version number is taken."),
            ),
            UniqueConstraint(
                fields=["plan"],
                condition=Q(status="submitted"),
                name="one_version_awaiting_signoff",
                violation_error_message=_("A version of the plan is already awaiting its sign-offs."),
            ),
            UniqueConstraint(
                fields=["plan"],
                condition=Q(status="approved"),
                name="one_approved_version",
                violation_error_message=_("The plan already has an approved version."),
            ),
            CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="plan_version_sha256_is_hex",
                violation_error_message=_("A version's hash is 64 hexadecimal digits."),
            ),
            *dates_in_bounds(times=("submitted_at", "decided_at")),
        ]

    def __str__(self) -> str:
        return str(_("Version %(number)s") % {"number": self.number})

    def save(self, *args, **kwargs) -> None:
        import json

        from .snapshot import section_hashes, sha256_hex

        if self.pk is None:
            if sha256_hex(self.snapshot.encode("utf-8")) != self.sha256:
                raise ValidationError(_("The version's hash does not match its snapshot."))
            self.section_hashes = section_hashes(json.loads(self.snapshot))
        else:
            stored = self.stored_values("status")
            if stored is not None:
                if self.frozen_changes(stored):
                    raise ValidationError(FROZEN_VERSION)
                if stored["status"] != self.status and self.status not in self.TRANSITIONS[stored["status"]]:
                    raise ValidationError(FROZEN_STATUS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("versions:detail", kwargs={"plan": self.plan.slug, "number": self.number})

    @property
    def owning_plan(self) -> Plan:
        return self.plan

    @property
    def is_awaiting(self) -> bool:
        return self.status == self.Status.SUBMITTED


def evidence_upload_to(instance: Signoff, filename: str) -> str:
    # A random name: the file is reached only through the permission-checked download view.
    return f"versions/{instance.version.plan_id}/{uuid.uuid4().hex}.pdf"


class Signoff(Frozen, CleanInput, ExampleFlag, models.Model):
    """One party's decision on a version: fixed as awaiting when the version is submitted, decided once."""

    class Party(models.TextChoices):
        MUNICIPALITY = "municipality", _("the municipality")
        HOUSING = "housing", _("housing organisation")
        BOARD = "board", _("the plan's board")
        LBF = "lbf", _("Landsbyggefonden")

    class Decision(models.TextChoices):
        AWAITING = "awaiting", _("awaiting")
        APPROVED = "approved", _("approved")
        RESERVATIONS = "reservations", _("approved with reservations")
        REJECTED = "rejected", _("rejected")

    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="signoffs", verbose_name=_("version")
    )
    party = models.CharField(_("party"), max_length=12, choices=Party.choices)
    #: The organisation that signs (the kommune, a housing organisation, LBF); none for the plan's bestyrelse.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.AWAITING
    )
    body = models.CharField(
        _("deciding body"), max_length=200, blank=True, help_text=_("E.g. Teknik- og Miljøudvalget.")
    )
    #: The day the body decided; empty when it is not known ("ukendt").
    decided_on = models.DateField(_("date of decision"), null=True, blank=True)
    evidence = models.FileField(
        _("minutes or letter (PDF)"), upload_to=evidence_upload_to, blank=True, validators=[validate_minutes]
    )
    #: The SHA-256 of ``evidence`` as it was recorded: checked before the file is sent (``EvidenceView``).
    evidence_sha256 = models.CharField(_("SHA-256 of the minutes or letter"), max_length=64, blank=True)
    #: Where a decision taken outside the app is documented, when its document is not stored here (a public
    #: source, a case number): the plan file's decisions taken before the app.
    evidence_reference = models.CharField(
        _("where the decision is documented"),
        max_length=500,
        blank=True,
        help_text=_("E.g. the meeting, item and web address of the minutes."),
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    #: Decided outside the app and recorded by a coordinator, with its document as evidence.
    outside_app = models.BooleanField(_("decided outside the app"), default=False)
    history = HistoricalRecords()

    objects = VersionQuerySet.as_manager()

    FROZEN = ("version_id", "party", "organisation_id")
    MOVES_BY_SAVE = (
        "decision",
        "body",
        "decided_on",
        "evidence",
        "evidence_sha256",
        "evidence_reference",
        "comment",
        "recorded_by_id",
        "recorded_at",
        "outside_app",
    )
    FROZEN_MESSAGE = FROZEN_SIGNOFF
    DELETE_MESSAGE = FROZEN_SIGNOFF_DELETE

    plan_lookup = "version__plan"

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["version", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["version", "party", "organisation"],
                name="one_signoff_per_party",
                violation_error_message=_("This party has already signed this version."),
                nulls_distinct=False,
            ),
            CheckConstraint(
                condition=Q(party="board", organisation__isnull=True)
                | (~Q(party="board") & Q(organisation__isnull=False)),
                name="signoff_party_names_its_organisation",
                error_field="organisation",
                violation_error_message=_("A party other than the board signs for its organisation."),
            ),
            *dates_in_bounds("decided_on", times=("recorded_at",)),
        ]

    def __str__(self) -> str:
        who = self.organisation.short_name if self.organisation else self.get_party_display()
        return f"{self.version} · {who}"

    def save(self, *args, **kwargs) -> None:
        stored = self.stored_values("decision")
        if stored is not None and (
            self.frozen_changes(stored) or stored["decision"] != self.Decision.AWAITING
        ):
            raise ValidationError(FROZEN_SIGNOFF)
        super().save(*args, **kwargs)

    @property
    def owning_plan(self) -> Plan:
        return self.version.plan

    @property
    def is_decided(self) -> bool:
        return self.decision != self.Decision.AWAITING

    @property
    def decided_on_display(self) -> str:
        return date_format(self.decided_on, "DATE_FORMAT") if self.decided_on else str(_("unknown"))

    def clean(self) -> None:
        if self.decision == self.Decision.REJECTED and not (self.comment or "").strip():
            raise ValidationError({"comment": _("A rejection says why: write the reason in the comment.")})
        if self.decision == self.Decision.RESERVATIONS and not (self.comment or "").strip():
            raise ValidationError({"comment": _("Write the reservations in the comment.")})
        if self.outside_app and self.is_decided and not (self.evidence or self.evidence_reference.strip()):
            raise ValidationError(
                {"evidence": _("A decision taken outside the app is recorded with its minutes or letter.")}
            )


class AgreementFingerprint(models.Model):
    """The live plan's agreement as each section's SHA-256 (``snapshot.section_hashes``), so "Kræver
    opmærksomhed" (and the daily digest over every plan) sees whether the plan differs from its approved version
    without building the snapshot on each read. Recomputed by a background task enqueued after the commit of any
    change to the agreement's rows (``versions.tasks``), and for every plan by ``manage.py
    refresh_agreement_fingerprints``. A cache of what the plan's own rows hold, not a record of anyone's act:
    no history (as ``core.OutgoingMail``)."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="agreement_fingerprint", verbose_name=_("plan")
    )
    sections = models.JSONField(_("SHA-256 per section"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("agreement fingerprint")
        verbose_name_plural = _("agreement fingerprints")
        constraints = [*dates_in_bounds(times=("computed_at",))]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.computed_at.isoformat()}"
