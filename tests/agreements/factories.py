import factory

from helhedsplan.agreements.models import (
    FocusArea,
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from tests.plans.factories import OrganisationFactory, PlanFactory


class StrategicAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicAgreement

    plan = factory.SubFactory(PlanFactory)
    vision = "En mangfoldig, sammenhængende og tryg by."


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    plan = factory.SubFactory(PlanFactory)
    focus_area = FocusArea.EDUCATION
    text = "Flere bliver skoleparate, og flere tager en uddannelse."


class SubAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubAgreement

    plan = factory.SubFactory(PlanFactory)
    focus_area = FocusArea.EDUCATION
    purpose = "Fagligt løft af børn og unge."


class SubAgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubAgreementParty

    sub_agreement = factory.SubFactory(SubAgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    commitment = "Stiller medarbejdere til rådighed."


class NarrativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Narrative

    sub_agreement = factory.SubFactory(SubAgreementFactory)
    year = 2022
    went_well = "Lektiecaféerne åbnede."
