"""The plan file as a download (``plans.exporters``): the whole plan as it stands today, in the format of
docs/plan-format.md. (``exporter`` writes the file; this registers the download.) The emergency plan's contacts are
in it only for those who may see them on the pages (``ExportRequest.personal_data``)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helhedsplan.plans.exporters import YAML, Export, Exporter, ExportRequest, Format, register
from helhedsplan.plans.models import Plan

from .exporter import export_plan


@register
class PlanFileExporter(Exporter[str]):
    name = "planfile"
    verbose_name = _("Plan file")
    formats = (YAML,)

    def read(self, request: ExportRequest) -> Export[str]:
        plan: Plan | None = request.plan
        assert plan is not None
        text = export_plan(plan, personal_data=request.personal_data)
        return Export(data=text, what=gettext("plan file").replace(" ", "-"), as_of=request.today)

    def render(self, export: Export[str], format: Format) -> bytes:
        return export.data.encode("utf-8")
