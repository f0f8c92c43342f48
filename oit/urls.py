"""Public addresses are a contract: never change one (docs/ARCHITECTURE.md, docs/OIT.md)."""

from django.urls import path

from . import public_views, views

staff = "app/orgs/<slug:slug>/<fy:fy>/ita/"
public = "orgs/<slug:slug>/<fy:fy>/ita/"

urlpatterns = [
    path(staff, views.year, name="oit-year"),
    path(staff + "transition/", views.transition, name="oit-transition"),
    path(staff + "carry/", views.carry, name="oit-carry"),
    path(staff + "<slug:code>/", views.item, name="oit-item"),
    path(staff + "<slug:code>/transition/", views.item_transition, name="oit-item-transition"),
    path(public, public_views.public_year, name="oit-public"),
    path(public + "<slug:code>.<slug:ext>", public_views.public_file, name="oit-file"),
    path(public + "<slug:code>/v<int:version>.<slug:ext>", public_views.public_file_version, name="oit-file-version"),
    path("data/orgs/<slug:slug>/<fy:fy>/ita.json", public_views.data_json, name="oit-data-json"),
    path("data/orgs/<slug:slug>/<fy:fy>/ita.csv", public_views.data_csv, name="oit-data-csv"),
]
