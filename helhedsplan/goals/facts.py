"""The goals' facts that can name their source (``documents.facts``): an indicator's baseline."""

from django.utils.translation import gettext_lazy as _

from helhedsplan.core.formatting import format_date, format_number
from helhedsplan.documents.facts import Fact, register

from .models import Indicator


def _baseline(indicator: Indicator) -> str:
    return (
        f"{format_number(indicator.baseline_value)} {indicator.unit} ({format_date(indicator.baseline_date)})"
    )


register(
    Fact(
        key="indicator-baseline",
        label=_("Baseline of an indicator"),
        # One query; the strategic goal and delaftale join for the permission check of an editor's limits.
        rows=lambda plan: (
            Indicator.objects.in_plan(plan)
            .select_related("plan", "goal__sub_agreement__plan", "strategic_goal__plan")
            .order_by("name", "pk")
        ),
        value=_baseline,
        name=lambda indicator: indicator.name,
        permission="plan.edit_goals",
        model_label="goals.Indicator",
    )
)
