"""Server-side SVG charts: vector graphics, so they stay sharp in the PDF.

A chart is a plain SVG string with its text as real ``<text>`` in the document's font (Sarabun,
which the document embeds): nothing is fetched. Its size is given in points and one user unit
is one point, so ``font-size`` is the printed size when the chart is printed at its own width
(the analysis prints it at most as wide as the page's text, ``.chart svg`` in _base.html)."""

import unicodedata
from html import escape

# One colour per year, oldest to newest: the hues tell the years apart in colour and the
# lightness, falling from the oldest to the newest year, tells them apart in black and white.
# A chart of n years takes the last n, so the newest year is always the darkest.
YEAR_COLOURS = ["#fee0b6", "#9ecae1", "#66bd63", "#8073ac", "#2166ac"]
PASS_COLOUR = "#c0392b"
TEXT_PT = 11  # tick labels, legend and pass-mark label
LABEL_PT = 12  # the indicator numbers under the bars


def year_colours(count: int) -> list[str]:
    if count <= len(YEAR_COLOURS):
        return YEAR_COLOURS[len(YEAR_COLOURS) - count:]
    return [YEAR_COLOURS[i % len(YEAR_COLOURS)] for i in range(count)]


def _text_width(text: str, size: float) -> float:
    """An estimate of the printed width of ``text`` (combining marks take no room)."""
    return sum(0 if unicodedata.category(ch) == "Mn" else 0.56 for ch in text) * size


def _whole(value):
    return int(value) if float(value).is_integer() else value


def indicator_bars(years, labels, series, *, pass_mark=85.0, tick=str, pass_label="", axis_label="",
                   width=520, height=270, label="") -> str:
    """Grouped bars: one group per indicator, one bar per year (oldest first, one colour a year
    with a legend); a dashed line at the pass mark, labelled on the axis and in the legend.

    ``series[y][i]`` is year y's score for indicator i (None when unknown: no bar). ``width`` and
    ``height`` are in points. ``label`` is the chart's text alternative on screen (``aria-label``;
    nothing printed)."""
    colours = year_colours(len(years))
    left, right, top = 34, 6, 34
    bottom = 44 if axis_label else 26
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / max(len(labels), 1)
    bar_w = (group_w * 0.8) / max(len(years), 1)

    def y_of(value):
        return top + plot_h * (1 - float(value) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}pt" '
             f'height="{height}pt" font-family="Sarabun" font-size="{TEXT_PT}" fill="#000" role="img"'
             + (f' aria-label="{escape(label)}"' if label else "") + ">"]
    for value in (0, 25, 50, 75, 100):
        y = y_of(value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#bbb" '
                     f'stroke-width="0.5"/>')
        parts.append(f'<text x="{left - 4}" y="{y + TEXT_PT * 0.35:.1f}" text-anchor="end">'
                     f'{escape(tick(value))}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for y_index, scores in enumerate(series):
            value = scores[i]
            if value is None:
                continue
            x = x0 + y_index * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y_of(value):.1f}" width="{bar_w * 0.9:.1f}" '
                         f'height="{plot_h * float(value) / 100:.1f}" fill="{colours[y_index]}" stroke="#333" '
                         f'stroke-width="0.4"/>')
        parts.append(f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{top + plot_h + LABEL_PT + 2}" '
                     f'font-size="{LABEL_PT}" text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#000" '
                 f'stroke-width="0.75"/>')
    if axis_label:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
                     f'{escape(axis_label)}</text>')
    y = y_of(pass_mark)  # the dashes on a white band, so the line shows across the bars
    parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#fff" '
                 f'stroke-width="3"/>')
    parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{PASS_COLOUR}" '
                 f'stroke-width="1.2" stroke-dasharray="5 3"/>')
    parts.append(f'<text x="{left - 4}" y="{y + TEXT_PT * 0.35:.1f}" text-anchor="end" fill="{PASS_COLOUR}" '
                 f'font-weight="bold">{escape(tick(_whole(pass_mark)))}</text>')
    # The legend, one line above the plot: a swatch and the year for each year, then the pass-mark line.
    x, base = left, 14
    for colour, year in zip(colours, years, strict=True):
        parts.append(f'<rect x="{x:.1f}" y="{base - 9}" width="10" height="10" fill="{colour}" stroke="#333" '
                     f'stroke-width="0.4"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{base}">{escape(year)}</text>')
        x += 14 + _text_width(year, TEXT_PT) + 14
    if pass_label:
        parts.append(f'<line x1="{x:.1f}" y1="{base - 4}" x2="{x + 20:.1f}" y2="{base - 4}" stroke="{PASS_COLOUR}" '
                     f'stroke-width="1.2" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{x + 24:.1f}" y="{base}">{escape(pass_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
