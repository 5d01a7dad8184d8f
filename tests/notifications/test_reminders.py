"""The daily digest (``manage.py send_reminders``): what each role is reminded of, read from "Kræver
opmærksomhed"; one mail per person per day; a second run the same day sends nothing; nothing for who opted out
or left; queries that do not grow with the plans and people."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhedsplan.notifications import services as notification_services
from helhedsplan.notifications.models import SentReminder
from helhedsplan.notifications.reminders import send_reminders
from helhedsplan.overview.selectors import dashboard
from helhedsplan.plans.models import Membership
from helhedsplan.reports import services as report_services
from tests.agreements.factories import SubAgreementFactory
from tests.goals.factories import GoalFactory, IndicatorFactory
from tests.plans.factories import PlanFactory
from tests.world import make_personas

pytestmark = pytest.mark.django_db

SITE = "https://helhedsplan.example.dk"
TODAY = datetime.date(2025, 11, 3)

MEASUREMENTS = "Tid til nye målinger"
REPORTS = "Rapporter til Landsbyggefonden"
AWAITING = "Rapporter, der afventer dit svar"
CONTACTS = "Kontakter, der ikke er bekræftet i 12 måneder"
APPROVALS = "Godkendelser efter den forventede dato"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def run(capture, day: datetime.date = TODAY) -> dict[str, str]:
    """Send the day's digests (the worker runs at the commit); the plain text of each, by recipient."""
    with capture(execute=True):
        call_command("send_reminders", f"--date={day.isoformat()}", stdout=StringIO())
    texts: dict[str, str] = {}
    for message in mail.outbox:
        (address,) = message.to
        assert address not in texts, "one digest per person per day"
        texts[address] = message.body
    return texts


def headings(text: str) -> set[str]:
    return {line[:-1] for line in text.splitlines() if line.endswith(":") and not line.startswith("Det, der")}


def items(text: str, heading: str) -> list[str]:
    """The titles listed under ``heading``."""
    block = text.split(f"\n{heading}:\n", 1)[1].split("\n\n", 1)[0]
    return [line[2:].rsplit(" – ", 1)[0] for line in block.splitlines() if line.startswith("- ")]


def test_each_role_is_reminded_of_its_share(
    amager_plan, other_plan, personas, django_capture_on_commit_callbacks
):
    report_services.report_submit(
        plan=amager_plan,
        kind="yearly",
        year=2024,
        actor=personas.coordinator,
        today=TODAY,
        gaps_confirmed=True,
    )
    digests = run(django_capture_on_commit_callbacks)
    mine = {role: digests.get(getattr(personas, role).email) for role in personas.pks()}

    coordinator = mine["coordinator"]
    assert coordinator is not None
    assert headings(coordinator) == {REPORTS, MEASUREMENTS, CONTACTS, APPROVALS}
    # The one rule: everything "Kræver opmærksomhed" lists of measurements is in the digest.
    attention = dashboard(amager_plan, TODAY, may_see_contacts=True).attention
    assert {item.title for item in attention.of("measurements")} <= set(items(coordinator, MEASUREMENTS))
    assert [item.title for item in attention.of("contacts")] == items(coordinator, CONTACTS)
    assert f"{SITE}/plan/{amager_plan.slug}/" in coordinator
    assert f"{SITE}/konto/e-mail/afmeld/" in coordinator
    subject = next(m.subject for m in mail.outbox if m.to == [personas.coordinator.email])
    assert re.fullmatch(r"Helhedsplan: \d+ ting forfalder", subject)

    editor = mine["editor"]
    assert editor is not None and headings(editor) == {MEASUREMENTS}
    limited = mine["limited_editor"]
    assert limited is not None and headings(limited) == {MEASUREMENTS}
    assert set(items(limited, MEASUREMENTS)) < set(items(editor, MEASUREMENTS))
    assert set(items(editor, MEASUREMENTS)) < set(
        items(coordinator, MEASUREMENTS)
    )  # key figures: coordinators'

    for role in ("reviewer", "org_reviewer"):
        text = mine[role]
        assert text is not None and headings(text) == {AWAITING}
        assert items(text, AWAITING) == ["Årsrapport 2024"]
        assert f"{SITE}/plan/{amager_plan.slug}/rapporter/2024/" in text

    # The emergency plan's contacts only to those who may read them; another plan's data to no one of this one.
    for role in ("editor", "limited_editor", "reviewer", "org_reviewer"):
        assert "Eksempel:" not in mine[role]
        assert other_plan.name not in mine[role]
    assert mine["outsider"] is None
    assert amager_plan.name not in mine["other_plan_coordinator"]


def test_a_measurement_due_within_14_days_is_reminded(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    digests = run(django_capture_on_commit_callbacks, datetime.date(2025, 6, 20))
    assert (
        "Andel elever i 9. klasse, der søger en ungdomsuddannelse – en ny måling forfalder 30. juni 2025"
        in (digests[personas.limited_editor.email])
    )


def test_a_second_run_the_same_day_sends_nothing_and_each_reminder_is_recorded(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    first = run(django_capture_on_commit_callbacks)
    assert first
    recorded = SentReminder.objects.filter(user=personas.editor, day=TODAY)
    assert sorted(recorded.values_list("title", flat=True)) == sorted(
        items(first[personas.editor.email], MEASUREMENTS)
    )
    assert {(r.plan_id, r.kind) for r in recorded} == {(amager_plan.pk, "measurements")}
    count = SentReminder.objects.count()

    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks) == {}
    assert SentReminder.objects.count() == count
    # The next day reminds again.
    assert run(django_capture_on_commit_callbacks, TODAY + datetime.timedelta(days=1))


def test_nothing_for_who_opted_out_or_left(amager_plan, personas, django_capture_on_commit_callbacks):
    notification_services.mail_preference_set(
        user=personas.editor, plan=amager_plan, notifications=True, digest=False, actor=personas.editor
    )
    Membership.objects.filter(user=personas.limited_editor, plan=amager_plan).delete()
    digests = run(django_capture_on_commit_callbacks)
    assert personas.coordinator.email in digests
    assert personas.editor.email not in digests
    assert personas.limited_editor.email not in digests


def test_a_digest_queued_before_its_reader_left_a_plan_is_withheld(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    """The digest is built when the command runs and sent by the worker later: who left a plan of it (or lost
    the grant) in between gets nothing, and its record says why."""
    from helhedsplan.core.models import OutgoingMail

    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("send_reminders", f"--date={TODAY.isoformat()}", stdout=StringIO())
    digest = OutgoingMail.objects.get(key=f"digest:{personas.editor.pk}:{TODAY.isoformat()}")
    assert digest.plan is None and digest.also_about_plans == [amager_plan.pk]
    Membership.objects.filter(user=personas.editor, plan=amager_plan).delete()

    for callback in queued:
        callback()

    digest.refresh_from_db()
    assert digest.status == OutgoingMail.Status.WITHDRAWN
    sent_to = {address for message in mail.outbox for address in message.to}
    assert personas.editor.email not in sent_to and personas.coordinator.email in sent_to


def plan_with_people(number: int) -> None:
    plan = PlanFactory()
    IndicatorFactory.create_batch(2, goal=GoalFactory(sub_agreement=SubAgreementFactory(plan=plan)))
    make_personas(plan, prefix=f"p{number}-")


def test_queries_do_not_grow_with_plans_or_people(amager_plan, personas):
    plan_with_people(1)
    with CaptureQueriesContext(connection) as one:
        few = send_reminders(TODAY)
    for number in range(2, 5):
        plan_with_people(number)
    with CaptureQueriesContext(connection) as several:
        many = send_reminders(TODAY + datetime.timedelta(days=1))
    assert len(many) > len(few)
    assert len(several) == len(one)
