"""A spreadsheet import's preview (the dry run), stored until it is applied or expires.

The preview is the importer's working draft, not the plan's content: it is read and applied only by the one who
uploaded the file, it records what each row will do and what it saw (each target row's ``lock_version``), and
it expires after ``PREVIEW_LIFETIME``. Stored in the database, so it survives a reload and a second server.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import dates_in_bounds
from helhedsplan.plans.models import Plan

#: How long a preview may be applied after the upload.
PREVIEW_LIFETIME = datetime.timedelta(hours=2)


def default_expiry() -> datetime.datetime:
    return timezone.now() + PREVIEW_LIFETIME


class ImportPreview(models.Model):
    """What an uploaded file would do, row by row (``rows``: the dry run's outcomes, see ``imports.dryrun``)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="import_previews", verbose_name=_("plan")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_previews",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    applied_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")
        ordering = ["-created_at", "-pk"]
        constraints = [*dates_in_bounds(times=("created_at", "expires_at", "applied_at"))]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("imports:preview", kwargs={"plan": self.plan.slug, "pk": self.pk})

    def has_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at
