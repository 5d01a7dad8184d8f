"""``manage.py send_reminders``: today's digest to everyone with something due (run daily by the operator's
scheduler: cron or a systemd timer, README "Production"). A second run the same day sends nothing."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from helhedsplan.notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Send today's reminders: one digest per person of what is due in their plans."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="The day to remind of (YYYY-MM-DD; default today).",
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        today = date or timezone.localdate()
        sent = send_reminders(today)
        items = sum(digest.count for digest in sent)
        self.stdout.write(f"{today.isoformat()}: {len(sent)} digests queued with {items} reminders.")
