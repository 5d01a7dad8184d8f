"""``manage.py export_plan SLUG [-o FILE]``: write a plan as a plan file (docs/plan-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.plans.models import Plan


class Command(BaseCommand):
    help = _("Write a plan as a plan file, to standard output or a file.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help=_("the plan's short address, e.g. amager-2022-2025"))
        parser.add_argument("-o", "--output", help=_("write to this file instead of standard output"))

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(slug=options["slug"]).first()
        if plan is None:
            raise CommandError(_("No plan has the short address %(slug)r.") % {"slug": options["slug"]})
        text = export_plan(plan, personal_data=True)  # the coordinator's own backup: the whole plan
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            # Exactly the file's bytes: no extra newline from the command's writer.
            self.stdout.write(text, ending="")
