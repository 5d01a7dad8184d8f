"""The preparedness tests read the Amager plan's emergency plan (data/amager-2022-2025.yaml): four levels (Normal,
Skærpet, Akut, Bydækkende), six action cards, nine contacts and a closed incident with its log and evaluation.
These helpers find its parts, add the open incident the file does not have, and give the app's URLs."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from helhedsplan.preparedness.models import Contact, EscalationLevel, Incident, PreparednessPlan
from tests.preparedness.factories import IncidentFactory, IncidentLogEntryFactory


def url(plan, name: str, **kwargs) -> str:
    return reverse(f"preparedness:{name}", kwargs={"plan": plan.slug, **kwargs})


def emergency_plan(plan) -> PreparednessPlan:
    return PreparednessPlan.objects.get(plan=plan)


def level(plan, name: str) -> EscalationLevel:
    return EscalationLevel.objects.in_plan(plan).get(name=name)


def ssp_contact(plan) -> Contact:
    """The SSP consultant: a name, a phone number, an e-mail address and when to reach them, all personal data
    that reviewers must never receive."""
    return Contact.objects.in_plan(plan).get(role="SSP-konsulent")


def closed_incident(plan) -> Incident:
    """The file's one incident, closed and evaluated."""
    return Incident.objects.in_plan(plan).get(status=Incident.Status.CLOSED)


def open_incident(plan) -> Incident:
    """A fire in a basement at Hørgården an hour ago, at the acute level, with one log entry."""
    incident = IncidentFactory(
        plan=plan,
        level=level(plan, "Akut"),
        estate=plan.estates.get(name="Hørgården"),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        summary="Brand i kælderen",
    )
    IncidentLogEntryFactory(incident=incident, text="Brandvæsenet er på stedet.")
    return incident


def without_emergency_plan(plan):
    """The plan as before its emergency plan was written: the emergency plan deleted, and the incidents logged
    at its levels with it."""
    Incident.objects.filter(plan=plan).delete()
    emergency_plan(plan).delete()
    return plan
