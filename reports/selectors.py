"""Reads for the public pages: published documents only, a fixed number of queries."""

from collections import defaultdict

from .models import Doc, PublishedDocument


def published_by_year(org, fiscal_year=None) -> dict[int, dict[str, list[PublishedDocument]]]:
    """{year: {doc: [versions, newest first]}} for a body (one query, no file contents)."""
    documents = PublishedDocument.objects.filter(org=org).defer("snapshot").order_by("fiscal_year", "doc",
                                                                                      "-version")
    if fiscal_year is not None:
        documents = documents.filter(fiscal_year=fiscal_year)
    result: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for document in documents:
        result[document.fiscal_year][document.doc].append(document)
    return {year: dict(docs) for year, docs in result.items()}


def ordered_docs(docs: dict[str, list]) -> list[tuple[str, list]]:
    return [(doc, docs[doc]) for doc in Doc.values if doc in docs]


def latest(org, fiscal_year, doc) -> PublishedDocument | None:
    return PublishedDocument.objects.filter(org=org, fiscal_year=fiscal_year, doc=doc).order_by("-version").first()


def latest_snapshots(org, fiscal_year) -> dict[str, PublishedDocument]:
    """The newest version of each document of a year, with its snapshot (one query)."""
    newest = {}
    for document in PublishedDocument.objects.filter(org=org, fiscal_year=fiscal_year).order_by("doc", "-version"):
        newest.setdefault(document.doc, document)
    return newest
