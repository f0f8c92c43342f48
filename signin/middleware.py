"""SecondFactorMiddleware: a session signed in with the password only is sent to the code step
(or to enrolment) from every guarded page (signin/otp.py says who is asked)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .otp import GUARDED, after_password_url, remember, verified


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: the pages that need a verified sign-in, and no way
    around the portal's sign-in through the admin's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == reverse("admin:login"):
            return self._admin_login(request)
        user = request.user
        if user.is_authenticated and path.startswith(GUARDED) and path != reverse("otp-setup"):
            # Asked on each page, not kept from the sign-in: a role that needs a code, given in
            # the middle of a password-only session, asks for it on the next page.
            if not verified(request) and remember(request):
                return redirect(after_password_url(request, request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _admin_login(request):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect(reverse("login") + "?" + urlencode({"next": next_url}))
        if request.user.is_active and request.user.is_staff:
            return redirect(after_password_url(request, reverse("admin:index")))
        raise PermissionDenied(_("หน้าผู้ดูแลระบบใช้ได้เฉพาะผู้ดูแลระบบ"))
