"""The measure cards of the plan page, each kept by its content.

The plan page is built again after every write of the body (on deadline day: every progress
save), but its measures rarely change then. A card's key is a digest of everything the card
shows (the measure's words, indicators, units, period, the buttons it offers and its place,
the language and the template's own version), so a kept card can never be out of date: any
change gives another key, and an unused key simply expires. The CSRF token of the card's
forms is not kept: the card is stored with a placeholder, filled for each request.

The list of cards is also kept whole under the state of the plan's kept measures
(selectors.plan_measures_state, which changes whenever any of them may have), read in one step
without a digest per measure.
"""

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

TEMPLATE = "measures/_measure_card.html"
TEMPLATE_VERSION = 1  # raise when the card's template changes in a way its content does not show
PLACEHOLDER = "\x00csrf\x00"  # never in a measure's text (control characters are refused)
KEEP_SECONDS = 24 * 60 * 60


def _content(measure, *, number, first, last, measures_open, slug, fiscal_year) -> tuple:
    return (TEMPLATE_VERSION, get_language(), slug, fiscal_year, number, first, last, measures_open,
            measure.pk, measure.title, measure.guideline, measure.analysis, measure.step_list,
            measure.period_text, str(measure.period_start), str(measure.period_end), measure.target,
            str(measure.budget), list(measure.monitoring_rounds or ()),
            [(i.number, i.name) for i in measure.indicators.all()],
            [u.name for u in measure.responsible_units.all()])


def measure_cards(request, measures, *, org, plan, measures_open, state) -> list:
    """The cards of ``measures`` (loaded with their indicators and units), in order, as HTML.

    ``state`` (selectors.plan_measures_state) names the state of the plan's kept measures: the
    whole list of cards is kept under it and read in one step; after a change, the cards are
    found one by one by their content (``_cards``), so only the changed ones are rendered."""
    key = "cards:" + hashlib.sha256(repr((TEMPLATE_VERSION, get_language(), org.slug, plan.fiscal_year,
                                          measures_open, state)).encode()).hexdigest()[:40]
    cards = cache.get(key)
    if cards is None:
        cards = _cards(measures, org=org, plan=plan, measures_open=measures_open)
        cache.set(key, cards, KEEP_SECONDS)
    token = get_token(request) if measures_open else ""
    return [mark_safe(html.replace(PLACEHOLDER, token)) for html in cards]  # noqa: S308  # nosec B308 B703: rendered by the template, escaped there


def _cards(measures, *, org, plan, measures_open) -> list[str]:
    """Each card's HTML (with the CSRF placeholder), kept one by one by its content."""
    contexts, keys = [], []
    last = len(measures)
    for number, measure in enumerate(measures, start=1):
        place = {"number": number, "first": number == 1, "last": number == last, "measures_open": measures_open}
        content = _content(measure, slug=org.slug, fiscal_year=plan.fiscal_year, **place)
        keys.append("card:" + hashlib.sha256(repr(content).encode()).hexdigest()[:40])
        contexts.append({"m": measure, "org": org, "plan": plan, "csrf_placeholder": PLACEHOLDER, **place})
    kept = cache.get_many(keys) if keys else {}
    missing = {}
    cards = []
    for key, context in zip(keys, contexts, strict=True):
        html = kept.get(key)
        if html is None:
            html = missing[key] = render_to_string(TEMPLATE, context)
        cards.append(html)
    if missing:
        cache.set_many(missing, KEEP_SECONDS)
    return cards
