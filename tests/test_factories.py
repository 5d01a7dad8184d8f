import pytest

from tests.approvals.factories import ApprovalStepFactory, EstateDecisionFactory
from tests.budget.factories import ActualSpendFactory, BudgetAmountFactory, FundingFactory
from tests.goals.factories import ActivityFactory, MeasurementFactory
from tests.plans.factories import MembershipFactory
from tests.preparedness.factories import ActionCardFactory, ContactFactory, IncidentLogEntryFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory",
    [
        MembershipFactory,
        MeasurementFactory,
        ActivityFactory,
        BudgetAmountFactory,
        ActualSpendFactory,
        FundingFactory,
        EstateDecisionFactory,
        ApprovalStepFactory,
        ContactFactory,
        ActionCardFactory,
        IncidentLogEntryFactory,
    ],
)
def test_every_factory_builds_a_valid_saved_object(factory):
    obj = factory()
    obj.full_clean()
    assert obj.pk is not None
    assert obj.owning_plan is not None
