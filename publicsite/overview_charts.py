"""Server-side SVG charts of the overview pages: horizontal bars, drawn at a phone's width (one
user unit is about one CSS pixel at 360 px), so the text stays readable on a 390 px screen and
scales up on a wide one. Each chart is an image with a title and a description for screen
readers (role="img", aria-labelledby), and the page shows the same figures in a table beside it;
the bars' colours keep at least 3:1 against white, the text 4.5:1 (WCAG 2.1 AA)."""

from html import escape

from common import thai

WIDTH = 360
LABEL_W = 118  # the labels' column
VALUE_W = 74  # the figures after the bars
ROW_H = 22  # one bar
GAP = 8  # between groups
FONT = 12
COLOURS = ["#1d4e89", "#6b6b6b"]  # this year, the year before: 8.9:1 and 5.3:1 against white
TEXT = "#212529"
MARK = "#a4262c"  # the pass mark line: 6.6:1


def hbar_chart(*, chart_id: str, title: str, desc: str, labels: list[str], series: list[list],
               series_labels: list[str] | None = None, maximum=100, value_text=None, mark=None,
               mark_label: str = "") -> str:
    """Horizontal bars: one group per label, one bar per series (``series[s][i]``; None: no bar).
    ``value_text(s, i)`` is the text after a bar; ``mark`` draws a dashed line at that value."""
    value_text = value_text or (lambda s, i: thai.format_score(series[s][i]))
    groups = len(labels)
    per_group = len(series) * ROW_H + GAP
    legend = bool(series_labels and len(series) > 1) or bool(mark_label)
    top = 24 if legend else 6
    height = top + groups * per_group + (18 if mark is not None else 4)
    plot = WIDTH - LABEL_W - VALUE_W
    top_value = float(maximum) or 1.0

    def x_of(value):
        return LABEL_W + plot * min(float(value), top_value) / top_value

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="overview-chart" '
             f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="Sarabun, sans-serif" '
             f'font-size="{FONT}" fill="{TEXT}">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    if legend:
        x = 0.0
        for s, name in enumerate(series_labels or []):
            if len(series) < 2:
                break
            parts.append(f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{COLOURS[s % len(COLOURS)]}"/>')
            parts.append(f'<text x="{x + 16:.1f}" y="16">{escape(name)}</text>')
            x += 16 + len(name) * FONT * 0.55 + 14
        if mark_label:
            parts.append(f'<line x1="{x:.1f}" y1="12" x2="{x + 18:.1f}" y2="12" stroke="{MARK}" stroke-width="2" '
                         f'stroke-dasharray="4 3"/>')
            parts.append(f'<text x="{x + 22:.1f}" y="16">{escape(mark_label)}</text>')
    for i, label in enumerate(labels):
        y0 = top + i * per_group
        parts.append(f'<text x="{LABEL_W - 6}" y="{y0 + len(series) * ROW_H / 2 + FONT * 0.35:.1f}" '
                     f'text-anchor="end">{escape(label)}</text>')
        for s, values in enumerate(series):
            value = values[i]
            y = y0 + s * ROW_H
            if value is None:
                parts.append(f'<text x="{LABEL_W + 4}" y="{y + ROW_H * 0.7:.1f}">–</text>')
                continue
            end = x_of(value)
            parts.append(f'<rect x="{LABEL_W}" y="{y + 2}" width="{max(end - LABEL_W, 1):.1f}" '
                         f'height="{ROW_H - 4}" fill="{COLOURS[s % len(COLOURS)]}"/>')
            parts.append(f'<text x="{end + 4:.1f}" y="{y + ROW_H * 0.7:.1f}">{escape(value_text(s, i))}</text>')
    bottom = top + groups * per_group
    parts.append(f'<line x1="{LABEL_W}" y1="{top}" x2="{LABEL_W}" y2="{bottom - GAP / 2}" stroke="{TEXT}" '
                 f'stroke-width="1"/>')
    if mark is not None:
        x = x_of(mark)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{MARK}" stroke-width="2" '
                     f'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{MARK}">'
                     f'{escape(thai.format_score(mark))}</text>')
    parts.append("</svg>")
    return "".join(parts)
