from django.contrib import admin
from django.urls import include, path

from .auth import PortalLoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]
