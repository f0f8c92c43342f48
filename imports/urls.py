from django.urls import path

from . import views

plan = "app/orgs/<slug:slug>/<fy:fy>/"

urlpatterns = [
    path(plan + "plan/import/", views.import_start, name="import-plan"),
    path(plan + "plan/import/preview/", views.import_preview, name="import-plan-preview"),
    path(plan + "rounds/<int:months>/import/", views.import_start, name="import-round"),
    path(plan + "rounds/<int:months>/import/preview/", views.import_preview, name="import-round-preview"),
]
