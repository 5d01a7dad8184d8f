"""``manage.py import_estate_locations PLAN FILE.csv``: set the estates' locations from a CSV of coordinates.

Columns (a header row): ``estate`` (its name in the plan), ``latitude``, ``longitude`` (degrees, WGS 84, a
decimal point) and ``source`` (the public source the coordinates come from). Every row is checked by the
estate's own rules (inside Denmark, both coordinates); nothing is saved when any row is wrong. No address is
looked up: the coordinates are the file's.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from helhedsplan.plans.models import Estate, Plan
from helhedsplan.plans.services import estate_update

COLUMNS = ("estate", "latitude", "longitude", "source")


class Command(BaseCommand):
    help = _("Set the estates' locations from a CSV file (estate, latitude, longitude, source).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("plan", help=_("the plan's slug"))
        parser.add_argument("file", help=_("the CSV file"))

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(_("There is no plan %(slug)s.") % {"slug": options["plan"]})
        with open(options["file"], encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows or set(COLUMNS) - set(rows[0]):
            raise CommandError(
                _("The file must have the columns %(columns)s.") % {"columns": ", ".join(COLUMNS)}
            )
        estates = {estate.name: estate for estate in Estate.objects.in_plan(plan)}
        errors: list[str] = []
        with transaction.atomic():
            for line, row in enumerate(rows, start=2):
                estate = estates.get((row["estate"] or "").strip())
                if estate is None:
                    errors.append(
                        _("line %(line)s: the plan has no estate %(name)r")
                        % {"line": line, "name": row["estate"]}
                    )
                    continue
                try:
                    data = {
                        "latitude": Decimal(row["latitude"].strip()),
                        "longitude": Decimal(row["longitude"].strip()),
                        "location_source": (row["source"] or "").strip(),
                    }
                except (InvalidOperation, AttributeError):
                    errors.append(
                        _("line %(line)s: write the coordinates as numbers, e.g. 55.6612") % {"line": line}
                    )
                    continue
                try:
                    estate_update(
                        estate=estate, data=data, expected_lock_version=estate.lock_version, actor=None
                    )
                except ValidationError as error:
                    errors.extend(f"{_('line %(line)s') % {'line': line}}: {m}" for m in error.messages)
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise CommandError(_("Nothing was saved:") + "\n" + "\n".join(errors))
        self.stdout.write(self.style.SUCCESS(_("%(count)s locations set.") % {"count": len(rows)}))
