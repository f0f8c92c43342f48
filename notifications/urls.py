from django.urls import path

from . import line_views, views

urlpatterns = [
    path("app/notifications/", views.notification_list, name="notifications"),
    path("app/notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("app/notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path("app/notifications/settings/", views.notification_settings, name="notification-settings"),
    path("app/notifications/follow/<slug:slug>/", views.follow, name="notification-follow"),
    # From the e-mail, without signing in: the signed token says who and which kind.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # A supervisor's area: who no channel (e-mail or LINE) reaches.
    path("app/area/reach/", views.area_reach, name="area-reach"),
    # LINE (notifications/line_views.py): LINE's webhook (a URL contract: the channel's settings name
    # it), the link the Official Account sends to link an account, and unlinking it.
    path("line/webhook/", line_views.line_webhook, name="line-webhook"),
    path("line/link/", line_views.line_link, name="line-link"),
    path("app/notifications/line/unlink/", line_views.line_unlink, name="line-unlink"),
]
