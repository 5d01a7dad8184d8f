"""Who may open and post to what: one table of every URL inside a plan × every role, walked on the Amager plan.

Each row of ``TABLE`` names a URL, what each role gets on GET (``Access``), and for a URL that writes, valid form
data. One test per row tries every persona (tests/world.py) in turn, each inside a transaction rolled back
afterwards, so every persona meets the same data and an allowed delete hides nothing from the next one:

- GET answers the table's status; an anonymous visitor is sent to log in, back to the URL.
- POST: a persona the table allows is sent on (302) and the database changed; a refused one gets the same answer
  as on GET, and the database is exactly as it was (``snapshot``). A page that only reads answers 405 to a POST
  of anyone allowed to read it.
- Another plan's object, asked for through this plan's address, is not found (404), even by a coordinator, on
  GET and POST, and changes nothing.

A new URL inside a plan must be added to the table (``test_the_table_names_every_plan_url``): nothing escapes
the rules unseen. Special assertions of one app (what a reviewer may not read on a page, which controls show)
are in that app's ``test_permissions.py``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from helhedsplan.agreements.models import (
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import BudgetLine, FundingSource
from helhedsplan.core.services import object_delete
from helhedsplan.documents.models import DocumentVersion, FactSource, PlanDocument
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement, Milestone
from helhedsplan.governance.models import Body, BodyMember, Meeting, MeetingDecision
from helhedsplan.plans.models import Membership, Plan
from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    PreparednessPlan,
)
from helhedsplan.reports.models import Submission
from helhedsplan.versions.models import PlanVersion, Signoff
from helhedsplan.versions.services import signoff_decide, version_submit
from tests.documents.factories import document_with_version, pdf_upload
from tests.governance.factories import make_governance
from tests.plans.factories import EstateFactory, InvitationFactory, landsbyggefonden
from tests.reports.factories import SubmissionFactory
from tests.versions.factories import change_strategic_goal
from tests.world import ROLES, Personas, client_for, snapshot

pytestmark = pytest.mark.django_db

# --- What each role gets on GET -------------------------------------------------------------------------------

#: Reading the plan: every member; outsiders and other plans' coordinators do not even learn the plan exists.
READ = {
    "anonymous": 302,
    "outsider": 404,
    "other_plan_coordinator": 404,
    "reviewer": 200,
    "limited_editor": 200,
    "editor": 200,
    "coordinator": 200,
}
#: Coordinator work: agreements' texts, budget, approvals, the emergency plan and its contacts.
MANAGE = READ | {"reviewer": 403, "limited_editor": 403, "editor": 403}
#: Goals, indicators, measurements, activities inside the limited editor's delaftale: every editor.
EDIT_GOALS = READ | {"reviewer": 403}
#: The same outside the limited editor's delaftale: editors without a limit only.
EDIT_GOALS_ELSEWHERE = EDIT_GOALS | {"limited_editor": 403}
#: Key figures follow the strategic agreement they belong to, and deleting what holds other rows (a goal with
#: indicators, an indicator with measurements) is a coordinator's act; so is restoring a deleted object.
COORDINATOR_ONLY = MANAGE
#: Incidents (open, log, close): coordinators and editors, never reviewers.
LOG_INCIDENTS = READ | {"reviewer": 403}
#: Submitting a report to Landsbyggefonden: coordinators.
SUBMIT_REPORTS = MANAGE
#: Answering a submitted report (approved / returned): Landsbyggefonden's reviewers, the one thing they write.
REVIEW_REPORTS = READ | {"limited_editor": 403, "editor": 403, "coordinator": 403}
#: Commenting on a submitted report: reviewers and coordinators.
COMMENT_REPORTS = READ | {"limited_editor": 403, "editor": 403}
#: Names, phones and e-mails of the emergency plan's contacts (also their history): not for reviewers.
CONTACT_DETAILS = READ | {"reviewer": 403}
#: Submitting a plan version, and recording a party's decision taken outside the app: coordinators. Signing in
#: the app takes "signs for the organisation": the signer walks the versions' URLs too (``SIGNER``, below).
SUBMIT_VERSIONS = MANAGE
RECORD_SIGNOFFS = MANAGE
#: Importing a spreadsheet: whoever edits goals (each row then judged by its own right); never a reviewer.
IMPORT_DATA = READ | {"reviewer": 403}
#: A spreadsheet's preview: its uploader's alone (the walk's coordinator); to anyone else who may import, it
#: does not exist.
OWN_PREVIEW = IMPORT_DATA | {"limited_editor": 404, "editor": 404}
#: The plan's documents: coordinators and editors upload and keep them (a limited editor too: documents are
#: plan-wide, not a delaftale's).
KEEP_DOCUMENTS = READ | {"reviewer": 403}


# --- Which object a URL is about ------------------------------------------------------------------------------


#: The ORM path from each model with a delaftale to it.
SUB_AGREEMENT_OF = {
    Goal: "sub_agreement",
    Indicator: "goal__sub_agreement",
    Measurement: "indicator__goal__sub_agreement",
    Activity: "sub_agreement",
    Milestone: "activity__sub_agreement",
    Narrative: "sub_agreement",
    BudgetLine: "sub_agreement",
    Body: "sub_agreement",
    BodyMember: "body__sub_agreement",
    Meeting: "body__sub_agreement",
    MeetingDecision: "meeting__body__sub_agreement",
}


@dataclass
class Objects:
    """Finds the objects of one plan the URLs are about."""

    plan: Plan
    #: The limited editor's delaftale; None in the other plan, where "inside" and "elsewhere" are any delaftale.
    limited_to: SubAgreement | None
    #: Objects made for the walk, made once however often a row asks.
    made: dict = field(default_factory=dict)

    def first(self, model, **filters):
        obj = model.objects.in_plan(self.plan).filter(**filters).order_by("pk").first()
        assert obj is not None, f"the test data has no {model.__name__} in {self.plan} with {filters}"
        return obj

    def inside(self, model, **filters):
        """An object inside the limited editor's delaftale (with ``filters``)."""
        if self.limited_to is None:
            return self.first(model, **{f"{SUB_AGREEMENT_OF[model]}__isnull": False}, **filters)
        return self.first(model, **{SUB_AGREEMENT_OF[model]: self.limited_to}, **filters)

    def elsewhere(self, model, **filters):
        """An object inside another delaftale than the limited editor's (with ``filters``)."""
        if self.limited_to is None:
            return self.inside(model, **filters)
        obj = (
            model.objects.in_plan(self.plan)
            .exclude(**{SUB_AGREEMENT_OF[model]: self.limited_to})
            .filter(**{f"{SUB_AGREEMENT_OF[model]}__isnull": False}, **filters)
            .order_by("pk")
            .first()
        )
        assert obj is not None, f"the test data has no {model.__name__} outside {self.limited_to}"
        return obj

    def new_party(self):
        """An organisation of the plan not yet a party to the delaftale of ``inside(Goal)`` (any, if all are)."""
        organisations = self.plan.organisations.order_by("pk")
        sub_agreement = self.inside(Goal).sub_agreement_id
        return (
            organisations.exclude(commitments__sub_agreement=sub_agreement).first() or organisations.first()
        )

    def key_figure(self):
        return self.first(Indicator, goal__isnull=True)

    def childless_goal(self, where: str):
        """A new goal without indicators in the delaftale of ``inside``/``elsewhere``: an editor may delete it."""
        if where not in self.made:
            self.made[where] = Goal.objects.create(
                sub_agreement_id=getattr(self, where)(Goal).sub_agreement_id, title="Tomt delmål", order=99
            )
        return self.made[where]

    def activity_without_milestones(self, where: str):
        """An activity of the delaftale of ``inside``/``elsewhere`` with nothing under it: an editor may delete it."""
        sub_agreement_id = getattr(self, where)(Activity).sub_agreement_id
        found = (
            Activity.objects.in_plan(self.plan)
            .filter(sub_agreement_id=sub_agreement_id, milestones__isnull=True)
            .order_by("pk")
            .first()
        )
        # The other plan's one activity has a milestone; there it only has to be another plan's activity.
        return found or getattr(self, where)(Activity)

    def deleted_measurement(self) -> int:
        """The pk of a measurement of the plan, deleted (once) for the walk."""
        if "deleted" not in self.made:
            measurement = self.inside(Measurement)
            self.made["deleted"] = measurement.pk
            object_delete(measurement, actor=None)
        return self.made["deleted"]

    def free_level(self):
        """A level no incident uses (a level in use is protected from deletion)."""
        return self.first(EscalationLevel, incidents__isnull=True)

    def submission(self):
        """The plan's report submission awaiting an answer (not plan content: found through its report)."""
        found = Submission.objects.filter(report__plan=self.plan).order_by("pk").first()
        assert found is not None, f"the test data has no report submission in {self.plan}"
        return found

    def awaiting_version(self):
        """The plan's version awaiting its sign-offs (made by the walk's fixture)."""
        found = PlanVersion.objects.of_plan(self.plan).filter(status="submitted").first()
        assert found is not None, f"the test data has no version awaiting sign-offs in {self.plan}"
        return found

    def awaiting_signoff(self):
        """A party's sign-off of the awaiting version that a coordinator may record (the first awaiting one)."""
        return (
            self.awaiting_version()
            .signoffs.filter(decision="awaiting")
            .exclude(party="lbf")
            .order_by("pk")[0]
        )

    def decided_signoff(self):
        """A sign-off recorded with its evidence PDF (made by the walk's fixture)."""
        found = Signoff.objects.filter(version__plan=self.plan).exclude(evidence="").order_by("pk").first()
        assert found is not None, f"the test data has no sign-off with evidence in {self.plan}"
        return found

    def no_version_awaiting(self) -> None:
        """Clear the way for a new version: the awaiting one rejected by a party (recorded outside the app)."""
        board = self.awaiting_signoff()
        coordinator = Membership.objects.in_plan(self.plan).filter(role="coordinator").order_by("pk")[0].user
        signoff_decide(
            signoff=board,
            decision="rejected",
            body="Bestyrelsen",
            decided_on=None,
            evidence=ContentFile(b"%PDF-1.4\n%%EOF\n", name="referat.pdf"),
            comment="Afvist i walk'en.",
            outside_app=True,
            actor=coordinator,
        )

    def member(self):
        """A membership of the plan that is not its last coordinator (an editor's, where there is one)."""
        editor = (
            Membership.objects.in_plan(self.plan).filter(role=Membership.Role.EDITOR).order_by("pk").first()
        )
        return editor or self.first(Membership)

    def invitation(self):
        """A pending invitation of the plan, made once for the walk."""
        if "invitation" not in self.made:
            self.made["invitation"] = InvitationFactory(plan=self.plan)
        return self.made["invitation"]

    def open_incident(self):
        return self.first(Incident, status=Incident.Status.OPEN)

    def coordinator(self):
        """The walk's coordinator of the plan (the other plan's: its coordinator persona)."""
        membership = (
            Membership.objects.in_plan(self.plan)
            .filter(role=Membership.Role.COORDINATOR, user__username__startswith="walk-")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        assert membership is not None, f"the walk has no coordinator of {self.plan}"
        return membership.user

    def import_file(self) -> ContentFile:
        """The import template of the plan's coordinator with one new value filled in."""
        from tests.imports.filling import DAY, fill, template_for

        coordinator = self.coordinator()
        indicator = self.inside(Measurement).indicator
        return ContentFile(
            fill(template_for(self.plan, coordinator), values={indicator.pk: (5, DAY)}), "tal.xlsx"
        )

    def preview(self):
        """A preview of ``import_file`` uploaded by the plan's coordinator, made once for the walk."""
        from helhedsplan.imports.services import import_preview_create

        if "preview" not in self.made:
            self.made["preview"] = import_preview_create(
                plan=self.plan,
                file_name="tal.xlsx",
                content=self.import_file().read(),
                actor=self.coordinator(),
            )
        return self.made["preview"]


def _history(obj) -> dict:
    return {"app_label": obj._meta.app_label, "model_name": obj._meta.model_name, "pk": obj.pk}


def _deleted(objects: Objects) -> dict:
    return {"app_label": "goals", "model_name": "measurement", "pk": objects.deleted_measurement()}


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


YEARS = {"amount_2022": "150.000", "amount_2023": "1,5 mio.", "amount_2024": "", "amount_2025": ""}
INDICATOR_DATA = {
    "name": "Børn i lektiecafé",
    "unit": "personer",
    "direction": "higher",
    "baseline_value": "1.200,5",
    "baseline_date": "2022-01-01",
    "target_value": "1.500",
    "target_date": "2025-12-31",
    "data_source": "Lektiecaféernes optælling",
    "measurement_interval_months": "6",
}


def plan_only(objects: Objects) -> dict:
    """The keyword arguments of a URL about the plan as a whole: none but the plan's slug."""
    return {}


@dataclass(frozen=True)
class Row:
    """One URL: what it is about, who may GET it, and for a URL that writes, valid data to POST."""

    name: str
    access: dict[str, int]
    #: The URL's keyword arguments besides the plan, from the plan's objects.
    kwargs: Callable[[Objects], dict] = plan_only
    #: Valid form data for the URL's object (None: a page that only reads). Called inside the transaction, so
    #: it may create what the form refers to.
    post: Callable[[Objects, dict], dict] | None = None
    #: Tells rows of the same URL name apart (the same URL about another object).
    variant: str = ""
    #: The URL names an object of the plan (another plan's must be a 404); False for a page of the plan itself
    #: that takes other arguments (a report's year).
    about_object: bool = True
    #: A form that only reads what is posted and writes nothing (checking a file against the stored SHA-256):
    #: an allowed POST answers 200 and the database stays as it was.
    reads_post: bool = False

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def pk(model) -> Callable[[Objects], dict]:
    """kwargs ``{"pk": …}`` of the plan's first object of ``model``."""
    return lambda o: {"pk": o.first(model).pk}


def _source_lock(o: Objects, fact: str, object_id: int) -> dict:
    """The lock counter of the fact's source, when it has one (the Amager file names some): a change of it."""
    existing = FactSource.objects.filter(plan=o.plan, fact=fact, object_id=object_id).first()
    return {"lock_version": existing.lock_version} if existing else {}


NO_DATA: Callable[[Objects, dict], dict] = lambda o, kw: {}  # noqa: E731 - deletes post nothing


TABLE: list[Row] = [
    # The dashboard and the agreements.
    Row("overview:dashboard", READ),
    Row("overview:change_log", READ),
    # Reports to Landsbyggefonden.
    Row("reports:archive", READ),
    Row("reports:verify_file", READ, reads_post=True),
    Row("reports:report", READ, lambda o: {"period": "2024"}, about_object=False),
    Row("reports:report", READ, lambda o: {"period": "slut"}, variant="final", about_object=False),
    *(
        Row(
            "reports:report_download",
            READ,
            lambda o, f=f: {"period": "2024", "format": f},
            variant=f,
            about_object=False,
        )
        for f in ("pdf", "xlsx")
    ),
    Row("planfiles:download", READ),
    # Plan versions: the list, what changed, the banner every plan page loads, a version, its PDF.
    Row("versions:list", READ),
    Row("versions:changes", READ),
    Row("versions:banner", READ),
    Row("versions:detail", READ, lambda o: {"number": o.awaiting_version().number}, about_object=False),
    Row(
        "versions:version_changes",
        READ,
        lambda o: {"number": o.awaiting_version().number},
        about_object=False,
    ),
    Row("versions:pdf", READ, lambda o: {"number": o.awaiting_version().number}, about_object=False),
    Row(
        "versions:version_create",
        SUBMIT_VERSIONS,
        post=lambda o, kw: (
            o.no_version_awaiting(),
            {"reason_category": "targets", "reason": "Et mål er skærpet."},
        )[1],
    ),
    Row(
        "versions:signoff_update",
        RECORD_SIGNOFFS,
        lambda o: {"number": o.awaiting_version().number, "pk": o.awaiting_signoff().pk},
        lambda o, kw: {
            "decision": "approved",
            "body": "Organisationsbestyrelsen",
            "decided_on": "2026-11-30",
            "comment": "",
            "evidence": ContentFile(b"%PDF-1.4\n%%EOF\n", name="referat.pdf"),
        },
    ),
    Row(
        "versions:evidence",
        READ,
        lambda o: {"number": o.decided_signoff().version.number, "pk": o.decided_signoff().pk},
    ),
    Row(
        "reports:submission_create",
        SUBMIT_REPORTS,
        lambda o: {"period": "slut"},
        # The confirmation that the report is submitted though it lacks something.
        lambda o, kw: {"gaps_confirmed": "on", "reservation": "Forbruget for 2025 eftersendes."},
        about_object=False,
    ),
    Row(
        "reports:report_texts_update",
        SUBMIT_REPORTS,
        lambda o: {"period": "slut"},
        lambda o, kw: {
            "conclusion": "Planen nåede de fleste af sine mål.",
            "anchoring": "Lektiecaféerne fortsætter i kommunens regi.",
        },
        about_object=False,
    ),
    Row(
        # "Send til bestyrelsen": the 2024 report (not stored in the walk's world) is stored as a draft.
        "reports:report_draft_create",
        SUBMIT_REPORTS,
        lambda o: {"period": "2024"},
        NO_DATA,
        about_object=False,
    ),
    Row(
        "reports:answer_create",
        REVIEW_REPORTS,
        lambda o: {"pk": o.submission().pk},
        lambda o, kw: {"outcome": "returned", "comment": "Beretningen for beskæftigelse mangler."},
    ),
    Row(
        "reports:comment_create",
        COMMENT_REPORTS,
        lambda o: {"pk": o.submission().pk},
        lambda o, kw: {"text": "Tallene for 2022 er rettet."},
    ),
    *(
        Row("reports:submission_file", READ, lambda o, f=f: {"pk": o.submission().pk, "format": f}, variant=f)
        for f in ("pdf", "xlsx", "yaml")
    ),
    Row("agreements:strategic", READ),
    Row("agreements:sub_agreements", READ),
    Row("agreements:sub_agreement", READ, pk(SubAgreement)),
    Row(
        "agreements:strategic_update",
        MANAGE,
        post=lambda o, kw: {
            "vision": "Ny vision",
            "challenges": "",
            "steering_tools": "",
            "resident_involvement": "",
            "governance": "",
            "lock_version": o.first(StrategicAgreement).lock_version,
        },
    ),
    Row(
        "agreements:strategic_goal_update",
        MANAGE,
        pk(StrategicGoal),
        lambda o, kw: {
            "text": "Nyt strategisk mål",
            "lock_version": StrategicGoal.objects.get(**kw).lock_version,
        },
    ),
    Row(
        "agreements:sub_agreement_update",
        MANAGE,
        pk(SubAgreement),
        lambda o, kw: {
            "purpose": "Nyt formål",
            "problem": "",
            "target_groups": "",
            "anchoring": "",
            "lock_version": SubAgreement.objects.get(**kw).lock_version,
        },
    ),
    Row(
        "agreements:party_create",
        MANAGE,
        lambda o: {"sub_agreement": o.inside(Goal).sub_agreement_id},
        lambda o, kw: {"organisation": o.new_party().pk, "commitment": "Jobvejledning"},
    ),
    Row(
        "agreements:party_update",
        MANAGE,
        pk(SubAgreementParty),
        lambda o, kw: {
            "organisation": SubAgreementParty.objects.get(**kw).organisation_id,
            "commitment": "Ny forpligtelse",
            "lock_version": SubAgreementParty.objects.get(**kw).lock_version,
        },
    ),
    Row("agreements:party_delete", MANAGE, pk(SubAgreementParty), NO_DATA),
    # Goals: inside the limited editor's delaftale, elsewhere, and on key figures (plan-wide).
    Row("goals:goal", READ, lambda o: {"pk": o.inside(Goal).pk}),
    Row("goals:indicator", READ, lambda o: {"pk": o.inside(Indicator).pk}),
    Row("goals:indicator", READ, lambda o: {"pk": o.key_figure().pk}, variant="key_figure"),
    Row("goals:activity", READ, lambda o: {"pk": o.inside(Activity).pk}),
    *(
        row
        for where, access in [("inside", EDIT_GOALS), ("elsewhere", EDIT_GOALS_ELSEWHERE)]
        for row in [
            Row(
                "goals:goal_create",
                access,
                lambda o, w=where: {"sub_agreement": getattr(o, w)(Goal).sub_agreement_id},
                lambda o, kw: {"title": "Nyt delmål", "order": "99"},
                variant=where,
            ),
            Row(
                "goals:goal_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Goal).pk},
                lambda o, kw: {
                    "title": "Ændret delmål",
                    "order": "1",
                    "lock_version": Goal.objects.get(**kw).lock_version,
                },
                variant=where,
            ),
            # A goal with indicators only by a coordinator; one without by every editor who edits there.
            Row(
                "goals:goal_delete",
                COORDINATOR_ONLY,
                lambda o, w=where: {"pk": getattr(o, w)(Goal, indicators__isnull=False).pk},
                NO_DATA,
                where,
            ),
            Row(
                "goals:goal_delete",
                access,
                lambda o, w=where: {"pk": o.childless_goal(w).pk},
                NO_DATA,
                f"{where}_childless",
            ),
            Row(
                "goals:indicator_create",
                access,
                lambda o, w=where: {"goal": getattr(o, w)(Goal).pk},
                lambda o, kw: INDICATOR_DATA,
                variant=where,
            ),
            Row(
                "goals:indicator_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Indicator).pk},
                lambda o, kw: {**INDICATOR_DATA, "lock_version": Indicator.objects.get(**kw).lock_version},
                variant=where,
            ),
            Row(
                "goals:indicator_delete",
                COORDINATOR_ONLY,  # it has measurements
                lambda o, w=where: {"pk": getattr(o, w)(Indicator, measurements__isnull=False).pk},
                NO_DATA,
                variant=where,
            ),
            Row(
                "goals:measurement_create",
                access,
                lambda o, w=where: {"indicator": getattr(o, w)(Indicator).pk},
                lambda o, kw: {"date": "2022-02-13", "value": "55"},
                variant=where,
            ),
            Row(
                "goals:measurement_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Measurement).pk},
                lambda o, kw: {
                    "date": Measurement.objects.get(**kw).date.isoformat(),
                    "value": "52",
                    "lock_version": Measurement.objects.get(**kw).lock_version,
                },
                variant=where,
            ),
            Row(
                "goals:measurement_delete",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Measurement).pk},
                NO_DATA,
                variant=where,
            ),
            Row(
                "goals:activity_create",
                access,
                lambda o, w=where: {"sub_agreement": getattr(o, w)(Activity).sub_agreement_id},
                lambda o, kw: {"name": "Fritidsjob", "status": "planned"},
                variant=where,
            ),
            Row(
                "goals:activity_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Activity).pk},
                lambda o, kw: {
                    "name": "Lektiecafé i Hørgården",
                    "status": "ongoing",
                    "lock_version": Activity.objects.get(**kw).lock_version,
                },
                variant=where,
            ),
            Row(
                "goals:activity_delete",
                access,
                lambda o, w=where: {"pk": o.activity_without_milestones(w).pk},
                NO_DATA,
                variant=where,
            ),
            Row(
                "goals:activity_delete",
                MANAGE,  # with its milestones: a coordinator's act
                lambda o, w=where: {"pk": getattr(o, w)(Milestone).activity_id},
                NO_DATA,
                variant=f"{where}_with_milestones",
            ),
            Row(
                "agreements:narrative_create",
                access,
                lambda o, w=where: {"sub_agreement": getattr(o, w)(Narrative).sub_agreement_id},
                lambda o, kw: {"year": "2025", "went_well": "Flere unge fik fritidsjob."},
                variant=where,
            ),
            Row(
                "agreements:narrative_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Narrative).pk},
                lambda o, kw: {
                    "year": str(Narrative.objects.get(**kw).year),
                    "went_badly": "Få frivillige.",
                    "lock_version": Narrative.objects.get(**kw).lock_version,
                },
                variant=where,
            ),
            Row(
                "agreements:narrative_delete",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Narrative).pk},
                NO_DATA,
                variant=where,
            ),
            Row(
                "goals:milestone_create",
                access,
                lambda o, w=where: {"activity": getattr(o, w)(Activity).pk},
                lambda o, kw: {"name": "Åbning af lektiecafé", "due_date": "2024-03-01"},
                variant=where,
            ),
            Row(
                "goals:milestone_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Milestone).pk},
                lambda o, kw: {
                    "name": "Ændret milepæl",
                    "due_date": "2024-03-01",
                    "done_date": "2024-02-20",
                    "lock_version": Milestone.objects.get(**kw).lock_version,
                },
                variant=where,
            ),
            Row(
                "goals:milestone_delete",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Milestone).pk},
                NO_DATA,
                variant=where,
            ),
        ]
    ),
    Row(
        "goals:key_figure_create",
        COORDINATOR_ONLY,
        lambda o: {"strategic_goal": o.first(StrategicGoal).pk},
        lambda o, kw: INDICATOR_DATA,
    ),
    Row(
        "goals:indicator_update",
        COORDINATOR_ONLY,
        lambda o: {"pk": o.key_figure().pk},
        lambda o, kw: {**INDICATOR_DATA, "lock_version": Indicator.objects.get(**kw).lock_version},
        variant="key_figure",
    ),
    Row(
        "goals:indicator_delete",
        COORDINATOR_ONLY,
        lambda o: {"pk": o.key_figure().pk},
        NO_DATA,
        "key_figure",
    ),
    Row(
        "goals:measurement_create",
        COORDINATOR_ONLY,
        lambda o: {"indicator": o.key_figure().pk},
        lambda o, kw: {"date": "2022-02-13", "value": "61"},
        variant="key_figure",
    ),
    # The spreadsheet import: the template, the upload and the preview of what it would do.
    Row("imports:template", IMPORT_DATA),
    Row("imports:upload", IMPORT_DATA, post=lambda o, kw: {"file": o.import_file()}),
    Row("imports:preview", OWN_PREVIEW, lambda o: {"pk": o.preview().pk}),
    Row("imports:apply", OWN_PREVIEW, lambda o: {"pk": o.preview().pk}, NO_DATA),
    # The budget: the limited editor's own delaftale has a line, and still the budget is not theirs.
    Row("budget:overview", READ),
    Row("budget:export_xlsx", READ),
    Row("budget:line_history", READ, lambda o: {"pk": o.inside(BudgetLine).pk}),
    Row("budget:source_history", READ, pk(FundingSource)),
    Row(
        "budget:line_create",
        MANAGE,
        post=lambda o, kw: {"sub_agreement": "", "category": "audit", "description": "Revision", **YEARS},
    ),
    Row(
        "budget:line_edit",
        MANAGE,
        lambda o: {"pk": o.inside(BudgetLine).pk},
        lambda o, kw: {
            "lock_version": BudgetLine.objects.get(**kw).lock_version,
            "sub_agreement": o.inside(Goal).sub_agreement_id,
            "category": "activities",
            "description": "Ny tekst",
            **YEARS,
        },
    ),
    Row(
        "budget:line_actuals",
        MANAGE,
        lambda o: {"pk": o.inside(BudgetLine).pk},
        lambda o, kw: {"lock_version": BudgetLine.objects.get(**kw).lock_version, **YEARS},
    ),
    Row("budget:line_delete", MANAGE, lambda o: {"pk": o.inside(BudgetLine).pk}, NO_DATA),
    Row(
        "budget:source_create",
        MANAGE,
        post=lambda o, kw: {"name": "Fonden", "kind": "other", "organisation": "", "basis": "", **YEARS},
    ),
    Row(
        "budget:source_edit",
        MANAGE,
        pk(FundingSource),
        lambda o, kw: {
            "lock_version": FundingSource.objects.get(**kw).lock_version,
            "name": "Ny fond",
            "kind": "other",
            "organisation": "",
            "basis": "Ny",
            **YEARS,
        },
    ),
    Row("budget:source_delete", MANAGE, pk(FundingSource), NO_DATA),
    # Documents.
    Row("documents:list", READ),
    Row("documents:document", READ, pk(PlanDocument)),
    Row(
        "documents:document_create",
        KEEP_DOCUMENTS,
        post=lambda o, kw: {"kind": "annex", "title": "Bilag 9: Nyt kort", "file": pdf_upload("kort.pdf")},
    ),
    Row(
        "documents:document_update",
        KEEP_DOCUMENTS,
        pk(PlanDocument),
        lambda o, kw: {
            "lock_version": PlanDocument.objects.get(**kw).lock_version,
            "kind": "annex",
            "title": "Bilag 2: Kort over området (rettet)",
            "date": "2021-11-04",
        },
    ),
    # A document holds its versions: deleting it with them is a coordinator's act.
    Row("documents:document_delete", COORDINATOR_ONLY, pk(PlanDocument), NO_DATA),
    Row(
        "documents:version_create",
        KEEP_DOCUMENTS,
        lambda o: {"document": o.first(PlanDocument).pk},
        lambda o, kw: {"file": pdf_upload("kort-v2.pdf"), "note": "Nye grænser"},
    ),
    Row(
        "documents:version_download",
        READ,
        lambda o: {"pk": o.first(DocumentVersion, document__personal_data=False).pk},
    ),
    # A document with contact details (an emergency plan's phone list): not for reviewers.
    Row(
        "documents:version_download",
        CONTACT_DETAILS,
        lambda o: {"pk": o.first(DocumentVersion, document__personal_data=True).pk},
        variant="contact_details",
    ),
    # Where the plan's facts come from: every reader reads them; the plan's own figures, a funding amount and an
    # approval's date are the coordinators' to source, an indicator's baseline its editors' (limited: only inside).
    Row("documents:sources", READ),
    # Removing a fact's source: coordinators (the fact is then listed as without a source again).
    Row("documents:source_delete", COORDINATOR_ONLY, pk(FactSource), NO_DATA),
    Row(
        "documents:source_update",
        MANAGE,
        lambda o: {"fact": "plan-homes", "object_id": o.plan.pk},
        lambda o, kw: {
            **_source_lock(o, "plan-homes", o.plan.pk),
            "reference": "Københavns Kommunes pressemeddelelse 18. november 2021",
        },
        variant="plan",
    ),
    Row(
        "documents:source_update",
        MANAGE,
        lambda o: {"fact": "funding-amount", "object_id": o.first(FundingSource).pk},
        lambda o, kw: {
            **_source_lock(o, "funding-amount", o.first(FundingSource).pk),
            "url": "https://www.kk.dk/",
            "read_on": "2026-01-05",
        },
        variant="funding",
    ),
    *(
        Row(
            "documents:source_update",
            access,
            lambda o, w=where: {"fact": "indicator-baseline", "object_id": getattr(o, w)(Indicator).pk},
            lambda o, kw, w=where: {
                **_source_lock(o, "indicator-baseline", getattr(o, w)(Indicator).pk),
                "document": o.first(PlanDocument).pk,
                "page": 4,
            },
            variant=f"baseline_{where}",
        )
        for where, access in (("inside", EDIT_GOALS), ("elsewhere", EDIT_GOALS_ELSEWHERE))
    ),
    # Governance: the bestyrelse is the coordinators'; a følgegruppe is kept by the editors of its delaftale.
    Row("governance:bodies", READ),
    Row("governance:body", READ, lambda o: {"pk": o.first(Body, kind="board").pk}),
    Row("governance:meeting", READ, lambda o: {"pk": o.first(Meeting, body__kind="board").pk}),
    Row("governance:minutes", READ, lambda o: {"pk": o.first(Meeting, minutes__startswith="governance/").pk}),
    Row(
        "governance:body_create",
        MANAGE,
        post=lambda o, kw: {
            "kind": "steering_group",
            "name": "Ny styregruppe",
            "terms_of_reference": "Følger op.",
        },
    ),
    Row(
        "governance:body_update",
        MANAGE,
        lambda o: {"pk": o.first(Body, kind="board").pk},
        lambda o, kw: {
            "lock_version": Body.objects.get(**kw).lock_version,
            "kind": "board",
            "name": "Bestyrelsen",
            "terms_of_reference": "Bestyrelsen sætter retningen og følger op.",
        },
        variant="board",
    ),
    *(
        row
        for where, access in [("inside", EDIT_GOALS), ("elsewhere", EDIT_GOALS_ELSEWHERE)]
        for row in [
            Row(
                "governance:body_update",
                access,
                lambda o, w=where: {"pk": getattr(o, w)(Body).pk},
                lambda o, kw: {
                    "lock_version": Body.objects.get(**kw).lock_version,
                    "kind": "follow_up_group",
                    "name": Body.objects.get(**kw).name,
                    "sub_agreement": Body.objects.get(**kw).sub_agreement_id,
                    "terms_of_reference": "Følger delaftalen.",
                },
                variant=where,
            ),
            Row(
                "governance:member_create",
                access,
                lambda o, w=where: {"body": getattr(o, w)(Body).pk},
                lambda o, kw: {"name": "Ny person", "title": "Skoleleder", "role": "member"},
                variant=where,
            ),
            Row(
                "governance:meeting_create",
                access,
                lambda o, w=where: {"body": getattr(o, w)(Body).pk},
                lambda o, kw: {"date": "2025-05-01", "agenda": "Status"},
                variant=where,
            ),
            Row(
                "governance:decision_create",
                access,
                lambda o, w=where: {"meeting": getattr(o, w)(Meeting).pk},
                lambda o, kw: {"text": "Følgegruppen tager status til efterretning."},
                variant=where,
            ),
        ]
    ),
    Row(
        "governance:body_delete", COORDINATOR_ONLY, lambda o: {"pk": o.first(Body, kind="board").pk}, NO_DATA
    ),
    Row(
        "governance:member_create",
        MANAGE,
        lambda o: {"body": o.first(Body, kind="board").pk},
        lambda o, kw: {"name": "Ny direktør", "title": "Direktør", "role": "member"},
        variant="board",
    ),
    Row(
        "governance:member_update",
        MANAGE,
        lambda o: {"pk": o.first(BodyMember, body__kind="board").pk},
        lambda o, kw: {
            "lock_version": BodyMember.objects.get(**kw).lock_version,
            "name": "Omdøbt formand",
            "role": "chair",
        },
    ),
    Row(
        "governance:member_delete",
        MANAGE,
        lambda o: {"pk": o.first(BodyMember, body__kind="board").pk},
        NO_DATA,
    ),
    Row(
        "governance:meeting_create",
        MANAGE,
        lambda o: {"body": o.first(Body, kind="board").pk},
        lambda o, kw: {"date": "2025-04-01", "agenda": "Årsrapport", "minutes": pdf_upload("referat.pdf")},
        variant="board",
    ),
    Row(
        "governance:meeting_update",
        MANAGE,
        lambda o: {"pk": o.first(Meeting, body__kind="board").pk},
        lambda o, kw: {
            "lock_version": Meeting.objects.get(**kw).lock_version,
            "date": "2025-03-11",
            "agenda": "Ændret dagsorden",
        },
    ),
    # A meeting holds its decisions: deleting it with them is a coordinator's act.
    Row(
        "governance:meeting_delete",
        COORDINATOR_ONLY,
        lambda o: {"pk": o.first(Meeting, body__kind="board").pk},
        NO_DATA,
    ),
    Row(
        "governance:decision_create",
        MANAGE,
        lambda o: {"meeting": o.first(Meeting, body__kind="board").pk},
        lambda o, kw: {"text": "Bestyrelsen godkender budgetændringen."},
        variant="board",
    ),
    Row(
        "governance:decision_update",
        MANAGE,
        lambda o: {"pk": o.first(MeetingDecision, meeting__body__kind="board").pk},
        lambda o, kw: {
            "lock_version": MeetingDecision.objects.get(**kw).lock_version,
            "text": "Rettet beslutning",
        },
    ),
    Row(
        "governance:decision_delete",
        MANAGE,
        lambda o: {"pk": o.first(MeetingDecision, meeting__body__kind="board").pk},
        NO_DATA,
    ),
    # Approvals.
    Row("approvals:overview", READ),
    Row("approvals:minutes", READ, pk(EstateDecision)),
    Row(
        "approvals:decision_create",
        MANAGE,
        post=lambda o, kw: {
            "estate": EstateFactory(plan=o.plan, housing_association=o.plan.organisations.first()).pk,
            "body": "ballot",
            "result": "approved",
            "date": "2021-10-01",
        },
    ),
    Row(
        "approvals:decision_update",
        MANAGE,
        pk(EstateDecision),
        lambda o, kw: {
            "lock_version": EstateDecision.objects.get(**kw).lock_version,
            "estate": EstateDecision.objects.get(**kw).estate_id,
            "body": EstateDecision.objects.get(**kw).body,
            "result": "approved",
            "date": "2021-11-04",
        },
    ),
    Row("approvals:decision_delete", MANAGE, pk(EstateDecision), NO_DATA),
    Row(
        "approvals:step_create",
        MANAGE,
        post=lambda o, kw: {"order": "99", "title": "Nyt trin", "body": "LBF", "status": "planned"},
    ),
    Row(
        "approvals:step_update",
        MANAGE,
        pk(ApprovalStep),
        lambda o, kw: {
            "lock_version": ApprovalStep.objects.get(**kw).lock_version,
            "order": str(ApprovalStep.objects.get(**kw).order),
            "title": "Ændret",
            "body": "LBF",
            "status": "done",
        },
    ),
    Row("approvals:step_delete", MANAGE, pk(ApprovalStep), NO_DATA),
    # The emergency plan.
    Row("preparedness:overview", READ),
    Row("preparedness:contacts", READ),
    Row("preparedness:print", READ),
    Row("preparedness:incidents", READ),
    # An incident's summary and log can name people: reviewers get its date, level and state from the list only.
    Row("preparedness:incident", CONTACT_DETAILS, lambda o: {"pk": o.open_incident().pk}),
    Row(
        "preparedness:plan_update",
        MANAGE,
        post=lambda o, kw: {"purpose": "Nyt", "lock_version": o.first(PreparednessPlan).lock_version},
    ),
    Row("preparedness:level_create", MANAGE, post=lambda o, kw: {"order": "99", "name": "Ny"}),
    Row(
        "preparedness:level_update",
        MANAGE,
        lambda o: {"pk": o.free_level().pk},
        lambda o, kw: {
            "order": str(EscalationLevel.objects.get(**kw).order),
            "name": "Omdøbt",
            "lock_version": EscalationLevel.objects.get(**kw).lock_version,
        },
    ),
    Row("preparedness:level_delete", MANAGE, lambda o: {"pk": o.free_level().pk}, NO_DATA),
    Row(
        "preparedness:card_create",
        MANAGE,
        post=lambda o, kw: {"scenario": "Nyt scenarie", "responsible_role": "Leder", "order": "0"},
    ),
    Row(
        "preparedness:card_update",
        MANAGE,
        pk(ActionCard),
        lambda o, kw: {
            "scenario": "Omdøbt",
            "responsible_role": "Leder",
            "order": "0",
            "lock_version": ActionCard.objects.get(**kw).lock_version,
        },
    ),
    Row("preparedness:card_delete", MANAGE, pk(ActionCard), NO_DATA),
    Row(
        "preparedness:contact_create",
        MANAGE,
        post=lambda o, kw: {
            "name": "N",
            "role": "R",
            "organisation": o.first(Contact).organisation_id,
            "order": "0",
        },
    ),
    Row(
        "preparedness:contact_update",
        MANAGE,
        pk(Contact),
        lambda o, kw: {
            "name": "Omdøbt",
            "role": "R",
            "organisation": Contact.objects.get(**kw).organisation_id,
            "order": "0",
            "lock_version": Contact.objects.get(**kw).lock_version,
        },
    ),
    Row("preparedness:contact_delete", MANAGE, pk(Contact), NO_DATA),
    Row(
        "preparedness:incident_create",
        LOG_INCIDENTS,
        post=lambda o, kw: {
            "occurred_at": _local(timezone.now() - datetime.timedelta(hours=1)),
            "level": o.first(EscalationLevel).pk,
            "summary": "Ny hændelse",
        },
    ),
    Row(
        "preparedness:incident_update",
        MANAGE,
        lambda o: {"pk": o.open_incident().pk},
        lambda o, kw: {
            "occurred_at": _local(Incident.objects.get(**kw).occurred_at),
            "level": Incident.objects.get(**kw).level_id,
            "summary": "Rettet",
            "lock_version": Incident.objects.get(**kw).lock_version,
        },
    ),
    Row(
        "preparedness:log_entry_create",
        LOG_INCIDENTS,
        lambda o: {"pk": o.open_incident().pk},
        lambda o, kw: {"text": "Ny linje"},
    ),
    Row(
        "preparedness:incident_close",
        LOG_INCIDENTS,
        lambda o: {"pk": o.open_incident().pk},
        lambda o, kw: {
            "lock_version": Incident.objects.get(**kw).lock_version,
            "what_worked": "a",
            "lessons": "b",
        },
    ),
    # Members: a coordinator's (outsiders and other plans do not learn who is a member).
    Row("members", MANAGE),
    Row(
        "member_add",
        MANAGE,
        post=lambda o, kw: {
            "email": "Ny.Kollega@Example.org",
            "organisation": o.plan.organisations.order_by("pk").first().pk,
            # (A reviewer speaks for the organisation: a new address has no affiliation, tests/plans/test_affiliations.py.)
            "role": "editor",
        },
    ),
    Row(
        "member_update",
        MANAGE,
        lambda o: {"pk": o.member().pk},
        lambda o, kw: {
            "organisation": Membership.objects.get(**kw).organisation_id,
            "role": "coordinator",
            "lock_version": Membership.objects.get(**kw).lock_version,
        },
    ),
    Row("member_delete", MANAGE, lambda o: {"pk": o.member().pk}, NO_DATA),
    # A pending invitation is sent again or withdrawn by a coordinator only.
    Row("invitation_resend", MANAGE, lambda o: {"pk": o.invitation().pk}, NO_DATA),
    Row("invitation_withdraw", MANAGE, lambda o: {"pk": o.invitation().pk}, NO_DATA),
    # The addresses that do not take mail: names and e-mail addresses, for coordinators.
    Row("plan_notifications:undeliverable", MANAGE),
    # History: every member reads it, but a contact's only those who may see contact details. (Every model's
    # history page is opened in tests/test_history_pages.py.)
    Row("history", READ, lambda o: _history(o.inside(Goal)), variant="goal"),
    Row("history", CONTACT_DETAILS, lambda o: _history(o.first(Incident)), variant="incident"),
    Row("history", CONTACT_DETAILS, lambda o: _history(o.first(Contact)), variant="contact"),
    # A deleted object's history is read by every member; restoring it is a coordinator's act.
    Row("history", READ, lambda o: _deleted(o), variant="deleted_measurement"),
    Row("restore", COORDINATOR_ONLY, lambda o: _deleted(o), NO_DATA),
]

# preparedness:plan_create needs a plan without an emergency plan: tests/preparedness/test_permissions.py.
ELSEWHERE_TESTED = {"preparedness:plan_create"}


# --- The walk -------------------------------------------------------------------------------------------------


def _plan_routes() -> list[tuple[str, str]]:
    """(name, route) of every URL whose path holds the plan slug."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and "<slug:plan>" in route and entry.name:
                found.append((namespace + entry.name, route))

    walk(get_resolver().url_patterns, "", "")
    return sorted(found)


EDIT_NAME = re.compile(
    r"(create|update|delete|close|edit|actuals|upload|add|remove|restore|resend|withdraw|apply)$"
)


def test_the_table_names_every_plan_url():
    """A URL missing from the table would escape the walk: add it, with who may open it and valid data."""
    routes = {name for name, _route in _plan_routes()}
    assert len(routes) > 30, "the walk found suspiciously few plan URLs"
    assert routes - ELSEWHERE_TESTED == {row.name for row in TABLE}
    for row in TABLE:
        assert (row.post is not None) == bool(EDIT_NAME.search(row.name)), f"{row.id}: a write needs data"


@dataclass
class Walk:
    plan: Plan
    other: Plan
    personas: Personas
    objects: Objects
    other_objects: Objects


@pytest.fixture
def walk(amager_plan, other_plan, personas) -> Walk:
    from tests.preparedness.factories import IncidentFactory

    limited_to = personas.limited_editor.memberships.get().sub_agreements.get()
    # The Amager plan's incidents are all closed: open one (at a level already in use, so a free one stays free).
    levels = EscalationLevel.objects.in_plan(amager_plan).order_by("pk")
    IncidentFactory(plan=amager_plan, level=levels.filter(incidents__isnull=False).first() or levels.first())
    # A yearly report awaiting Landsbyggefonden's answer, so answering and commenting can be walked.
    SubmissionFactory(report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator)
    # A version awaiting its sign-offs in each plan (the other plan's, for another plan's sign-off), with the
    # bestyrelse's decision recorded with its PDF, so signing, recording and the evidence can be walked.
    # The other plan names Landsbyggefonden as an invited party (not confirmed: LBF's grant does not open it).
    other_plan.organisations.add(landsbyggefonden())
    # (Amager's version 1 is approved, from its plan file: its version 2 changes a strategic goal.)
    change_strategic_goal(amager_plan)
    for plan, coordinator in (
        (amager_plan, personas.coordinator),
        (other_plan, personas.other_plan_coordinator),
    ):
        version = version_submit(
            plan=plan, reason_category="other", reason="Walk'ens version.", actor=coordinator
        )
        signoff_decide(
            signoff=version.signoffs.get(party="board"),
            decision="approved",
            body="Bestyrelsen",
            decided_on=None,
            evidence=ContentFile(b"%PDF-1.4\n%%EOF\n", name="referat.pdf"),
            outside_app=True,
            actor=coordinator,
        )
    # Minutes live in files, which each test keeps in a folder of its own: give each plan's decision one.
    for plan in (amager_plan, other_plan):
        decision = EstateDecision.objects.in_plan(plan).order_by("pk").first()
        decision.minutes.save("referat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
        make_documents(plan)
    return Walk(
        plan=amager_plan,
        other=other_plan,
        personas=personas,
        objects=Objects(amager_plan, limited_to),
        other_objects=Objects(other_plan, None),
    )


def make_documents(plan: Plan) -> None:
    """A document of ``plan`` with a stored file, and one with contact details (files live in each test's
    folder, so they are made per test)."""
    document_with_version(plan, title="Bilag 2: Kort over området")
    document_with_version(plan, title="Beredskabsplanens telefonliste", personal_data=True)
    make_governance(plan)


def _url(row: Row, plan: Plan, objects: Objects) -> str:
    return reverse(row.name, kwargs={"plan": plan.slug, **row.kwargs(objects)})


def _form_errors(response) -> Any:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    return dict(form.errors) if form is not None else None


#: Every persona the walk signs in as: the plan's roles, and a reviewer of every plan of Landsbyggefonden, who is
#: no member of Amager and reads it through an organisation-wide grant — the same access as "reviewer" everywhere.
WALK_ROLES = [*ROLES, "org_reviewer"]


def _expected(row: Row, role: str) -> int:
    return row.access["reviewer" if role == "org_reviewer" else role]


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_every_role_on_every_url(walk: Walk, row: Row):
    url = _url(row, walk.plan, walk.objects)
    login = f"{reverse('login')}?next={url}"
    wrong = []
    for role in WALK_ROLES:
        client = client_for(walk.personas[role])
        status = _expected(row, role)
        allowed = status == 200

        response = client.get(url)
        if response.status_code != status:
            wrong.append(f"{role}: GET answered {response.status_code}, expected {status}")
        elif response.status_code == 302 and response["Location"] != login:
            wrong.append(f"{role}: GET sent to {response['Location']}, not to log in")

        with transaction.atomic():
            data = _post_data(row, walk.objects)
            before = snapshot()
            response = client.post(url, data)
            after = snapshot()
            transaction.set_rollback(True)
        # Allowed: a write is sent on, a page that only reads has nothing to post to. Refused: as on GET.
        expected = (200 if row.reads_post else 405 if row.post is None else 302) if allowed else status
        if response.status_code != expected:
            wrong.append(
                f"{role}: POST answered {response.status_code}, expected {expected} {_form_errors(response) or ''}"
            )
        elif response.status_code == 302 and not allowed and response["Location"] != login:
            wrong.append(f"{role}: POST sent to {response['Location']}, not to log in")
        if allowed and row.post is not None:
            if after == before:
                wrong.append(f"{role}: POST allowed, but nothing was saved")
        elif after != before:
            wrong.append(f"{role}: POST refused ({response.status_code}), but the database changed")
    assert not wrong, f"{url}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_every_role_on_every_url_with_the_kept_figures(walk: Walk, row: Row):
    """With the plans' figures kept in the shared cache (``overview.readmodel``), the most trusted role first so
    what it reads is kept before the others ask: every role still gets its own answer, twice — never what was
    kept for someone else."""
    from django.core.cache import caches

    caches["default"].clear()
    url = _url(row, walk.plan, walk.objects)
    wrong = []
    for role in reversed(WALK_ROLES):
        user = walk.personas[role]
        client = client_for(user)
        for attempt in ("first", "again"):
            response = client.get(url)
            if response.status_code != _expected(row, role):
                wrong.append(f"{role} ({attempt}): GET answered {response.status_code}")
            elif (
                response.status_code == 200
                and response["Content-Type"].startswith("text/html")
                # A whole page names its reader; a fragment a page loads (the versions' banner) is part of one.
                and b"<html" in response.content
                and (user.get_full_name() or user.username) not in response.content.decode()
            ):
                wrong.append(f"{role} ({attempt}): the page does not name its reader")
    caches["default"].clear()
    assert not wrong, f"{url}:\n" + "\n".join(wrong)


def _post_data(row: Row, objects: Objects) -> dict:
    if row.post is None:
        return {}
    kwargs = row.kwargs(objects)
    return row.post(objects, {"pk": kwargs["pk"]} if "pk" in kwargs else {})


# --- The signer: a member holding "signs for the organisation" -------------------------------------------------

#: A reviewer of the plan who signs for the kommune (KK, whose sign-off the walk's ``awaiting_signoff`` is): what
#: a reviewer gets everywhere, and besides, the kommune's decision to sign in the app.
SIGNER = {"versions:signoff_update": 200}
VERSION_ROWS = [row for row in TABLE if row.name.startswith("versions:")]


def _signer(walk: Walk):
    from tests.versions.factories import make_signer

    organisation = walk.objects.awaiting_signoff().organisation
    return make_signer(walk.plan, organisation.short_name, username="walk-signer")


@pytest.mark.parametrize("row", VERSION_ROWS, ids=[row.id for row in VERSION_ROWS])
def test_the_signer_on_every_versions_url(walk: Walk, row: Row):
    """Every URL of plan versions as the signer: the table's reviewer's answer, except the kommune's sign-off,
    which the signer decides (GET 200, POST sent on and saved); refused elsewhere with nothing changed."""
    client = client_for(_signer(walk))
    url = _url(row, walk.plan, walk.objects)
    status = SIGNER.get(row.name, row.access["reviewer"])
    assert client.get(url).status_code == status
    with transaction.atomic():
        data = _post_data(row, walk.objects)
        before = snapshot()
        response = client.post(url, data)
        after = snapshot()
        transaction.set_rollback(True)
    allowed = status == 200
    expected = (200 if row.reads_post else 405 if row.post is None else 302) if allowed else status
    assert response.status_code == expected, _form_errors(response)
    if allowed and row.post is not None:
        assert after != before, "POST allowed, but nothing was saved"
    else:
        assert after == before, "POST refused, but the database changed"


def test_the_signer_may_not_decide_for_another_party(walk: Walk):
    """The signer signs for the kommune only: a housing organisation's sign-off is refused (403), nothing saved;
    and Landsbyggefonden's, out of the signer's organisation and turn, too."""
    client = client_for(_signer(walk))
    version = walk.objects.awaiting_version()
    mine = walk.objects.awaiting_signoff()
    for other in version.signoffs.exclude(pk=mine.pk).exclude(party="board").filter(decision="awaiting"):
        url = reverse(
            "versions:signoff_update",
            kwargs={"plan": walk.plan.slug, "number": version.number, "pk": other.pk},
        )
        before = snapshot()
        assert client.get(url).status_code == 403, other
        assert (
            client.post(url, {"decision": "approved", "body": "X", "decided_on": "2026-11-30"}).status_code
            == 403
        )
        assert snapshot() == before


OBJECT_ROWS = [row for row in TABLE if row.kwargs is not plan_only and row.about_object]


@pytest.mark.parametrize("row", OBJECT_ROWS, ids=[row.id for row in OBJECT_ROWS])
def test_another_plans_object_is_not_found(walk: Walk, row: Row):
    """The coordinator's own plan in the URL, but another plan's object: 404 on GET and POST, nothing changed."""
    url = _url(row, walk.plan, walk.other_objects)
    client = client_for(walk.personas.coordinator)
    data = _post_data(row, walk.other_objects)
    before = snapshot()

    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert snapshot() == before


# --- Outside the plans: the portfolio of every plan a persona may see -----------------------------------------

#: The portfolio lists what each persona reads: Amager for its members and the organisation-wide reviewer, the
#: other plan for its coordinator, nothing for an outsider. Reading only: a POST is refused (405).
PORTFOLIO_PLANS = {
    "outsider": set(),
    "other_plan_coordinator": {"anden-plan"},
    "reviewer": {"amager-2022-2025"},
    "limited_editor": {"amager-2022-2025"},
    "editor": {"amager-2022-2025"},
    "coordinator": {"amager-2022-2025"},
    "org_reviewer": {"amager-2022-2025"},
}


@pytest.mark.parametrize("name", ["portfolio:list", "portfolio:download"])
def test_every_role_on_the_portfolio(walk: Walk, name: str):
    url = reverse(name)
    response = client_for(None).get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    for role, slugs in PORTFOLIO_PLANS.items():
        client = client_for(walk.personas[role])
        response = client.get(url)
        assert response.status_code == 200, role
        if name == "portfolio:list":
            assert {row.plan.slug for row in response.context["table"].data} == slugs, role
        before = snapshot()
        assert client.post(url).status_code == 405, role
        assert snapshot() == before


@pytest.mark.parametrize("name", ["portfolio:catalogue", "portfolio:catalogue_indicator"])
def test_every_role_on_the_standard_indicators_across_plans(walk: Walk, name: str):
    """The catalogue's pages read the plans each persona reads (the portfolio's), nobody else's."""
    from helhedsplan.goals.models import Indicator
    from helhedsplan.periods.models import CatalogueIndicator

    entry = CatalogueIndicator.objects.get(
        period__code="2019-2026", code="unge-uden-uddannelse-beskaeftigelse"
    )
    # The other plan measures it too (Amager's key figure is picked from it in the plan file).
    Indicator.objects.filter(plan=walk.other).update(catalogue_entry=entry)
    kwargs = {} if name == "portfolio:catalogue" else {"period": "2019-2026", "code": entry.code}
    url = reverse(name, kwargs=kwargs)
    response = client_for(None).get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    for role, slugs in PORTFOLIO_PLANS.items():
        client = client_for(walk.personas[role])
        response = client.get(url)
        assert response.status_code == 200, role
        if name == "portfolio:catalogue_indicator":
            assert {row.plan.slug for row in response.context["rows"]} == slugs, role
        else:
            uses = {use.entry.code: use.plans for use in response.context["uses"]}
            assert uses.get(entry.code, 0) == len(slugs), role
        before = snapshot()
        assert client.post(url).status_code == 405, role
        assert snapshot() == before


# --- Outside the plans: the organisation pages (who belongs to an organisation, the plans it takes part in) ----

#: Every persona of the walk and Landsbyggefonden's administrator: "My organisations" is everyone's (signed in);
#: an organisation's page and its buttons are its administrators' only (403 for anyone else, nothing changed).
ORGANISATION_ROLES = [*(role for role in WALK_ROLES if role != "anonymous"), "lbf_admin"]


@dataclass(frozen=True)
class OrganisationRow:
    name: str
    kwargs: Callable[[dict], dict]
    post: Callable[[dict], dict]
    #: Only LBF's administrator may; everyone signed in when False.
    administrators_only: bool = True
    #: A button: GET is not a page (405 for whoever may press it).
    button: bool = True


def _lbf_world(walk: Walk) -> dict:
    from tests.plans.factories import AffiliationFactory, PlanFactory, UserFactory

    lbf = walk.plan.organisations.get(short_name="LBF")
    admin = UserFactory(username="walk-lbf-admin", password=None)
    AffiliationFactory(user=admin, organisation=lbf, is_administrator=True)
    invited = PlanFactory(slug="inviterer-lbf")
    invited.organisations.add(lbf)
    return {
        "lbf": lbf,
        "admin": admin,
        "invited": invited,
        "requested": AffiliationFactory(organisation=lbf, state="requested"),
        "confirmed": AffiliationFactory(organisation=lbf),
        "free": walk.plan.organisations.exclude(short_name="LBF").order_by("pk").first(),
    }


def _affiliation(key: str) -> Callable[[dict], dict]:
    return lambda w: {"short_name": "LBF", "pk": w[key].pk}


ORGANISATION_TABLE = [
    OrganisationRow(
        "organisations",
        lambda w: {},
        lambda w: {"organisation": w["free"].pk},
        administrators_only=False,
        button=False,
    ),
    OrganisationRow(
        "organisation", lambda w: {"short_name": "LBF"}, lambda w: {"domain": "lbf.dk"}, button=False
    ),
    OrganisationRow("affiliation_confirm", _affiliation("requested"), lambda w: {}),
    OrganisationRow("affiliation_revoke", _affiliation("confirmed"), lambda w: {}),
    OrganisationRow(
        "affiliation_administrator", _affiliation("confirmed"), lambda w: {"is_administrator": "1"}
    ),
    OrganisationRow("affiliation_grant", _affiliation("confirmed"), lambda w: {"holds": "1"}),
    OrganisationRow(
        "party_confirm", lambda w: {"short_name": "LBF", "slug": w["invited"].slug}, lambda w: {}
    ),
]


def test_the_organisation_table_names_every_organisation_url():
    found = set()

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif route.startswith("organisationer/") and entry.name:
                found.add(entry.name)

    walk(get_resolver().url_patterns, "")
    assert found == {row.name for row in ORGANISATION_TABLE}


@pytest.mark.parametrize("row", ORGANISATION_TABLE, ids=[row.name for row in ORGANISATION_TABLE])
def test_every_role_on_the_organisation_pages(walk: Walk, row: OrganisationRow):
    world = _lbf_world(walk)
    url = reverse(row.name, kwargs=row.kwargs(world))
    before = snapshot()
    for response in (client_for(None).get(url), client_for(None).post(url, row.post(world))):
        assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    assert snapshot() == before
    wrong = []
    for role in ORGANISATION_ROLES:
        user = world["admin"] if role == "lbf_admin" else walk.personas[role]
        allowed = role == "lbf_admin" or not row.administrators_only
        client = client_for(user)
        expected_get = (405 if row.button else 200) if allowed else 403
        if (status := client.get(url).status_code) != expected_get:
            wrong.append(f"{role}: GET answered {status}, expected {expected_get}")
        with transaction.atomic():
            before = snapshot()
            response = client.post(url, row.post(world))
            after = snapshot()
            transaction.set_rollback(True)
        if response.status_code != (302 if allowed else 403):
            wrong.append(f"{role}: POST answered {response.status_code}")
        if allowed == (after == before):
            wrong.append(f"{role}: POST {'allowed but saved nothing' if allowed else 'refused but changed'}")
    assert not wrong, f"{url}:\n" + "\n".join(wrong)
