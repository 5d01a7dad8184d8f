"""The plan itself, the organisations around it, its estates, and who may do what in it."""

from __future__ import annotations

import contextlib
import datetime
from typing import ClassVar, Self

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, router
from django.db.models import ProtectedError, Q, RestrictedError
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.dates import add_months
from helhedsplan.core.models import CleanInput, OutgoingMail, cascading_relations
from helhedsplan.core.navigation import Crumb
from helhedsplan.plans.locations import (
    MAX_LATITUDE,
    MAX_LONGITUDE,
    MIN_LATITUDE,
    MIN_LONGITUDE,
    OUTSIDE_DENMARK,
    validate_outline,
)

# --- Who may do what: the one role table -----------------------------------------------------------------------

#: Every permission a page or query may ask for, and the roles that hold it. ``plans.rules`` (objects) and
#: ``PlanScopedQuerySet.for_user`` (querysets) are both built from this table.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "plan.view": frozenset({"coordinator", "editor", "reviewer"}),
    "plan.manage": frozenset({"coordinator"}),
    "plan.edit_goals": frozenset({"coordinator", "editor"}),
    "plan.view_contact_details": frozenset({"coordinator", "editor"}),
    "plan.log_incidents": frozenset({"coordinator", "editor"}),
    # Deleting an object together with the rows that go with it (a goal's indicators and their measurements, a
    # budget line's amounts): asked on top of the right to edit the object, only when it has such rows.
    "plan.delete_with_dependants": frozenset({"coordinator"}),
    # Bringing back a deleted object from its history.
    "plan.restore": frozenset({"coordinator"}),
    # Reports to Landsbyggefonden: a coordinator submits; a reviewer answers (approved or returned) — the one
    # thing a reviewer writes; both comment on a submitted report.
    "plan.submit_reports": frozenset({"coordinator"}),
    "plan.review_reports": frozenset({"reviewer"}),
    "plan.comment_reports": frozenset({"coordinator", "reviewer"}),
    # Entering what a budget line actually spent (the form and the spreadsheet import): coordinators, and any
    # member who keeps the plan's accounts (``Membership.keeps_accounts``, ``plans.rules``).
    "plan.enter_actual_spend": frozenset({"coordinator"}),
    # Importing a spreadsheet (``imports``): whoever edits goals or keeps the accounts; each row of the file is
    # then judged by the right it takes (an editor limited to a delaftale imports only its rows).
    "plan.import_data": frozenset({"coordinator", "editor"}),
    # The plan's documents (helhedsplan.documents): coordinators and editors upload and keep them; every
    # member reads them (one with contact details only who sees those: plan.view_contact_details).
    "plan.keep_documents": frozenset({"coordinator", "editor"}),
    # The plan's governance (helhedsplan.governance): coordinators keep every body; an editor keeps the
    # følgegruppe of a delaftale they edit (limited like plan.edit_goals); reviewers read them.
    "plan.keep_governance": frozenset({"coordinator", "editor"}),
}

#: Permissions an editor limited to some delaftaler holds only inside those delaftaler.
LIMITED_BY_SUB_AGREEMENT: frozenset[str] = frozenset({"plan.edit_goals", "plan.keep_governance"})

#: Permissions a member who keeps the plan's accounts (``Membership.keeps_accounts``) holds whatever their role.
KEPT_BY_ACCOUNT_KEEPERS: frozenset[str] = frozenset({"plan.enter_actual_spend"})


class PlanScopedQuerySet(models.QuerySet):
    def in_plan(self, plan) -> Self:
        """Only the rows that belong to ``plan`` (a Plan or its pk)."""
        return self.filter(**{self.model.plan_lookup: plan})

    def for_user(self, user, action: str = "plan.view") -> Self:
        """Only the rows ``user`` may ``action`` (a permission of ROLE_PERMISSIONS), in every plan at once.

        The same answer as asking ``user.has_perm(action, row)`` of each row, in one query: a membership with a
        role that holds the permission, and for an editor limited to some delaftaler, only rows inside those.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        roles = ROLE_PERMISSIONS[action]
        holds = Q(role__in=roles)
        if action in KEPT_BY_ACCOUNT_KEEPERS:
            holds |= Q(keeps_accounts=True)
        memberships = Membership.objects.filter(holds, user=user)
        plan_path = self.model.plan_lookup
        # The plans an organisation-wide grant opens to the user with a role that holds the permission (never
        # a plan where the user is a member: there the membership decides, as in ``plans.rules``).
        granted = Q(**{f"{plan_path}__in": granted_plans(user, roles)})
        if action not in LIMITED_BY_SUB_AGREEMENT:
            return self.filter(Q(**{f"{plan_path}__in": memberships.values("plan")}) | granted)
        # Coordinators everywhere; editors only inside delaftaler (what lies outside every delaftale, the
        # strategic agreement's key figures, is the coordinators' as the strategic agreement is): all of the
        # plan's without a limit, else only their own.
        others = memberships.exclude(role=Membership.Role.EDITOR)
        allowed = Q(**{f"{plan_path}__in": others.values("plan")}) | granted
        sub_agreement_path = self.model.sub_agreement_lookup
        if sub_agreement_path is not None:
            unlimited = memberships.filter(role=Membership.Role.EDITOR, sub_agreements__isnull=True)
            allowed |= Q(
                **{f"{plan_path}__in": unlimited.values("plan"), f"{sub_agreement_path}__isnull": False}
            )
            limits = Membership.sub_agreements.through.objects.filter(
                membership__user=user, membership__role=Membership.Role.EDITOR
            )
            allowed |= Q(**{f"{sub_agreement_path}__in": limits.values("subagreement")})
        return self.filter(allowed).distinct()


# --- The change log of a plan: every historical record knows its plan --------------------------------------------


class PlanHistory(models.Model):
    """The base of the historical records of every model in a plan: the plan the change belongs to, stored on
    the record (``history_plan``) and indexed with the date, so a plan's change log is read by plan, newest
    first, without scanning the whole country's history."""

    history_plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # The (plan, date) index below serves every read by plan; a separate one on the plan alone would not.
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan"),
    )

    class Meta:
        abstract = True


class PlanHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` for a model in a plan: its records carry ``history_plan``, with an index on
    (plan, date) that the dashboard's recent changes and the plan's change log read through."""

    def __init__(self, *, bases: tuple = (), **kwargs) -> None:
        # ``bases``: mixins the records share with their model (a delaftale's focus area name).
        super().__init__(bases=[*bases, PlanHistory], **kwargs)

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        meta["indexes"] = [*meta.get("indexes", ()), models.Index(fields=["history_plan", "history_date"])]
        return meta


def plan_id_of(obj) -> int | None:
    """The pk of the plan ``obj`` (a model in a plan) belongs to, following its ``plan_lookup`` to the last
    foreign key (the plan itself is never fetched); None when the way there is gone."""
    *path, last = obj.plan_lookup.split("__")
    try:
        for part in path:
            obj = getattr(obj, part)
            if obj is None:
                return None
    except ObjectDoesNotExist:
        return None
    return getattr(obj, obj._meta.get_field(last).attname)


def _store_the_plan_on_the_record(sender, instance, history_instance, **kwargs) -> None:
    if isinstance(history_instance, PlanHistory):
        history_instance.history_plan_id = plan_id_of(instance)


pre_create_historical_record.connect(_store_the_plan_on_the_record, dispatch_uid="plans.history_plan")


class _DependantsCollector(Collector):
    """Django's own collector of what a delete takes along, made to fetch every row instead of deleting some
    in bulk unseen (as the admin's delete page does)."""

    def can_fast_delete(self, *args, **kwargs) -> bool:
        return False


class PlanContent(CleanInput, models.Model):
    """Something that lives inside one plan.

    Each model gives the same three things: a path to the plan it belongs to (so every lookup can be scoped to
    the plans a user is a member of), a lock counter for optimistic locking (no lost updates), and its parent
    for navigation (breadcrumbs, where to go back to).
    """

    #: The ORM path from this model to its Plan, e.g. ``"goal__sub_agreement__plan"``.
    plan_lookup: ClassVar[str] = "plan"
    #: The ORM path to the delaftale the object lives in, or None for plan-wide objects. An editor limited to
    #: some delaftaler edits only objects inside them.
    sub_agreement_lookup: ClassVar[str | None] = None
    #: The field holding the object this one is shown under (its delaftale, goal, indicator …); None: the plan.
    parent_field: ClassVar[str | None] = None
    #: Relations the breadcrumbs or the object's name read besides the way to the plan and the parent's chain
    #: (an indicator's goal or strategic goal, a budget line's delaftale), joined with it by ``trail_related``.
    trail_also_reads: ClassVar[tuple[str, ...]] = ()

    lock_version = models.PositiveIntegerField(
        _("edit number"),
        default=1,
        editable=False,
        help_text=_("Raised by one on every save; an edit based on an older version is refused."),
    )

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.lock_version = (self.lock_version or 0) + 1
        super().save(*args, **kwargs)

    @property
    def owning_plan(self):
        """The Plan this object belongs to, following ``plan_lookup``."""
        obj = self
        for part in self.plan_lookup.split("__"):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj

    def navigation_parent(self):
        """What this object is shown under: a model object, a ``core.navigation.Crumb``, or None (the plan)."""
        return getattr(self, self.parent_field) if self.parent_field else None

    def has_dependants(self) -> bool:
        """Whether deleting this object deletes other rows with it (a goal's indicators, an indicator's
        measurements, a budget line's amounts): then the delete is a coordinator's act
        (``plan.delete_with_dependants``). Reads a prefetched relation when there is one, else one query per
        relation that cascades; links of a many-to-many (an activity's goals) are not rows that are deleted."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        for relation in cascading_relations(type(self)):
            accessor = relation.get_accessor_name()
            if accessor in cache:
                if len(cache[accessor]):
                    return True
            elif relation.related_model._base_manager.filter(**{relation.field.name: self.pk}).exists():
                return True
        return False

    def dependants(self) -> list[models.Model]:
        """Every row deleting this object deletes with it, parents before their children (what the delete page
        lists). A row that protects the object from deletion is not among them: the delete is refused anyway."""
        collector = _DependantsCollector(using=router.db_for_write(type(self), instance=self))
        with contextlib.suppress(ProtectedError, RestrictedError):
            collector.collect([self])
        return [
            obj
            for model, objs in collector.data.items()
            if not model._meta.auto_created
            for obj in sorted(objs, key=lambda obj: obj.pk)
            if not (model is type(self) and obj.pk == self.pk)
        ]

    @classmethod
    def trail_related(cls) -> tuple[str, ...]:
        """What a page reading one object joins (``select_related``) so its breadcrumbs cost no query: the way
        to the plan, the parent with its own trail, and ``trail_also_reads``."""
        paths = [] if cls.plan_lookup == "pk" else [cls.plan_lookup]
        if cls.parent_field:
            parent = cls._meta.get_field(cls.parent_field).related_model
            paths.append(cls.parent_field)
            paths += [f"{cls.parent_field}__{path}" for path in getattr(parent, "trail_related", tuple)()]
        paths += cls.trail_also_reads
        return tuple(dict.fromkeys(paths))


class Organisation(CleanInput, models.Model):
    """A forvaltning, boligorganisation, funder or other party. Shared by all plans."""

    class Kind(models.TextChoices):
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("municipal administration")
        HOUSING_ASSOCIATION = "housing_association", _("housing association")
        FUNDER = "funder", _("funder")
        OTHER = "other", _("other")

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("There is already an organisation with this name.")},
    )
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        unique=True,
        help_text=_("E.g. ØKF, VIBO, LBF. Used in plan files."),
        error_messages={"unique": _("There is already an organisation with this short name.")},
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "short_name"]

    def __str__(self) -> str:
        return self.short_name if self.short_name == self.name else f"{self.name} ({self.short_name})"


class Plan(CleanInput, models.Model):
    """One boligsocial helhedsplan for one area over (usually) four years."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short address"),
        max_length=80,
        unique=True,
        error_messages={"unique": _("There is already a plan with this short address.")},
    )
    area = models.CharField(_("area"), max_length=200)
    municipality = models.CharField(
        _("municipality"), max_length=100, blank=True, default="", help_text=_("E.g. Københavns Kommune.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    description = models.TextField(_("description"), blank=True)
    homes = models.PositiveIntegerField(
        _("homes in the area"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    residents = models.PositiveIntegerField(
        _("residents in the area"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    report_due_months = models.PositiveSmallIntegerField(
        _("months to report"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_(
            "A yearly report to Landsbyggefonden is due this many months after its year ends, the final report "
            "this many months after the period ends."
        ),
    )
    budget_deviation_percent = models.PositiveSmallIntegerField(
        _("budget deviation to explain (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "A report asks for an explanation wherever a sub-agreement's actual spend deviates from its budget by "
            "more than this share."
        ),
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="plans", blank=True, verbose_name=_("parties")
    )
    #: Landsbyggefonden's funding period: its focus areas are the ones the plan's delaftaler may have. Empty
    #: only for a plan made before periods were data (the data migration set 2019-2026 on those).
    funding_period = models.ForeignKey(
        "periods.FundingPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("funding period"),
    )
    lock_version = models.PositiveIntegerField(_("edit number"), default=1, editable=False)
    #: How many times the plan or anything in it has changed (``plans.changes``): what is kept of the plan is kept
    #: under it. Raised in the transaction of every write, never written back by saving the plan (see ``save``).
    change_count = models.PositiveBigIntegerField(_("change number"), default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[organisations], excluded_fields=["change_count"])

    plan_lookup = "pk"

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_date", "name"]
        constraints = [
            CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="plan_ends_after_it_starts",
                violation_error_message=_("The plan must end after it starts."),
                error_field="end_date",
            ),
            *dates_in_bounds("start_date", "end_date"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.lock_version += 1
            if kwargs.get("update_fields") is None:
                # Never write back the change counter read with the plan: a write committed meanwhile may have
                # raised it, and a lower counter would bring back what was kept before that write.
                kwargs["update_fields"] = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.name != "change_count"
                ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("overview:dashboard", kwargs={"plan": self.slug})

    @property
    def owning_plan(self) -> Plan:
        return self

    @property
    def years(self) -> list[int]:
        """The calendar years the plan runs in, e.g. [2022, 2023, 2024, 2025]."""
        return list(range(self.start_date.year, self.end_date.year + 1))

    def contains_date(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def has_ended(self) -> bool:
        """The period is over (as of today): nothing more is due, the results are final."""
        return self.end_date < timezone.localdate()

    @property
    def final_report_due(self) -> datetime.date:
        """The final report to Landsbyggefonden is due this many months after the period ends."""
        return add_months(self.end_date, self.report_due_months)

    def nearest_date_in_period(self, day: datetime.date) -> datetime.date:
        """``day`` if it lies in the period, else the period's first or last day (a form's default date)."""
        return min(max(day, self.start_date), self.end_date)

    @property
    def period_display(self) -> str:
        """The period as people write it: '1. januar 2022 – 31. december 2025'."""
        return f"{date_format(self.start_date, 'DATE_FORMAT')} – {date_format(self.end_date, 'DATE_FORMAT')}"

    def date_outside_period_message(self) -> str:
        return _("The date must lie within the plan's period, %(period)s.") % {"period": self.period_display}

    def contains_year(self, year: int) -> bool:
        return self.start_date.year <= year <= self.end_date.year

    def validate_year(self, year: int | None, field: str = "year") -> None:
        if year is not None and not self.contains_year(year):
            raise ValidationError(
                {
                    field: _("%(year)s is outside the plan's period (%(first)s–%(last)s).")
                    % {"year": year, "first": self.start_date.year, "last": self.end_date.year}
                }
            )


class Estate(PlanContent):
    """A boligafdeling taking part in the plan. Unknown facts stay empty, never zero or invented."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="estates", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("estate number"), max_length=20, blank=True)
    housing_association = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="estates",
        verbose_name=_("housing association"),
        limit_choices_to={"kind": Organisation.Kind.HOUSING_ASSOCIATION},
        help_text=_("Empty when no source says which housing association the estate belongs to."),
    )
    homes = models.PositiveIntegerField(_("homes"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    name_is_known = models.BooleanField(
        _("name is public"),
        default=True,
        help_text=_("Off when the estate's name is not public and a placeholder is shown instead."),
    )
    # Where the estate lies (plans.locations): set once, in the admin, the plan file or `manage.py
    # import_estate_locations`; never looked up while the app runs. Empty when no public source gives it.
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    outline = models.JSONField(
        _("outline"),
        null=True,
        blank=True,
        validators=[validate_outline],
        help_text=_("A closed polygon of [longitude, latitude] points, the first repeated last."),
    )
    location_source = models.CharField(
        _("source of the location"),
        max_length=300,
        blank=True,
        help_text=_("The public source the coordinates come from."),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "name"],
                name="estate_name_unique_in_plan",
                violation_error_message=_("The plan already has an estate with this name."),
                error_field="name",
            ),
            CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="estate_point_has_both_coordinates",
                violation_error_message=_("Give both latitude and longitude, or neither."),
                error_field="longitude",
            ),
            CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(
                    latitude__gte=MIN_LATITUDE,
                    latitude__lte=MAX_LATITUDE,
                    longitude__gte=MIN_LONGITUDE,
                    longitude__lte=MAX_LONGITUDE,
                ),
                name="estate_point_inside_denmark",
                violation_error_message=OUTSIDE_DENMARK,
                error_field="latitude",
            ),
            CheckConstraint(
                condition=Q(outline__isnull=True) | Q(latitude__isnull=False),
                name="estate_outline_has_a_point",
                violation_error_message=_(
                    "An estate with an outline needs its point too (where its marker stands)."
                ),
                error_field="latitude",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("approvals:overview", kwargs={"plan": self.plan.slug}) + f"#estate-{self.pk}"


#: Said when someone would get a second role in a plan (the constraint, and an invitation accepted by a member).
ALREADY_A_MEMBER = _("This user is already a member of the plan.")


class Membership(PlanContent):
    """Who has which role in which plan, and for which organisation."""

    trail_also_reads = ("user",)
    #: Its change log names people and their roles: personal details, for coordinators and editors only (as
    #: the emergency plan's contacts), not reviewers.
    history_permission = "plan.view_contact_details"

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        EDITOR = "editor", _("editor")
        REVIEWER = "reviewer", _("reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("plan")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sub_agreements = models.ManyToManyField(
        "agreements.SubAgreement",
        blank=True,
        related_name="limited_memberships",
        verbose_name=_("limited to sub-agreements"),
        help_text=_("For an editor: only these sub-agreements. Empty means all of the plan."),
    )
    #: The right to sign a plan version for the membership's organisation (``versions``): granted by a
    #: coordinator, and only to a person whose affiliation with that organisation the organisation confirmed.
    signs_for_organisation = models.BooleanField(
        _("signs for the organisation"),
        default=False,
        help_text=_("May approve or reject a version of the plan on behalf of the organisation."),
    )
    keeps_accounts = models.BooleanField(
        _("keeps the accounts"),
        default=False,
        help_text=_(
            "Enters the actual spend of the plan's budget lines (the form and the spreadsheet import), whatever "
            "the organisation — as the secretariat at the lead housing organisation does."
        ),
    )
    history = PlanHistoricalRecords(m2m_fields=[sub_agreements])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["plan", "role", "user__username"]
        constraints = [
            UniqueConstraint(
                fields=["user", "plan"],
                name="one_membership_per_user_and_plan",
                violation_error_message=ALREADY_A_MEMBER,
                error_field="user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.plan}"

    @property
    def crumb_title(self) -> str:
        """The member's name, as the breadcrumbs and the members' pages name a membership."""
        return self.user.get_full_name() or self.user.get_username()

    def navigation_parent(self) -> Crumb:
        """A membership is shown on the plan's members page."""
        return Crumb(str(_("Members")), reverse("members", kwargs={"plan": self.plan.slug}))

    def is_last_coordinator(self) -> bool:
        """Whether this is the plan's only coordinator as stored (the plan would be left without one)."""
        if self.pk is None:
            return False
        stored = Membership.objects.filter(plan_id=self.plan_id, role=self.Role.COORDINATOR)
        return stored.filter(pk=self.pk).exists() and not stored.exclude(pk=self.pk).exists()

    def clean(self) -> None:
        super().clean()
        if self.role != self.Role.COORDINATOR and self.is_last_coordinator():
            raise ValidationError(
                {"role": _("The plan must keep a coordinator: make someone else coordinator first.")}
            )
        if self.keeps_accounts and self.role == self.Role.REVIEWER:
            raise ValidationError(
                {"keeps_accounts": _("A reviewer changes nothing in the plan, and so keeps no accounts.")}
            )
        self.validate_affiliation()
        self.validate_signs_for_organisation()

    def validate_signs_for_organisation(self) -> None:
        """Signing for an organisation needs the person's confirmed affiliation with it: the organisation
        vouches, the coordinator only grants the right."""
        if not self.signs_for_organisation or not (self.user_id and self.organisation_id):
            return
        if not confirmed_affiliations(self.user_id).filter(organisation_id=self.organisation_id).exists():
            raise ValidationError(
                {
                    "signs_for_organisation": _(
                        "Only a person whose affiliation with %(organisation)s the organisation has confirmed "
                        "may sign for it."
                    )
                    % {"organisation": self.organisation.short_name}
                }
            )

    def validate_affiliation(self) -> None:
        """A role that speaks for the organisation (``AFFILIATION_REQUIRED_ROLES``) needs the person's confirmed
        affiliation with it, which the organisation's administrators give: a coordinator may invite, not vouch."""
        if self.role not in AFFILIATION_REQUIRED_ROLES or not (self.user_id and self.organisation_id):
            return
        if not confirmed_affiliations(self.user_id).filter(organisation_id=self.organisation_id).exists():
            raise ValidationError(
                {
                    "organisation": _(
                        "A %(role)s speaks for %(organisation)s, and this person has no confirmed affiliation "
                        "with it. The organisation's administrator confirms its people first (on the "
                        "organisation's page)."
                    )
                    % {"role": self.get_role_display(), "organisation": self.organisation.short_name}
                }
            )

    def clean_many_to_many(self, values: dict) -> None:
        """A delaftale limit is an editor's, and only with delaftaler of the membership's own plan."""
        limits = list(values.get("sub_agreements") or [])
        if limits and self.role != self.Role.EDITOR:
            raise ValidationError({"sub_agreements": _("Only an editor can be limited to sub-agreements.")})
        if any(limit.plan_id != self.plan_id for limit in limits):
            raise ValidationError({"sub_agreements": _("A limit can only name sub-agreements of this plan.")})

    def validate_delete(self) -> None:
        """Refuse to remove the plan's last coordinator (``plans.services.membership_delete`` asks this)."""
        if self.is_last_coordinator():
            raise ValidationError(_("The plan must keep a coordinator: make someone else coordinator first."))


class OrganisationGrant(CleanInput, models.Model):
    """A role in every plan an organisation is a party to (``Plan.organisations``), for the users named on it:
    "Landsbyggefonden's reviewers read every plan LBF is a party to". Kept by superusers in the admin.

    A user holds the grant's role in such a plan unless they are a member of it: then their membership decides
    (``plans.rules.membership_for`` gives the "effective membership"). Only the reviewer's role can be granted
    so: it reads and answers reports, and never sees contact details."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("reviewer")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grants", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REVIEWER)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organisation_grants",
        verbose_name=_("users"),
        help_text=_(
            "The organisation's people who hold the role in every plan the organisation is a party to."
        ),
    )
    history = HistoricalRecords(m2m_fields=[users])

    class Meta:
        verbose_name = _("organisation-wide role")
        verbose_name_plural = _("organisation-wide roles")
        ordering = ["organisation__short_name", "role"]
        constraints = [
            UniqueConstraint(
                fields=["organisation", "role"],
                name="one_grant_per_organisation_and_role",
                violation_error_message=_(
                    "The organisation already has this role in its plans. Add the users there."
                ),
                error_field="role",
            ),
        ]

    def __str__(self) -> str:
        return _("%(role)s in every plan of %(organisation)s") % {
            "role": self.get_role_display(),
            "organisation": self.organisation.short_name,
        }

    def clean_many_to_many(self, values: dict) -> None:
        """Whoever holds the organisation's role in its plans is confirmed as one of its people."""
        users = list(values.get("users") or [])
        affiliated = (
            set(
                confirmed_affiliations([u.pk for u in users])
                .filter(organisation_id=self.organisation_id)
                .values_list("user_id", flat=True)
            )
            if users
            else set()
        )
        strangers = [u for u in users if u.pk not in affiliated]
        if strangers:
            raise ValidationError(
                {
                    "users": _(
                        "Only people with a confirmed affiliation with %(organisation)s can hold its role: %(names)s."
                    )
                    % {
                        "organisation": self.organisation.short_name,
                        "names": ", ".join(u.get_username() for u in strangers),
                    }
                }
            )


def granted_plans(user, roles=None) -> models.QuerySet:
    """The pks (a subquery) of the plans an organisation-wide grant opens to ``user`` with one of ``roles`` (any
    role when None), leaving out the plans the user is a member of: there the membership decides."""
    grants = OrganisationGrant.objects.filter(
        users=user,
        # Only while the user is confirmed as one of the organisation's people (a revoked affiliation ends it).
        organisation__affiliations__user=user,
        organisation__affiliations__state=Affiliation.State.CONFIRMED,
    )
    if roles is not None:
        grants = grants.filter(role__in=roles)
    # Only the plans where the organisation has confirmed its part: an invited party's grant covers nothing.
    confirmed = confirmed_parties().filter(organisation__in=grants.values("organisation"))
    return (
        Plan.objects.filter(pk__in=confirmed.values("plan"))
        .exclude(pk__in=Membership.objects.filter(user=user).values("plan"))
        .values("pk")
    )


# --- Proved addresses and invitations (issue 19: who someone is) ------------------------------------------------


def email_key(email: str) -> str:
    """An e-mail address as it is compared: without surrounding space, in lower case."""
    return (email or "").strip().lower()


class VerifiedEmail(CleanInput, models.Model):
    """The address a user has proved to hold, by following a link sent to it (an invitation, a set-password
    link). A user's e-mail is *verified* only while it is this address (``email_is_verified``): setting or
    changing the user's e-mail anywhere leaves it unverified until a link sent to the new address is followed.
    A superuser who sets an address in the admin vouches for it (``plans.admin``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verified_email",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("verified e-mail address"), max_length=254)
    verified_at = models.DateTimeField(_("verified"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verified e-mail address")
        verbose_name_plural = _("verified e-mail addresses")
        constraints = [*dates_in_bounds(times=("verified_at",))]

    def __str__(self) -> str:
        return self.email


def email_is_verified(user) -> bool:
    """Whether ``user``'s current e-mail address is the one they proved to hold."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.email:
        return False
    try:
        verified = user.verified_email
    except ObjectDoesNotExist:
        return False
    return email_key(verified.email) == email_key(user.email)


class Invitation(PlanContent):
    """A role in a plan offered to an e-mail address. The role starts only when the holder of that mailbox
    follows the link mailed to it and accepts (``plans.services.invitation_accept``): no account is ever given
    a role because its address matches. The link's token is stored only as its SHA-256 (``token_hash``); a
    resend makes a new token, so the older link stops working."""

    #: Days a link may be followed after it was (last) sent.
    VALID_DAYS: ClassVar[int] = 14

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        #: Accepted by the holder of the address, who is not (yet) confirmed by the invitation's organisation:
        #: the role starts when its administrator confirms them (``affiliation_confirm``).
        AWAITING_ORGANISATION = "awaiting", _("accepted, awaiting the organisation")
        ACCEPTED = "accepted", _("accepted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("plan")
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    sub_agreements = models.ManyToManyField(
        "agreements.SubAgreement",
        blank=True,
        related_name="limited_invitations",
        verbose_name=_("limited to sub-agreements"),
        help_text=_("For an editor: only these sub-agreements. Empty means all of the plan."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    #: When the link was last queued for mailing, and that mail (``core.mail``: sent by a background task; its
    #: status says whether it went or failed, which the members page shows with "Send igen").
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True, editable=False)
    mail = models.ForeignKey(
        "core.OutgoingMail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("e-mail"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    history = PlanHistoricalRecords(m2m_fields=[sub_agreements], excluded_fields=["token_hash"])
    #: Its change log names people and addresses: for coordinators and editors, as a membership's.
    history_permission = "plan.view_contact_details"

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["plan", "-created_at"]
        constraints = [
            UniqueConstraint(
                models.functions.Lower("email"),
                "plan",
                condition=Q(state="pending"),
                name="one_pending_invitation_per_address_and_plan",
                violation_error_message=_(
                    "This address already has an invitation to the plan waiting. Send it again from the "
                    "members page, or withdraw it first."
                ),
                error_field="email",
            ),
            *dates_in_bounds(times=("created_at", "expires_at", "last_sent_at", "accepted_at")),
        ]

    def __str__(self) -> str:
        return _("Invitation of %(email)s as %(role)s") % {
            "email": self.email,
            "role": self.get_role_display(),
        }

    @property
    def crumb_title(self) -> str:
        return self.email

    @property
    def mail_failed(self) -> bool:
        """The last mail of the link could not be delivered (given up after its retries, or refused by the
        server): the coordinator is shown it, with "Send igen"."""
        return self.mail is not None and self.mail.status in (
            OutgoingMail.Status.FAILED,
            OutgoingMail.Status.UNDELIVERABLE,
        )

    def navigation_parent(self) -> Crumb:
        """An invitation is shown on the plan's members page."""
        return Crumb(str(_("Members")), reverse("members", kwargs={"plan": self.plan.slug}))

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def current_state(self) -> str:
        """The state as it is now: a pending invitation whose time ran out is expired."""
        if self.state == self.State.PENDING and self.is_expired:
            return self.State.EXPIRED
        return self.state

    @property
    def is_open(self) -> bool:
        """Whether its link may still be accepted."""
        return self.current_state == self.State.PENDING

    def clean(self) -> None:
        super().clean()
        if self.email and self.plan_id and self.state == self.State.PENDING:
            members = Membership.objects.filter(
                plan_id=self.plan_id, user__email__iexact=email_key(self.email)
            )
            if members.exists():
                # The coordinator sees the members' addresses: this tells them nothing new about any account.
                raise ValidationError({"email": _("A member of the plan already has this e-mail address.")})

    def clean_many_to_many(self, values: dict) -> None:
        """The limits of the membership it offers: the membership's own rule."""
        Membership(plan_id=self.plan_id, role=self.role).clean_many_to_many(values)


# --- Who someone is and whom they may speak for: organisations vouch for their people ---------------------------
#
# A person's affiliation with an organisation is given by the organisation (its administrators), never by a
# plan's coordinator: ``Affiliation``. The roles that speak for an organisation (``AFFILIATION_REQUIRED_ROLES``:
# the reviewer, who answers reports in Landsbyggefonden's name) need it, and so does an organisation-wide grant.
# A plan names its parties (``Plan.organisations``); an organisation-wide grant covers the plan only once that
# party's role is confirmed by the organisation (``PartyConfirmation``).

#: The short name of Landsbyggefonden: reports are answered in its name (``speaks_for_landsbyggefonden``).
LANDSBYGGEFONDEN = "LBF"

#: The roles in a plan held "for" the membership's organisation, and so needing the person's confirmed
#: affiliation with it: every role. A coordinator invites, but whom someone speaks for is the organisation's to
#: say (an invitation accepted by someone it has not confirmed waits for its administrator).
AFFILIATION_REQUIRED_ROLES: frozenset[str] = frozenset({"coordinator", "editor", "reviewer"})


class Affiliation(CleanInput, models.Model):
    """A person's tie to an organisation, as the organisation gives it: asked for (by the person), confirmed
    (by one of its administrators, or by a verified address in one of its e-mail domains), or revoked. A
    confirmed affiliation may make the person one of the organisation's administrators, who confirm the
    others (a superuser names the first, in the admin)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        CONFIRMED = "confirmed", _("confirmed")
        REVOKED = "revoked", _("revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("organisation")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    is_administrator = models.BooleanField(
        _("administrator of the organisation"),
        default=False,
        help_text=_(
            "Confirms the organisation's people and its parties to plans, and names other administrators."
        ),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or revoked by"),
        help_text=_(
            "Empty when a verified address in one of the organisation's e-mail domains confirmed it."
        ),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["organisation__short_name", "state", "user__username"]
        constraints = [
            UniqueConstraint(
                fields=["user", "organisation"],
                name="one_affiliation_per_user_and_organisation",
                violation_error_message=_("This person already has an affiliation with the organisation."),
                error_field="user",
            ),
            CheckConstraint(
                condition=Q(is_administrator=False) | Q(state="confirmed"),
                name="an_administrator_is_confirmed",
                violation_error_message=_(
                    "Only a confirmed member of the organisation can be its administrator."
                ),
                error_field="is_administrator",
            ),
            *dates_in_bounds(times=("at",)),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation.short_name} · {self.get_state_display()}"


class EmailDomain(CleanInput, models.Model):
    """An e-mail domain of an organisation (``lbf.dk``): a verified address in it is affiliated with the
    organisation without a confirmation (unless its affiliation was revoked)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="email_domains", verbose_name=_("organisation")
    )
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        help_text=_("The part after @, e.g. lbf.dk."),
        error_messages={"unique": _("This e-mail domain already belongs to an organisation.")},
        validators=[
            RegexValidator(
                r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
                _("Enter a domain such as lbf.dk, in small letters, without @."),
            )
        ],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class PartyConfirmation(CleanInput, models.Model):
    """The organisation's own word that it is a party to the plan, given by one of its administrators (or by
    the coordinator who starts the plan for it, or by a plan file imported). Until then the organisation is an
    invited party: named in the plan, but its organisation-wide grants do not cover the plan."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="party_confirmations", verbose_name=_("plan")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="party_confirmations",
        verbose_name=_("organisation"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("confirmed party")
        verbose_name_plural = _("confirmed parties")
        ordering = ["plan", "organisation__short_name"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "organisation"],
                name="one_confirmation_per_plan_and_party",
                violation_error_message=_("The organisation has already confirmed its part in this plan."),
                error_field="organisation",
            ),
            *dates_in_bounds(times=("at",)),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} · {self.plan}"

    def clean(self) -> None:
        super().clean()
        if (
            self.plan_id
            and self.organisation_id
            and not self.plan.organisations.filter(pk=self.organisation_id).exists()
        ):
            raise ValidationError({"organisation": _("The organisation is not a party to the plan.")})


def confirmed_affiliations(user) -> models.QuerySet:
    """The confirmed affiliations of ``user`` (a user, a pk, or a list of pks)."""
    if isinstance(user, list):
        return Affiliation.objects.filter(user__in=user, state=Affiliation.State.CONFIRMED)
    return Affiliation.objects.filter(user=user, state=Affiliation.State.CONFIRMED)


def is_affiliated(user, organisation) -> bool:
    """Whether ``user`` has a confirmed affiliation with ``organisation`` (an Organisation or its pk)."""
    if user is None or not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return confirmed_affiliations(user).filter(organisation=organisation).exists()


def landsbyggefonden_affiliation(user) -> models.Exists:
    """An annotation for a query of the user's membership or grant: their confirmed affiliation with
    Landsbyggefonden, read in the same query (the rules of ``IN_LANDSBYGGEFONDENS_NAME`` ask it)."""
    return models.Exists(
        Affiliation.objects.filter(
            user=user,
            organisation__short_name=LANDSBYGGEFONDEN,
            state=Affiliation.State.CONFIRMED,
        )
    )


def speaks_for_landsbyggefonden(user) -> bool:
    """Whether ``user`` may answer in Landsbyggefonden's name: a confirmed affiliation with LBF (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return confirmed_affiliations(user).filter(organisation__short_name=LANDSBYGGEFONDEN).exists()


def administers(user, organisation) -> bool:
    """Whether ``user`` is an administrator of ``organisation`` (a confirmed affiliation marked so)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return confirmed_affiliations(user).filter(organisation=organisation, is_administrator=True).exists()


def confirmed_parties() -> models.QuerySet:
    """The confirmations of parties still named in their plan (a party removed and named again is invited
    afresh only if its confirmation was removed with it; the join keeps the two agreeing either way)."""
    return PartyConfirmation.objects.filter(organisation__plans=models.F("plan"))
