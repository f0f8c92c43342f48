from django.urls import path, register_converter

from . import views


class FiscalYearConverter:
    """A fiscal year in พ.ศ.: four digits starting with 25 or 26."""

    regex = "2[56][0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(FiscalYearConverter, "fy")

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/<slug:slug>/", views.org_detail, name="org-detail"),
    path("orgs/<slug:slug>/<fy:fy>/", views.org_year, name="org-year"),
    path("app/", views.app_home, name="app-home"),
    path("app/scores/import/", views.scores_import, name="scores-import"),
    path("app/scores/export/", views.scores_export, name="scores-export"),
]
