"""HTML templates -> PDF with WeasyPrint, with a URL fetcher that can only read the portal's
own static files (fonts, stylesheet) and the body's logo, handed over as bytes: text people
typed can never make the renderer fetch anything else."""

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string

LANDSCAPE = {"measures", "results-6m", "results-12m"}
TEMPLATES = {"analysis": "reports/analysis.html", "measures": "reports/measures.html",
             "results-6m": "reports/results.html", "results-12m": "reports/results.html"}
LOGO_URL = "file:///ita-portal/logo/"  # + the logo's hash; answered from the bytes given to render_pdf
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class BlockedFetch(ValueError):
    pass


def _static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def url_fetcher(url: str, timeout=10, ssl_context=None, *, logo: bytes | None = None):
    from weasyprint import default_url_fetcher

    if logo and url == logo_url(logo):
        mime = next((t for magic, t in IMAGE_TYPES.items() if logo.startswith(magic)), None)
        if mime:
            return {"string": logo, "mime_type": mime}
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise BlockedFetch(f"blocked: {url[:80]}")
    path = Path(unquote(parsed.path)).resolve()
    if not path.is_relative_to(_static_root()):
        raise BlockedFetch(f"blocked: {url[:80]}")
    return default_url_fetcher(path.as_uri(), timeout=timeout, ssl_context=ssl_context)


def logo_url(logo: bytes) -> str:
    """Named by content, so a renderer's image cache can never give one body another's logo."""
    return LOGO_URL + hashlib.sha256(logo).hexdigest()[:32]


def asset_base(for_pdf: bool) -> str:
    if for_pdf:
        return _static_root().as_uri() + "/"
    return settings.STATIC_URL


def render_html(context: dict, *, draft: bool, for_pdf: bool, logo: bytes | None = None) -> str:
    doc = context["doc"]
    return render_to_string(TEMPLATES[doc], {
        **context, "draft": draft, "landscape": doc in LANDSCAPE, "asset": asset_base(for_pdf),
        "for_pdf": for_pdf, "logo": logo_url(logo) if for_pdf and logo else None,
    })


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


def render_pdf(context: dict, *, draft: bool, logo: bytes | None = None) -> RenderedPdf:
    """``logo``: the body's logo file, read through the storage API (local disk or S3 alike)."""
    from weasyprint import HTML

    html = render_html(context, draft=draft, for_pdf=True, logo=logo)
    fetcher = partial(url_fetcher, logo=logo)
    document = HTML(string=html, base_url=asset_base(True), url_fetcher=fetcher).render()
    return RenderedPdf(document.write_pdf(), len(document.pages))
