from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The ground every app stands on (Thai formatting, the public cache, text and spreadsheet
    helpers, admin mixins). It imports no app of the project."""

    name = "common"
    verbose_name = "ส่วนกลาง"
