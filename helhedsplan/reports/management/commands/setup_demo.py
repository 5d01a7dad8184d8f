"""``manage.py setup_demo``: the Amager plan and the demo logins, made once; safe to run again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helhedsplan.planfiles.demo import (
    DEMO_PASSWORD,
    ensure_amager_plan,
    ensure_demo_grant,
    ensure_demo_logins,
    ensure_demo_versions,
)
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Membership
from helhedsplan.reports.demo import ensure_demo_reports


class Command(BaseCommand):
    help = _("Import the Amager plan if it is missing, create the demo logins if missing, and list them.")

    def handle(self, *args, **options) -> None:
        try:
            plan, imported = ensure_amager_plan()
        except PlanFileError as error:
            raise CommandError("\n".join(error.messages)) from error
        if imported:
            self.stdout.write(self.style.SUCCESS(_("Imported %(plan)s.") % {"plan": plan.name}))
        else:
            self.stdout.write(_("%(plan)s is already there.") % {"plan": plan.name})
        self.stdout.write(_("Demo logins (password %(password)s):") % {"password": DEMO_PASSWORD})
        for login, created in ensure_demo_logins(plan):
            state = _("created") if created else _("already there")
            self.stdout.write(
                f"  {login.username:<10} {Membership.Role(login.role).label:<12} {login.organisation:<5} {state}"
                + (" · " + _("superuser") if login.superuser else "")
            )
        if ensure_demo_grant():
            self.stdout.write(
                _("lbf reads every plan Landsbyggefonden is a party to (an organisation-wide role).")
            )
        if ensure_demo_reports(plan):
            self.stdout.write(
                _(
                    "Example reports to Landsbyggefonden: 2022 and 2023 approved, 2024 returned and answered, "
                    "the final report awaiting Landsbyggefonden's answer."
                )
            )
        if ensure_demo_versions(plan):
            self.stdout.write(
                _(
                    "Plan versions: version 1 approved outside the app in 2021; version 2 (an example change to a "
                    "target) approved by the local parties and awaiting Landsbyggefonden — lbf signs for it."
                )
            )
