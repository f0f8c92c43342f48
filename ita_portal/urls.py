from django.contrib import admin
from django.urls import include, path

from .converters import register
from .views import favicon, healthz

register()  # <fy:...> in the apps' URLs

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("signin.urls")),  # before Django's own accounts/ pages: the portal's come first
    path("accounts/", include("django.contrib.auth.urls")),  # the rest: password change, logout
    path("", include("assessments.urls")),
    path("", include("people.urls")),
    path("", include("measures.urls")),
    path("", include("notifications.urls")),
    path("", include("imports.urls")),
    path("", include("reports.urls")),
    path("", include("library.urls")),
    path("", include("oit.urls")),
    path("", include("publicsite.urls")),
]

# Error pages in Thai (templates/400.html, 403.html, 404.html, 500.html); 404 filters its message.
handler404 = "ita_portal.views.page_not_found"
# 400 and 500 without Django's CSRF step, which reads a body that could not be read again.
handler400 = "ita_portal.views.bad_request"
handler500 = "ita_portal.views.server_error"
