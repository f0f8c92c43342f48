from django.urls import path

from . import views

urlpatterns = [
    path("measures/", views.measure_library, name="measure-library"),
    path("app/library/<int:pk>/copy/", views.library_copy, name="library-copy"),
]
