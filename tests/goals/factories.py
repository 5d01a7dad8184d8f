import datetime
from decimal import Decimal

import factory

from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement, Milestone
from tests.agreements.factories import SubAgreementFactory


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    sub_agreement = factory.SubFactory(SubAgreementFactory)
    title = factory.Sequence(lambda n: f"Delmål {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    plan = factory.LazyAttribute(lambda i: i.goal.sub_agreement.plan if i.goal else i.strategic_goal.plan)
    strategic_goal = None
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "%"
    direction = Indicator.Direction.HIGHER_IS_BETTER
    baseline_value = Decimal("40")
    baseline_date = datetime.date(2022, 1, 1)
    target_value = Decimal("60")
    target_date = datetime.date(2025, 12, 31)
    data_source = "Egen opgørelse"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    date = datetime.date(2023, 6, 30)
    value = Decimal("50")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    sub_agreement = factory.SubFactory(SubAgreementFactory)
    name = factory.Sequence(lambda n: f"Aktivitet {n}")
    status = Activity.Status.ONGOING
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2025, 12, 31)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Milepæl {n}")
    due_date = datetime.date(2023, 6, 30)
