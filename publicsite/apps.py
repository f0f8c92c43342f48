from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """What anyone sees without signing in: the home search, a body's pages and published PDFs,
    open data, /verify/, and the national and province overviews (docs/ARCHITECTURE.md)."""

    name = "publicsite"
    verbose_name = _("หน้าสาธารณะ")
