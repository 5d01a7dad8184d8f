"""The approvals' facts that can name their source (``documents.facts``): the day an approval step was taken.
A step's own reference (a decision's name and date) already says where it comes from."""

from django.utils.translation import gettext_lazy as _

from helhedsplan.core.formatting import format_date
from helhedsplan.documents.facts import Fact, register

from .models import ApprovalStep

register(
    Fact(
        key="approval-date",
        label=_("Date of an approval"),
        # One query: the steps taken on a known day (an expected day is no fact yet).
        rows=lambda plan: (
            ApprovalStep.objects.in_plan(plan)
            .filter(date__isnull=False, date_is_expected=False)
            .select_related("plan")
            .order_by("order", "pk")
        ),
        value=lambda step: format_date(step.date),
        name=lambda step: f"{step.title} ({step.body})",
        own_source=lambda step: step.reference,
        model_label="approvals.ApprovalStep",
    )
)
