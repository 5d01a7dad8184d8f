"""The import template as a download (``plans.exporters``): for whoever may import into the plan."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.plans.exporters import XLSX, Export, Exporter, ExportRequest, Format, register

from . import selectors
from .template import template_workbook


@register
class ImportTemplateExporter(Exporter[tuple]):
    """The spreadsheet to fill in: the indicators the user may give values and, for whoever enters actual
    spend, the budget's lines per year."""

    name = "import_template"
    verbose_name = gettext_lazy("Import template")
    formats = (XLSX,)
    permission = "plan.import_data"

    def read(self, request: ExportRequest) -> Export[tuple]:
        """The whole plan's template, or with ``?delaftale=<id>`` one delaftale's indicators alone (and no
        budget sheets); another plan's or an unknown delaftale is a 404."""
        plan = request.plan
        assert plan is not None
        indicators = selectors.measurable_indicators(plan, request.user)
        asked = request.params.get("delaftale")
        if asked is not None:
            if (
                not asked.isdigit()
                or len(asked) > 9
                or not plan.sub_agreements.filter(pk=int(asked)).exists()
            ):
                raise Http404("no such delaftale in the plan")
            only = list(indicators.filter(goal__sub_agreement_id=int(asked)))
            return Export(data=(plan, only, None), what=_("import-template"), as_of=request.today)
        lines = selectors.spend_lines(plan) if selectors.may_enter_actual_spend(plan, request.user) else None
        return Export(data=(plan, list(indicators), lines), what=_("import-template"), as_of=request.today)

    def render(self, export: Export[tuple], format: Format) -> bytes:
        return template_workbook(*export.data)
