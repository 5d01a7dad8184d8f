"""An emergency plan for the preparedness tests: two levels, an action card, a current and a stale contact, an
open incident with a log entry and a closed one, and users in every role; plus the personal data reviewers must
never receive, and the app's URLs."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from helhedsplan.plans.models import Membership
from helhedsplan.preparedness.models import Incident
from tests.plans.factories import (
    EstateFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)
from tests.preparedness.factories import (
    ActionCardFactory,
    ContactFactory,
    EscalationLevelFactory,
    IncidentFactory,
    IncidentLogEntryFactory,
    PreparednessPlanFactory,
)

#: Personal data reviewers must never receive.
SECRET_NAME = "Hanne Hemmelig"
SECRET_PHONE = "+45 12 34 56 78"
SECRET_EMAIL = "hanne.hemmelig@example.org"


def build_preparedness(plan=None) -> dict:
    """An emergency plan with two levels, an action card, a current and a stale contact, an open incident with a
    log entry and a closed one; users in every role."""
    plan = plan or PlanFactory()
    ssp = OrganisationFactory(name="SSP København", short_name="SSP")
    plan.organisations.add(ssp)
    preparedness_plan = PreparednessPlanFactory(
        plan=plan,
        purpose="At genoprette trygheden hurtigt efter alvorlige hændelser.",
        scope="Alle 19 boligafdelinger.",
        ssp_link="Aktiveres sammen med SSP's akutberedskab.",
        activation="Den boligsociale leder eller SSP-konsulenten.",
    )
    normal = EscalationLevelFactory(preparedness_plan=preparedness_plan, order=1, name="Normal")
    acute = EscalationLevelFactory(preparedness_plan=preparedness_plan, order=2, name="Akut")
    card = ActionCardFactory(
        preparedness_plan=preparedness_plan,
        scenario="Alvorlig voldsepisode",
        steps_first_hour="Ring 112.\nKontakt SSP-vagten.",
        responsible_role="Boligsocial leder",
        partners="Politi, SSP, boligorganisation",
    )
    today = timezone.localdate()
    current = ContactFactory(
        preparedness_plan=preparedness_plan,
        name=SECRET_NAME,
        role="SSP-konsulent",
        organisation=ssp,
        phone=SECRET_PHONE,
        email=SECRET_EMAIL,
        availability="Hverdage 8-16",
        last_verified=today - datetime.timedelta(days=30),
        order=1,
    )
    stale = ContactFactory(
        preparedness_plan=preparedness_plan,
        name="Gammel Kontakt",
        role="Politiets forebyggelsesafdeling",
        organisation=ssp,
        phone="+45 99 99 99 99",
        last_verified=today - datetime.timedelta(days=400),
        order=2,
    )
    estate = EstateFactory(plan=plan, name="Hørgården")
    open_incident = IncidentFactory(plan=plan, level=acute, estate=estate, summary="Brand i kælderen")
    IncidentLogEntryFactory(incident=open_incident, text="Brandvæsenet er på stedet.")
    occurred = timezone.now() - datetime.timedelta(days=10)
    closed_incident = IncidentFactory(
        plan=plan,
        level=normal,
        occurred_at=occurred,
        summary="Uro ved indgangen",
        status=Incident.Status.CLOSED,
        closed_at=occurred + datetime.timedelta(hours=5),
        evaluation_what_worked="Hurtig kontakt til SSP.",
        evaluation_lessons="Opdater telefonlisten.",
    )
    users = {
        "anonymous": None,
        "non_member": UserFactory(),
        "reviewer": MembershipFactory(plan=plan, role=Membership.Role.REVIEWER).user,
        "editor": MembershipFactory(plan=plan, role=Membership.Role.EDITOR).user,
        "coordinator": MembershipFactory(plan=plan, role=Membership.Role.COORDINATOR).user,
    }
    return {
        "plan": plan,
        "preparedness_plan": preparedness_plan,
        "levels": [normal, acute],
        "card": card,
        "contact": current,
        "stale_contact": stale,
        "ssp": ssp,
        "estate": estate,
        "open_incident": open_incident,
        "closed_incident": closed_incident,
        "users": users,
    }


def url(world, name, **kwargs):
    return reverse(f"preparedness:{name}", kwargs={"plan": world["plan"].slug, **kwargs})
