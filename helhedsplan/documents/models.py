"""The plan's documents: bilag, kommissorium, organisation chart, LBF's tilsagn, minutes, evaluations — each
with its versions (a new upload of the same document is a new version; the old ones stay readable), the file
kept through Django's storage API (so another storage can be configured) with its SHA-256; and the checklist of
the documents Landsbyggefonden expects, read from the funding period's template."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.models import ExampleFlag
from helhedsplan.core.navigation import Crumb
from helhedsplan.plans.models import Plan, PlanContent, PlanHistoricalRecords

from . import facts, files


def documents_url(plan: Plan) -> str:
    return reverse("documents:list", kwargs={"plan": plan.slug})


def documents_page(plan: Plan) -> Crumb:
    return Crumb(str(_("Documents")), documents_url(plan))


def validate_document_file(value: FieldFile) -> None:
    """A newly uploaded file keeps every rule of ``files.check_upload``; a stored one was checked when it came."""
    if not value.name or getattr(value, "_committed", True):
        return
    files.check_upload(value.file, size=value.size, name=value.name)


def version_upload_to(instance: DocumentVersion, filename: str) -> str:
    # A random name: the file is reached only through the permission-checked download view.
    return f"documents/{instance.document.plan_id}/{uuid.uuid4().hex}"


def expected_documents(plan: Plan) -> list[dict[str, str]]:
    """The documents Landsbyggefonden expects of a plan: its funding period's template's ``documents`` rows
    (``key``, ``title``, ``kind``); none for a plan without a period."""
    period = plan.funding_period
    return list(period.template.get("documents", [])) if period is not None else []


class PlanDocument(PlanContent, ExampleFlag):
    """One document of the plan, in one or more versions."""

    class Kind(models.TextChoices):
        ANNEX = "annex", _("annex (bilag)")
        TERMS_OF_REFERENCE = "terms_of_reference", _("terms of reference (kommissorium)")
        ORGANISATION_CHART = "organisation_chart", _("organisation chart")
        GRANT = "grant", _("grant from Landsbyggefonden (tilsagn)")
        MINUTES = "minutes", _("minutes")
        EVALUATION = "evaluation", _("evaluation")
        OTHER = "other", _("other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="documents", verbose_name=_("plan"))
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("The date the document bears."))
    fulfils = models.SlugField(
        _("item of Landsbyggefonden's checklist"),
        max_length=50,
        blank=True,
        help_text=_("The document Landsbyggefonden expects that this one is."),
    )
    personal_data = models.BooleanField(
        _("holds contact details"),
        default=False,
        help_text=_(
            "On for a document with people's phone numbers or e-mail addresses (an emergency plan's contact "
            "list): only coordinators and editors may download it."
        ),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "title"],
                name="document_title_unique_in_plan",
                violation_error_message=_(
                    "The plan already has a document with this title. Upload a new version of that one."
                ),
                error_field="title",
            ),
            UniqueConstraint(
                fields=["plan", "fulfils"],
                condition=~Q(fulfils=""),
                name="one_document_per_checklist_item",
                violation_error_message=_("Another document is already this item of the checklist."),
                error_field="fulfils",
            ),
            *dates_in_bounds("date"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:document", kwargs={"plan": self.plan.slug, "pk": self.pk})

    def navigation_parent(self) -> Crumb:
        return documents_page(self.plan)

    def clean(self) -> None:
        super().clean()
        if self.fulfils and self.plan_id is not None:
            keys = {row.get("key") for row in expected_documents(self.plan)}
            if self.fulfils not in keys:
                raise ValidationError(
                    {"fulfils": _("The funding period's checklist has no such item.")}, code="unknown_item"
                )

    @property
    def download_permission(self) -> str:
        """Who may download its files: every reader, or only those who see contact details."""
        return "plan.view_contact_details" if self.personal_data else "plan.view"


class DocumentVersion(PlanContent):
    """One uploaded file of a document. Never changed once stored: a new file is a new version."""

    plan_lookup = "document__plan"
    parent_field = "document"

    document = models.ForeignKey(
        PlanDocument, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(
        _("file"), upload_to=version_upload_to, max_length=200, validators=[validate_document_file]
    )
    original_name = models.CharField(_("file name"), max_length=200, validators=[files.validate_file_name])
    content_type = models.CharField(_("kind of file"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            UniqueConstraint(
                fields=["document", "number"],
                name="document_version_number_unique",
                violation_error_message=_("The document already has a version with this number."),
                error_field="number",
            ),
            CheckConstraint(
                condition=Q(number__gte=1),
                name="document_version_number_positive",
                violation_error_message=_("A version number starts at 1."),
                error_field="number",
            ),
            *dates_in_bounds(times=("uploaded_at",)),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {_('version')} {self.number}"

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url() + f"#version-{self.pk}"

    @property
    def extension(self) -> str:
        return files.EXTENSIONS.get(self.content_type, "bin")


def sources_url(plan: Plan) -> str:
    return reverse("documents:sources", kwargs={"plan": plan.slug})


def sources_page(plan: Plan) -> Crumb:
    return Crumb(str(_("Sources")), sources_url(plan))


#: A source on the web is read over http or https, nothing else (no javascript:, file: or ftp:).
validate_web_address = URLValidator(
    schemes=["http", "https"],
    message=_("Give a public web address beginning with http:// or https://."),
)


class FactSource(PlanContent, ExampleFlag):
    """Where one fact the plan states comes from (``facts.FACTS``: the plan's homes, an indicator's baseline, a
    funding amount, an approval's date): a document of the plan (and its page), a public web address with the
    day it was read, or a named public document the plan holds no copy of. ``is_example`` without a source
    marks the figure as example data: it then needs none."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="fact_sources", verbose_name=_("plan")
    )
    fact = models.CharField(_("fact"), max_length=50)
    #: The row that states the fact (the plan's own pk for the plan's facts); its model is the fact's.
    object_id = models.PositiveBigIntegerField(_("row"))
    document = models.ForeignKey(
        PlanDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fact_sources",
        verbose_name=_("document of the plan"),
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    # A CharField, not a URLField: its rule (http or https only) is the one validator, with its own message.
    url = models.CharField(
        _("public web address"), max_length=500, blank=True, validators=[validate_web_address]
    )
    read_on = models.DateField(
        _("read on"), null=True, blank=True, help_text=_("The day the address was read.")
    )
    reference = models.CharField(
        _("public document"),
        max_length=300,
        blank=True,
        help_text=_(
            "A public document the plan holds no copy of and whose address is not known, by its name."
        ),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("source of a fact")
        verbose_name_plural = _("sources of facts")
        ordering = ["fact", "object_id"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "fact", "object_id"],
                name="one_source_per_fact",
                violation_error_message=_("This fact already has a source. Change that one."),
                error_field="fact",
            ),
            CheckConstraint(
                condition=Q(document__isnull=False, url="", reference="")
                | (Q(document__isnull=True, reference="") & ~Q(url=""))
                | (Q(document__isnull=True, url="") & ~Q(reference=""))
                | Q(is_example=True, document__isnull=True, url="", reference=""),
                name="fact_source_names_one_source",
                violation_error_message=_(
                    "Name one source: a document of the plan, a public web address or a public document — or "
                    "mark the figure as example data."
                ),
            ),
            CheckConstraint(
                condition=Q(page__isnull=True) | Q(document__isnull=False, page__gte=1),
                name="fact_source_page_of_a_document",
                violation_error_message=_("A page number (from 1) goes with a document of the plan."),
                error_field="page",
            ),
            CheckConstraint(
                condition=Q(url="", read_on__isnull=True) | (~Q(url="") & Q(read_on__isnull=False)),
                name="fact_source_web_address_with_its_day",
                violation_error_message=_("A web address goes with the day it was read, and only with it."),
                error_field="read_on",
            ),
            *dates_in_bounds("read_on"),
        ]

    def __str__(self) -> str:
        fact = facts.FACTS.get(self.fact)
        return str(_("Source of %(fact)s") % {"fact": fact.label if fact else self.fact})

    def navigation_parent(self) -> Crumb:
        return sources_page(self.plan)

    def get_absolute_url(self) -> str:
        return sources_url(self.plan) + f"#fact-{self.fact}-{self.object_id}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        fact = facts.FACTS.get(self.fact)
        if fact is None:
            errors.setdefault("fact", []).append(str(_("The plan states no such fact.")))
        elif (
            self.plan_id is not None
            and self.object_id is not None
            and not any(row.pk == self.object_id for row in fact.rows(self.plan))
        ):
            errors.setdefault("fact", []).append(str(_("The plan does not state this fact.")))
        document = self.document if self.document_id is not None else None
        if document is not None and self.plan_id is not None and document.plan_id != self.plan_id:
            errors.setdefault("document", []).append(str(_("Choose a document of this plan.")))
        if self.read_on is not None and self.read_on > timezone.localdate():
            errors.setdefault("read_on", []).append(str(_("The day it was read cannot lie in the future.")))
        if errors:
            raise ValidationError(errors)

    @property
    def kind(self) -> str:
        """What kind of source it is: document, url, reference, or example (none)."""
        if self.document_id is not None:
            return "document"
        if self.url:
            return "url"
        if self.reference:
            return "reference"
        return "example"
