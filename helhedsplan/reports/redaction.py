"""The one change a frozen file may get: a submission's plan file stored before the rule that a stored file
carries no personal data (``core.personal``) is redacted once, with a record of its SHA-256 before and after,
the day and why (``models.Redaction``).

Called by the data migration ``reports/…_redact_stored_plan_files`` with the migration's models, and by its test
with the app's: so it writes with the plain queryset update (``models.QuerySet.update``), the path a frozen
submission's own ``save()`` and queryset refuse.
"""

from __future__ import annotations

import copy
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.db import models

from helhedsplan.planfiles import yamlio
from helhedsplan.planfiles.exporter import without_personal_data

from .models import sha256_of

REASON = (
    "Stored before the rule that a file leaving the plan's own staff carries no personal data "
    "(issue 18): the emergency plan's contacts, the parties' contact persons and the incidents' texts were "
    "taken out of the plan file."
)


def redact_plan_file(submission: Any, *, redaction_model: Any, reason: str = REASON) -> Any | None:
    """Redact ``submission``'s plan file if it holds personal data: store the redacted file, record the change
    (``redaction_model``), delete the old file. Returns the record, or None when the file held none."""
    stored = submission.plan_file
    with stored.open("rb") as handle:
        old = handle.read()
    data = yamlio.load(old.decode("utf-8"))
    redacted = without_personal_data(copy.deepcopy(data))
    if redacted == data:
        return None
    new = yamlio.dump(redacted).encode("utf-8")
    old_name = stored.name
    path = PurePosixPath(old_name)
    new_name = stored.storage.save(
        str(path.with_name(f"{path.stem}-redacted{path.suffix}")), ContentFile(new)
    )
    # The plain update: the one path a frozen submission's fields are changed by (see the module's docstring).
    models.QuerySet.update(
        type(submission)._default_manager.filter(pk=submission.pk),
        plan_file=new_name,
        plan_file_sha256=sha256_of(new),
    )
    record = redaction_model._default_manager.create(
        submission_id=submission.pk,
        file="plan_file",
        old_sha256=sha256_of(old),
        new_sha256=sha256_of(new),
        reason=reason,
    )
    stored.storage.delete(old_name)
    return record


def redact_stored_plan_files(submission_model: Any, redaction_model: Any) -> list[Any]:
    """Every stored submission's plan file, redacted where it holds personal data (the migration's work)."""
    records = []
    for submission in submission_model._default_manager.order_by("pk"):
        if not submission.plan_file:
            continue
        record = redact_plan_file(submission, redaction_model=redaction_model)
        if record is not None:
            records.append(record)
    return records
