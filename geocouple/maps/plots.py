"""Map and chart figures. Every function returns a matplotlib Figure; nothing is written here.

Inputs are a GeoDataFrame in a projected CRS (metres; see
:func:`geocouple.boundaries.project`) and tables indexed like it, one column per panel
(usually per year). Classes of a choropleth are pooled over all panels so that 2003 and
2016 compare; categorical and LISA colours are fixed per category so they never shift
when a category is absent.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import mapclassify
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .fonts import font_families
from .furniture import label_units, north_arrow, repel, scale_bar

LISA_COLOURS = {"HH": "#d7191c", "LH": "#89cff0", "LL": "#2c7bb6", "HL": "#fdae61", "ns": "#d3d3d3"}
LISA_LABELS = {
    "HH": ("高-高", "High-High"),
    "LH": ("低-高", "Low-High"),
    "LL": ("低-低", "Low-Low"),
    "HL": ("高-低", "High-Low"),
    "ns": ("不显著", "not significant"),
}
TYPE_COLOURS = {"lagging": "#e66101", "synchronous": "#bababa", "ahead": "#5e3c99"}
ZONE_COLOURS = ["#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffff99", "#1f78b4", "#33a02c"]
SIGNIFICANCE = [(0.01, "#006d2c", "p ≤ 0.01"), (0.05, "#31a354", "p ≤ 0.05"), (0.1, "#a1d99b", "p ≤ 0.1")]


def _fonts(func):
    """Draw with DejaVu Sans for Latin and a CJK family for Chinese, unless the caller chose fonts."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        current = list(plt.rcParams["font.family"])
        if len(current) > 1:  # render_maps (or the user) already set a family list
            return func(*args, **kwargs)
        with plt.rc_context({"font.family": font_families(), "axes.unicode_minus": False}):
            return func(*args, **kwargs)

    return wrapper


def grade_colours(codes) -> dict:
    """Fixed colour of every grade code: red (lowest) to green (highest) on RdYlGn."""
    codes = sorted(codes)
    cmap = plt.get_cmap("RdYlGn")
    return {c: to_hex(cmap(0.05 + 0.9 * i / max(len(codes) - 1, 1))) for i, c in enumerate(codes)}


@dataclass(frozen=True)
class MapStyle:
    """Language of labels (zh, en or both), classification, resolution."""

    lang: str = "zh"
    scheme: str = "FisherJenks"
    k: int = 5
    dpi: int = 300
    panel_size: tuple[float, float] = (3.6, 4.6)
    cmap: str = "YlGnBu"

    def text(self, zh: str, en: str) -> str:
        if self.lang == "en" or not zh:
            return en
        if self.lang == "both" and en and en != zh:
            return f"{zh} {en}"
        return zh


PAD_RIGHT = 0.30  # share of the data width added on the right for the north arrow and scale bar


def _panels(n: int, style: MapStyle, gdf, legend_rows: int = 1):
    """Figure with n map panels sized to the layer's aspect ratio, margins in inches."""
    w = style.panel_size[0]
    minx, miny, maxx, maxy = gdf.total_bounds
    aspect = (maxy - miny) * 1.04 / ((maxx - minx) * (1.02 + PAD_RIGHT))
    axes_h = min(max(0.97 * w * aspect, 2.0), 9.0)
    top, bottom = 0.75, 0.3 + 0.28 * legend_rows
    height = axes_h + top + bottom
    fig, axes = plt.subplots(1, n, figsize=(w * n, height), squeeze=False)
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - top / height, bottom=bottom / height, wspace=0.03)
    return fig, list(axes[0])


def _frame(ax, gdf) -> None:
    """Axis limits: the data with a small margin, and a pad on the right for the furniture."""
    minx, miny, maxx, maxy = gdf.total_bounds
    dx, dy = maxx - minx, maxy - miny
    ax.set_xlim(minx - 0.02 * dx, maxx + PAD_RIGHT * dx)
    ax.set_ylim(miny - 0.02 * dy, maxy + 0.02 * dy)


def _decorate(ax, gdf, labels, style: MapStyle, panel_title: str) -> None:
    ax.set_axis_off()
    ax.set_aspect("equal")
    _frame(ax, gdf)
    ax.set_title(panel_title, fontsize=10)
    north_arrow(ax, xy=(0.9, 0.88), label="N" if style.lang == "en" else "北")
    scale_bar(ax, xy=(0.72, 0.04), max_fraction=0.25)
    if labels is not None:
        label_units(ax, gdf, labels)


def _legend(fig, handles, ncol: int, title: str | None = None) -> None:
    fig.legend(
        handles=handles,
        title=title,
        loc="lower center",
        ncol=ncol,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )


def pooled_classifier(values: pd.DataFrame, scheme: str, k: int):
    """One mapclassify classifier on the values of all panels pooled (k capped by distinct values)."""
    pooled = values.to_numpy(dtype=float).ravel()
    pooled = pooled[np.isfinite(pooled)]
    k = max(1, min(k, len(np.unique(pooled))))
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Numba not installed"
        )  # pure Python is instant for a map's few values
        return mapclassify.classify(pooled, scheme, k=k)


def class_labels(bins, lowest: float, digits: int = 3) -> list[str]:
    """Legend text of upper-inclusive classes: ``0.116–0.264`` from the pooled minimum on."""
    lows = [lowest, *bins[:-1]]
    return [f"{lo:.{digits}f}–{hi:.{digits}f}" for lo, hi in zip(lows, bins)]


@_fonts
def choropleth(gdf, values: pd.DataFrame, title: str, style: MapStyle, labels=None, legend_title: str = ""):
    """One panel per column of ``values`` with classes pooled across panels."""
    clf = pooled_classifier(values, style.scheme, style.k)
    bins = np.asarray(clf.bins, dtype=float)
    colours = plt.get_cmap(style.cmap)(np.linspace(0.15, 0.95, len(bins)))
    fig, axes = _panels(values.shape[1], style, gdf)
    for ax, col in zip(axes, values.columns):
        v = values[col].reindex(gdf.index).to_numpy(dtype=float)
        cls = np.minimum(np.searchsorted(bins, v, side="left"), len(bins) - 1)
        face = [colours[c] if np.isfinite(x) else (1, 1, 1, 1) for c, x in zip(cls, v)]
        gdf.plot(ax=ax, color=face, edgecolor="#555555", linewidth=0.5)
        _decorate(ax, gdf, labels, style, str(col))
    texts = class_labels(bins, float(np.nanmin(values.to_numpy(dtype=float))))
    handles = [Patch(facecolor=c, edgecolor="#555555", label=t) for c, t in zip(colours, texts)]
    _legend(fig, handles, min(len(handles), 5), legend_title or None)
    fig.suptitle(title, fontsize=11)
    fig.geocouple_bins = bins
    return fig


@_fonts
def categorical(gdf, categories: pd.DataFrame, palette: dict, names: dict, title: str, style: MapStyle, labels=None):
    """Fixed colour per category key; ``names`` maps key -> (zh, en) legend label."""
    fig, axes = _panels(categories.shape[1], style, gdf)
    for ax, col in zip(axes, categories.columns):
        keys = categories[col].reindex(gdf.index)
        gdf.plot(ax=ax, color=[palette.get(k, "#ffffff") for k in keys], edgecolor="#555555", linewidth=0.5)
        _decorate(ax, gdf, labels, style, str(col))
    present = [k for k in palette if (categories == k).any().any()]
    handles = [Patch(facecolor=palette[k], edgecolor="#555555", label=style.text(*names[k])) for k in present]
    _legend(fig, handles, min(len(handles), 4))
    fig.suptitle(title, fontsize=11)
    return fig


@_fonts
def lisa_clusters(gdf, clusters: pd.DataFrame, title: str, style: MapStyle, labels=None):
    """LISA cluster map; every category keeps its colour and stays in the legend (with counts)."""
    fig, axes = _panels(clusters.shape[1], style, gdf)
    for ax, col in zip(axes, clusters.columns):
        keys = clusters[col].reindex(gdf.index).fillna("ns")
        gdf.plot(ax=ax, color=[LISA_COLOURS[k] for k in keys], edgecolor="#555555", linewidth=0.5)
        _decorate(ax, gdf, labels, style, str(col))
    counts = {k: int((clusters == k).sum().sum()) for k in LISA_COLOURS}
    handles = [
        Patch(facecolor=c, edgecolor="#555555", label=f"{style.text(*LISA_LABELS[k])} ({counts[k]})")
        for k, c in LISA_COLOURS.items()
    ]
    _legend(fig, handles, 5)
    fig.suptitle(title, fontsize=11)
    return fig


@_fonts
def lisa_significance(
    gdf, p: pd.DataFrame, p_min: pd.Series, title: str, style: MapStyle, labels=None, alpha: float = 0.05
):
    """p-value classes; hatched units cannot reach p <= alpha whatever the data (p_min > alpha)."""
    fig, axes = _panels(p.shape[1], style, gdf, legend_rows=2)
    unreachable = p_min.reindex(gdf.index) > alpha
    for ax, col in zip(axes, p.columns):
        v = p[col].reindex(gdf.index)
        face = [next((c for cut, c, _ in SIGNIFICANCE if x <= cut), LISA_COLOURS["ns"]) for x in v]
        gdf.plot(ax=ax, color=face, edgecolor="#555555", linewidth=0.5)
        if unreachable.any():
            gdf[unreachable].plot(ax=ax, facecolor="none", edgecolor="#444444", hatch="////", linewidth=0.0)
        _decorate(ax, gdf, labels, style, str(col))
    handles = [Patch(facecolor=c, edgecolor="#555555", label=t) for _, c, t in SIGNIFICANCE]
    handles.append(
        Patch(facecolor=LISA_COLOURS["ns"], edgecolor="#555555", label=style.text("不显著", "not significant"))
    )
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="#444444",
            hatch="////",
            label=style.text(f"无法达到 p ≤ {alpha:g}", f"cannot reach p ≤ {alpha:g}"),
        )
    )
    _legend(fig, handles, 3)
    fig.suptitle(title, fontsize=11)
    return fig


@_fonts
def moran_scatter(values: pd.DataFrame, weights, ids, titles: dict, title: str, style: MapStyle, labels=None):
    """Moran scatterplot per column: standardised value against its spatial lag, slope = I."""
    fig, axes = plt.subplots(1, values.shape[1], figsize=(3.6 * values.shape[1], 3.8), squeeze=False)
    for ax, col in zip(axes[0], values.columns):
        x = values[col].reindex(ids).to_numpy(dtype=float)
        z = (x - x.mean()) / (x.std() or 1.0)
        lag = weights @ z
        ax.scatter(z, lag, s=18, color="#2c7bb6", edgecolor="white", linewidth=0.5, zorder=3)
        slope = float((z * lag).sum() / (z * z).sum())
        grid = np.array([z.min(), z.max()])
        ax.plot(grid, slope * grid, color="#d7191c", lw=1.2, zorder=2)
        ax.axhline(0, color="#888888", lw=0.6)
        ax.axvline(0, color="#888888", lw=0.6)
        if labels is not None:
            dx = 0.02 * (z.max() - z.min() or 1.0)
            repel(
                ax, [ax.text(xi + dx, yi, str(lab), fontsize=6.5, va="bottom") for xi, yi, lab in zip(z, lag, labels)]
            )
        ax.set_title(titles.get(col, str(col)), fontsize=9)
        ax.set_xlabel(style.text("标准化值 z", "standardised value z"), fontsize=8)
        ax.set_ylabel(style.text("空间滞后 Wz", "spatial lag Wz"), fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


@_fonts
def zone_map(gdf, zones: pd.Series, zone_names: dict, title: str, style: MapStyle, labels=None):
    """Units coloured by zone, dissolved zone outlines drawn over them, zone names at their centre."""
    fig, axes = _panels(1, style, gdf, legend_rows=2)
    ax = axes[0]
    order = (
        [str(z) for z in zones.cat.categories]
        if isinstance(zones.dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(zones.astype(str)))
    )
    colour = {z: ZONE_COLOURS[i % len(ZONE_COLOURS)] for i, z in enumerate(order)}
    frame = gdf.assign(_zone=zones.reindex(gdf.index).astype(str).to_numpy())
    frame.plot(ax=ax, color=[colour[z] for z in frame["_zone"]], edgecolor="white", linewidth=0.6)
    dissolved = frame.dissolve(by="_zone")
    dissolved.boundary.plot(ax=ax, color="#222222", linewidth=1.6)
    _decorate(ax, gdf, labels, style, "")
    handles = [
        Patch(facecolor=colour[z], edgecolor="#222222", label=style.text(*zone_names.get(z, (z, z)))) for z in order
    ]
    handles.append(Line2D([0], [0], color="#222222", lw=1.6, label=style.text("分区界线", "zone boundary")))
    _legend(fig, handles, min(len(handles), 3))
    fig.suptitle(title, fontsize=11)
    return fig


@_fonts
def zone_chart(means: pd.DataFrame, zone_names: dict, title: str, ylabel: str, style: MapStyle):
    """Grouped bars: zone means (rows) per year (columns)."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    n_rows, n_cols = means.shape
    width = 0.8 / max(n_cols, 1)
    x = np.arange(n_rows)
    palette = plt.get_cmap(style.cmap)(np.linspace(0.35, 0.9, n_cols))
    for i, col in enumerate(means.columns):
        bars = ax.bar(
            x + (i - (n_cols - 1) / 2) * width,
            means[col],
            width,
            label=str(col),
            color=palette[i],
            edgecolor="#333333",
            lw=0.5,
        )
        ax.bar_label(bars, fmt="%.3f", fontsize=6.5, padding=1)
    ax.set_xticks(x, [style.text(*zone_names.get(z, (z, z))) for z in means.index], fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
