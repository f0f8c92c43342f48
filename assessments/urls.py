from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("app/scores/import/", views.scores_import, name="scores-import"),
    path("app/scores/export/", views.scores_export, name="scores-export"),
]
