"""The strategic agreement and the four delaftaler, one per LBF focus area."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import UniqueConstraint
from helhedsplan.core.models import ExampleFlag
from helhedsplan.core.navigation import Crumb
from helhedsplan.periods.models import FocusAreaDefinition
from helhedsplan.periods.names import focus_area_name
from helhedsplan.plans.models import Organisation, Plan, PlanContent, PlanHistoricalRecords


class FocusArea(models.TextChoices):
    """The four indsatsområder of Landsbyggefonden's 2019-2026 period (its regulativ).

    The focus areas of every period are data (``periods.FocusAreaDefinition``); a delaftale's focus area is
    validated against its plan's period. These four codes keep their names and LBF's order here so that the
    pages of a 2019-2026 plan name and sort them without a query; a strategic goal still takes one of them."""

    EDUCATION = "education", _("Education and life chances")
    EMPLOYMENT = "employment", _("Employment")
    CRIME_PREVENTION = "crime_prevention", _("Crime prevention")
    COHESION = "cohesion", _("Cohesion and citizenship")


#: Each focus area's place in LBF's order, for sorting in Python.
FOCUS_AREA_RANK = {value: index for index, value in enumerate(FocusArea.values)}


def focus_area_order(path: str = "focus_area") -> models.Case:
    """An ``order_by`` term for LBF's order of the focus areas (education, employment, crime prevention,
    cohesion) rather than their names; rows without one (shared budget lines) come last on every database.

    It is the delaftaler's and strategic goals' default ordering too. The conditions are lookups over ``F()``
    (not ``Q``) so Django can prefix them when another model orders by its delaftale
    (``BudgetLine.objects.order_by("sub_agreement")``)."""
    return models.Case(
        *(
            models.When(Exact(F(path), value), then=models.Value(index))
            for index, value in enumerate(FocusArea.values)
        ),
        default=models.Value(len(FocusArea.values)),
        output_field=models.IntegerField(),
    )


class StrategicAgreement(PlanContent):
    """Frame and direction of the whole plan (strategisk samarbejdsaftale)."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="strategic_agreement", verbose_name=_("plan")
    )
    vision = models.TextField(_("vision"), blank=True)
    challenges = models.TextField(_("the area's challenges"), blank=True)
    steering_tools = models.TextField(_("steering tools"), blank=True)
    resident_involvement = models.TextField(_("resident involvement"), blank=True)
    governance = models.TextField(_("governance"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("strategic agreement")
        verbose_name_plural = _("strategic agreements")

    def __str__(self) -> str:
        return str(_("Strategic agreement")) + f" · {self.plan}"

    @property
    def crumb_title(self) -> str:
        return str(_("Strategic agreement"))

    def get_absolute_url(self) -> str:
        return reverse("agreements:strategic", kwargs={"plan": self.plan.slug})


def strategic_agreement_crumb(plan: Plan) -> Crumb:
    """The strategic agreement's page, which shows the strategic goals (written or not)."""
    return Crumb(str(_("Strategic agreement")), reverse("agreements:strategic", kwargs={"plan": plan.slug}))


def sub_agreements_crumb(plan: Plan) -> Crumb:
    """The list of the plan's delaftaler."""
    return Crumb(str(_("Sub-agreements")), reverse("agreements:sub_agreements", kwargs={"plan": plan.slug}))


class FocusAreaNamed:
    """Names a row's focus area (``focus_area``, in the plan ``plan_id``) and checks it against the plan's funding
    period; mixed into the strategic goal, the delaftale and their history records."""

    focus_area: str
    plan_id: int | None

    def get_focus_area_display(self) -> str:
        """The focus area's name: a 2019-2026 area's from FocusArea (no query), another period's from its data
        (read once per plan and request)."""
        if self.focus_area in FOCUS_AREA_RANK:
            return str(FocusArea(self.focus_area).label)
        if self.plan_id is None:
            return self.focus_area
        return focus_area_name(plan_id=self.plan_id, code=self.focus_area) or self.focus_area

    def remember_focus_area(self) -> None:
        """The focus area as stored (``from_db``): it is checked against the period only when it changes."""
        self.__dict__["_loaded_focus_area"] = self.__dict__.get("focus_area")

    def validate_focus_area(self) -> None:
        """The focus area is one of the plan's funding period's (a plan without a period: the 2019-2026 codes).
        Checked when the row is made or its focus area changes, so editing the row's texts asks nothing."""
        if not self.plan_id or not self.focus_area:
            return
        state = getattr(self, "_state", None)
        if (
            state is not None
            and not state.adding
            and self.__dict__.get("_loaded_focus_area") == self.focus_area
        ):
            return
        period_id = self.plan.funding_period_id  # type: ignore[attr-defined]  # the model's plan
        if period_id is None:
            allowed = list(FocusArea.values)
        else:
            allowed = list(
                FocusAreaDefinition.objects.filter(period_id=period_id).values_list("code", flat=True)
            )
        if self.focus_area not in allowed:
            raise ValidationError(
                {
                    "focus_area": _(
                        "%(code)s is not a focus area of the plan's funding period. Choose one of: %(codes)s."
                    )
                    % {"code": self.focus_area, "codes": ", ".join(allowed)}
                }
            )


class StrategicGoal(FocusAreaNamed, PlanContent):
    """One strategic goal (målsætning) per focus area."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="strategic_goals", verbose_name=_("plan")
    )
    focus_area = models.CharField(_("focus area"), max_length=30)
    text = models.TextField(
        _("wording of the goal"), error_messages={"blank": _("Write the strategic goal.")}
    )
    history = PlanHistoricalRecords(bases=(FocusAreaNamed,))

    class Meta:
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")
        ordering = ["plan", focus_area_order()]
        constraints = [
            UniqueConstraint(
                fields=["plan", "focus_area"],
                name="one_strategic_goal_per_focus_area",
                error_field="focus_area",
                violation_error_message=_("The plan already has a strategic goal for this focus area."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_focus_area_display()

    @property
    def crumb_title(self) -> str:
        return _("Strategic goal: %(focus_area)s") % {"focus_area": self}

    def navigation_parent(self) -> Crumb:
        return strategic_agreement_crumb(self.plan)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_focus_area()
        return instance

    def clean(self) -> None:
        super().clean()
        self.validate_focus_area()

    def get_absolute_url(self) -> str:
        return reverse("agreements:strategic", kwargs={"plan": self.plan.slug}) + f"#strategic-goal-{self.pk}"


class SubAgreement(FocusAreaNamed, PlanContent):
    """A delaftale: how the parties work together within one focus area."""

    sub_agreement_lookup = "pk"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="sub_agreements", verbose_name=_("plan")
    )
    #: A code of one of the plan's funding period's focus areas (``clean``); the 2019-2026 codes are FocusArea's.
    focus_area = models.CharField(_("focus area"), max_length=30)
    purpose = models.TextField(_("purpose"), blank=True)
    problem = models.TextField(_("problem addressed"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    anchoring = models.TextField(
        _("anchoring"), blank=True, help_text=_("How the work is carried on after the plan.")
    )
    #: The final report's whole-period conclusion of the delaftale (LBF: "samlet vurdering").
    conclusion = models.TextField(
        _("conclusion over the period"),
        blank=True,
        help_text=_(
            "For the final report: what was reached against the goals over the whole period, and why not where not."
        ),
    )
    history = PlanHistoricalRecords(bases=(FocusAreaNamed,))

    class Meta:
        verbose_name = _("sub-agreement")
        verbose_name_plural = _("sub-agreements")
        # Another period's focus areas (not FocusArea's) come after the 2019-2026 ones, in the order they were
        # made (the template makes them in LBF's order).
        ordering = ["plan", focus_area_order(), "pk"]
        constraints = [
            UniqueConstraint(
                fields=["plan", "focus_area"],
                name="one_sub_agreement_per_focus_area",
                error_field="focus_area",
                violation_error_message=_("The plan already has a sub-agreement for this focus area."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_focus_area_display()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_focus_area()
        return instance

    def clean(self) -> None:
        super().clean()
        self.validate_focus_area()

    def navigation_parent(self) -> Crumb:
        return sub_agreements_crumb(self.plan)

    def get_absolute_url(self) -> str:
        return reverse("agreements:sub_agreement", kwargs={"plan": self.plan.slug, "pk": self.pk})

    @property
    def sub_agreement(self) -> SubAgreement:
        """Itself: lets permission rules ask any object for 'its' delaftale."""
        return self


class SubAgreementParty(PlanContent):
    """A party to a delaftale and what it commits to."""

    trail_also_reads = ("organisation",)

    plan_lookup = "sub_agreement__plan"
    sub_agreement_lookup = "sub_agreement"
    parent_field = "sub_agreement"
    #: The party's contact person (``core.personal``): never in a file or answer that leaves the plan's staff.
    PERSONAL_FIELDS = ("contact_name", "contact_title")

    sub_agreement = models.ForeignKey(
        SubAgreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("sub-agreement")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("organisation")
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_title = models.CharField(_("title"), max_length=200, blank=True)
    commitment = models.TextField(_("commitment"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["sub_agreement", "organisation__short_name"]
        constraints = [
            UniqueConstraint(
                fields=["sub_agreement", "organisation"],
                name="one_party_row_per_organisation",
                error_field="organisation",
                violation_error_message=_("This organisation is already a party to this sub-agreement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.sub_agreement}"

    @property
    def crumb_title(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return self.sub_agreement.get_absolute_url() + f"#party-{self.pk}"


class Narrative(PlanContent, ExampleFlag):
    """A delaftale's account of one year for the report to Landsbyggefonden: what went well, what did not, and what
    changes. Written by the coordinator or an editor of the delaftale; its history is kept like every other text."""

    plan_lookup = "sub_agreement__plan"
    sub_agreement_lookup = "sub_agreement"
    parent_field = "sub_agreement"

    sub_agreement = models.ForeignKey(
        SubAgreement, on_delete=models.CASCADE, related_name="narratives", verbose_name=_("sub-agreement")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    went_well = models.TextField(_("what went well"), blank=True)
    went_badly = models.TextField(_("what did not go well"), blank=True)
    changes = models.TextField(_("what changes"), blank=True)
    #: Why the year's spend deviates from the budget, where it deviates by more than the plan's threshold
    #: (``Plan.budget_deviation_percent``); the report asks for it.
    budget_explanation = models.TextField(
        _("explanation of the budget deviation"),
        blank=True,
        help_text=_(
            "Why the year's actual spend deviates from the budget, when it deviates by more than the plan's threshold."
        ),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("yearly narrative")
        verbose_name_plural = _("yearly narratives")
        ordering = ["sub_agreement", "year"]
        constraints = [
            UniqueConstraint(
                fields=["sub_agreement", "year"],
                name="one_narrative_per_sub_agreement_and_year",
                error_field="year",
                violation_error_message=_(
                    "This sub-agreement already has a narrative for that year. Edit that one instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("%(sub_agreement)s: the year %(year)s") % {
            "sub_agreement": self.sub_agreement,
            "year": self.year,
        }

    @property
    def crumb_title(self) -> str:
        return _("The year %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return self.sub_agreement.get_absolute_url() + f"#narrative-{self.year}"

    def clean(self) -> None:
        if self.sub_agreement_id:
            self.sub_agreement.plan.validate_year(self.year)

    def is_empty(self) -> bool:
        return not (self.went_well or self.went_badly or self.changes or self.budget_explanation)
