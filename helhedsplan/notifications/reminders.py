"""The daily digest (``manage.py send_reminders``): one mail per person per day, grouped by plan, of what is due
or awaits them — read from "Kræver opmærksomhed" (``overview.selectors.needs_attention`` over the same rows the
dashboard and the portfolio read), not from a rule of its own.

What each role is reminded of:

- coordinators: reports to Landsbyggefonden overdue, returned, or due within 30 days; measurements overdue or
  due within 14 days; emergency contacts not verified in 12 months; approvals past their expected date;
- editors: measurements overdue or due within 14 days (an editor limited to some delaftaler: in those);
- reviewers (members and organisation-wide): reports awaiting their answer;
- coordinators also: changes to the agreement since the approved version not yet submitted as a version;
- whoever signs for an organisation (``Membership.signs_for_organisation``, any role): a version awaiting that
  organisation's signature (Landsbyggefonden's once every local party has decided).

When a measurement is due is ``Indicator.next_measurement_due`` (the one rule, ``goals.progress``); "Kræver
opmærksomhed" lists those overdue, the digest adds those due within the next 14 days.

Every plan is read in one go, in a number of queries that does not grow with the plans or the people; each item
sent is recorded (``SentReminder``), and whoever has reminders of the day is skipped, so a second run the same
day sends nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.core.mail import MailToSend, absolute_url, outgoing_mails_queue, render_mail
from helhedsplan.goals.models import Indicator
from helhedsplan.overview.selectors import (
    Attention,
    AttentionSources,
    changes_awaiting_submission,
    needs_attention,
    plans_rows,
    reports_awaiting_you,
    versions_awaiting_your_signature,
)
from helhedsplan.plans.models import Membership, Plan
from helhedsplan.preparedness.selectors import contacts_by_plan
from helhedsplan.reports.report import ReportState
from helhedsplan.versions.selectors import signers_by_plan

from .mail import unsubscribe_url
from .models import SentReminder
from .selectors import Person, people_by_plan, preferences_for, wants

MEASUREMENTS_AHEAD = datetime.timedelta(days=14)
REPORTS_AHEAD = datetime.timedelta(days=30)

COORDINATOR = Membership.Role.COORDINATOR
EDITOR = Membership.Role.EDITOR
REVIEWER = Membership.Role.REVIEWER


@dataclass(frozen=True)
class Reminder:
    kind: str
    title: str
    #: The page's path (made absolute in the mail).
    url: str
    detail: str
    #: For a measurement: the delaftale its indicator lives in (None: a key figure), for limited editors.
    sub_agreement_pk: int | None = None
    #: For a version awaiting a signature: the organisation that signs (only its signers are reminded).
    organisation_pk: int | None = None

    @property
    def absolute_url(self) -> str:
        return absolute_url(self.url)


@dataclass
class PlanReminders:
    plan: Plan
    #: kind → reminders, for each role's share.
    by_kind: dict[str, list[Reminder]] = field(default_factory=dict)


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def plan_reminders(sources: AttentionSources, attention: Attention) -> PlanReminders:
    """What is due in one plan, from its "Kræver opmærksomhed" and the rows it was built from (no queries)."""
    today, plan = sources.today, sources.plan
    found = PlanReminders(plan=plan)

    def sub_agreement_of(indicator: Indicator) -> int | None:
        return indicator.goal.sub_agreement_id if indicator.goal is not None else None

    measurements = [
        Reminder(
            "measurements",
            item.title,
            item.url,
            item.detail,
            sub_agreement_of(item.subject) if isinstance(item.subject, Indicator) else None,
        )
        for item in attention.of("measurements")
    ]
    overdue = {item.subject for item in attention.of("measurements")}
    for indicator in sources.indicators:
        if indicator in overdue:
            continue
        due = indicator.next_measurement_due()
        if due is not None and today <= due <= today + MEASUREMENTS_AHEAD:
            measurements.append(
                Reminder(
                    "measurements",
                    indicator.name,
                    indicator.get_absolute_url(),
                    _("a new measurement is due %(due)s") % {"due": _date(due)},
                    sub_agreement_of(indicator),
                )
            )
    found.by_kind["measurements"] = measurements

    # Reports: those "Kræver opmærksomhed" lists, a due one only within 30 days of its due date.
    far = {
        reverse("reports:report", kwargs={"plan": plan.slug, **row.report.url_kwargs()})
        for row in sources.reports
        if row.state == ReportState.DUE and row.report.due_date > today + REPORTS_AHEAD
    }
    found.by_kind["reports"] = [
        Reminder("reports", item.title, item.url, item.detail)
        for item in attention.of("reports")
        if item.url not in far
    ]
    # A reviewer's reports awaiting an answer: the dashboard's own "Afventer dit svar", as a reviewer reads it
    # (only reviewers get this kind: ``ROLE_KINDS``).
    as_reviewer = dataclasses.replace(sources, may_review=True, may_submit=False)
    found.by_kind["awaiting"] = [
        Reminder("awaiting", item.title, item.url, item.detail)
        for item in reports_awaiting_you(as_reviewer).items
    ]
    found.by_kind["contacts"] = [
        Reminder("contacts", item.title, item.url, item.detail) for item in attention.of("contacts")
    ]
    found.by_kind["approvals"] = [
        Reminder("approvals", item.title, item.url, item.detail) for item in attention.of("approvals")
    ]
    # Versions: the coordinators' changes awaiting submission, and each awaiting signature as its signers read it.
    as_coordinator = dataclasses.replace(sources, may_submit_versions=True)
    found.by_kind["version-changes"] = [
        Reminder("version-changes", item.title, item.url, item.detail)
        for item in changes_awaiting_submission(as_coordinator).items
    ]
    as_signer = dataclasses.replace(
        sources,
        signs_for=frozenset(
            s.organisation_id for s in sources.versions.awaiting_signoffs() if s.organisation_id
        ),
    )
    found.by_kind["signature"] = [
        Reminder(
            "signature",
            item.title,
            item.url,
            item.detail,
            organisation_pk=getattr(item.subject, "organisation_id", None),
        )
        for item in versions_awaiting_your_signature(as_signer).items
    ]
    return found


#: The kinds each role is reminded of, in the digest's order.
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    COORDINATOR: ("reports", "measurements", "contacts", "approvals", "version-changes"),
    EDITOR: ("measurements",),
    REVIEWER: ("awaiting",),
}

KIND_HEADINGS = {
    "reports": gettext_lazy("Reports to Landsbyggefonden"),
    "awaiting": gettext_lazy("Reports awaiting your answer"),
    "measurements": gettext_lazy("Measurements due"),
    "contacts": gettext_lazy("Contacts not verified in 12 months"),
    "approvals": gettext_lazy("Approvals past their expected date"),
    "version-changes": gettext_lazy("Changes awaiting submission"),
    "signature": gettext_lazy("Awaiting your signature"),
}


def reminders_for(
    person: Person, reminders: PlanReminders, signs_for: frozenset[int] = frozenset()
) -> list[tuple[str, list[Reminder]]]:
    """A person's share of a plan's reminders, by kind (kinds without any left out); ``signs_for``: the
    organisations they sign for in the plan (their versions awaiting a signature come first)."""
    shares = []
    signatures = [
        item for item in reminders.by_kind.get("signature", []) if item.organisation_pk in signs_for
    ]
    if signatures:
        shares.append(("signature", signatures))
    for kind in ROLE_KINDS.get(person.role, ()):
        items = reminders.by_kind.get(kind, [])
        if kind == "measurements" and person.role == EDITOR:
            items = [
                item
                for item in items
                if item.sub_agreement_pk is not None
                and (not person.limits or item.sub_agreement_pk in person.limits)
            ]
        if items:
            shares.append((kind, items))
    return shares


@dataclass(frozen=True)
class DigestPlan:
    plan: Plan
    plan_url: str
    unsubscribe_url: str
    groups: list[tuple[str, list[Reminder]]]


@dataclass
class Digest:
    user: Any
    plans: list[DigestPlan] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(items) for plan in self.plans for _kind, items in plan.groups)


def all_plan_reminders(plans: list[Plan], today: datetime.date) -> dict[int, PlanReminders]:
    """Every plan's reminders in the queries of the portfolio (which reads the same "Kræver opmærksomhed"):
    a fixed number, whatever the number of plans."""
    read = plans_rows(plans, today=today, contacts=contacts_by_plan)
    found = {}
    for plan in plans:
        # Every contact is read; only coordinators are reminded of them (``ROLE_KINDS``).
        sources = read.sources(plan, may_see_contacts=True)
        found[plan.pk] = plan_reminders(sources, needs_attention(sources))
    return found


def digests(today: datetime.date) -> list[Digest]:
    """Everyone's digest of ``today``: those who want one, have something due and got none today yet."""
    plans = list(Plan.objects.order_by("name", "pk"))
    people = people_by_plan(plans)
    preferences = preferences_for(plans)
    already = set(SentReminder.objects.filter(day=today).values_list("user_id", flat=True).distinct())
    reminders = all_plan_reminders(plans, today)
    signers = signers_by_plan(plans)
    by_user: dict[int, Digest] = {}
    for plan in plans:
        for person in people[plan.pk]:
            if person.user.pk in already or not wants(preferences, person, "digest"):
                continue
            groups = reminders_for(
                person, reminders[plan.pk], signers.get(plan.pk, {}).get(person.user.pk, frozenset())
            )
            if not groups:
                continue
            digest = by_user.setdefault(person.user.pk, Digest(user=person.user))
            digest.plans.append(
                DigestPlan(
                    plan=plan,
                    plan_url=absolute_url(plan.get_absolute_url()),
                    unsubscribe_url=unsubscribe_url(user_pk=person.user.pk, plan_pk=plan.pk, kind="digest"),
                    groups=[(str(KIND_HEADINGS[kind]), items) for kind, items in groups],
                )
            )
    return list(by_user.values())


def send_reminders(today: datetime.date) -> list[Digest]:
    """Queue today's digests (one mail per person, all sent by one background task) and record every item sent,
    in a fixed number of queries. Returns the digests; a second run the same day finds everyone already
    reminded and sends nothing."""
    with translation.override("da"):
        sent = digests(today)
    settings_url = absolute_url(reverse("notifications:settings"))
    mails: list[MailToSend] = []
    records: list[SentReminder] = []
    for digest in sent:
        user = digest.user
        with translation.override("da"):
            rendered = render_mail(
                "notifications/mail/digest", {"digest": digest, "today": today, "settings_url": settings_url}
            )
        mails.append(
            MailToSend(
                key=f"digest:{user.pk}:{today.isoformat()}",
                to=user.email,
                mail=rendered,
                user=user,
                plans=tuple(entry.plan for entry in digest.plans),
            )
        )
        records.extend(
            SentReminder(
                user=user,
                plan=entry.plan,
                day=today,
                kind=item.kind,
                title=item.title[:300],
                url=item.url[:500],
            )
            for entry in digest.plans
            for _heading, items in entry.groups
            for item in items
        )
    with transaction.atomic():
        outgoing_mails_queue(mails=mails)
        SentReminder.objects.bulk_create(records, batch_size=500)
    return sent
