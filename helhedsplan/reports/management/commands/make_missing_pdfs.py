"""``manage.py make_missing_pdfs``: queue the making of every submitted report's PDF that is not there yet (its task
failed on every attempt, or the worker was gone): each is made once, from the document stored at submission."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from helhedsplan.reports.models import Submission
from helhedsplan.reports.tasks import make_submission_pdf


class Command(BaseCommand):
    help = "Queue the PDFs of submitted reports that have none yet (made by the background worker)."

    def handle(self, *args, **options) -> None:
        missing = list(Submission.objects.filter(pdf_sha256="").values_list("pk", flat=True))
        for pk in missing:
            make_submission_pdf.enqueue(pk)
        self.stdout.write(f"{len(missing)} PDF(s) queued.")
