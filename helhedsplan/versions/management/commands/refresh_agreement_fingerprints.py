"""``manage.py refresh_agreement_fingerprints``: recompute every plan's agreement fingerprint (the SHA-256 of each
section of its live agreement), for a database where the background task missed some (rows written without a
change log, a worker that was gone, a new shape of the snapshot)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from helhedsplan.plans.models import Plan
from helhedsplan.versions.services import agreement_fingerprint_refresh


class Command(BaseCommand):
    help = "Recompute every plan's agreement fingerprint (what 'Kræver opmærksomhed' compares with the approved version)."

    def handle(self, *args, **options) -> None:
        count = 0
        for plan in Plan.objects.order_by("pk").iterator():
            agreement_fingerprint_refresh(plan=plan)
            count += 1
        self.stdout.write(f"{count} plan(s) refreshed.")
