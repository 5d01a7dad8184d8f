"""The versions' pages: the list ("Versioner"), a version as a document, what changed, submitting a version and
recording a party's decision; the banner every plan page loads when the live plan differs from the approved
version in a part that needs Landsbyggefonden's approval."""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from helhedsplan.core.navigation import Crumb
from helhedsplan.core.stored_files import StoredFileDamaged, damaged_file_response, open_checked
from helhedsplan.plans.views import PlanTemplateView, PlanViewMixin, Refused

from . import services
from .forms import SignoffForm, SubmitVersionForm
from .models import PlanVersion, Signoff
from .selectors import (
    awaiting_version,
    banner_state,
    change_rows,
    changes_since_approved,
    snapshot_of,
    version_document,
    version_or_none,
    versions_of,
)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class VersionsCrumbMixin:
    def versions_crumb(self) -> Crumb:
        plan = self.plan  # type: ignore[attr-defined]  # the kit's PlanViewMixin sets it
        return Crumb(gettext("Versions"), reverse("versions:list", kwargs={"plan": plan.slug}))


class VersionListView(PlanTemplateView):
    """Every version of the plan: number, status, reason, sign-offs and hash.

    Queries: the versions with who submitted them, their sign-offs with their organisations."""

    template_name = "versions/list.html"
    page_title = gettext_lazy("Versions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = versions_of(self.plan)
        context.update(
            versions=versions,
            approved=next((v for v in versions if v.status == PlanVersion.Status.APPROVED), None),
            awaiting=next((v for v in versions if v.status == PlanVersion.Status.SUBMITTED), None),
        )
        return context


class VersionMixin(VersionsCrumbMixin, PlanViewMixin):
    @cached_property
    def version(self) -> PlanVersion:
        version = version_or_none(self.plan, self.kwargs["number"])
        if version is None:
            raise Http404("no such version")
        return version

    def get_breadcrumbs(self) -> list[Crumb]:
        return [self.versions_crumb(), Crumb(self.get_page_title())]


class VersionDetailView(VersionMixin, PlanTemplateView):
    """A version as a document (printable; its PDF is the ``version`` exporter), with its sign-offs."""

    template_name = "versions/detail.html"

    def get_page_title(self) -> str:
        return str(self.version)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        signoffs = list(self.version.signoffs.all())
        context.update(
            version=self.version,
            sections=version_document(self.version),
            signoffs=signoffs,
            rejection=next((s for s in signoffs if s.decision == Signoff.Decision.REJECTED), None),
            may_act={
                s.pk: self.version.is_awaiting
                and not s.is_decided
                and (services.may_sign(user, s) or services.may_record(user, self.version))
                for s in signoffs
            },
        )
        return context


class ChangesView(VersionsCrumbMixin, PlanTemplateView):
    """ "Ændringer siden godkendt version N": the live plan against the approved version."""

    template_name = "versions/changes.html"

    @cached_property
    def pending(self):
        return changes_since_approved(self.plan)

    def get_page_title(self) -> str:
        if self.pending.approved is None:
            return gettext("Changes since the approved version")
        return gettext("Changes since approved version %(number)s") % {"number": self.pending.approved.number}

    def get_breadcrumbs(self) -> list[Crumb]:
        return [self.versions_crumb(), Crumb(self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(pending=self.pending, rows=self.pending.rows, awaiting=awaiting_version(self.plan))
        return context


class VersionChangesView(VersionMixin, PlanTemplateView):
    """What a version changed against the version it was based on (the first version: everything is new)."""

    template_name = "versions/changes.html"

    def get_page_title(self) -> str:
        return gettext("What version %(number)s changed") % {"number": self.version.number}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = self.version.based_on
        old = snapshot_of(base) if base is not None else {"sections": {}}
        context.update(
            version=self.version, base=base, rows=change_rows(self.plan, old, snapshot_of(self.version))
        )
        return context


class BannerView(PlanTemplateView):
    """The banner each plan page loads (htmx): shown when the live plan differs from the approved version in a
    section that needs Landsbyggefonden's approval; empty otherwise."""

    template_name = "versions/banner.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = banner_state(self.plan)
        return context


class VersionCreateView(VersionsCrumbMixin, PlanTemplateView):
    """A coordinator submits the live plan as the next version, with the reason; GET lists what changed."""

    permission_required = "plan.manage"
    template_name = "versions/submit.html"
    page_title = gettext_lazy("Submit a new version")

    def get_breadcrumbs(self) -> list[Crumb]:
        return [self.versions_crumb(), Crumb(self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = changes_since_approved(self.plan)
        context.setdefault("form", SubmitVersionForm())
        context.update(pending=pending, rows=pending.rows, awaiting=awaiting_version(self.plan))
        return context

    def post(self, request, *args, **kwargs):
        form = SubmitVersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.version_submit(
                    plan=self.plan,
                    reason_category=form.cleaned_data["reason_category"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("Version %(number)s is submitted; its parties are asked to sign.")
                    % {"number": version.number},
                )
                return redirect(version.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class SignoffMixin(VersionMixin):
    @cached_property
    def signoff(self) -> Signoff:
        signoff = next((s for s in self.version.signoffs.all() if s.pk == self.kwargs["pk"]), None)
        if signoff is None:
            raise Http404("no such sign-off")
        return signoff

    def get_permission_object(self):
        # Another plan's sign-off (or another version's) is not found, on any method.
        return self.signoff


class SignoffUpdateView(SignoffMixin, PlanTemplateView):
    """A party's decision: signed in the app by a holder of "signs for the organisation", or recorded by a
    coordinator as taken outside the app (with its document)."""

    template_name = "versions/sign.html"

    def check_permissions(self) -> None:
        user = self.request.user
        if not (services.may_sign(user, self.signoff) or services.may_record(user, self.version)):
            raise Refused(
                "plan.manage",
                self.plan,
                reason=gettext(
                    "Only a member who signs for the organisation, or a coordinator recording a decision taken "
                    "outside the app, records a party's decision."
                ),
            )

    @property
    def outside_app(self) -> bool:
        return not services.may_sign(self.request.user, self.signoff)

    def get_page_title(self) -> str:
        return gettext("Decision of %(party)s on %(version)s") % {
            "party": self.signoff.organisation.short_name
            if self.signoff.organisation
            else self.signoff.get_party_display(),
            "version": self.version,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SignoffForm(outside_app=self.outside_app))
        context.update(version=self.version, signoff=self.signoff, outside_app=self.outside_app)
        return context

    def post(self, request, *args, **kwargs):
        form = SignoffForm(request.POST, request.FILES, outside_app=self.outside_app)
        if form.is_valid():
            try:
                services.signoff_decide(
                    signoff=self.signoff,
                    decision=form.cleaned_data["decision"],
                    body=form.cleaned_data["body"],
                    decided_on=form.cleaned_data["decided_on"],
                    evidence=form.cleaned_data.get("evidence"),
                    comment=form.cleaned_data["comment"],
                    outside_app=self.outside_app,
                    actor=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, gettext("The decision is recorded."))
                return redirect(self.version.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class EvidenceView(SignoffMixin, View):
    """A sign-off's minutes or letter (PDF), to the plan's members."""

    def get(self, request, *args, **kwargs):
        if not self.signoff.evidence:
            raise Http404
        try:
            # Read and checked against the SHA-256 kept when it was recorded before any byte is sent: the
            # storage is not the database, and a file changed there is not the minutes the party decided on.
            handle = open_checked(self.signoff.evidence, self.signoff.evidence_sha256)
        except FileNotFoundError as error:
            raise Http404 from error
        except StoredFileDamaged:
            return damaged_file_response(request, back_url=self.version.get_absolute_url())
        name = f"version-{self.version.number}-{self.signoff.party}-{self.signoff.pk}.pdf"
        response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response
