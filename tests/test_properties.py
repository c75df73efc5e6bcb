"""Property-based tests (hypothesis) on the numerical core."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import geocouple
from geocouple.normalize import Shift, minmax
from geocouple.zoning import theil, theil_decomposition

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(arrays(float, (9, 2), elements=finite), st.floats(0.0, 0.4), st.floats(0.6, 1.0))
def test_minmax_range_and_direction(values, a, b):
    frame = pd.DataFrame(values, columns=["up", "down"])
    assume((frame.max() - frame.min() > 1e-6 * (1 + frame.abs().max())).all())
    n = minmax(frame, {"up": "+", "down": "-"}, shift=Shift.interval(a, b))
    assert n.frame.min().min() == pytest.approx(a) and n.frame.max().max() == pytest.approx(b)
    # a positive indicator keeps the order of the raw values (weakly: rounding may tie neighbours)
    raw, norm = frame["up"].to_numpy(), n.frame["up"].to_numpy()
    assert not ((raw[:, None] < raw[None, :]) & (norm[:, None] > norm[None, :])).any()
    # a negative one reverses it
    np.testing.assert_allclose(
        n.unshifted["down"], 1 - minmax(frame[["down"]], {"down": "+"}, shift="none").frame["down"], atol=1e-12
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(positive, min_size=4, max_size=25), st.data())
def test_theil_decomposition_adds_up(values, data):
    labels = data.draw(st.lists(st.sampled_from("abc"), min_size=len(values), max_size=len(values)))
    y, zones = pd.Series(values), pd.Series(labels)
    d = theil_decomposition(y, zones)
    assert d.total == pytest.approx(theil(y), rel=1e-9, abs=1e-12)
    assert d.total == pytest.approx(d.between + d.within, rel=1e-9, abs=1e-12)
    assert d.between >= -1e-12 and d.within >= -1e-12
    assert theil(y * 7.5) == pytest.approx(theil(y), rel=1e-9, abs=1e-12)  # unit-free


@pytest.fixture(scope="module")
def graph():
    return geocouple.build_graph(geocouple.load_boundaries(), "queen")


@settings(max_examples=30, deadline=None)
@given(arrays(float, 11, elements=finite))
def test_local_moran_sums_to_global(graph, values):
    assume(np.ptp(values) > 1e-6 * (1 + np.abs(values).max()))
    y = pd.Series(values, index=graph.ids)
    local = geocouple.local_moran(y, graph, permutations=9, seed=0)
    glob = geocouple.moran(y, graph, permutations=9, seed=0)
    assert local.Is.sum() / 10 == pytest.approx(
        glob.value[0], rel=1e-9, abs=1e-12
    )  # row-standardised: sum Ii/(n-1) = I
    assert ((local.p_sim >= local.p_min - 1e-12) & (local.p_sim <= 1)).all()


@settings(max_examples=30, deadline=None)
@given(arrays(float, 11, elements=finite), st.floats(0.1, 100), finite)
def test_statistics_invariant_to_linear_rescaling(graph, values, scale, offset):
    assume(np.ptp(values) > 1e-6 * (1 + np.abs(values).max()))
    y = pd.Series(values, index=graph.ids)
    a = geocouple.local_moran(y, graph, permutations="exact")
    b = geocouple.local_moran(y * scale + offset, graph, permutations="exact")
    np.testing.assert_allclose(a.Is, b.Is, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(a.p_sim, b.p_sim, atol=1e-12)
