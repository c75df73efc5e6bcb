"""Publication maps: choropleths, categorical maps, LISA maps, Moran scatterplots, zones.

Imported only when maps are drawn (matplotlib is never loaded by ``import geocouple``).
:func:`render_maps` draws every selected figure of a :class:`MapBundle` and writes it as
PNG (300 dpi) and SVG; the figure functions themselves are in :mod:`geocouple.maps.plots`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from ..errors import GeocoupleWarning
from . import plots
from .fonts import font_families
from .plots import MapStyle

MAP_KINDS = ("choropleth", "categorical", "lisa", "scatter", "zones")
FORMATS = ("png", "svg")


@dataclass
class MapBundle:
    """Everything the maps show, prepared by the pipeline (tables indexed by the layer's ids)."""

    gdf: object  # projected GeoDataFrame with name_zh / name_en
    subsystems: dict  # key -> (zh, en)
    indices: dict  # key -> DataFrame units x years
    pairs: dict  # pair -> {"names": (zh, en), "D", "E", "D_grade", "E_type": DataFrames units x years}
    grade_names: dict  # grade code -> (zh, en)
    type_names: dict  # pair -> {type key -> (zh, en)}
    lisa: dict = field(default_factory=dict)  # (variable, group) -> {"clusters", "p", "p_min", "title"}
    weights: object = None
    ids: object = None
    zones: pd.Series | None = None
    zone_names: dict = field(default_factory=dict)
    zone_means: dict = field(default_factory=dict)  # pair -> DataFrame zones x years of mean D
    synthetic: bool = False
    alpha: float = 0.05


def _labels(bundle: MapBundle, style: MapStyle) -> tuple[list, MapStyle]:
    """Short unit names in the map language; English when no font shows the Chinese ones."""
    gdf = bundle.gdf
    en = [str(v) for v in gdf.get("name_en", pd.Series(gdf.index.astype(str), index=gdf.index))]
    if style.lang == "en" or "name_zh" not in gdf.columns:
        return en, style
    zh = [str(v).removesuffix("市") if str(v).endswith("市") and len(str(v)) > 2 else str(v) for v in gdf["name_zh"]]
    from .fonts import cjk_family

    if cjk_family(zh) is None:
        warnings.warn(
            "no installed font has every Chinese glyph of the unit names: maps use English labels",
            GeocoupleWarning,
            stacklevel=3,
        )
        return en, MapStyle(**{**style.__dict__, "lang": "en"})
    return (zh if style.lang == "zh" else [f"{a}\n{b}" for a, b in zip(zh, en)]), style


def _footer(fig, bundle: MapBundle, style: MapStyle) -> None:
    if bundle.synthetic:  # a red line under the title, clear of the title and the panels
        fig.text(0.5, 1 - 0.36 / fig.get_figheight(), style.text("合成演示数据，非真实统计", "SYNTHETIC DEMO DATA, not real statistics"),
                 ha="center", va="center", fontsize=7.5, color="#b2182b")  # fmt: skip


def _save(fig, out: Path, name: str, formats, dpi: int) -> list[str]:
    written = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        fig.savefig(
            path,
            dpi=dpi if fmt == "png" else None,
            bbox_inches="tight",
            metadata={"Date": None} if fmt == "svg" else None,
        )
        written.append(path.name)
    plt.close(fig)
    return written


def _choropleths(bundle: MapBundle, style: MapStyle, labels):
    t = style.text
    for key, frame in bundle.indices.items():
        zh, en = bundle.subsystems[key]
        yield f"U_{key}", plots.choropleth(bundle.gdf, frame, t(f"{zh}指数 U", f"{en} index U"), style, labels)
    for pair, p in bundle.pairs.items():
        zh, en = p["names"]
        title = t(f"耦合协调度 D：{zh}", f"Coupling coordination degree D: {en}")
        yield f"D_{pair}", plots.choropleth(bundle.gdf, p["D"], title, style, labels)
        if "E" in p:
            title = t(f"相对发展度 E：{zh}", f"Relative development degree E: {en}")
            yield f"E_{pair}", plots.choropleth(bundle.gdf, p["E"], title, style, labels)


def _categoricals(bundle: MapBundle, style: MapStyle, labels):
    t = style.text
    palette = plots.grade_colours(bundle.grade_names)
    for pair, p in bundle.pairs.items():
        zh, en = p["names"]
        title = t(f"协调等级：{zh}", f"Coordination grade: {en}")
        yield (
            f"D_grade_{pair}",
            plots.categorical(bundle.gdf, p["D_grade"], palette, bundle.grade_names, title, style, labels),
        )
        if "E_type" in p:
            title = t(f"相对发展类型：{zh}", f"Relative development type: {en}")
            names = bundle.type_names[pair]
            yield (
                f"E_type_{pair}",
                plots.categorical(bundle.gdf, p["E_type"], plots.TYPE_COLOURS, names, title, style, labels),
            )


def _lisa_maps(bundle: MapBundle, style: MapStyle, labels, kinds):
    t = style.text
    for (variable, group), res in bundle.lisa.items():
        stem, (zh, en) = f"{variable}_{group}", res["title"]
        if "lisa" in kinds:
            title = t(f"LISA 聚类（p ≤ {bundle.alpha:g}）：{zh}", f"LISA clusters (p ≤ {bundle.alpha:g}): {en}")
            yield f"lisa_{stem}", plots.lisa_clusters(bundle.gdf, res["clusters"], title, style, labels)
            title = t(f"LISA 显著性：{zh}", f"LISA significance: {en}")
            yield (
                f"lisa_significance_{stem}",
                plots.lisa_significance(bundle.gdf, res["p"], res["p_min"], title, style, labels, bundle.alpha),
            )
        if "scatter" in kinds and bundle.weights is not None:
            title = t(f"Moran 散点图：{zh}", f"Moran scatterplot: {en}")
            panels = res.get("panel_titles", {})
            yield (
                f"moran_scatter_{stem}",
                plots.moran_scatter(res["values"], bundle.weights, bundle.ids, panels, title, style, labels),
            )


def _zone_maps(bundle: MapBundle, style: MapStyle, labels):
    t = style.text
    if bundle.zones is None:
        return
    yield (
        "zones",
        plots.zone_map(bundle.gdf, bundle.zones, bundle.zone_names, t("区域划分", "Regional zoning"), style, labels),
    )
    for pair, means in bundle.zone_means.items():
        zh, en = bundle.pairs[pair]["names"]
        title = t(f"分区平均耦合协调度：{zh}", f"Mean coordination degree by zone: {en}")
        yield f"zones_D_{pair}", plots.zone_chart(means, bundle.zone_names, title, t("D 均值", "mean D"), style)


def _figures(bundle: MapBundle, style: MapStyle, labels, kinds):
    """Yield (file stem, figure) for every selected map, one figure at a time."""
    if "choropleth" in kinds:
        yield from _choropleths(bundle, style, labels)
    if "categorical" in kinds:
        yield from _categoricals(bundle, style, labels)
    yield from _lisa_maps(bundle, style, labels, kinds)
    if "zones" in kinds:
        yield from _zone_maps(bundle, style, labels)


def render_maps(
    bundle: MapBundle, out: Path, style: MapStyle | None = None, kinds=MAP_KINDS, formats=FORMATS
) -> list[str]:
    """Draw and write every selected map; returns the file names written (relative to ``out``)."""
    style = style or MapStyle()
    out.mkdir(parents=True, exist_ok=True)
    labels, style = _labels(bundle, style)
    written = []
    with plt.rc_context({"font.family": font_families(labels), "svg.fonttype": "path", "axes.unicode_minus": False}):
        for stem, fig in _figures(bundle, style, labels, kinds):
            _footer(fig, bundle, style)
            written += _save(fig, out, stem, formats, style.dpi)
    return written
