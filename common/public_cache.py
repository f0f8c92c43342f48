"""Caching of anonymous public pages and downloads, invalidated per body.

Every audited write for a body (score import, publishing, …) bumps that body's version,
so its public pages and files are rebuilt on the next request. An admin change (a body
renamed, a framework corrected) bumps one version shared by every page. Use a shared cache
(REDIS_URL) with several processes: a per-process cache would only see its own bumps."""

import re
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

KEPT_HEADERS = ("Content-Disposition", "ETag", "Last-Modified", "Cache-Control", "Access-Control-Allow-Origin",
                "X-Accel-Redirect", "X-Sendfile")
LOCAL_ENTRIES = 512


class _Local:
    """A small in-process LRU in front of the shared cache: a hit then costs one shared-cache
    round trip (the body's version) instead of two, and no copying of the page."""

    def __init__(self, size):
        self.size, self.items = size, OrderedDict()

    def get(self, key):
        found = self.items.get(key)
        if found is None:
            return None
        expires, value = found
        if expires < time.monotonic():
            del self.items[key]
            return None
        self.items.move_to_end(key)
        return value

    def set(self, key, value):
        self.items[key] = (time.monotonic() + settings.PUBLIC_CACHE_SECONDS, value)
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


_local = _Local(LOCAL_ENTRIES)


ALL = "pubver:all"  # bumped by admin changes: every public page and dashboard is stale
NATIONAL = "pubver:national"  # bumped by any body's change: the national overview and open data


def _version_key(slug: str) -> str:
    return f"pubver:{slug}"


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def bump(slug: str, province_id: int | None = None) -> None:
    """A body changed: its public pages, and the dashboards covering its province, are stale."""
    _incr(_version_key(slug))
    _incr(NATIONAL)
    if province_id is not None:
        _incr(f"provver:{province_id}")


def bump_all() -> None:
    """Anything may have changed (an admin edit): every public page and dashboard is stale."""
    _incr(ALL)


def admin_generation() -> int:
    """How many admin changes there have been (``bump_all``): a key part for what is kept of
    data an admin may edit (Django's admin writes models directly, not through the services)."""
    return cache.get(ALL, 0)


def area_version(province_ids, slugs) -> str:
    """One string that changes whenever any body of these provinces (or these bodies) changes."""
    keys = [ALL] + [f"provver:{p}" for p in sorted(province_ids)] + [_version_key(s) for s in sorted(slugs)]
    versions = cache.get_many(keys)
    return ".".join(str(versions.get(k, 0)) for k in keys)


def _key(request, slug: str) -> str:
    versions = cache.get_many([ALL, _version_key(slug)])  # one round trip
    version = f"{versions.get(ALL, 0)}.{versions.get(_version_key(slug), 0)}"
    return f"pub:{version}:{request.scheme}:{request.get_host()}:{request.path}"


def _lookup(key):
    hit = _local.get(key)
    if hit is None:
        hit = cache.get(key)
        if hit is not None:
            _local.set(key, hit)
    return hit


BUILD_WAIT = 5.0  # seconds a request waits for another process building the same page


def _entry(response):
    headers = {h: response[h] for h in KEPT_HEADERS if h in response}
    return response["Content-Type"], response.content, headers


def serve_kept(key: str, build) -> tuple[HttpResponse, bool]:
    """(the page kept at ``key``, True), else (``build()``'s response, False), kept when it is
    a 200. Requests that miss the same key at once (a busy page just after a version bump, or
    a worker's first minutes) wait for the one building it, up to BUILD_WAIT seconds, rather
    than each building it: a stampede of N costs one build."""
    hit = _lookup(key)
    if hit is not None:
        return _response(hit), True
    building = f"{key}:building"
    if not cache.add(building, 1, timeout=int(BUILD_WAIT) + 1):
        deadline = time.monotonic() + BUILD_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.02)
            hit = cache.get(key)
            if hit is not None:
                _local.set(key, hit)
                return _response(hit), True
    try:
        response = build()
        if response.status_code == 200 and not response.streaming:
            entry = _entry(response)
            cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS)
            _local.set(key, entry)
    finally:
        cache.delete(building)
    return response, False


def _response(hit) -> HttpResponse:
    content_type, body, headers = hit
    response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response


def _cacheable(request) -> bool:
    return (request.method == "GET" and not request.GET and not request.headers.get("If-None-Match")
            and settings.PUBLIC_CACHE_SECONDS > 0)


PUBLIC_PATH = re.compile(r"^/(?:data/)?orgs/(?P<slug>[-a-zA-Z0-9_]+)[/.]")


class PublicCacheMiddleware:
    """Answers a cached public page for a visitor without a session before the session,
    CSRF, auth and other middleware run (placed after the security and CSP middleware,
    whose headers still apply). Pages are stored by the ``cached_public`` views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and _cacheable(request):
            match = PUBLIC_PATH.match(request.path_info)
            if match:
                hit = _lookup(_key(request, match["slug"]))
                if hit is not None:
                    response = _response(hit)
                    response["X-Frame-Options"] = "DENY"
                    response["Vary"] = "Cookie"
                    return response
        return self.get_response(request)


def cached_public(view):
    """For GET views whose first argument after the request is a body slug."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not _cacheable(request) or request.user.is_authenticated:
            return view(request, slug, *args, **kwargs)
        return serve_kept(_key(request, slug), lambda: view(request, slug, *args, **kwargs))[0]

    return wrapper


def province_key(province_id: int) -> str:
    """The version every audited write of a body of this province bumps."""
    return f"provver:{province_id}"


CACHE_HEADER = "X-Public-Cache"


def cached_public_area(versions):
    """For public GET views of an area (a province, the whole country) rather than one body:
    ``versions(*args, **kwargs)`` (the view's arguments) names the version keys the page
    depends on (``province_key(id)``, ``NATIONAL``); ``ALL`` always counts. Kept, like a body's
    pages, for visitors without a session and at most PUBLIC_CACHE_SECONDS."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request) or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            keys = [ALL, *versions(*args, **kwargs)]
            found = cache.get_many(keys)  # one round trip
            version = ".".join(str(found.get(k, 0)) for k in keys)
            key = f"pub:{version}:{'/'.join(keys)}:{request.scheme}:{request.get_host()}:{request.path}"
            response, hit = serve_kept(key, lambda: view(request, *args, **kwargs))
            if hit or response.status_code == 200:
                response[CACHE_HEADER] = "hit" if hit else "miss"  # bench/load.py counts the hit rate by it
            return response

        return wrapper

    return decorator


def kept_for_person(request, build, *, seconds: int, slugs=(), province_ids=()):
    """A signed-in person's page, kept per person and session until anything of the bodies
    (``slugs``) or provinces it shows changes: every audited write bumps those versions, an
    admin change bumps them all. Not kept for the superuser, for anything but GET, or while
    a message waits to be shown. ``build()`` makes the response on a miss."""
    if (not seconds or request.method != "GET" or request.user.is_superuser or "messages" in request.COOKIES
            or "_messages" in request.session):
        return build()
    version = area_version(province_ids, slugs)
    key = (f"person:{request.user.pk}:{request.session.session_key}:{version}:{timezone.localdate().isoformat()}:"
           f"{request.get_full_path()}")
    html = cache.get(key)
    if html is not None:
        response = HttpResponse(html)
        response[CACHE_HEADER] = "hit"
        return response
    response = build()
    if response.status_code == 200:
        cache.set(key, response.content, seconds)
        response[CACHE_HEADER] = "miss"  # bench/load.py checks that the editor's page was built
    return response
