"""``manage.py make_example_plans [--count N]``: N example plans the size of Amager, for trying the app at
national scale and for the benchmark (scripts/benchmark.py).

Each is a copy of the Amager plan file (data/amager-2022-2025.yaml) under its own name and address —
"Eksempelplan 07", ``eksempelplan-07`` — with every row that can say so flagged as example data
(``is_example``) and the description saying it is made up. Plans that already exist are left as they are, so
running the command again only adds what is missing.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.importer import import_plan, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Plan

SLUG = "eksempelplan-{number:02d}"
NAME = "Eksempelplan {number:02d}"


#: The plan file's lists whose rows are models with the example flag (``core.models.ExampleFlag``), and the one
#: such record that is not in a list.
FLAGGED_LISTS = {
    "measurements",
    "key_figures",
    "indicators",
    "goals",
    "activities",
    "decisions",
    "lines",
    "funding_sources",
    "approval_steps",
    "contacts",
    "action_cards",
    "incidents",
    "signoffs",
}
FLAGGED_RECORDS = {
    "preparedness_plan",
    "approved_version",
    # The facts' sources (documents.FactSource) on the rows whose facts they name.
    "homes_source",
    "residents_source",
    "baseline_source",
    "amount_source",
    "date_source",
}


def _flag_examples(node: Any) -> None:
    """Set ``is_example`` on every row of the file that is a model with the flag."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FLAGGED_LISTS and isinstance(value, list):
                for row in value:
                    if isinstance(row, dict):
                        row["is_example"] = True
            elif key in FLAGGED_RECORDS and isinstance(value, dict):
                value["is_example"] = True
            _flag_examples(value)
    elif isinstance(node, list):
        for value in node:
            _flag_examples(value)


def example_plan_data(amager: dict, number: int) -> dict:
    """The Amager plan file's data as example plan ``number``."""
    data = copy.deepcopy(amager)
    _flag_examples(data)
    plan = data["plan"]
    plan["slug"] = SLUG.format(number=number)
    plan["name"] = NAME.format(number=number)
    plan["area"] = NAME.format(number=number)
    plan["description"] = "Eksempel: en kopi af helhedsplanen for Amager, lavet til afprøvning.\n\n" + str(
        plan.get("description", "")
    )
    return data


class Command(BaseCommand):
    help = _("Make example plans the size of Amager (copies of its plan file), for trying the app at scale.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=80, help=_("how many example plans (default 80)"))

    def handle(self, *args, **options) -> None:
        count = options["count"]
        if count < 0:
            raise CommandError(_("The count cannot be negative."))
        amager = read(AMAGER_FILE)
        existing = set(Plan.objects.filter(slug__startswith="eksempelplan-").values_list("slug", flat=True))
        made = 0
        for number in range(1, count + 1):
            if SLUG.format(number=number) in existing:
                continue
            try:
                import_plan(example_plan_data(amager, number))
            except PlanFileError as error:
                raise CommandError("\n".join(error.messages)) from error
            made += 1
        self.stdout.write(
            self.style.SUCCESS(
                _("%(made)s example plans made, %(kept)s already there.")
                % {"made": made, "kept": count - made}
            )
        )
