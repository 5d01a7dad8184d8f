"""The report to Landsbyggefonden as a download (``plans.exporters``): the draft of a year's or the final report
as of the page's date (``?dato=``), as a PDF or a spreadsheet. (What was submitted is served as stored, by
``views.SubmissionFileView``.)"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from helhedsplan.plans.exporters import PDF, XLSX, Export, Exporter, ExportRequest, Format, register

from . import documents
from .report import StatusReport, status_report
from .views import as_of_asked, report_from_url


@register
class ReportExporter(Exporter[StatusReport]):
    """``…/rapporter/2024/hent.pdf``: the period from the address, the as-of date from ``?dato=``."""

    name = "report"
    verbose_name = _("Report to Landsbyggefonden")
    formats = (PDF, XLSX)

    def read(self, request: ExportRequest) -> Export[StatusReport]:
        assert request.plan is not None
        report = report_from_url(request.plan, request.kwargs["period"])
        data = status_report(report, as_of=as_of_asked(request.params, report, request.today))
        return Export(data=data, what=documents.report_what(report), as_of=data.as_of)

    def render(self, export: Export[StatusReport], format: Format) -> bytes:
        if format == PDF:
            return documents.report_pdf(export.data)
        return documents.report_xlsx(export.data)
