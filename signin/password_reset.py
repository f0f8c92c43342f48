"""Password reset with the portal's own Thai pages and e-mail (templates/registration/
password_reset_*.html, templates/emails/password_reset*), sent through common/mail.py.

Django's own form logs a failed send and shows the "sent" page anyway; here a mail server that
refuses or cannot be reached keeps the person on the form with the Thai error (MailNotSent
logs the warning), so the page never says an e-mail went when none did. For an address that
has no account nothing is sent and the "sent" page says so conditionally ("ถ้าอีเมลนี้ตรงกับ
บัญชี…"), so the page does not tell who has an account.

A reset never signs a person in past the second factor (OWASP ASVS 5.0 6.4.3): the link proves the
mailbox, not the phone. One whose sign-in needs a code (signin/otp.py needs_code) is signed in with
the new password only and sent to the code step (or to the enrolment), not verified; anyone else
is not signed in at all and goes to the sign-in page from the "done" page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY

from common.mail import MailNotSent, send_template_mail

from .otp import after_password_url, needs_code


class PortalPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("อีเมลที่ใช้กับบัญชี")
        self.fields["email"].widget.attrs.pop("maxlength", None)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        send_template_mail("password_reset", to_email, context)


class PortalSetPasswordForm(SetPasswordForm):
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": _("รหัสผ่านทั้งสองช่องไม่ตรงกัน")}


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "registration/password_reset_form.html"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except MailNotSent as failure:
            form.add_error(None, str(failure))
            response = self.form_invalid(form)
            response.status_code = 503  # the mail server is down: nothing was sent
            return response


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    post_reset_login = False  # decided per person in form_valid
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        # Signed in (password only) just when a second factor comes next: the code step or enrolment.
        self.post_reset_login = needs_code(form.user)
        response = super().form_valid(form)
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)  # never verified by the link
        return response

    def get_success_url(self):
        if not self.post_reset_login:
            return super().get_success_url()
        messages.success(self.request, gettext("ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว กรุณายืนยันตัวตนขั้นที่สองเพื่อเข้าใช้งาน"))
        return after_password_url(self.request, reverse("app-home"))

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            # A used, expired or altered link: the Thai page that asks for a new one, as a 404.
            response.status_code = 404
        return response
