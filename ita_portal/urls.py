from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from people.password_reset import PortalPasswordResetConfirmView, PortalPasswordResetView

from .auth import PortalLoginView
from .converters import register
from .views import favicon, healthz

register()  # <fy:...> in the apps' URLs

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    # Password reset: the portal's Thai pages and e-mail, sent through common/mail.py (people/password_reset.py).
    path("accounts/password_reset/", PortalPasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", PortalPasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
    path("", include("people.urls")),
    path("", include("measures.urls")),
    path("", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("public.urls")),
]

# Error pages in Thai (templates/400.html, 403.html, 404.html, 500.html); 404 filters its message.
handler404 = "ita_portal.views.page_not_found"
# 400 and 500 without Django's CSRF step, which reads a body that could not be read again.
handler400 = "ita_portal.views.bad_request"
handler500 = "ita_portal.views.server_error"
