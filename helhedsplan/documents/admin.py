from django.contrib import admin

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline

from . import services
from .models import DocumentVersion, FactSource, PlanDocument


class DocumentVersionInline(BaseTabularInline):
    """The versions, read only: a file is uploaded on the plan's pages, where it is checked and hashed."""

    model = DocumentVersion
    fields = ("number", "original_name", "content_type", "size", "sha256", "uploaded_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanDocument)
class PlanDocumentAdmin(BaseAdmin):
    list_display = ("title", "kind", "date", "plan", "fulfils", "personal_data", "is_example")
    list_filter = ("plan", "kind", "is_example")
    list_select_related = ("plan",)
    search_fields = ("title",)
    autocomplete_fields = ("plan",)
    inlines = (DocumentVersionInline,)

    def delete_model(self, request, obj) -> None:
        # Through the service: the files go with the document.
        services.document_delete(plan_document=obj, actor=request.user)


@admin.register(FactSource)
class FactSourceAdmin(BaseAdmin):
    list_display = (
        "fact",
        "object_id",
        "plan",
        "document",
        "page",
        "url",
        "read_on",
        "reference",
        "is_example",
    )
    list_filter = ("plan", "fact", "is_example")
    search_fields = ("plan__name", "url", "reference", "document__title")
    list_select_related = ("plan", "document")
    autocomplete_fields = ("plan",)
