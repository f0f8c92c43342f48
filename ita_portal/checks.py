"""System checks of the portal's own settings (registered in apps.py, run by every management
command and by `manage.py check --deploy`)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error

# Names that always mean this machine (RFC 6761: anything under .localhost too).
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
EXAMPLE = "PORTAL_URL=https://ita.example.go.th"


def _portal_url_problem(url: str) -> str:
    """Why ``url`` cannot start the links in mail (empty when it can)."""
    if not url:
        return "PORTAL_URL is not set"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"PORTAL_URL is {url!r}, not a web address"
    if parts.scheme not in ("http", "https") or not host:
        return f"PORTAL_URL is {url!r}, not an http:// or https:// address"
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return f"PORTAL_URL is {url!r}, which names this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ""
    if address.is_loopback or address.is_unspecified:
        return f"PORTAL_URL is {url!r}, a loopback address of this machine"
    return ""


def portal_url_check(app_configs=None, **kwargs):
    """With DEBUG off, PORTAL_URL must be the portal's public address: every link in the mail the
    portal sends (notifications, reminders, invitations sent by commands, the unsubscribe link)
    starts with it, and its default, http://127.0.0.1:8000, is only right for `make run`."""
    if settings.DEBUG:
        return []
    url = (getattr(settings, "PORTAL_URL", "") or "").strip()
    problem = _portal_url_problem(url)
    if not problem:
        return []
    default = " (the default when the PORTAL_URL environment variable is not set)" \
        if url == "http://127.0.0.1:8000" else ""
    return [Error(
        f"{problem}{default}: every link in the portal's e-mails would lead there, not to the portal.",
        hint=f"Set the environment variable PORTAL_URL to the portal's public address, e.g. {EXAMPLE} "
             "(docs/DEPLOYMENT.md, \"Mail\").",
        id="ita_portal.E001",
    )]
