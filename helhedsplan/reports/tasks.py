"""The reports' background work (django-tasks, like every mail: ``core.mail``): making a submission's PDF after
the commit, so submitting does not wait for the layout."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

#: How often making a PDF is tried before the task is left failed (shown in the admin's task results).
PDF_MAX_ATTEMPTS = 3


@task()
def make_submission_pdf(submission_id: int, attempt: int = 1) -> str:
    """Make a submission's PDF (``services.submission_pdf_make``), once. A failure is tried again a bounded
    number of times (a minute later per attempt where the backend can wait), then raised, so the task shows as
    failed in the admin and the submission's page says the PDF is still missing."""
    from .models import Submission
    from .services import submission_pdf_make

    submission = Submission.objects.get(pk=submission_id)
    try:
        submission_pdf_make(submission=submission)
    except Exception:
        if attempt >= PDF_MAX_ATTEMPTS:
            raise
        logger.warning("The PDF of submission %s failed (attempt %s); trying again", submission_id, attempt)
        retry = make_submission_pdf
        if default_task_backend.supports_defer:
            retry = retry.using(run_after=timezone.now() + datetime.timedelta(minutes=attempt))
        retry.enqueue(submission_id, attempt + 1)
        return "retry"
    return "made"
