"""Where a page goes back to: the one check of a ``next=`` (or Referer) address before a redirect.

An address someone else can write (``?next=``, a form's hidden ``next``, the Referer header)
is followed only when it stays on this site (same host; https when the request came over
https) and is an address, never a bare word: Django's ``redirect("x")`` would look "x" up as a
URL name and fail with NoReverseMatch, a 500. Anything else falls back to the page's own
default. Every view that follows such an address asks here."""

import unicodedata

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2_000  # longer than any address of the portal a page links back to


def safe_url(request, candidate, default: str = "") -> str:
    """``candidate`` when it is a safe address on this site, else ``default`` (a URL name, a
    path, or "" for none) resolved to a path. Never returns a bare word."""
    candidate = candidate if isinstance(candidate, str) else ""
    if _is_local_address(request, candidate):
        return candidate
    return resolve_url(default) if default else ""


def _is_local_address(request, candidate: str) -> bool:
    if not candidate or len(candidate) > MAX_LENGTH:
        return False
    if any(unicodedata.category(ch)[0] == "C" for ch in candidate):  # NUL, line breaks, other controls
        return False
    # A path from the root ("/app/") or a whole address ("https://host/app/"); "x", "?a=1" or
    # "../x" are relative: the browser would read them against a page the view cannot know.
    if not (candidate.startswith("/") or candidate.lower().startswith(("http://", "https://"))):
        return False
    return url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
