from django.contrib import admin
from django.urls import include, path

from .auth import PortalLoginView
from .converters import register

register()  # <fy:...> in the apps' URLs

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
    path("", include("measures.urls")),
    path("", include("reports.urls")),
]
