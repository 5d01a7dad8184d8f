"""The "Ny helhedsplan" page (outside any plan): an administrator or a coordinator of any plan starts a plan from
Landsbyggefonden's template; the creator lands on the new plan's dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.plans import access

from . import services
from .forms import NewPlanForm


class NewPlanView(LoginRequiredMixin, generic.FormView):
    template_name = "plantemplate/new_plan.html"
    form_class = NewPlanForm
    page_title = gettext_lazy("New plan")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_create_plans(request.user):
            raise PermissionDenied(_("Only an administrator or a plan's coordinator can start a new plan."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["readable_plans"] = list(access.plans_of(self.request.user))
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        # From a plan's dashboard: "a new plan succeeding this one".
        return {"predecessor": self.request.GET.get("forgaenger", "")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        context["cancel_url"] = reverse("home")
        return context

    def form_valid(self, form: NewPlanForm):
        data = form.cleaned_data
        # A plan the user may not read does not exist for them.
        predecessor = (
            access.get_plan_or_404(self.request.user, data["predecessor"]) if data["predecessor"] else None
        )
        try:
            plan = services.plan_create_from_template(
                data=services.NewPlanData(
                    name=data["name"],
                    slug=data["slug"],
                    area=data["area"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    funding_period=data["funding_period"],
                    organisation=data["organisation"],
                ),
                predecessor=predecessor,
                actor=self.request.user,
            )
        except ValidationError as refusal:
            _add_errors(form, refusal)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan is made from Landsbyggefonden's template."))
        return redirect(plan)


def _add_errors(form: NewPlanForm, refusal: ValidationError) -> None:
    """The model's or the service's refusal, next to the field it is about (on the form as a whole otherwise)."""
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal)
