"""Server-side SVG charts: vector graphics, so they stay sharp in the PDF."""

from html import escape

COLOURS = ["#9ec5fe", "#6ea8fe", "#3d8bfd", "#0a58ca", "#052c65"]


def indicator_bars(years, labels, series, *, pass_mark=85.0, tick=str, width=640, height=260) -> str:
    """Grouped bars: one group per indicator, one bar per year (oldest first); a line at the pass mark.

    ``series[y][i]`` is year y's score for indicator i (None when unknown)."""
    left, right, top, bottom = 36, 10, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / max(len(labels), 1)
    bar_w = (group_w * 0.8) / max(len(years), 1)

    def y_of(value):
        return top + plot_h * (1 - value / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" font-family="Sarabun" font-size="11" role="img">']
    for value in (0, 25, 50, 75, 100):
        y = y_of(value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dee2e6"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(tick(value))}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for y_index, scores in enumerate(series):
            value = scores[i]
            if value is None:
                continue
            x = x0 + y_index * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y_of(value):.1f}" width="{bar_w * 0.9:.1f}" '
                         f'height="{plot_h * value / 100:.1f}" fill="{COLOURS[y_index % len(COLOURS)]}"/>')
        parts.append(f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{height - bottom + 14}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    y = y_of(pass_mark)
    parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dc3545" '
                 f'stroke-dasharray="4 3"/>')
    for y_index, year in enumerate(years):
        x = left + y_index * 70
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{COLOURS[y_index % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="13">{escape(year)}</text>')
    parts.append("</svg>")
    return "".join(parts)
