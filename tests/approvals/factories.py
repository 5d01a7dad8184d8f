import datetime

import factory

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from tests.plans.factories import EstateFactory, PlanFactory

#: The Amager estates the seed names (besides Støberigården I+II), and the seven it does not.
AMAGER_KNOWN_ESTATES = [
    "Hørgården",
    "Remisevænget Øst",
    "Remisevænget Vest",
    "Remisevænget Nord",
    "Dyvekevænget",
    "Gullandsgården",
    "Skotlandsgade",
    "Røgeritoften",
    "Signalgården",
    "Sundholm Syd",
    "Store Solvænget",
]
AMAGER_UNKNOWN_ESTATES = [f"Afdeling {n} (navn ukendt)" for n in range(13, 20)]
STOBERIGARDEN = "Støberigården I+II"


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
