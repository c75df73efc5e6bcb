"""Map furniture: north arrow, scale bar in km, non-colliding unit labels, legends."""

from __future__ import annotations

from matplotlib.patches import Rectangle

NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)


def north_arrow(ax, xy=(0.93, 0.86), size=0.09, label="N") -> None:
    """A filled arrow pointing up (the map is in a projected CRS with north up)."""
    x, y = xy
    ax.annotate(
        "",
        xy=(x, y + size / 2),
        xytext=(x, y - size / 2),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "simple,head_width=0.9,head_length=0.9,tail_width=0.35", "color": "black", "lw": 0},
    )
    ax.text(x, y + size / 2 + 0.015, label, transform=ax.transAxes, ha="center", va="bottom", fontsize=10)


def scale_bar(ax, xy=(0.05, 0.05), height_frac=0.012, max_fraction=0.25) -> int:
    """Two-segment black/white scale bar with km labels; returns its length in km.

    The length is a round number of km near ``max_fraction`` of the axis width (never
    more), so the bar fits the pad it is drawn in.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) * max_fraction / 1000.0
    km = max([v for v in NICE_KM if v <= target] or [NICE_KM[0]])
    length = km * 1000.0
    bx = x0 + xy[0] * (x1 - x0)
    by = y0 + xy[1] * (y1 - y0)
    h = height_frac * (y1 - y0)
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle((bx + i * length / 2, by), length / 2, h, facecolor=colour, edgecolor="black", lw=0.6, zorder=5)
        )
    for frac, text in ((0, "0"), (1, f"{km:g} km")):
        ax.text(bx + frac * length, by + 1.6 * h, text, ha="center", va="bottom", fontsize=7, zorder=5)
    return km


def label_units(ax, gdf, labels, fontsize: float = 7.0, max_iter: int = 60) -> list:
    """Label polygons at representative points and push overlapping labels apart."""
    pts = gdf.geometry.representative_point()
    texts = [
        ax.text(p.x, p.y, str(lab), ha="center", va="center", fontsize=fontsize, zorder=6,
                bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.65})
        for p, lab in zip(pts, labels)
    ]  # fmt: skip
    return repel(ax, texts, max_iter)


def repel(ax, texts, max_iter: int = 60) -> list:
    """Move overlapping texts apart vertically, in small steps, until none overlap."""
    renderer = ax.figure.canvas.get_renderer()
    span = ax.get_ylim()[1] - ax.get_ylim()[0]
    for _ in range(max_iter):
        boxes = [t.get_window_extent(renderer) for t in texts]
        moved = False
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                if boxes[i].overlaps(boxes[j]):
                    xi, yi = texts[i].get_position()
                    xj, yj = texts[j].get_position()
                    step = 0.012 * span * (1 if yi >= yj else -1)
                    texts[i].set_position((xi, yi + step))
                    texts[j].set_position((xj, yj - step))
                    moved = True
        if not moved:
            break
    return texts


def overlaps(texts, renderer) -> int:
    """Number of overlapping label pairs (0 after :func:`label_units` succeeds)."""
    boxes = [t.get_window_extent(renderer) for t in texts]
    return sum(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
