"""HTML templates -> PDF with WeasyPrint, with a URL fetcher that can only read the portal's
own static files (fonts, stylesheet) and body logos: text people typed can never make the
renderer fetch anything else."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string

LANDSCAPE = {"measures", "results-6m", "results-12m"}
TEMPLATES = {"analysis": "reports/analysis.html", "measures": "reports/measures.html",
             "results-6m": "reports/results.html", "results-12m": "reports/results.html"}


class BlockedFetch(ValueError):
    pass


def _allowed_roots() -> list[Path]:
    return [(Path(settings.BASE_DIR) / "static").resolve(), (Path(settings.MEDIA_ROOT) / "logos").resolve()]


def url_fetcher(url: str, timeout=10, ssl_context=None):
    from weasyprint import default_url_fetcher

    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise BlockedFetch(f"blocked: {url[:80]}")
    path = Path(unquote(parsed.path)).resolve()
    if not any(path.is_relative_to(root) for root in _allowed_roots()):
        raise BlockedFetch(f"blocked: {url[:80]}")
    return default_url_fetcher(path.as_uri(), timeout=timeout, ssl_context=ssl_context)


def asset_base(for_pdf: bool) -> str:
    if for_pdf:
        return (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    return settings.STATIC_URL


def render_html(context: dict, *, draft: bool, for_pdf: bool, logo_path: str | None = None) -> str:
    doc = context["doc"]
    logo = None
    if logo_path:
        logo = Path(logo_path).resolve().as_uri() if for_pdf else None
    return render_to_string(TEMPLATES[doc], {
        **context, "draft": draft, "landscape": doc in LANDSCAPE, "asset": asset_base(for_pdf),
        "for_pdf": for_pdf, "logo": logo,
    })


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


def render_pdf(context: dict, *, draft: bool, logo_path: str | None = None) -> RenderedPdf:
    from weasyprint import HTML

    html = render_html(context, draft=draft, for_pdf=True, logo_path=logo_path)
    document = HTML(string=html, base_url=asset_base(True), url_fetcher=url_fetcher).render()
    return RenderedPdf(document.write_pdf(), len(document.pages))
