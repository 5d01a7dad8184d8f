import datetime

import factory
from django.core.files.base import ContentFile

from helhedsplan.governance.models import Body, BodyMember, Meeting, MeetingDecision
from tests.plans.factories import PlanFactory

MINUTES_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    plan = factory.SubFactory(PlanFactory)
    kind = Body.Kind.STEERING_GROUP
    name = factory.Sequence(lambda n: f"Styregruppe {n}")


class BodyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodyMember

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Medlem {n}")
    title = "Direktør"
    role = BodyMember.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    date = datetime.date(2025, 3, 10)
    agenda = "1. Godkendelse af årsrapport"


class MeetingDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingDecision

    meeting = factory.SubFactory(MeetingFactory)
    text = "Bestyrelsen godkender dagsordenen."


def make_governance(plan) -> Body:
    """A plan's bestyrelse (with a member, a meeting with minutes and a decision) and a følgegruppe for each of
    its delaftaler (each with a member and a meeting): what the every-URL walk opens. Returns the bestyrelse."""
    board = Body.objects.in_plan(plan).filter(kind=Body.Kind.BOARD).first() or BodyFactory(
        plan=plan, kind=Body.Kind.BOARD, name="Bestyrelsen (test)"
    )
    BodyMemberFactory(body=board, role=BodyMember.Role.CHAIR)
    meeting = MeetingFactory(body=board)
    meeting.minutes.save("referat.pdf", ContentFile(MINUTES_PDF), save=True)
    MeetingDecisionFactory(meeting=meeting)
    for sub_agreement in plan.sub_agreements.order_by("pk"):
        group = BodyFactory(
            plan=plan,
            kind=Body.Kind.FOLLOW_UP_GROUP,
            sub_agreement=sub_agreement,
            name=f"Følgegruppe {sub_agreement.pk} (test)",
        )
        BodyMemberFactory(body=group)
        MeetingDecisionFactory(meeting=MeetingFactory(body=group))
    return board
