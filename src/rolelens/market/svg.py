"""Small inline SVG charts for the market report: no scripts, no fonts, no network.

Shares carry their interval as a whisker where the chart allows, and a column or bar for
fewer postings than the report's minimum n is drawn faded (``greyed``) and marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip


FADED = "0.3"


def colour(index: int) -> str:
    """A categorical colour for the index-th series."""
    return PALETTE[index % len(PALETTE)]


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


# Characters of a row label that fit left of a chart (longer ones are cut with an ellipsis).
LABEL_CHARS = 44


def _fit(label: str, width: int = LABEL_CHARS) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _text(
    x: float, y: float, s: str, *, anchor: str = "start", size: int = 11, **extra: str
) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-family="sans-serif"{attrs}>{escape(s)}</text>'
    )


def stacked_bars(
    columns: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    totals: Sequence[int],
    title: str,
    greyed: Sequence[bool] | None = None,
) -> str:
    """100% stacked columns: one per x label, one coloured segment per series (shares 0..1);
    a greyed column (too few postings) is faded and marked 'small'."""
    left, top, bar_h = 40, 20, 240.0
    step = max(46, min(60, 720 // max(1, len(columns))))  # room for a YYYY-MM label
    width = left + step * len(columns) + 40 + 7 * max([len(_fit(n)) for n, _ in series] or [10])
    height = int(top + bar_h + 60)
    body = [_text(left - 6, top + bar_h + 4, "0%", anchor="end", size=10)]
    body.append(_text(left - 6, top + 8, "100%", anchor="end", size=10))
    for ci, label in enumerate(columns):
        x = left + ci * step
        y = top + bar_h
        faded = bool(greyed and greyed[ci])
        if faded:
            body.append(f'<g opacity="{FADED}">')
        for si, (name, values) in enumerate(series):
            h = values[ci] * bar_h
            if h <= 0:
                continue
            y -= h
            body.append(
                f'<rect x="{x + 2}" y="{y:.2f}" width="{step - 4}" height="{h:.2f}" '
                f'fill="{colour(si)}"><title>{escape(label)} · {escape(name)}: '
                f"{values[ci]:.1%}</title></rect>"
            )
        if faded:
            body.append("</g>")
            body.append(_text(x + step / 2, top + bar_h + 38, "small", anchor="middle", size=8))
        body.append(_text(x + step / 2, top + bar_h + 14, label, anchor="middle", size=9))
        body.append(
            _text(x + step / 2, top + bar_h + 27, f"n={totals[ci]:,}", anchor="middle", size=8)
        )
    lx = left + step * len(columns) + 16
    for si, (name, _) in enumerate(series):
        y = top + si * 18
        body.append(f'<rect x="{lx}" y="{y}" width="12" height="12" fill="{colour(si)}"/>')
        body.append(_text(lx + 18, y + 10, _fit(name)))
    return _svg(width, height, body, title)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[tuple[int, float]]],
    title: str,
) -> str:
    """A grid of (count, share) cells shaded by share; rows and columns labelled."""
    left, top, cw, ch = 260, 110, 78, 26
    width = left + cw * len(columns) + 90  # room for the last slanted header
    height = top + ch * len(rows) + 10
    body = []
    for ci, name in enumerate(columns):
        x = left + ci * cw + cw / 2
        body.append(
            f'<text transform="translate({x:.1f},{top - 6}) rotate(-35)" font-size="10" '
            f'font-family="sans-serif">{escape(name)}</text>'
        )
    for ri, name in enumerate(rows):
        y = top + ri * ch
        body.append(_text(left - 6, y + ch / 2 + 4, _fit(name), anchor="end"))
        for ci in range(len(columns)):
            count, share = cells[ri][ci]
            shade = f"rgba(78,121,167,{0.08 + 0.92 * share:.3f})" if count else "#f6f6f6"
            ink = "#fff" if share > 0.55 else "#222"
            x = left + ci * cw
            body.append(
                f'<rect x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" fill="{shade}">'
                f"<title>{escape(name)} → {escape(columns[ci])}: {count:,} ({share:.1%})</title>"
                "</rect>"
            )
            if count:
                body.append(
                    _text(
                        x + cw / 2,
                        y + ch / 2 + 3,
                        f"{share:.0%}",
                        anchor="middle",
                        size=10,
                        fill=ink,
                    )
                )
    return _svg(width, height, body, title)


def hbars(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    *,
    fmt: str = "{:.0%}",
    vmax: float | None = None,
    intervals: Sequence[tuple[float, float]] | None = None,
    greyed: Sequence[bool] | None = None,
) -> str:
    """Horizontal bars, one per label, each with its interval as a whisker when given; a
    greyed bar (too few postings) is faded and marked 'small'."""
    left, top, bh, span = 260, 10, 20, 400
    highs = [hi for _, hi in intervals] if intervals else []
    top_value = vmax if vmax is not None else max([*values, *highs, 1e-9])
    height = top + bh * len(labels) + 10
    body = []

    def sx(v: float) -> float:
        return left + span * (v / top_value if top_value else 0)

    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * bh
        faded = bool(greyed and greyed[i])
        body.append(_text(left - 6, y + 13, _fit(label), anchor="end"))
        opacity = f' opacity="{FADED}"' if faded else ""
        body.append(
            f'<rect x="{left}" y="{y + 3}" width="{sx(value) - left:.1f}" height="{bh - 6}" '
            f'fill="{colour(0)}"{opacity}/>'
        )
        end = sx(value)
        note = fmt.format(value)
        if intervals:
            lo, hi = intervals[i]
            body.append(
                f'<line x1="{sx(lo):.1f}" y1="{y + bh / 2}" x2="{sx(hi):.1f}" y2="{y + bh / 2}" '
                f'stroke="#222" stroke-width="1.2"{opacity}/>'
            )
            end = max(end, sx(hi))
            note += f" [{fmt.format(lo)}–{fmt.format(hi)}]"
        if faded:
            note += " small"
        body.append(_text(end + 4, y + 13, note, size=10))
    return _svg(left + span + 170, height, body, title)


def points(
    labels: Sequence[str],
    values: Sequence[float],
    intervals: Sequence[tuple[float, float]],
    totals: Sequence[int],
    title: str,
    greyed: Sequence[bool] | None = None,
) -> str:
    """A share per column (a dot) with its interval (a whisker); greyed columns faded."""
    left, top, plot_h = 44, 14, 200.0
    step = max(46, min(60, 720 // max(1, len(labels))))  # room for a YYYY-MM label
    width = left + step * len(labels) + 40
    vmax = max([*(hi for _, hi in intervals), 1e-9])
    vmax = min(1.0, vmax * 1.1)

    def sy(v: float) -> float:
        return top + plot_h * (1 - v / vmax)

    body = [
        _text(left - 6, top + plot_h + 4, "0%", anchor="end", size=10),
        _text(left - 6, top + 8, f"{vmax:.0%}", anchor="end", size=10),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 30}" y2="{top + plot_h}" '
        'stroke="#bbb"/>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step + step / 2
        lo, hi = intervals[i]
        faded = bool(greyed and greyed[i])
        opacity = f' opacity="{FADED}"' if faded else ""
        body.append(
            f'<g{opacity}><line x1="{x:.1f}" y1="{sy(lo):.1f}" x2="{x:.1f}" y2="{sy(hi):.1f}" '
            f'stroke="#222"/><circle cx="{x:.1f}" cy="{sy(values[i]):.1f}" r="3.5" '
            f'fill="{colour(0)}"><title>{escape(label)}: {values[i]:.1%} '
            f"[{lo:.1%}–{hi:.1%}], n={totals[i]:,}</title></circle></g>"
        )
        body.append(_text(x, top + plot_h + 14, label, anchor="middle", size=9))
        body.append(_text(x, top + plot_h + 27, f"n={totals[i]:,}", anchor="middle", size=8))
        if faded:
            body.append(_text(x, top + plot_h + 38, "small", anchor="middle", size=8))
    return _svg(width, int(top + plot_h + 48), body, title)


def dumbbells(
    labels: Sequence[str],
    before: Sequence[float],
    after: Sequence[float],
    title: str,
    intervals: Sequence[tuple[tuple[float, float], tuple[float, float]]] | None = None,
) -> str:
    """Two shares per label joined by a line: early (grey) and late (coloured), each with
    its interval as a thin whisker when given."""
    left, top, bh, span = 260, 24, 20, 420
    vmax = max([*before, *after, *(hi for pair in intervals or () for _, hi in pair), 1e-9])
    height = top + bh * len(labels) + 10
    body = [
        f'<circle cx="{left + 5}" cy="10" r="4" fill="#999"/>',
        _text(left + 12, 14, "early months", size=10),
        f'<circle cx="{left + 105}" cy="10" r="4" fill="{colour(1)}"/>',
        _text(left + 112, 14, "late months", size=10),
    ]
    for i, label in enumerate(labels):
        y = top + i * bh + 10
        x0 = left + span * before[i] / vmax
        x1 = left + span * after[i] / vmax
        body.append(_text(left - 6, y + 4, _fit(label), anchor="end"))
        body.append(
            f'<line x1="{x0:.1f}" y1="{y}" x2="{x1:.1f}" y2="{y}" stroke="#bbb" stroke-width="2"/>'
        )
        if intervals:
            for (lo, hi), dy, ink in zip(intervals[i], (-3, 3), ("#999", colour(1)), strict=True):
                body.append(
                    f'<line x1="{left + span * lo / vmax:.1f}" y1="{y + dy}" '
                    f'x2="{left + span * hi / vmax:.1f}" y2="{y + dy}" stroke="{ink}"/>'
                )
        body.append(f'<circle cx="{x0:.1f}" cy="{y}" r="4" fill="#999"/>')
        body.append(f'<circle cx="{x1:.1f}" cy="{y}" r="4" fill="{colour(1)}"/>')
        body.append(_text(x1 + 8, y + 4, f"{before[i]:.1%} → {after[i]:.1%}", size=9))
    return _svg(left + span + 120, height, body, title)


def boxplots(
    labels: Sequence[str], stats: Sequence[Sequence[float]], title: str, *, unit: str = ""
) -> str:
    """Horizontal box plots from (p10, p25, median, p75, p90) per label."""
    left, top, bh, span = 230, 24, 24, 440
    lo = min(s[0] for s in stats)
    hi = max(s[4] for s in stats)
    rng = (hi - lo) or 1.0

    def sx(v: float) -> float:
        return left + span * (v - lo) / rng

    height = top + bh * len(labels) + 20
    body = [
        _text(left, 14, f"{lo:,.0f}{unit}", size=9),
        _text(left + span, 14, f"{hi:,.0f}{unit}", anchor="end", size=9),
    ]
    for i, (label, s) in enumerate(zip(labels, stats, strict=True)):
        y = top + i * bh + 12
        p10, p25, med, p75, p90 = s
        body.append(_text(left - 6, y + 4, _fit(label), anchor="end"))
        body.append(
            f'<line x1="{sx(p10):.1f}" y1="{y}" x2="{sx(p90):.1f}" y2="{y}" stroke="#777"/>'
        )
        body.append(
            f'<rect x="{sx(p25):.1f}" y="{y - 7}" width="{max(1.0, sx(p75) - sx(p25)):.1f}" '
            f'height="14" fill="{colour(i)}" opacity="0.75"/>'
        )
        body.append(
            f'<line x1="{sx(med):.1f}" y1="{y - 8}" x2="{sx(med):.1f}" y2="{y + 8}" '
            'stroke="#000" stroke-width="2"/>'
        )
        body.append(_text(left + span + 8, y + 4, f"median {med:,.0f}{unit}", size=9))
    return _svg(left + span + 140, height, body, title)
