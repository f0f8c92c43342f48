"""Signing in: the password step, the one-time password step and one's own settings, password reset."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django_otp_webauthn.views import BeginCredentialAuthenticationView, BeginCredentialRegistrationView

from . import passkeys, views
from .login import PortalLoginView
from .password_reset import PortalPasswordResetConfirmView, PortalPasswordResetView

urlpatterns = [
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    # Password reset: the portal's Thai pages and e-mail, sent through common/mail.py (signin/password_reset.py).
    path("accounts/password_reset/", PortalPasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", PortalPasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Sign-in with a one-time password: the code step after the password, one's own settings (signin/views.py).
    path("accounts/otp/", views.otp_verify, name="otp-verify"),
    # Passkeys (signin/passkeys.py): django-otp-webauthn's JSON views, outside /app/ so that the code
    # step reaches them before the session is verified; the package's scripts read these addresses.
    path("accounts/passkeys/registration/begin/", BeginCredentialRegistrationView.as_view(),
         name="passkey-register-begin"),
    path("accounts/passkeys/registration/complete/", passkeys.PasskeyRegistrationComplete.as_view(),
         name="passkey-register-complete"),
    path("accounts/passkeys/authentication/begin/", BeginCredentialAuthenticationView.as_view(),
         name="passkey-auth-begin"),
    path("accounts/passkeys/authentication/complete/", passkeys.PasskeyAuthenticationComplete.as_view(),
         name="passkey-auth-complete"),
    path("accounts/passkeys/jsi18n/", passkeys.PasskeyCatalog.as_view(), name="passkey-js-catalog"),
    path("app/security/", views.otp_settings, name="otp-settings"),
    path("app/security/setup/", views.otp_setup, name="otp-setup"),
    path("app/security/recovery-codes/", views.otp_recovery_codes, name="otp-recovery-codes"),
    path("app/security/disable/", views.otp_disable_view, name="otp-disable"),
    # A body's approver or area supervisor resets a person's lost second factor (the people page's button).
    path("app/orgs/<slug:slug>/people/<int:membership_id>/second-factor/reset/", views.people_second_factor_reset,
         name="people-otp-reset"),
]
