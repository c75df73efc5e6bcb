"""Spatial statistics: published and esda cross-checked values, exact = brute force, MC -> exact."""

from __future__ import annotations

import itertools
import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geocouple
from geocouple.errors import ConfigError, GeocoupleWarning, InputError
from geocouple.spatial.graph import from_matrix, parse_spec

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")


def lattice(rows, cols, transform="b", rook=True):
    w = libpysal.weights.lat2W(rows, cols, rook=rook)
    return from_matrix(range(rows * cols), w.full()[0], "lattice", transform), w


@pytest.fixture(scope="module")
def columbus():
    df = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    w = libpysal.weights.Queen.from_dataframe(df, use_index=False)
    w.transform = "r"
    return df, w, from_matrix(range(len(df)), w.full()[0], "queen", "r")


def test_methods_7_5_moran_lattice():
    g, _ = lattice(3, 3, "b")
    res = geocouple.moran(pd.Series(np.arange(1.0, 10)), g)
    assert res.value[0] == pytest.approx(0.5)
    assert res.var_rand[0] == pytest.approx(0.059687500000000004, rel=1e-12)
    assert res.var_norm[0] == pytest.approx(0.053125000000000006, rel=1e-12)
    assert res.z_norm[0] == pytest.approx(2.711630722733202, rel=1e-12)
    assert res.z_rand[0] == pytest.approx(2.5582225504832543, rel=1e-12)
    assert res.expected[0] == pytest.approx(-1 / 8)
    g_r, _ = lattice(3, 3, "r")
    assert geocouple.moran(pd.Series(np.arange(1.0, 10)), g_r).value[0] == pytest.approx(0.5555555555555556)


POINTS = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)])
YG = pd.Series([2, 3, 3.2, 5, 8, 7.0])


@pytest.fixture(scope="module")
def band():
    w = libpysal.weights.DistanceBand(POINTS, 15)
    assert {k: sorted(v) for k, v in w.neighbors.items()} == {
        0: [1, 3],
        1: [0, 3, 4],
        2: [4],
        3: [0, 1, 4],
        4: [1, 2, 3, 5],
        5: [4],
    }
    return from_matrix(range(6), w.full()[0], "distance", "b")


def test_methods_7_5_getis_ord(band):
    res = geocouple.getis_ord(YG, band, alternative="greater")
    assert res.value[0] == pytest.approx(0.55709779, abs=5e-9)
    assert res.expected[0] == pytest.approx(0.4666667, abs=5e-8)
    assert res.z_norm[0] == pytest.approx(0.942627795, abs=5e-9)
    assert res.p_norm[0] == pytest.approx(0.172936, abs=5e-7)  # esda's one-sided p_norm
    two = geocouple.getis_ord(YG, band)
    assert two.p_norm[0] == pytest.approx(2 * 0.172936, abs=1e-6)


@pytest.mark.parametrize(
    "star,transform,expected",
    [
        (False, "b", [-1.013673, -0.043616, 1.315587, -0.314127, 1.15374, 1.778339]),
        (True, "b", [-1.397276, -0.289178, 0.65065, -0.289178, 1.234521, 2.024243]),
        (False, "r", [-0.62074534]),
        (True, "r", [-0.62488094]),
    ],
)
def test_methods_7_5_local_g(band, star, transform, expected):
    res = geocouple.local_g(YG, band, star=star, transform=transform)
    np.testing.assert_allclose(res.z_norm.iloc[: len(expected), 0], expected, atol=5e-7)
    lg = esda.G_Local(
        YG.to_numpy(), libpysal.weights.DistanceBand(POINTS, 15), transform=transform.upper(), star=star, permutations=0
    )
    np.testing.assert_allclose(res.Is.to_numpy(), lg.Gs, rtol=1e-12)
    np.testing.assert_allclose(res.z_norm.iloc[:, 0], lg.Zs, rtol=1e-10)


def test_methods_7_5_local_g_unstarred_values(band):
    res = geocouple.local_g(YG, band, star=False)
    np.testing.assert_allclose(res.Is, [0.305344, 0.595238, 0.32, 0.560345, 0.90099, 0.377358], atol=5e-7)


def test_moran_and_geary_match_esda(columbus):
    df, w, g = columbus
    y = pd.Series(df["CRIME"].to_numpy())
    mi = esda.Moran(y.to_numpy(), w, permutations=0)
    r = geocouple.moran(y, g, alternative="two-sided")
    assert r.value[0] == pytest.approx(mi.I, rel=1e-12)
    assert r.var_norm[0] == pytest.approx(mi.VI_norm, rel=1e-12) and r.var_rand[0] == pytest.approx(
        mi.VI_rand, rel=1e-12
    )
    assert r.p_norm[0] == pytest.approx(mi.p_norm, rel=1e-9)  # esda's analytical p is two-sided
    gc = esda.Geary(y.to_numpy(), w, permutations=0)
    c = geocouple.geary(y, g)
    assert c.value[0] == pytest.approx(gc.C, rel=1e-12)
    assert c.var_norm[0] == pytest.approx(gc.VC_norm, rel=1e-12) and c.var_rand[0] == pytest.approx(
        gc.VC_rand, rel=1e-12
    )


def test_local_moran_matches_esda_and_methods(columbus):
    df, w, g = columbus
    y = pd.Series(df["CRIME"].to_numpy())
    res = geocouple.local_moran(y, g, permutations=99, seed=3)
    lm = esda.Moran_Local(y.to_numpy(), w, permutations=99, seed=3)
    np.testing.assert_allclose(res.Is.to_numpy(), lm.Is, rtol=1e-12)
    np.testing.assert_allclose(res.Is.iloc[:5], [0.72178138, 0.51798565, 0.09193542, 0.00472258, 0.29741008], atol=5e-9)
    codes = res.q.map({"HH": 1, "LH": 2, "LL": 3, "HL": 4}).to_numpy()
    assert (codes == lm.q).all() and list(codes[:10]) == [3, 3, 3, 3, 1, 2, 2, 1, 2, 3]
    # the spdep convention is n/(n-1) times esda's
    np.testing.assert_allclose(res.Is.iloc[:2] * 49 / 48, [0.73681849, 0.52877701], atol=5e-8)


def test_bivariate_matches_esda(columbus):
    df, w, g = columbus
    x, y = pd.Series(df["INC"].to_numpy()), pd.Series(df["CRIME"].to_numpy())
    gb = geocouple.bivariate_moran(x, y, g, permutations=99)
    assert gb.value[0] == pytest.approx(esda.Moran_BV(x.to_numpy(), y.to_numpy(), w, permutations=0).I, rel=1e-12)
    lb = geocouple.local_bivariate_moran(x, y, g, permutations=99)
    ref = esda.Moran_Local_BV(x.to_numpy(), y.to_numpy(), w, permutations=99, seed=1)
    np.testing.assert_allclose(lb.Is.to_numpy(), ref.Is, rtol=1e-12)
    assert (lb.q.map({"HH": 1, "LH": 2, "LL": 3, "HL": 4}).to_numpy() == ref.q).all()


def _brute_force_local(y, W, i, alternative):
    """p of local Moran at i by listing every assignment of other values to i's neighbour slots."""
    n = len(y)
    z = y - y.mean()
    nbrs = np.flatnonzero(W[i])
    others = [j for j in range(n) if j != i]
    obs = z[i] * (W[i, nbrs] @ z[nbrs])
    sims = [z[i] * (W[i, nbrs] @ z[list(p)]) for p in itertools.permutations(others, len(nbrs))]
    sims = np.array(sims)
    ge = np.mean(sims >= obs - 1e-12)
    le = np.mean(sims <= obs + 1e-12)
    return {"greater": ge, "less": le, "two-sided": min(1.0, 2 * min(ge, le))}[alternative]


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
@pytest.mark.parametrize("transform", ["r", "b"])
def test_exact_equals_brute_force(alternative, transform):
    rng = np.random.default_rng(7)
    g, _ = lattice(2, 4, transform, rook=False)
    W = g.weights.toarray()
    W[0] *= np.array([0, 1, 2, 0, 3, 1, 0, 0]) if transform == "b" else 1.0  # one unit with unequal weights
    g = from_matrix(range(8), W, "custom", "b")
    y = rng.normal(size=8).round(1)  # rounding creates ties
    res = geocouple.local_moran(pd.Series(y), g, permutations="exact", alternative=alternative)
    brute = [_brute_force_local(y, g.weights.toarray(), i, alternative) for i in range(8)]
    np.testing.assert_allclose(res.p_sim.to_numpy(), brute, rtol=1e-12)
    assert (res.method == "exact").all()
    assert (res.p_sim <= 1).all()


def test_monte_carlo_converges_to_exact():
    g, _ = lattice(3, 3, "r", rook=False)
    y = pd.Series(np.random.default_rng(1).normal(size=9))
    exact = geocouple.local_moran(y, g, permutations="exact").p_sim
    mc = geocouple.local_moran(y, g, permutations=40_000, seed=5, exact_max=0).p_sim
    np.testing.assert_allclose(mc, exact, atol=0.015)
    exact_g = geocouple.moran(y, g, permutations="exact")
    mc_g = geocouple.moran(y, g, permutations=20_000, seed=2)
    assert exact_g.draws.exact and exact_g.draws.n_configs == math.factorial(9)
    assert mc_g.p_sim[0] == pytest.approx(exact_g.p_sim[0], abs=0.02)


def test_global_exact_equals_brute_force():
    g, _ = lattice(2, 3, "r")
    y = np.array([1.0, 4, 2, 8, 5, 7])
    res = geocouple.moran(pd.Series(y), g, permutations="exact", alternative="greater")
    W = g.weights.toarray()
    z = y - y.mean()
    obs = z @ W @ z
    sims = np.array([z[list(p)] @ W @ z[list(p)] for p in itertools.permutations(range(6))])
    assert res.p_sim[0] == pytest.approx(np.mean(sims >= obs - 1e-12), rel=1e-12)


def test_reproducible_seed_and_shared_draws(columbus):
    df, _, g = columbus
    data = pd.DataFrame({"a": df["CRIME"].to_numpy(), "b": df["INC"].to_numpy()})
    r1 = geocouple.local_moran(data, g, permutations=199, seed=11, exact_max=0)
    r2 = geocouple.local_moran(data, g, permutations=199, seed=11, exact_max=0)
    single = geocouple.local_moran(data["b"], g, permutations=199, seed=11, exact_max=0)
    pd.testing.assert_frame_equal(r1.p_sim, r2.p_sim)
    np.testing.assert_array_equal(r1.p_sim["b"].to_numpy(), single.p_sim.to_numpy())  # columns share the draws
    assert isinstance(r1.Is, pd.DataFrame) and list(r1.Is.columns) == ["a", "b"]
    assert isinstance(single.Is, pd.Series) and single.Is.name == "b"
    other = geocouple.local_moran(data, g, permutations=199, seed=12, exact_max=0)
    assert not other.p_sim.equals(r1.p_sim)


def test_p_never_exceeds_one_with_ties():
    g, _ = lattice(3, 3, "r")
    flat = pd.Series(np.ones(9))
    res = geocouple.local_moran(flat, g, permutations=99)
    assert (res.p_sim == 1.0).all()
    glob = geocouple.moran(pd.Series([1.0, 1, 1, 1, 2, 1, 1, 1, 1]), g, permutations=999, seed=0)
    assert 0 < glob.p_sim[0] <= 1


def test_shanxi_exact_by_default_with_p_min():
    shanxi = geocouple.load_boundaries()
    g = geocouple.build_graph(shanxi, "queen")
    k = g.cardinalities
    assert k.to_dict() == {
        140100: 4,
        140200: 2,
        140300: 3,
        140400: 3,
        140500: 3,
        140600: 2,
        140700: 5,
        140800: 2,
        140900: 5,
        141000: 5,
        141100: 4,
    }
    y = pd.Series(np.linspace(0.2, 0.8, 11), index=shanxi.index)
    res = geocouple.local_moran(y, g)  # permutations=999 but every unit has <= 252 configurations
    assert (res.method == "exact").all()
    expected = {kk: min(1.0, 2 / math.comb(10, kk)) for kk in range(1, 6)}
    np.testing.assert_allclose(res.p_min.to_numpy(), [expected[v] for v in k], rtol=1e-12)
    assert res.p_min[140200] == pytest.approx(2 / 45)
    labels = res.clusters(0.05, adjust="bonferroni")
    assert set(labels) <= {"HH", "LH", "LL", "HL", "ns"}
    table = res.to_frame()
    assert {"Ii", "quadrant", "p_sim", "p_fdr", "k", "p_min", "cluster_0.05"} <= set(table.columns)


def test_graph_specs_and_checks():
    shanxi = geocouple.load_boundaries()
    assert geocouple.build_graph(shanxi, "rook").weights.nnz == 38  # no corner-only contacts here
    knn = geocouple.build_graph(shanxi, "knn:3")
    assert (knn.cardinalities == 3).all()
    dist = geocouple.build_graph(shanxi, "distance:150")
    assert dist.cardinalities.min() >= 1
    with pytest.raises(InputError, match="without neighbours \\(islands\\)"):
        geocouple.build_graph(shanxi, "distance:20")
    with pytest.raises(ConfigError, match="weights needs to be queen, rook"):
        parse_spec("queens")
    island = gpd.GeoDataFrame(
        {"id": [1, 2, 3]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(5, 5, 6, 6)],
        crs=3857,
    ).set_index("id")
    with pytest.raises(InputError, match="unit\\(s\\) 3 without neighbours"):
        geocouple.build_graph(island, "queen")
    pair = gpd.GeoDataFrame(
        {"id": [1, 2, 3, 4]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(5, 5, 6, 6), shapely.box(6, 5, 7, 6)],
        crs=3857,
    ).set_index("id")
    with pytest.warns(GeocoupleWarning, match="2 disconnected groups"):
        geocouple.build_graph(pair, "queen")
    nocrs = pair.set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="no CRS"):
        geocouple.build_graph(nocrs, "knn:1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoupleWarning)
        assert geocouple.build_graph(nocrs, "queen").n == 4  # contiguity needs no CRS


def test_alignment_is_checked():
    shanxi = geocouple.load_boundaries()
    g = geocouple.build_graph(shanxi, "queen")
    y = pd.Series(np.arange(11.0), index=shanxi.index)
    shuffled = y.sample(frac=1, random_state=1)
    pd.testing.assert_series_equal(geocouple.local_moran(shuffled, g).Is, geocouple.local_moran(y, g).Is)
    with pytest.raises(InputError, match="units of the graph without data: 141100"):
        geocouple.local_moran(y.iloc[:10], g)
    with pytest.raises(InputError, match="a finite number is needed"):
        geocouple.moran(y.replace(3.0, np.nan), g)


def test_differential_statistics():
    shanxi = geocouple.load_boundaries()
    g = geocouple.build_graph(shanxi, "queen")
    rng = np.random.default_rng(0)
    a, b = (pd.Series(rng.normal(size=11), index=shanxi.index) for _ in range(2))
    d = geocouple.differential_moran(a, b, g, permutations=99)
    assert d.value[0] == pytest.approx(geocouple.moran(b - a, g, permutations=99).value[0])
    ld = geocouple.local_differential_moran(a, b, g)
    np.testing.assert_allclose(ld.Is, geocouple.local_moran(b - a, g).Is)


def test_exact_permutation_moments_equal_randomisation_moments():
    """Under total randomisation E[I] and Var_R(I) are the moments of the permutation distribution."""
    g, _ = lattice(2, 4, "r", rook=False)
    y = pd.Series([3.0, 1, 4, 1, 5, 9, 2, 6])
    res = geocouple.moran(y, g, permutations="exact")
    assert res.draws.sim_mean[0] == pytest.approx(res.expected[0], abs=1e-12)
    assert res.draws.sim_sd[0] ** 2 == pytest.approx(res.var_rand[0], rel=1e-9)
    assert res.z_sim[0] == pytest.approx(res.z_rand[0], rel=1e-9)
