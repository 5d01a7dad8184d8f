"""The reports to Landsbyggefonden: the archive, a report's page and files, submitting, answering and
commenting."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.navigation import Crumb
from helhedsplan.core.services import EditConflict
from helhedsplan.core.stored_files import StoredFileDamaged, damaged_file_response
from helhedsplan.plans.views import PlanTemplateView
from helhedsplan.reports import documents, services

from .changes import changes_since
from .forms import AnswerForm, CommentForm, ReportTextsForm, SubmitForm, VerifyForm, add_errors
from .models import Report, Submission, sha256_of
from .report import report_archive, report_of, report_submissions, status_report, submissions_matching

# --- Reports to Landsbyggefonden --------------------------------------------------------------------------------


def report_from_url(plan, period: str) -> Report:
    """``2024`` → the yearly report of 2024, ``slut`` → the final report; stored or not yet (a draft). 404 for a year
    outside the plan's period."""
    if period == "slut":
        kind, year = Report.Kind.FINAL, None
    elif period.isascii() and period.isdigit() and len(period) == 4 and plan.contains_year(int(period)):
        kind, year = Report.Kind.YEARLY, int(period)
    else:
        raise Http404
    return report_of(plan, kind=kind, year=year)


def as_of_asked(params, report: Report, today: datetime.date) -> datetime.date:
    """The as-of date: ``?dato=`` if it is a valid day inside the covered time, else the report's default."""
    asked = params.get("dato", "")
    try:
        day = datetime.date.fromisoformat(asked) if len(asked) == 10 else None
    except ValueError:
        day = None
    if day is not None and report.first_day <= day <= report.last_day:
        return day
    return report.default_as_of(today)


class ReportArchiveView(PlanTemplateView):
    """Every report the plan owes: due dates, where each stands, and every submission with its hashes."""

    template_name = "reports/archive.html"
    page_title = _("Reports to Landsbyggefonden")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = report_archive(self.plan, today=timezone.localdate())
        context["verify_form"] = kwargs.get("verify_form") or VerifyForm()
        context["verified"] = kwargs.get("verified")
        return context


class VerifyFileView(ReportArchiveView):
    """A reviewer checks a file they hold against the stored files' SHA-256: "matches submission 2's PDF", or
    not. Nothing is stored; GET shows the archive."""

    def post(self, request, *args, **kwargs):
        form = VerifyForm(request.POST, request.FILES)
        verified = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            digest = sha256_of(b"".join(upload.chunks()))
            verified = {
                "sha256": digest,
                "name": upload.name,
                "matches": submissions_matching(self.plan, digest),
            }
        return self.render_to_response(self.get_context_data(verify_form=form, verified=verified))


class ReportView(PlanTemplateView):
    """One report as a web page (printable), with its downloads, its submissions and the forms to act on it."""

    template_name = "reports/report.html"

    def get_page_title(self) -> str:
        return str(self.report)

    @cached_property
    def report(self) -> Report:
        return report_from_url(self.plan, self.kwargs["period"])

    def get_breadcrumbs(self):
        archive = reverse("reports:archive", kwargs={"plan": self.plan.slug})
        return [Crumb(str(_("Reports to Landsbyggefonden")), archive), Crumb(str(self.report))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of = as_of_asked(self.request.GET, self.report, timezone.localdate())
        user = self.request.user
        today = timezone.localdate()
        submissions = report_submissions(self.report)
        shown = self.shown_submission(submissions)
        may_submit = user.has_perm("plan.submit_reports", self.plan) and self.report.can_be_made(today)
        context.update(
            data=status_report(self.report, as_of=as_of),
            submissions=submissions,
            shown_submission=shown,
            changes_since=changes_since(
                self.plan, shown.submitted_at, personal=user.has_perm("plan.view_contact_details", self.plan)
            )
            if shown is not None
            else [],
            latest_stored=next((s for s in reversed(submissions) if s.stored_html), None),
            can_submit=may_submit,
            # "Send til bestyrelsen": a report whose time is over, not stored yet, goes to the board as a draft.
            can_send_to_board=may_submit and self.report.pk is None,
            governance_url=reverse("governance:bodies", kwargs={"plan": self.plan.slug}),
            can_review=user.has_perm("plan.review_reports", self.plan),
            can_comment=user.has_perm("plan.comment_reports", self.plan),
            answer_form=kwargs.get("answer_form") or AnswerForm(),
            comment_form=kwargs.get("comment_form") or CommentForm(),
            submit_errors=kwargs.get("submit_errors", []),
            submit_form=kwargs.get("submit_form") or SubmitForm(),
            texts_form=kwargs.get("texts_form") or ReportTextsForm(instance=self.report, plan=self.plan),
            # The final report's own texts: written until it is submitted, and again once it is returned.
            can_write_texts=may_submit
            and self.report.is_final
            and (not submissions or submissions[-1].outcome == Submission.Outcome.RETURNED),
            submitting=kwargs.get("submitting", False),
            period=self.kwargs["period"],
        )
        return context

    def shown_submission(self, submissions: list[Submission]) -> Submission | None:
        """The submission whose stored page is shown: ``?indsendelse=<n>``; by default the latest while it awaits
        an answer or is approved (what was filed is what is read); none for ``?vis=udkast`` (the live draft),
        a report not submitted, a returned one (its next draft is the work) or one stored before pages were."""
        stored = [s for s in submissions if s.stored_html]
        if self.request.GET.get("vis") == "udkast" or not stored:
            return None
        asked = self.request.GET.get("indsendelse", "")
        if asked:
            return next((s for s in stored if str(s.number) == asked), None)
        latest = submissions[-1]
        if latest.outcome == Submission.Outcome.RETURNED or latest not in stored:
            return None
        return latest


class SubmissionCreateView(ReportView):
    """A coordinator submits the report: GET shows the report's page opened at "Indsend" — what the report lacks,
    the confirmation and the reservation; POST makes and freezes its files."""

    permission_required = "plan.submit_reports"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submitting", True)
        context = super().get_context_data(**kwargs)
        context["form"] = context["submit_form"]  # the form this address takes
        return context

    def post(self, request, *args, **kwargs):
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                services.report_submit(
                    plan=self.plan,
                    kind=self.report.kind,
                    year=self.report.year,
                    actor=request.user,
                    gaps_confirmed=form.cleaned_data["gaps_confirmed"],
                    reservation=form.cleaned_data["reservation"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    add_errors(form, error)
                    return self.render_to_response(self.get_context_data(submit_form=form))
                return self.render_to_response(self.get_context_data(submit_errors=error.messages))
        else:
            return self.render_to_response(self.get_context_data(submit_form=form))
        messages.success(
            request, gettext("The report was submitted to Landsbyggefonden; its files are frozen.")
        )
        return redirect(
            reverse("reports:report", kwargs={"plan": self.plan.slug, "period": kwargs["period"]})
        )


class ReportTextsView(ReportView):
    """The coordinator writes the final report's own texts: the plan's conclusion and anchoring (GET shows the
    report's page). The bestyrelse's approval date is read from its meeting's decision, never typed here."""

    permission_required = "plan.submit_reports"
    #: The object this address edits (the period's report), as the kit's edit views declare theirs.
    model = Report

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = context["texts_form"]  # the form this address takes
        return context

    def post(self, request, *args, **kwargs):
        form = ReportTextsForm(request.POST, instance=self.report, plan=self.plan)
        if form.is_valid():
            try:
                services.report_update(
                    plan=self.plan,
                    kind=self.report.kind,
                    year=self.report.year,
                    data=form.model_data(),
                    expected_lock_version=form.cleaned_data.get("lock_version"),
                    actor=request.user,
                )
            except EditConflict:
                form.add_error(
                    None, gettext("Someone saved the report's texts meanwhile: read them and try again.")
                )
            except ValidationError as error:
                if not self.report.is_final:
                    # A yearly report shows no texts form to put the refusal on: say it above the report.
                    messages.error(request, " ".join(error.messages))
                    return redirect(self.report.get_absolute_url())
                add_errors(form, error)
            else:
                messages.success(request, gettext("The report's texts were saved."))
                return redirect(self.report.get_absolute_url() + "#report-texts")
        return self.render_to_response(self.get_context_data(texts_form=form))


class ReportDraftCreateView(ReportView):
    """A coordinator sends the report to the bestyrelse ("Send til bestyrelsen"): POST stores it as a draft, so the
    decision of the board's meeting can approve it before it is submitted (GET shows the report's page)."""

    permission_required = "plan.submit_reports"

    def post(self, request, *args, **kwargs):
        try:
            services.report_draft_create(
                plan=self.plan, kind=self.report.kind, year=self.report.year, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext(
                    "The report is ready for the board: record the board's decision approving it on the "
                    "board's meeting."
                ),
            )
        return redirect(self.report.get_absolute_url() + "#board-approval")


class SubmissionActionView(ReportView):
    """Base of the answer and comment views: the submission through this plan's reports (another plan's: 404,
    before any permission is asked). GET shows the submission's report page."""

    def get_permission_object(self):
        return self.submission

    def get_context_data(self, **kwargs):
        self.kwargs["period"] = self.report.url_kwargs()["period"]
        return super().get_context_data(**kwargs)

    @cached_property
    def submission(self) -> Submission:
        return get_object_or_404(
            Submission.objects.select_related("report__plan"), pk=self.kwargs["pk"], report__plan=self.plan
        )

    @cached_property
    def report(self) -> Report:
        return self.submission.report

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(self.report.get_absolute_url())


class AnswerCreateView(SubmissionActionView):
    """A reviewer of Landsbyggefonden approves the submission or returns it with a comment."""

    permission_required = "plan.review_reports"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = context["answer_form"]  # the form this address takes
        return context

    def post(self, request, *args, **kwargs):
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.submission_answer(
                    submission=self.submission,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                return self.done(gettext("Your answer was saved."))
        return self.render_to_response(self.get_context_data(answer_form=form))


class CommentCreateView(SubmissionActionView):
    """A comment on a submission: a reviewer's remark or the coordinator's answer to one."""

    permission_required = "plan.comment_reports"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = context["comment_form"]  # the form this address takes
        return context

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_add(
                    submission=self.submission, text=form.cleaned_data["text"], actor=request.user
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                return self.done(gettext("Your comment was saved."))
        return self.render_to_response(self.get_context_data(comment_form=form))


class SubmissionFileView(SubmissionActionView):
    """A frozen file of a submission, exactly as stored."""

    http_method_names = ["get"]

    def get_permission_required(self) -> str:
        return "plan.view"

    def get(self, request, *args, **kwargs):
        # An address naming no stored format is a 404, like any address that names nothing.
        try:
            file_format, name, handle = documents.open_stored_file(self.submission, kwargs["format"])
        except StoredFileDamaged:
            return damaged_file_response(request, back_url=self.report.get_absolute_url())
        except documents.FileNotMadeYet:
            waiting = render(
                request,
                "reports/pdf_not_made.html",
                {"plan": self.plan, "report": self.report, "submission": self.submission},
                status=503,
            )
            waiting["Retry-After"] = "10"
            return waiting
        response = FileResponse(
            handle, content_type=file_format.content_type, as_attachment=True, filename=name
        )
        response["Cache-Control"] = "private, no-store"
        return response
