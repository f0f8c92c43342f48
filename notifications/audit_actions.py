"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in notifications/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationAction(models.TextChoices):
    """A person's own notification settings, following a body, unsubscribing (notifications/services.py)."""

    NOTIFICATION_SETTINGS = "notification.settings", _("ตั้งค่าการแจ้งเตือนของตนเอง")
