import datetime

import factory

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from tests.plans.factories import EstateFactory, PlanFactory

#: The Amager estates public sources name (the seed names only Støberigården I+II; DESIGN.md, "Facts of the
#: Amager plan"), and the seven whose names no source gives.
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
#: The estates no source places with a housing association: the three the Amager Partnerskab contract gives
#: to "VIBO and HAB II" without saying which is whose, and the seven without a name.
AMAGER_ASSOCIATION_UNKNOWN = ["Gullandsgården", "Skotlandsgade", "Røgeritoften", *AMAGER_UNKNOWN_ESTATES]
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
