"""People of a body (บุคลากร), invitations, supervisors and one's own profile."""

from django.urls import path

from . import import_views, views

urlpatterns = [
    # People of a body, a supervisor's area, the supervisors, invitations, one's own name (people/views.py).
    path("app/orgs/<slug:slug>/people/", views.people_page, name="people-org"),
    path("app/orgs/<slug:slug>/people/invite/", views.people_invite, name="people-invite"),
    path("app/orgs/<slug:slug>/people/<int:membership_id>/role/", views.people_role, name="people-role"),
    path("app/orgs/<slug:slug>/people/<int:membership_id>/remove/", views.people_remove, name="people-remove"),
    path("app/orgs/<slug:slug>/people/<int:membership_id>/handover/", views.people_handover, name="people-handover"),
    path("app/orgs/<slug:slug>/people/invitations/<int:invitation_id>/resend/", views.invitation_resend,
         name="invitation-resend"),
    path("app/orgs/<slug:slug>/people/invitations/<int:invitation_id>/cancel/", views.invitation_cancel,
         name="invitation-cancel"),
    path("app/area/people/", views.area_people, name="area-people"),
    path("app/people/import/", import_views.people_import, name="people-import"),  # people/import_views.py
    path("app/supervisors/", views.supervisors_page, name="supervisors"),
    path("app/supervisors/<int:scope_id>/remove/", views.supervisor_remove, name="supervisor-remove"),
    path("app/supervisors/invitations/<int:invitation_id>/resend/", views.supervisor_invitation,
         {"action": "resend"}, name="supervisor-invitation-resend"),
    path("app/supervisors/invitations/<int:invitation_id>/cancel/", views.supervisor_invitation,
         {"action": "cancel"}, name="supervisor-invitation-cancel"),
    path("app/profile/", views.profile, name="profile"),
    path("app/profile/email/<str:token>/", views.email_confirm, name="email-confirm"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
