"""Caching of anonymous public pages and downloads, invalidated per body.

Every audited write for a body (score import, publishing, …) bumps that body's version,
so its public pages and files are rebuilt on the next request; a timeout bounds the rest
(e.g. an admin renaming a body). Use a shared cache (REDIS_URL) with several processes:
a per-process cache would only see its own bumps."""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

KEPT_HEADERS = ("Content-Disposition", "ETag", "Last-Modified", "Cache-Control", "Access-Control-Allow-Origin")


def _version_key(slug: str) -> str:
    return f"pubver:{slug}"


def bump(slug: str) -> None:
    try:
        cache.incr(_version_key(slug))
    except ValueError:
        cache.set(_version_key(slug), 1, None)


def cached_public(view):
    """For GET views whose first argument after the request is a body slug."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if (request.method != "GET" or request.GET or request.headers.get("If-None-Match")
                or request.user.is_authenticated or not settings.PUBLIC_CACHE_SECONDS):
            return view(request, slug, *args, **kwargs)
        version = cache.get(_version_key(slug), 0)
        key = f"pub:{version}:{request.scheme}:{request.get_host()}:{request.path}"
        hit = cache.get(key)
        if hit is not None:
            content_type, body, headers = hit
            response = HttpResponse(body, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, slug, *args, **kwargs)
        sendfile = settings.PUBLISHED_FILE_HEADER
        if response.status_code == 200 and not response.streaming and not (sendfile and sendfile in response):
            headers = {h: response[h] for h in KEPT_HEADERS if h in response}
            cache.set(key, (response["Content-Type"], response.content, headers), settings.PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
