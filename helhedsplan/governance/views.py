"""The governance pages: the bodies with their members and meetings, a meeting with its decisions, and the
writes. Coordinators keep every body; an editor keeps the følgegruppe of a delaftale they edit
(``plan.keep_governance``, limited by delaftale); making or deleting a body is a coordinator's."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy
from django.views import View

from helhedsplan.documents.views import safe_name
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
)

from . import services
from .forms import BodyForm, BodyMemberForm, MeetingDecisionForm, MeetingForm
from .models import Body, BodyMember, Meeting, MeetingDecision
from .selectors import bodies_with_members

KEEP = "plan.keep_governance"


class BodiesView(PlanTemplateView):
    """Every body of the plan with its members and meetings. Queries: the bodies (with delaftale and
    kommissorium document), their members with organisations, their meetings."""

    template_name = "governance/bodies.html"
    page_title = gettext_lazy("Governance")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bodies"] = list(bodies_with_members(self.plan))
        return context


class BodyView(PlanDetailView):
    model = Body
    template_name = "governance/body.html"
    select_related = ("sub_agreement", "terms_of_reference_document")
    prefetch_related = (
        Prefetch("members", queryset=BodyMember.objects.select_related("organisation")),
        Prefetch("meetings", queryset=Meeting.objects.order_by("-date", "-pk").prefetch_related("decisions")),
    )  # type: ignore[assignment]


class BodyCreateView(PlanCreateView):
    model = Body
    form_class = BodyForm
    page_title = gettext_lazy("New body")
    service = staticmethod(services.body_create)


class BodyUpdateView(PlanUpdateView):
    model = Body
    form_class = BodyForm
    permission_required = KEEP
    service = staticmethod(services.body_update)


class BodyDeleteView(PlanDeleteView):
    model = Body
    service = staticmethod(services.body_delete)


class MemberCreateView(PlanCreateView):
    model = BodyMember
    form_class = BodyMemberForm
    parent_field = "body"
    permission_required = KEEP
    service = staticmethod(services.body_member_create)


class MemberUpdateView(PlanUpdateView):
    model = BodyMember
    form_class = BodyMemberForm
    permission_required = KEEP
    service = staticmethod(services.body_member_update)


class MemberDeleteView(PlanDeleteView):
    model = BodyMember
    permission_required = KEEP
    service = staticmethod(services.body_member_delete)


class MeetingView(PlanDetailView):
    model = Meeting
    template_name = "governance/meeting.html"
    prefetch_related = (
        Prefetch(
            "decisions",
            queryset=MeetingDecision.objects.select_related(
                "approves_report", "approves_version", "approves_budget_line"
            ),
        ),
    )  # type: ignore[assignment]


class MeetingCreateView(PlanCreateView):
    model = Meeting
    form_class = MeetingForm
    parent_field = "body"
    permission_required = KEEP
    page_title = gettext_lazy("New meeting")

    def create(self, form):
        return services.meeting_create(
            body=self.parent, data=form.model_data(), minutes=form.uploaded_minutes(), actor=self.request.user
        )


class MeetingUpdateView(PlanUpdateView):
    model = Meeting
    form_class = MeetingForm
    permission_required = KEEP

    def update(self, form, expected_lock_version):
        return services.meeting_update(
            meeting=self.object,
            data=form.model_data(),
            minutes=form.uploaded_minutes(),
            remove_minutes=form.removes_minutes(),
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )


class MeetingDeleteView(PlanDeleteView):
    model = Meeting
    permission_required = KEEP
    service = staticmethod(services.meeting_delete)


class MinutesView(PlanObjectMixin, View):
    """A meeting's minutes PDF, to readers of the plan (others: 404; anonymous: the login page)."""

    model = Meeting

    def get(self, request, *args, **kwargs):
        meeting = self.object
        if not meeting.minutes:
            raise Http404
        try:
            handle = meeting.minutes.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        filename = f"referat-{safe_name(meeting.body.name) or meeting.body_id}-{meeting.date.isoformat()}.pdf"
        response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response


class DecisionCreateView(PlanCreateView):
    model = MeetingDecision
    form_class = MeetingDecisionForm
    parent_field = "meeting"
    permission_required = KEEP
    page_title = gettext_lazy("Record a decision")
    service = staticmethod(services.meeting_decision_create)


class DecisionUpdateView(PlanUpdateView):
    model = MeetingDecision
    form_class = MeetingDecisionForm
    permission_required = KEEP
    service = staticmethod(services.meeting_decision_update)


class DecisionDeleteView(PlanDeleteView):
    model = MeetingDecision
    permission_required = KEEP
    service = staticmethod(services.meeting_decision_delete)
