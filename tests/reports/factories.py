import factory
from django.core.files.base import ContentFile

from helhedsplan.reports.models import Report, Submission, sha256_of
from tests.plans.factories import PlanFactory, UserFactory

PDF = b"%PDF-1.4\n%%EOF\n"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    plan = factory.SubFactory(PlanFactory)
    kind = Report.Kind.YEARLY
    year = 2022


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission with small stand-in files (the real ones are made by ``services.report_submit``)."""

    class Meta:
        model = Submission

    report = factory.SubFactory(ReportFactory)
    number = factory.Sequence(lambda n: n + 1)
    as_of = factory.LazyAttribute(lambda s: s.report.last_day)
    submitted_by = factory.SubFactory(UserFactory)
    pdf = factory.LazyFunction(lambda: ContentFile(PDF, name="rapport.pdf"))
    pdf_sha256 = sha256_of(PDF)
    spreadsheet = factory.LazyFunction(lambda: ContentFile(b"xlsx", name="rapport.xlsx"))
    spreadsheet_sha256 = sha256_of(b"xlsx")
    plan_file = factory.LazyFunction(lambda: ContentFile(b"plan: {}\n", name="rapport.yaml"))
    plan_file_sha256 = sha256_of(b"plan: {}\n")
