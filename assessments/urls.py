from django.urls import path

from . import views

urlpatterns = [
    path("app/scores/import/", views.scores_import, name="scores-import"),
    path("app/scores/export/", views.scores_export, name="scores-export"),
    path("app/scores/edit/", views.scores_edit_start, name="scores-edit-start"),
    path("app/orgs/<slug:slug>/scores/<fy:fy>/", views.scores_edit, name="scores-edit"),
    path("app/orgs/<slug:slug>/scores/<fy:fy>/remove/", views.score_remove, name="score-remove"),
]
