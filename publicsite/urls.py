"""Public addresses are a contract: never change one (docs/ARCHITECTURE.md)."""

from django.urls import path

from . import overview_views, views

year = "orgs/<slug:slug>/<fy:fy>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/<slug:slug>/", views.org_detail, name="org-detail"),
    path(year, views.org_year, name="org-year"),
    path(year + "<slug:doc>.pdf", views.public_pdf, name="public-pdf"),
    path(year + "<slug:doc>/v<int:version>.pdf", views.public_pdf_version, name="public-pdf-version"),
    path("data/orgs/<slug:slug>/<fy:fy>.json", views.open_data_json, name="open-data-json"),
    path("data/orgs/<slug:slug>/<fy:fy>.csv", views.open_data_csv, name="open-data-csv"),
    path("data/orgs/<slug:slug>/<fy:fy>-scores.csv", views.open_data_scores_csv, name="open-data-scores-csv"),
    path("verify/", views.verify, name="verify"),
    path("overview/<fy:fy>/", overview_views.national_overview, name="overview-national"),
    path("provinces/<str:code>/<fy:fy>/", overview_views.province_overview, name="overview-province"),
    path("data/<fy:fy>.json", overview_views.open_data_year_json, name="open-data-year-json"),
    path("data/<fy:fy>.csv", overview_views.open_data_year_csv, name="open-data-year-csv"),
    path("data/<fy:fy>-scores.csv", overview_views.open_data_year_scores_csv, name="open-data-year-scores-csv"),
]
