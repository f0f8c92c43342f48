from django.urls import path

from . import views

urlpatterns = [
    path("app/notifications/", views.notification_list, name="notifications"),
    path("app/notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("app/notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path("app/notifications/settings/", views.notification_settings, name="notification-settings"),
    path("app/notifications/follow/<slug:slug>/", views.follow, name="notification-follow"),
    # From the e-mail, without signing in: the signed token says who and which kind.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
