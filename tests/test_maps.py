"""Maps: colours, legend text and class bounds (against mapclassify), fonts, furniture. No pixel tests."""

from __future__ import annotations

import io
import warnings

import mapclassify
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import geocouple
from geocouple.boundaries import project
from geocouple.maps import plots
from geocouple.maps.fonts import bundled_font_path, cjk_family, covers, font_families
from geocouple.maps.furniture import label_units, overlaps, scale_bar
from geocouple.maps.plots import LISA_COLOURS, MapStyle


@pytest.fixture(scope="module")
def shanxi():
    return project(geocouple.load_boundaries())


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(fig):
    return [t.get_text() for t in fig.legends[0].get_texts()]


def legend_colours(fig):
    return [to_hex(h.get_facecolor()) for h in fig.legends[0].legend_handles]


def face_colours(ax):
    return [to_hex(c) for c in ax.collections[0].get_facecolor()]


def test_bundled_font_covers_chinese_place_names_and_labels():
    path = bundled_font_path()
    assert path.exists() and path.stat().st_size < 4_000_000
    for text in ["太原市", "吕梁", "晋东南", "中度失调", "创新环境滞后型", "耦合协调度", "Lüliang", "≤"]:
        assert covers(text, path), text
    assert cjk_family(["太原", "大同"]) == "geocouple CJK Sans"  # the bundled font, not a system one
    assert not covers("𬍛", path)  # outside GB 2312: the caller then tries system fonts


def test_choropleth_pooled_classes_match_mapclassify(shanxi):
    rng = np.random.default_rng(0)
    values = pd.DataFrame({2003: rng.uniform(0.1, 0.5, 11), 2016: rng.uniform(0.3, 0.9, 11)}, index=shanxi.index)
    style = MapStyle(lang="en", k=4)
    fig = plots.choropleth(shanxi, values, "D", style, labels=list(shanxi["name_en"]))
    reference = mapclassify.FisherJenks(values.to_numpy().ravel(), k=4)
    np.testing.assert_allclose(fig.geocouple_bins, reference.bins)
    lows = [values.to_numpy().min(), *reference.bins[:-1]]
    assert legend_texts(fig) == [f"{lo:.3f}–{hi:.3f}" for lo, hi in zip(lows, reference.bins)]
    # each unit's colour is the colour of its pooled class, in both panels
    colours = legend_colours(fig)
    for ax, year in zip(fig.axes, [2003, 2016]):
        classes = reference.find_bin(values[year].to_numpy())
        assert face_colours(ax) == [colours[c] for c in classes]
        assert ax.get_title() == str(year)


def test_lisa_colours_are_fixed_and_legend_complete(shanxi):
    clusters = pd.DataFrame({2003: ["ns"] * 10 + ["HH"], 2016: ["LL"] + ["ns"] * 10}, index=shanxi.index)
    fig = plots.lisa_clusters(shanxi, clusters, "LISA", MapStyle(lang="en"))
    assert legend_colours(fig) == list(LISA_COLOURS.values())
    assert legend_texts(fig) == ["High-High (1)", "Low-High (0)", "Low-Low (1)", "High-Low (0)", "not significant (20)"]
    assert face_colours(fig.axes[0])[-1] == LISA_COLOURS["HH"] and face_colours(fig.axes[0])[0] == LISA_COLOURS["ns"]
    assert face_colours(fig.axes[1])[0] == LISA_COLOURS["LL"]


def test_significance_map_marks_unreachable_units(shanxi):
    p = pd.DataFrame({2003: [0.004] + [0.5] * 10}, index=shanxi.index)
    p_min = pd.Series([0.0095] + [0.044] * 5 + [0.067] * 5, index=shanxi.index)
    fig = plots.lisa_significance(shanxi, p, p_min, "sig", MapStyle(lang="en"))
    ax = fig.axes[0]
    assert face_colours(ax)[0] == "#006d2c"  # p <= 0.01
    hatched = ax.collections[1]
    assert len(hatched.get_paths()) == 5 and hatched.get_hatch() == "////"
    assert "cannot reach p ≤ 0.05" in legend_texts(fig)


def test_categorical_grade_map_bilingual(shanxi):
    grades = pd.DataFrame({2003: [3] * 11, 2016: [7] * 10 + [9]}, index=shanxi.index)
    names = {
        3: ("中度失调", "moderate imbalance"),
        7: ("初级协调", "primary coordination"),
        9: ("良好协调", "good coordination"),
    }
    palette = {3: "#fc8d59", 7: "#91cf60", 9: "#1a9850"}
    fig = plots.categorical(shanxi, grades, palette, names, "grade", MapStyle(lang="both"))
    assert legend_texts(fig) == [
        "中度失调 moderate imbalance",
        "初级协调 primary coordination",
        "良好协调 good coordination",
    ]
    assert face_colours(fig.axes[1])[-1] == "#1a9850"


def test_no_glyph_warnings_and_furniture(shanxi):
    labels = [n.removesuffix("市") for n in shanxi["name_zh"]]
    values = pd.DataFrame({2003: np.linspace(0, 1, 11)}, index=shanxi.index)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context({"font.family": font_families(labels)}):
            fig = plots.choropleth(shanxi, values, "耦合协调度 D", MapStyle(lang="zh"), labels=labels)
            fig.savefig(io.BytesIO(), format="png", dpi=60)
            fig.savefig(io.BytesIO(), format="svg")
    assert not [w for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)]
    assert not caught, [str(w.message) for w in caught]
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "北" in texts and "0" in texts and "100 km" in texts  # north arrow and scale bar in km
    assert set(labels) <= set(texts)
    assert overlaps([t for t in ax.texts if t.get_text() in labels], fig.canvas.get_renderer()) == 0


def test_scale_bar_length_is_round_and_fits(shanxi):
    _fig, ax = plt.subplots()
    shanxi.plot(ax=ax)
    km = scale_bar(ax, max_fraction=0.25)
    width_km = (ax.get_xlim()[1] - ax.get_xlim()[0]) / 1000
    assert km in (50, 100) and km <= 0.25 * width_km


def test_labels_pushed_apart():
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)], crs=3857)
    fig, ax = plt.subplots(figsize=(1.5, 1.5))
    gdf.plot(ax=ax)
    texts = label_units(ax, gdf, ["a long label", "another long one"], fontsize=8)
    assert overlaps(texts, fig.canvas.get_renderer()) == 0


def test_moran_scatter_slope_is_moran_i(shanxi):
    graph = geocouple.build_graph(geocouple.load_boundaries(), "queen")
    values = pd.DataFrame({2016: np.linspace(0.1, 0.9, 11)}, index=shanxi.index)
    fig = plots.moran_scatter(values, graph.weights, graph.ids, {}, "scatter", MapStyle(lang="en"))
    line = fig.axes[0].lines[0]
    x, y = line.get_data()
    slope = (y[1] - y[0]) / (x[1] - x[0])
    assert slope == pytest.approx(geocouple.moran(values[2016], graph, permutations=9).value[0], rel=1e-9)
