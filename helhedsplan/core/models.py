"""Abstract model pieces that know nothing of plans: the example flag, the bounds of every input, and which
rows a delete takes along.

The base of everything that lives inside a plan (``PlanContent``) is in ``helhedsplan.plans.models``, next to
the plan and the memberships it is scoped by.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import dates_in_bounds
from helhedsplan.core.validators import validate_date_in_bounds, validate_no_control_characters


class ExampleFlag(models.Model):
    """Marks data that the seed document does not state: shown as 'eksempel' wherever it appears."""

    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Made-up demo data that is not stated in the plan's documents."),
    )

    class Meta:
        abstract = True


class CleanInput:
    """Mixed into a model (before ``models.Model``): every CharField and TextField refuses control characters
    (tabs and line breaks aside), every DateField and DateTimeField a year before 1900 or after 2100, each with
    a Danish message at the field, in ``full_clean()`` — so forms, the admin, services and the plan-file
    importer all refuse them. One rule for every such field, without restating it on each.

    The dates' bounds are also the database's (``core.constraints.dates_in_bounds`` in each model's
    constraints). They are checked here, with the fields, so that the model's ``clean()`` — comparing a date
    with the plan's period, say — and its constraints never see a date that no database can store.
    """

    def clean_fields(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)  # type: ignore[misc]
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            if isinstance(field, models.CharField | models.TextField):
                validate = validate_no_control_characters
            elif isinstance(field, models.DateField):  # a DateTimeField too
                validate = validate_date_in_bounds
            else:
                continue
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                validate(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


def cascading_relations(model: type[models.Model]) -> list:
    """The relations whose rows are deleted with an object of ``model``: foreign keys to it with on_delete
    CASCADE (a goal's indicators, an indicator's measurements). The hidden tables of many-to-many fields (an
    activity's goals) are left out: a link is not a row anyone reads as "deleted with it"."""
    return [
        relation
        for relation in model._meta.related_objects
        if (relation.one_to_many or relation.one_to_one)
        and relation.on_delete is models.CASCADE
        # A relation's model is a class once the app registry is ready, never "self".
        and not relation.related_model._meta.auto_created  # type: ignore[union-attr]
    ]


class OutgoingMail(models.Model):
    """One e-mail, recorded before it is sent and sent by a background task (``core.mail``): the record is what
    makes a mail go out at most once (its ``key`` is unique, and a worker claims it before sending), how often it
    was tried, and whether its address turned out not to take mail (``UNDELIVERABLE``, shown to the plan's
    coordinators). Written only by ``core.mail``; administrators read it in the admin."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNDELIVERABLE = "undeliverable", _("address does not take mail")
        WITHDRAWN = "withdrawn", _("withdrawn: the recipient no longer reads the plan")

    #: Names the mail once: the same key is never queued, nor sent, twice (e.g. "report-submitted:12:34").
    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    #: The recipient, when the mail goes to a user (the address they had then is ``to``).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_mails",
        verbose_name=_("user"),
    )
    #: The plan the mail tells about: when its recipient may no longer read it, the mail is not sent.
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan"),
    )
    #: The other plans a mail tells about (a digest covers several): it is sent only while its recipient may still
    #: read every one of them (ids: core names no plan's rows).
    also_about_plans = models.JSONField(_("also about plans"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    #: The mail carries a secret (an invitation's or a set-password link): its text is blanked once the mail is
    #: sent or given up, so the link is never readable afterwards, in the admin or a database dump.
    carries_secret = models.BooleanField(_("carries a secret link"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["to", "status"], name="core_mail_to_status")]
        constraints = [*dates_in_bounds(times=("created_at", "sent_at"))]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
