"""The spreadsheet imports' previews in the admin: a record superusers read (who uploaded which file for which
plan, when, whether it was saved, and what each row would do), never edit — as the mail records
(``core.admin.OutgoingMailAdmin``). A preview is its uploader's working draft: it is made and applied only by the
import's pages, through ``imports.services``."""

from __future__ import annotations

from collections import Counter

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ImportPreview

#: The dry run's outcomes, as the preview page names them.
OUTCOMES = {
    "new": _("new"),
    "changed": _("changed"),
    "unchanged": _("unchanged"),
    "refused": _("refused"),
    "empty": _("without a new value"),
}


@admin.register(ImportPreview)
class ImportPreviewAdmin(admin.ModelAdmin):
    list_display = ("created_at", "file_name", "plan", "created_by", "outcomes", "expires_at", "applied_at")
    list_filter = (("applied_at", admin.EmptyFieldListFilter),)
    search_fields = ("file_name", "sha256", "plan__name", "created_by__username")
    list_select_related = ("plan", "created_by")
    date_hierarchy = "created_at"
    readonly_fields = ["outcomes", *(field.name for field in ImportPreview._meta.fields)]

    @admin.display(description=_("outcome of the rows"))
    def outcomes(self, obj: ImportPreview) -> str:
        """ "new 3, refused 1": what the dry run found, from the stored rows."""
        counts = Counter(row.get("outcome", "") for row in obj.rows or [])
        return (
            ", ".join(
                f"{OUTCOMES.get(outcome, outcome)} {count}" for outcome, count in sorted(counts.items())
            )
            or "—"
        )

    def has_module_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
