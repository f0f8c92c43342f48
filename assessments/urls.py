from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/<slug:slug>/", views.org_detail, name="org-detail"),
    path("orgs/<slug:slug>/<fy:fy>/", views.org_year, name="org-year"),
    path("app/scores/import/", views.scores_import, name="scores-import"),
    path("app/scores/export/", views.scores_export, name="scores-export"),
]
