"""The budget's facts that can name their source (``documents.facts``): what a funding source pays in all."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.formatting import format_kr
from helhedsplan.documents.facts import Fact, register

from .models import Funding, FundingSource


def _total(source: FundingSource) -> str:
    return format_kr(sum((funding.amount for funding in source.fundings.all()), 0))


register(
    Fact(
        key="funding-amount",
        label=_("Amount of a funding source"),
        # Two queries: the sources, their yearly amounts.
        rows=lambda plan: (
            FundingSource.objects.in_plan(plan)
            .select_related("plan")
            .prefetch_related(Prefetch("fundings", queryset=Funding.objects.order_by("year")))
            .order_by("name", "pk")
        ),
        value=_total,
        name=lambda source: source.name,
        model_label="budget.FundingSource",
    )
)
