from django.contrib import admin
from django.urls import include, path

from .auth import PortalLoginView
from .converters import register
from .views import healthz

register()  # <fy:...> in the apps' URLs

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
    path("", include("people.urls")),
    path("", include("measures.urls")),
    path("", include("reports.urls")),
]

# Error pages in Thai (templates/400.html, 403.html, 404.html, 500.html); 404 filters its message.
handler404 = "ita_portal.views.page_not_found"
