from django.urls import path

from . import views

year = "orgs/<slug:slug>/<fy:fy>/"

urlpatterns = [
    path("app/" + year + "reports/<slug:doc>.pdf", views.preview_pdf, name="report-preview-pdf"),
    path("app/" + year + "reports/<slug:doc>/preview/<str:key>/", views.preview_status, name="report-preview-status"),
    path("app/" + year + "reports/<slug:doc>.docx", views.report_docx, name="report-docx"),
    path("app/orgs/<slug:slug>/reports/settings/", views.report_settings, name="report-settings"),
    path("app/signature/", views.signature, name="signature"),
    path("app/republish/", views.republish, name="republish"),
    path("app/republish/<int:pk>/", views.republish_job, name="republish-job"),
]
