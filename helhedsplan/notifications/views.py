"""The account's mail settings (``/konto/e-mail/``), the unsubscribe link of every mail (no login needed), and
the plan's undeliverable addresses for its coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.plans.models import Plan
from helhedsplan.plans.views import PlanTemplateView

from . import selectors, services
from .mail import read_unsubscribe_token


class MailSettingsView(LoginRequiredMixin, generic.TemplateView):
    """Which mail of each plan the user gets: notifications, the daily digest, both or none."""

    template_name = "notifications/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.preference_rows(self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        for row in selectors.preference_rows(request.user):
            services.mail_preference_set(
                user=request.user,
                plan=row.plan,
                notifications=f"notifications-{row.plan.pk}" in request.POST,
                digest=f"digest-{row.plan.pk}" in request.POST,
                actor=request.user,
            )
        messages.success(request, _("Your mail settings are saved."))
        return redirect("notifications:settings")


KIND_LABELS = {
    "notifications": gettext_lazy("notifications"),
    "digest": gettext_lazy("the daily digest"),
}


class UnsubscribeView(generic.View):
    """The link in every mail: turns off that kind of mail of that plan, without logging in. The link is signed
    and expires (``mail.UNSUBSCRIBE_MAX_AGE``); one that was changed, is malformed or too old is refused with a
    Danish message and changes nothing. GET asks, POST does it (a mail program that opens links never
    unsubscribes anyone)."""

    template_name = "notifications/unsubscribe.html"

    def _read(self, token: str):
        try:
            user_pk, plan_pk, kind = read_unsubscribe_token(token)
        except signing.SignatureExpired:
            return None, _("The link has expired. Change your mail settings on your account page instead.")
        except signing.BadSignature:
            return None, _("The link is not valid. Change your mail settings on your account page instead.")
        user = get_user_model()._default_manager.filter(pk=user_pk).first()
        plan = Plan.objects.filter(pk=plan_pk).first()
        if user is None or plan is None:
            return None, _("The link is not valid. Change your mail settings on your account page instead.")
        return (user, plan, kind), ""

    def get(self, request, token: str):
        found, error = self._read(token)
        return self._page(request, found, error, done=False)

    def post(self, request, token: str):
        found, error = self._read(token)
        if found is not None:
            user, plan, kind = found
            services.mail_preference_unsubscribe(user=user, plan=plan, kind=kind, actor=None)
        return self._page(request, found, error, done=found is not None)

    def _page(self, request, found, error: str, *, done: bool):
        context = {"error": error, "done": done}
        if found is not None:
            user, plan, kind = found
            context.update(plan=plan, kind=KIND_LABELS[kind], mail_user=user)
        return render(request, self.template_name, context, status=400 if error else 200)


class UndeliverableView(PlanTemplateView):
    """The plan's people whose address did not take the last mail sent to it (coordinators only)."""

    template_name = "notifications/undeliverable.html"
    permission_required = "plan.manage"
    page_title = gettext_lazy("E-mail addresses that do not work")
    personal_data = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.undeliverable_people(self.plan)
        return context
