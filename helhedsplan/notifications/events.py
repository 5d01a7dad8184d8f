"""Notifications: a mail when something happens, to the people it concerns — listening to the signals of the
apps that own the events (they never import this app):

=====================================  ==========================================================================
``reports.signals.report_submitted``   the plan's reviewers (members and organisation-wide grants)
``reports.signals.report_answered``    the plan's coordinators (approved or returned)
``reports.signals.report_commented``   the other side: a reviewer's comment to the coordinators, a coordinator's
                                       to the reviewers
``preparedness.signals.incident_opened``  the plan's coordinators, at once, for an acute incident (the highest
                                       escalation level of the emergency plan)
=====================================  ==========================================================================

``versions.signals.version_submitted``  whoever signs the version in the app: the members who hold "signs for
                                       the organisation" for a party awaiting its decision
``versions.signals.signature_given``   the plan's coordinators, once the version is decided (approved by every
                                       party, or rejected)

Never to the actor, never to someone who turned notifications of that plan off, and only what the recipient may
read in the app: reviewers get no contact details, and no one gets another plan's data.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from helhedsplan.core.mail import absolute_url
from helhedsplan.plans.models import Membership
from helhedsplan.preparedness import signals as preparedness_signals
from helhedsplan.preparedness.models import EscalationLevel, Incident
from helhedsplan.reports import signals as report_signals
from helhedsplan.reports.models import Comment, Submission
from helhedsplan.versions import signals as version_signals
from helhedsplan.versions.models import PlanVersion, Signoff

from .mail import mail_person
from .selectors import Person, people_by_plan, preferences_for, wants

COORDINATOR = Membership.Role.COORDINATOR
REVIEWER = Membership.Role.REVIEWER


def _notify(*, plan, roles: set[str], actor: Any, key: str, template: str, context: dict) -> list[Person]:
    """Mail ``template`` to everyone with one of ``roles`` in ``plan`` who wants notifications, the actor aside.
    Returns who was mailed."""
    people = [
        person
        for person in people_by_plan([plan])[plan.pk]
        if person.role in roles and person.user.pk != getattr(actor, "pk", None)
    ]
    preferences = preferences_for([plan])
    mailed = []
    for person in people:
        if wants(preferences, person, "notifications"):
            mail_person(
                person=person,
                kind="notifications",
                key=f"{key}:{person.user.pk}",
                template=template,
                context=context,
            )
            mailed.append(person)
    return mailed


def _report_context(submission: Submission) -> dict:
    report = submission.report
    return {
        "submission": submission,
        "report": report,
        "report_url": absolute_url(report.get_absolute_url()),
    }


def on_report_submitted(sender, *, submission: Submission, actor: Any, **kwargs) -> None:
    submission = Submission.objects.select_related("report__plan").get(pk=submission.pk)
    _notify(
        plan=submission.report.plan,
        roles={REVIEWER},
        actor=actor,
        key=f"report-submitted:{submission.pk}",
        template="notifications/mail/report_submitted",
        context=_report_context(submission),
    )


def on_report_answered(sender, *, submission: Submission, actor: Any, **kwargs) -> None:
    submission = Submission.objects.select_related("report__plan").get(pk=submission.pk)
    _notify(
        plan=submission.report.plan,
        roles={COORDINATOR},
        actor=actor,
        key=f"report-answered:{submission.pk}",
        template="notifications/mail/report_answered",
        context={
            **_report_context(submission),
            "returned": submission.outcome == Submission.Outcome.RETURNED,
        },
    )


def on_report_commented(sender, *, comment: Comment, actor: Any, **kwargs) -> None:
    comment = Comment.objects.select_related("submission__report__plan").get(pk=comment.pk)
    plan = comment.submission.report.plan
    author_role = next(
        (person.role for person in people_by_plan([plan])[plan.pk] if person.user.pk == comment.author_id),
        None,
    )
    _notify(
        plan=plan,
        roles={COORDINATOR} if author_role == REVIEWER else {REVIEWER},
        actor=actor,
        key=f"report-comment:{comment.pk}",
        template="notifications/mail/report_commented",
        context={**_report_context(comment.submission), "comment": comment},
    )


def is_acute(incident: Incident) -> bool:
    """Acute: at or above the emergency plan's level named "akut" (normal / skærpet / akut / bydækkende); in a
    plan without such a level, its highest level (one query)."""
    levels = list(
        EscalationLevel.objects.filter(preparedness_plan_id=incident.level.preparedness_plan_id).values_list(
            "order", "name"
        )
    )
    acute = [order for order, name in levels if name.strip().lower() == "akut"]
    threshold = min(acute) if acute else max(order for order, _name in levels)
    return incident.level.order >= threshold


def on_incident_opened(sender, *, incident: Incident, actor: Any, **kwargs) -> None:
    incident = Incident.objects.select_related("plan", "level").get(pk=incident.pk)
    if not is_acute(incident):
        return
    _notify(
        plan=incident.plan,
        roles={COORDINATOR},
        actor=actor,
        key=f"incident-opened:{incident.pk}",
        template="notifications/mail/incident_opened",
        context={
            "incident": incident,
            "incident_url": absolute_url(incident.get_absolute_url()),
            "contacts_url": absolute_url(
                reverse("preparedness:contacts", kwargs={"plan": incident.plan.slug})
            ),
        },
    )


def _version_context(version: PlanVersion) -> dict:
    return {"version": version, "version_url": absolute_url(version.get_absolute_url())}


def on_version_submitted(sender, *, version: PlanVersion, actor: Any, **kwargs) -> None:
    version = PlanVersion.objects.select_related("plan").get(pk=version.pk)
    plan = version.plan
    parties = version.signoffs.filter(decision=Signoff.Decision.AWAITING, organisation__isnull=False)
    signers = set(
        Membership.objects.filter(
            plan=plan, signs_for_organisation=True, organisation__in=parties.values("organisation")
        ).values_list("user_id", flat=True)
    )
    preferences = preferences_for([plan])
    for person in people_by_plan([plan])[plan.pk]:
        signs = person.user.pk in signers and person.user.pk != getattr(actor, "pk", None)
        if signs and wants(preferences, person, "notifications"):
            mail_person(
                person=person,
                kind="notifications",
                key=f"version-submitted:{version.pk}:{person.user.pk}",
                template="notifications/mail/version_submitted",
                context=_version_context(version),
            )


def on_signature_given(sender, *, signoff: Signoff, actor: Any, **kwargs) -> None:
    version = PlanVersion.objects.select_related("plan").get(pk=signoff.version_id)
    if version.status not in (PlanVersion.Status.APPROVED, PlanVersion.Status.REJECTED):
        return
    _notify(
        plan=version.plan,
        roles={COORDINATOR},
        actor=actor,
        key=f"version-decided:{version.pk}",
        template="notifications/mail/version_decided",
        context={**_version_context(version), "rejected": version.status == PlanVersion.Status.REJECTED},
    )


def connect() -> None:
    version_signals.version_submitted.connect(
        on_version_submitted, dispatch_uid="notifications.version_submitted"
    )
    version_signals.signature_given.connect(on_signature_given, dispatch_uid="notifications.signature_given")
    report_signals.report_submitted.connect(
        on_report_submitted, dispatch_uid="notifications.report_submitted"
    )
    report_signals.report_answered.connect(on_report_answered, dispatch_uid="notifications.report_answered")
    report_signals.report_commented.connect(
        on_report_commented, dispatch_uid="notifications.report_commented"
    )
    preparedness_signals.incident_opened.connect(
        on_incident_opened, dispatch_uid="notifications.incident_opened"
    )
