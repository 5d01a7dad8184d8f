"""What happens to a report, told to whoever listens (the ``notifications`` app mails the people concerned).

Each signal is sent by ``reports.services`` once the write is committed (never for one that rolled back), with
the row as ``sender``'s keyword and the actor:

- ``report_submitted``  ``submission`` (a new ``Submission``), ``actor``
- ``report_answered``   ``submission`` (approved or returned: ``submission.outcome``), ``actor``
- ``report_commented``  ``comment`` (a ``Comment`` on a submission; not the comment an answer carries), ``actor``
"""

from django.dispatch import Signal

report_submitted = Signal()
report_answered = Signal()
report_commented = Signal()
