import datetime

import factory

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from tests.plans.factories import EstateFactory, PlanFactory


class EstateDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EstateDecision

    estate = factory.SubFactory(EstateFactory)
    body = EstateDecision.Body.DEPARTMENT_MEETING
    result = EstateDecision.Result.APPROVED
    date = datetime.date(2021, 9, 1)


class ApprovalStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalStep

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Trin {n}")
    body = "Borgerrepræsentationen"
    status = ApprovalStep.Status.PLANNED
