"""What the versions' pages read: the list of versions with their sign-offs, a version as a document, and what
changed (between two versions, or since the approved version in the live plan).

A version's document and its changes are read from its stored snapshot, not from the plan: a deleted goal still
shows in the version that had it. Names of things outside the snapshot (organisations) are read in one query.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import FOCUS_AREA_RANK, FocusArea
from helhedsplan.periods.names import focus_area_name
from helhedsplan.plans.models import Affiliation, Membership, Organisation, Plan

from .diff import Change, Word, diff
from .models import AgreementFingerprint, PlanVersion, Signoff
from .snapshot import PART_BY_KEY, SECTIONS, build_snapshot, section_hashes
from .summary import label_fields, sections_needing_lbf


def versions_of(plan: Plan) -> list[PlanVersion]:
    """The plan's versions, newest first, each with its plan, sign-offs and their organisations (two queries)."""
    signoffs = Signoff.objects.select_related("organisation").order_by("pk")
    return list(
        PlanVersion.objects.of_plan(plan)
        .select_related("plan", "submitted_by")
        .prefetch_related(Prefetch("signoffs", queryset=signoffs))
        .order_by("-number")
    )


def version_or_none(plan: Plan, number: int) -> PlanVersion | None:
    """One version of the plan by its number, with its sign-offs (two queries)."""
    signoffs = Signoff.objects.select_related("organisation", "recorded_by").order_by("pk")
    return (
        PlanVersion.objects.of_plan(plan)
        .select_related("plan__funding_period", "submitted_by", "based_on")
        .prefetch_related(Prefetch("signoffs", queryset=signoffs))
        .filter(number=number)
        .first()
    )


def approved_version(plan: Plan) -> PlanVersion | None:
    return PlanVersion.objects.of_plan(plan).filter(status=PlanVersion.Status.APPROVED).first()


def awaiting_version(plan: Plan) -> PlanVersion | None:
    return PlanVersion.objects.of_plan(plan).filter(status=PlanVersion.Status.SUBMITTED).first()


@dataclass(frozen=True)
class VersionState:
    """Where a plan's agreement stands: its approved version's number, and the number of the one awaiting its
    sign-offs (None when there is none)."""

    approved: int | None = None
    awaiting: int | None = None


@dataclass(frozen=True)
class VersionAttention:
    """What "Kræver opmærksomhed" reads of a plan's versions: the approved version's number, the version awaiting
    its sign-offs (with them and their organisations), and the sections in which the live plan differs from the
    approved version — by the plan's fingerprint, not a snapshot; None when that is not known (no approved
    version, or no fingerprint computed yet)."""

    approved: PlanVersion | None = None
    awaiting: PlanVersion | None = None
    changed_sections: tuple[str, ...] | None = None

    def awaiting_signoffs(self) -> list[Signoff]:
        """The awaiting version's sign-offs that may be signed now: every local party's still awaiting, and
        Landsbyggefonden's once no local party awaits (it signs last)."""
        if self.awaiting is None:
            return []
        waiting = [s for s in self.awaiting.signoffs.all() if not s.is_decided]
        local = [s for s in waiting if s.party != Signoff.Party.LBF]
        return local or waiting

    @property
    def state(self) -> VersionState:
        """The numbers alone: the portfolio's Version column."""
        return VersionState(
            approved=self.approved.number if self.approved else None,
            awaiting=self.awaiting.number if self.awaiting else None,
        )


def versions_attention(plans: list[Plan]) -> dict[int, VersionAttention]:
    """Each plan's ``VersionAttention`` (every plan in the list has one), in at most three queries however many
    plans: the approved and awaiting versions (without their snapshots; their plan is the one given), the
    awaiting versions' sign-offs with their organisations (asked only when a version awaits: an approved one's
    are not read), and the fingerprints."""
    by_pk = {plan.pk: plan for plan in plans}
    found: dict[int, dict[str, PlanVersion]] = {}
    for version in PlanVersion.objects.filter(
        plan__in=plans, status__in=[PlanVersion.Status.APPROVED, PlanVersion.Status.SUBMITTED]
    ).defer("snapshot"):
        version.plan = by_pk[version.plan_id]
        found.setdefault(version.plan_id, {})[version.status] = version
    awaiting = [v[PlanVersion.Status.SUBMITTED] for v in found.values() if PlanVersion.Status.SUBMITTED in v]
    prefetch_related_objects(
        awaiting, Prefetch("signoffs", queryset=Signoff.objects.select_related("organisation").order_by("pk"))
    )
    fingerprints = dict(
        AgreementFingerprint.objects.filter(plan__in=plans).values_list("plan_id", "sections")
    )
    result = {}
    for plan in plans:
        versions = found.get(plan.pk, {})
        approved = versions.get(PlanVersion.Status.APPROVED)
        live = fingerprints.get(plan.pk)
        changed = None
        if approved is not None and live is not None:
            stored = approved.section_hashes
            changed = tuple(
                section.key for section in SECTIONS if stored.get(section.key) != live.get(section.key)
            )
        result[plan.pk] = VersionAttention(approved, versions.get(PlanVersion.Status.SUBMITTED), changed)
    return result


def signing_organisations(user: Any, plans: list[Plan]) -> dict[int, frozenset[int]]:
    """The organisations ``user`` signs for in the app, by plan pk (every plan in the list has an entry): one
    query. The rule of ``services.may_sign`` for many plans at once: a membership holding "signs for the
    organisation", for an organisation that has confirmed the person."""
    found = signers_by_plan(plans, user=user)
    return {plan.pk: found.get(plan.pk, {}).get(user.pk, frozenset()) for plan in plans}


def signers_by_plan(plans: list[Plan], *, user: Any = None) -> dict[int, dict[int, frozenset[int]]]:
    """Who signs for which organisations in each plan (plan pk → user pk → organisation pks), in one query; only
    ``user``'s when given. See ``signing_organisations``."""
    if user is not None and not getattr(user, "is_authenticated", False):
        return {}
    confirmed = Affiliation.objects.filter(
        user=OuterRef("user"), organisation=OuterRef("organisation"), state=Affiliation.State.CONFIRMED
    )
    memberships = Membership.objects.filter(plan__in=plans, signs_for_organisation=True).filter(
        Exists(confirmed)
    )
    if user is not None:
        memberships = memberships.filter(user=user)
    found: dict[int, dict[int, set[int]]] = {}
    for plan_id, user_id, organisation_id in memberships.values_list("plan_id", "user_id", "organisation_id"):
        found.setdefault(plan_id, {}).setdefault(user_id, set()).add(organisation_id)
    return {
        plan_id: {user_id: frozenset(orgs) for user_id, orgs in users.items()}
        for plan_id, users in found.items()
    }


@dataclass(frozen=True)
class ApprovedVersion:
    version: PlanVersion
    #: The day its last party approved it (a version approved outside the app: its parties' latest known
    #: decision day; None when a day is unknown).
    approved_on: datetime.date | None


def approved_on(version: PlanVersion) -> datetime.date | None:
    """The day a version was approved: the day the app recorded its last decision, or — recorded outside the app
    — its parties' latest decision day, when every one is known (None otherwise)."""
    if version.recorded_outside_app:
        days = [s.decided_on for s in version.signoffs.all()]
        return max(d for d in days if d is not None) if days and all(days) else None
    return timezone.localtime(version.decided_at).date() if version.decided_at else None


def versions_approved_between(
    plan: Plan, first_day: datetime.date, last_day: datetime.date
) -> list[ApprovedVersion]:
    """The plan's versions approved from ``first_day`` to ``last_day`` (approved or since superseded), oldest
    first: two queries (the versions, their sign-offs). A version whose approval day is unknown is in no year."""
    versions = (
        PlanVersion.objects.of_plan(plan)
        .filter(status__in=[PlanVersion.Status.APPROVED, PlanVersion.Status.SUPERSEDED])
        .prefetch_related("signoffs")
        .order_by("number")
    )
    found = [ApprovedVersion(v, approved_on(v)) for v in versions]
    return [a for a in found if a.approved_on is not None and first_day <= a.approved_on <= last_day]


def snapshot_of(version: PlanVersion) -> dict[str, Any]:
    return json.loads(version.snapshot)


# --- Showing what a snapshot holds ---------------------------------------------------------------------------


class _Names:
    """Turns a snapshot's stored values into what a reader sees: a related object's name, a choice's label, a
    date in words."""

    def __init__(self, plan: Plan, *snapshots: dict[str, Any]) -> None:
        self.plan = plan
        self.labels: dict[tuple[type[models.Model], int], str] = {}
        for snapshot in snapshots:
            for section in snapshot.get("sections", {}).values():
                for key, objects in section.items():
                    if key not in PART_BY_KEY:
                        continue
                    _section, part = PART_BY_KEY[key]
                    for obj in objects:
                        self.labels[(part.model, obj["id"])] = self.object_label(
                            part.model, obj, part.label_field
                        )
        self.organisations = dict(Organisation.objects.values_list("pk", "short_name"))

    def object_label(self, model: type[models.Model], obj: dict[str, Any], label_field: str) -> str:
        value = obj.get(label_field)
        if label_field == "focus_area" and isinstance(value, str):
            return self.focus_area(value)
        text = "" if value is None else str(value)
        return text if len(text) <= 80 else text[:79] + "…"

    def focus_area(self, code: str) -> str:
        if code in FOCUS_AREA_RANK:
            return str(FocusArea(code).label)
        return focus_area_name(plan_id=self.plan.pk, code=code) or code

    def value(self, model: type[models.Model], name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        field: Any = model._meta.get_field(name)
        if field.many_to_many:
            target = field.related_model
            return ", ".join(self.labels.get((target, pk), f"#{pk}") for pk in value) or "—"
        if field.is_relation:
            target = field.related_model
            if target is Organisation:
                return self.organisations.get(value, f"#{value}")
            return self.labels.get((target, value), f"#{value}")
        if name == "focus_area":
            return self.focus_area(value)
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field.get_internal_type() == "DateField":
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        return str(value)

    @staticmethod
    def field_label(model: type[models.Model], name: str) -> str:
        try:
            field: Any = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field the model no longer has (a snapshot of an older shape)
            return name
        return str(field.verbose_name)


@dataclass(frozen=True)
class Shown:
    label: str
    value: str


@dataclass(frozen=True)
class DocumentObject:
    id: int
    label: str
    fields: list[Shown]


@dataclass(frozen=True)
class DocumentPart:
    key: str
    title: str
    objects: list[DocumentObject]


@dataclass(frozen=True)
class DocumentSection:
    key: str
    title: str
    needs_lbf: bool
    parts: list[DocumentPart]


def version_document(version: PlanVersion) -> list[DocumentSection]:
    """The version's snapshot as a document: each section, each kind of object, each object's fields."""
    snapshot = snapshot_of(version)
    names = _Names(version.plan, snapshot)
    lbf = sections_needing_lbf(version.plan)
    sections = []
    for section in SECTIONS:
        stored = snapshot.get("sections", {}).get(section.key, {})
        parts = []
        for part in section.parts:
            objects = [
                DocumentObject(
                    id=obj["id"],
                    label=names.labels.get((part.model, obj["id"]), ""),
                    fields=[
                        Shown(names.field_label(part.model, name), names.value(part.model, name, value))
                        for name, value in obj.items()
                        if name != "id"
                    ],
                )
                for obj in stored.get(part.key, [])
            ]
            parts.append(DocumentPart(part.key, str(part.model._meta.verbose_name_plural), objects))
        sections.append(DocumentSection(section.key, str(section.title), section.key in lbf, parts))
    return sections


# --- What changed ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    section: str
    section_title: str
    needs_lbf: bool
    part_title: str
    object_label: str
    kind: str
    field_label: str
    old: str
    new: str
    words: tuple[Word, ...]


def change_rows(plan: Plan, old: dict[str, Any], new: dict[str, Any]) -> list[ChangeRow]:
    """Every change from ``old`` to ``new``, named for a reader."""
    names = _Names(plan, old, new)
    lbf = sections_needing_lbf(plan)
    titles = {section.key: str(section.title) for section in SECTIONS}
    rows = []
    for change in diff(old, new, label_fields=label_fields()):
        _section, part = PART_BY_KEY[change.part]
        rows.append(_row(change, part.model, names, titles, lbf))
    return rows


def _row(
    change: Change, model: type[models.Model], names: _Names, titles: dict[str, str], lbf: frozenset[str]
) -> ChangeRow:
    changed = change.kind == "changed"
    return ChangeRow(
        section=change.section,
        section_title=titles.get(change.section, change.section),
        needs_lbf=change.section in lbf,
        part_title=str(model._meta.verbose_name),
        object_label=names.labels.get((model, change.object_id), change.label),
        kind=change.kind,
        field_label=names.field_label(model, change.field) if changed else "",
        old=names.value(model, change.field, change.old) if changed else "",
        new=names.value(model, change.field, change.new) if changed else "",
        words=change.words,
    )


@dataclass(frozen=True)
class PendingChanges:
    """The live plan against its approved version: what changed, and whether any of it needs LBF."""

    approved: PlanVersion | None
    rows: list[ChangeRow]

    @property
    def needs_lbf(self) -> bool:
        return any(row.needs_lbf for row in self.rows)


def changes_since_approved(plan: Plan) -> PendingChanges:
    """What changed in the plan since its approved version (none without one): the approved version (one
    query), the live snapshot (one query per part) and the organisations' names (one)."""
    approved = approved_version(plan)
    if approved is None:
        return PendingChanges(None, [])
    return PendingChanges(approved, change_rows(plan, snapshot_of(approved), build_snapshot(plan)))


@dataclass(frozen=True)
class BannerState:
    """What the banner on every plan page says: the approved version (without its snapshot), and whether the live
    plan differs from it in a section that needs Landsbyggefonden's approval."""

    approved: PlanVersion | None
    needs_lbf: bool


def banner_state(plan: Plan) -> BannerState:
    """The banner's state from the plan's fingerprint (``AgreementFingerprint``) against the approved version's
    ``section_hashes``: two queries, no snapshot. Only while no fingerprint has been computed yet for the plan
    (its first refresh not yet run) is the live plan's snapshot read, so the banner is never wrong for want of
    one. The fingerprint is refreshed after the commit of each change (``versions.tasks``)."""
    approved = (
        PlanVersion.objects.of_plan(plan)
        .filter(status=PlanVersion.Status.APPROVED)
        .only("pk", "plan_id", "number", "section_hashes")
        .first()
    )
    if approved is None:
        return BannerState(None, False)
    lbf = sections_needing_lbf(plan)
    if not lbf:
        return BannerState(approved, False)
    fingerprint = AgreementFingerprint.objects.filter(plan=plan).values_list("sections", flat=True).first()
    live = fingerprint if fingerprint is not None else section_hashes(build_snapshot(plan))
    stored = approved.section_hashes
    return BannerState(approved, any(stored.get(key) != live.get(key) for key in lbf))
