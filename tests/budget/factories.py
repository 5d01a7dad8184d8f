from decimal import Decimal

import factory

from helhedsplan.budget.models import (
    ActualSpend,
    BudgetAmount,
    BudgetCategory,
    BudgetLine,
    Funding,
    FundingSource,
)
from tests.plans.factories import PlanFactory


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    plan = factory.SubFactory(PlanFactory)
    sub_agreement = None
    category = BudgetCategory.SALARIES
    description = factory.Sequence(lambda n: f"Linje {n}")


class BudgetAmountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetAmount

    line = factory.SubFactory(BudgetLineFactory)
    year = 2022
    amount = Decimal("100000")


class ActualSpendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActualSpend

    line = factory.SubFactory(BudgetLineFactory)
    year = 2022
    amount = Decimal("90000")


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Kilde {n}")
    kind = FundingSource.Kind.LBF


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    source = factory.SubFactory(FundingSourceFactory)
    year = 2022
    amount = Decimal("100000")
