import datetime

import factory
from django.utils import timezone

from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    IncidentLogEntry,
    PreparednessPlan,
)
from tests.plans.factories import OrganisationFactory, PlanFactory


class PreparednessPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreparednessPlan

    plan = factory.SubFactory(PlanFactory)
    purpose = "At genoprette normal drift hurtigt."


class EscalationLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationLevel

    preparedness_plan = factory.SubFactory(PreparednessPlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Niveau {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    preparedness_plan = factory.SubFactory(PreparednessPlanFactory)
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    role = "SSP-konsulent"
    organisation = factory.SubFactory(OrganisationFactory)
    phone = "+45 11 22 33 44"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    last_verified = datetime.date(2026, 6, 1)


class ActionCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionCard

    preparedness_plan = factory.SubFactory(PreparednessPlanFactory)
    scenario = factory.Sequence(lambda n: f"Scenarie {n}")
    responsible_role = "Boligsocial leder"


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    plan = factory.SubFactory(PlanFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    level = factory.SubFactory(
        EscalationLevelFactory, preparedness_plan__plan=factory.SelfAttribute("...plan")
    )
    summary = "Uro mellem grupper af unge ved indgangen."


class IncidentLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentLogEntry

    incident = factory.SubFactory(IncidentFactory)
    at = factory.LazyFunction(timezone.now)
    text = "Politiet er kontaktet."
