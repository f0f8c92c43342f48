"""People of a body (บุคลากร), invitations and sign-in security (one-time passwords)."""

from django.urls import path  # noqa: F401

urlpatterns = []
