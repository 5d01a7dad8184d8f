from django.urls import path

from helhedsplan.plans.exporters import ExportView
from helhedsplan.reports import views

app_name = "reports"

urlpatterns = [
    # Reports to Landsbyggefonden: <period> is a year of the plan ("2024") or "slut" (the final report).
    path("rapporter/", views.ReportArchiveView.as_view(), name="archive"),
    path("rapporter/tjek-fil/", views.VerifyFileView.as_view(), name="verify_file"),
    path("rapporter/<str:period>/", views.ReportView.as_view(), name="report"),
    path(
        "rapporter/<str:period>/hent.<str:format>",
        ExportView.as_view(exporter="report"),
        name="report_download",
    ),
    path("rapporter/<str:period>/tekster/", views.ReportTextsView.as_view(), name="report_texts_update"),
    path(
        "rapporter/<str:period>/til-bestyrelsen/",
        views.ReportDraftCreateView.as_view(),
        name="report_draft_create",
    ),
    path("rapporter/<str:period>/indsend/", views.SubmissionCreateView.as_view(), name="submission_create"),
    path("indsendelser/<int:pk>/svar/", views.AnswerCreateView.as_view(), name="answer_create"),
    path("indsendelser/<int:pk>/kommentar/", views.CommentCreateView.as_view(), name="comment_create"),
    path(
        "indsendelser/<int:pk>/fil.<str:format>",
        views.SubmissionFileView.as_view(),
        name="submission_file",
    ),
]
