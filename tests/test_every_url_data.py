"""A second, small plan with one object of every kind, for tests that must prove plans are kept apart."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from helhedsplan.agreements.models import FocusArea
from tests.agreements.factories import (
    NarrativeFactory,
    StrategicAgreementFactory,
    StrategicGoalFactory,
    SubAgreementFactory,
    SubAgreementPartyFactory,
)
from tests.approvals.factories import ApprovalStepFactory, EstateDecisionFactory
from tests.budget.factories import ActualSpendFactory, BudgetAmountFactory, FundingFactory
from tests.documents.factories import FactSourceFactory, document_with_version
from tests.goals.factories import (
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
)
from tests.governance.factories import BodyFactory, BodyMemberFactory, MeetingDecisionFactory, MeetingFactory
from tests.plans.factories import EstateFactory, OrganisationFactory, PlanFactory
from tests.preparedness.factories import (
    ActionCardFactory,
    ContactFactory,
    EscalationLevelFactory,
    IncidentFactory,
    IncidentLogEntryFactory,
    PreparednessPlanFactory,
)
from tests.reports.factories import SubmissionFactory


def build_other_plan():
    plan = PlanFactory(slug="anden-plan", name="Anden helhedsplan 2022-2025")
    organisation = OrganisationFactory(short_name="ANDEN", name="Anden forvaltning")
    plan.organisations.add(organisation)
    StrategicAgreementFactory(plan=plan)
    strategic_goal = StrategicGoalFactory(plan=plan, focus_area=FocusArea.EMPLOYMENT)
    sub_agreement = SubAgreementFactory(plan=plan, focus_area=FocusArea.EMPLOYMENT)
    SubAgreementPartyFactory(sub_agreement=sub_agreement, organisation=organisation)
    NarrativeFactory(sub_agreement=sub_agreement)
    goal = GoalFactory(sub_agreement=sub_agreement)
    indicator = IndicatorFactory(goal=goal)
    IndicatorFactory(goal=None, strategic_goal=strategic_goal, plan=plan)
    MeasurementFactory(indicator=indicator)
    activity = ActivityFactory(sub_agreement=sub_agreement)
    MilestoneFactory(activity=activity)
    SubmissionFactory(report__plan=plan, report__year=2022)
    activity.goals.add(goal)
    amount = BudgetAmountFactory(line__plan=plan, line__sub_agreement=sub_agreement)
    ActualSpendFactory(line=amount.line)
    FundingFactory(source__plan=plan)
    estate = EstateFactory(plan=plan)
    decision = EstateDecisionFactory(estate=estate)
    decision.minutes.save("referat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    ApprovalStepFactory(plan=plan)
    preparedness = PreparednessPlanFactory(plan=plan)
    level = EscalationLevelFactory(preparedness_plan=preparedness)
    ContactFactory(preparedness_plan=preparedness, organisation=organisation)
    EscalationLevelFactory(preparedness_plan=preparedness, order=level.order + 1)  # used by no incident
    ActionCardFactory(preparedness_plan=preparedness)
    incident = IncidentFactory(
        plan=plan, level=level, estate=estate, occurred_at=timezone.now() - datetime.timedelta(days=1)
    )
    IncidentLogEntryFactory(incident=incident)
    document_with_version(plan, title="Andet bilag")
    FactSourceFactory(plan=plan, fact="indicator-baseline", object_id=indicator.pk, reference="Anden kilde")
    board = BodyFactory(plan=plan, kind="board", name="Anden bestyrelse")
    BodyMemberFactory(body=board, organisation=organisation)
    MeetingDecisionFactory(meeting=MeetingFactory(body=board), text="Anden beslutning")
    return plan
