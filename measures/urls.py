from django.urls import path

from . import views

plan = "app/orgs/<slug:slug>/<fy:fy>/"

urlpatterns = [
    path("app/", views.app_home, name="app-home"),
    path("app/dashboard/", views.dashboard, name="dashboard"),
    path(plan + "plan/", views.plan_detail, name="plan-detail"),
    path(plan + "plan/create/", views.plan_create, name="plan-create"),
    path(plan + "plan/duplicate/", views.plan_duplicate, name="plan-duplicate"),
    path(plan + "plan/analysis/", views.plan_analysis, name="plan-analysis"),
    path(plan + "plan/recorded-after/", views.plan_recorded_after, name="plan-recorded-after"),
    path(plan + "plan/source/", views.record_source, name="plan-record-source"),
    path(plan + "plan/transition/", views.plan_transition, name="plan-transition"),
    path(plan + "comments/", views.comment_add, name="comment-add"),
    path(plan + "measures/new/", views.measure_edit, name="measure-create"),
    path(plan + "measures/<int:pk>/", views.measure_edit, name="measure-edit"),
    path(plan + "measures/<int:pk>/delete/", views.measure_delete, name="measure-delete"),
    path(plan + "measures/<int:pk>/move/", views.measure_move, name="measure-move"),
    path(plan + "measures/<int:pk>/history/", views.measure_history, name="measure-history"),
    path(plan + "rounds/<int:months>/", views.round_detail, name="round-detail"),
    path(plan + "rounds/<int:months>/carry/", views.round_carry, name="round-carry"),
    path(plan + "rounds/<int:months>/due/", views.round_due, name="round-due"),
    path(plan + "rounds/<int:months>/source/", views.record_source, name="round-record-source"),
    path(plan + "rounds/<int:months>/transition/", views.round_transition, name="round-transition"),
    path(plan + "rounds/<int:months>/measures/<int:pk>/", views.entry_edit, name="entry-edit"),
    path("app/evidence/<str:token>/", views.evidence_download, name="evidence-download"),
    path("app/evidence/<str:token>/delete/", views.evidence_delete, name="evidence-delete"),
]
