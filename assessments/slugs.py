"""A body's address (its slug): made from its Thai name, never typed, and kept working after a
rename.

- ``slug_base(name)``: the kind's prefix the demo bodies use (``abt-`` for องค์การบริหารส่วนตำบล,
  ``thesaban-mueang-`` …) and the rest of the name romanised syllable by syllable with
  pythainlp's Royal Institute rules (``royin``, offline), lower-case ASCII joined by hyphens:
  องค์การบริหารส่วนตำบลบ่อแก้ว → ``abt-bo-kaeo``.
- ``unique_slug(…)``: the base, or on a collision the base with the district, then with a number.
  Taken means a current slug of another body or a former slug of any other body (a former
  address is never given to another body).
- ``FormerSlugRedirectMiddleware``: every URL whose pattern has ``<slug>`` and that answers 404
  is looked up once among the former slugs; a hit answers a permanent redirect to the same URL
  with the current slug (docs/ARCHITECTURE.md, "Addresses of bodies").
"""

import functools
import re

from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, reverse

MAX_BASE = 80  # room under the 100 of Organization.slug for "-<district>" or "-<n>"
# Name prefix → (slug prefix, Organization.Kind value); longest first.
KIND_PREFIXES = [
    ("องค์การบริหารส่วนจังหวัด", "abj", "pao"),
    ("องค์การบริหารส่วนตำบล", "abt", "sao"),
    ("เทศบาลนคร", "thesaban-nakhon", "city_municipality"),
    ("เทศบาลเมือง", "thesaban-mueang", "town_municipality"),
    ("เทศบาลตำบล", "thesaban-tambon", "subdistrict_municipality"),
]
_THAI_RUN = re.compile(r"([\u0e00-\u0e7f]+)")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def kind_from_name(name: str) -> str | None:
    """The Organization.Kind value a name's prefix says, or None."""
    for prefix, _slug, kind in KIND_PREFIXES:
        if name.startswith(prefix):
            return kind
    return None


@functools.lru_cache(maxsize=20_000)
def _syllable(syllable: str) -> str:
    from pythainlp.transliterate import romanize

    return romanize(syllable, engine="royin")


@functools.lru_cache(maxsize=20_000)
def romanise(text: str) -> str:
    """Thai text as lower-case ASCII words joined by hyphens (digits and Latin letters kept)."""
    from pythainlp.tokenize import syllable_tokenize

    words = []
    for piece in _THAI_RUN.split(text):
        if not piece:
            continue
        if _THAI_RUN.fullmatch(piece):
            words += [_syllable(s) for s in syllable_tokenize(piece, engine="dict") if s.strip()]
        else:
            words.append(piece)
    return _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")


def slug_base(name: str) -> str:
    """The slug a name asks for, before collisions are looked at."""
    name = "".join(name.split())
    for prefix, slug_prefix, _kind in KIND_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = romanise(name[len(prefix):])
            base = f"{slug_prefix}-{rest}" if rest else slug_prefix
            break
    else:
        base = romanise(name)
    return base[:MAX_BASE].strip("-") or "body"


def unique_slug(name: str, district: str, is_free) -> str:
    """The first free candidate: the base, the base with the district, then the base with 2, 3, …
    ``is_free(slug)`` says whether the body may take it (its own current or former slug is free)."""
    base = slug_base(name)
    candidates = [base]
    district_part = romanise("".join(district.split()))[:18].strip("-") if district else ""
    if district_part:
        candidates.append(f"{base}-{district_part}")
    for candidate in candidates:
        if is_free(candidate):
            return candidate
    number = 2
    while not is_free(f"{base}-{number}"):
        number += 1
    return f"{base}-{number}"


class FormerSlugRedirectMiddleware:
    """A former address answers 301 (308 for a form sent with POST, which keeps the method) to the
    same page with the body's current slug. Only 404 responses of URLs that take ``<slug>`` are
    looked at: one indexed query then, none on every other response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        match = getattr(request, "resolver_match", None)
        if match is None or not isinstance(match.kwargs.get("slug"), str):
            return response
        from .models import OrganizationSlug

        current = (OrganizationSlug.objects.filter(slug=match.kwargs["slug"])
                   .values_list("org__slug", flat=True).first())
        if current is None or current == match.kwargs["slug"]:
            return response
        try:
            path = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": current})
        except NoReverseMatch:
            return response
        if request.META.get("QUERY_STRING"):
            path = f"{path}?{request.META['QUERY_STRING']}"
        redirect = HttpResponsePermanentRedirect(path)
        if request.method not in ("GET", "HEAD"):
            redirect.status_code = 308
        return redirect
