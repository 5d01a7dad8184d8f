"""``manage.py import_plan FILE [--replace]``: create a plan from a plan file (docs/plan-format.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helhedsplan.planfiles.importer import import_plan
from helhedsplan.planfiles.schema import PlanFileError


class Command(BaseCommand):
    help = _("Create a plan from a plan file. Nothing is saved when the file has any error.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=_("the plan file (YAML)"))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("replace the plan with the same slug, keeping its memberships"),
        )

    def handle(self, *args, **options) -> None:
        try:
            plan = import_plan(options["file"], replace=options["replace"])
        except PlanFileError as error:
            raise CommandError(
                _("%(file)s was not imported:") % {"file": options["file"]} + "\n" + "\n".join(error.messages)
            ) from error
        self.stdout.write(
            self.style.SUCCESS(_("Imported %(plan)s (%(slug)s).") % {"plan": plan, "slug": plan.slug})
        )
