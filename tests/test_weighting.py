"""Weights: METHODS.md 2.1 and 2.3 reference vectors, hand-computed CV, invariants."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import geocouple
from geocouple.errors import ConfigError, GeocoupleWarning, InputError
from geocouple.normalize import Shift, minmax
from geocouple.weighting import compute_weights

X = pd.DataFrame({"x1": [3.0, 5, 2, 7], "x2": [10.0, 20, 15, 25]})
DIRS = {"x1": "+", "x2": "-"}


def test_entropy_reference_vector():
    # zhjx19 entropy_weight(X, index = c("+", "-"), epsilon = 0.002): rescale to [0.002, 0.998]
    norm = minmax(X, DIRS, shift=Shift.interval(0.002, 0.998))
    w = compute_weights("entropy", norm.frame, X)
    np.testing.assert_allclose(w.to_numpy(), [0.5452618, 0.4547382], atol=5e-8)
    np.testing.assert_allclose((100 * norm.frame @ w).to_numpy(), [56.35354, 47.88215, 30.39461, 54.50808], atol=5e-6)


def test_critic_reference_vector():
    norm = minmax(X, DIRS, shift=Shift.none())
    w = compute_weights("critic", norm.frame, X)
    np.testing.assert_allclose(w.to_numpy(), [0.5075187, 0.4924813], atol=5e-8)
    np.testing.assert_allclose((100 * norm.frame @ w).to_numpy(), [59.39851, 46.86716, 32.83209, 50.75187], atol=5e-6)


def test_cv_weights_hand_computed():
    raw = pd.DataFrame({"x1": [10.0, 20, 15], "x2": [5.0, 10, 8]})
    cv1 = 5.0 / 15.0
    cv2 = np.std([5, 10, 8], ddof=1) / (23 / 3)
    w = compute_weights("cv", raw, raw)
    np.testing.assert_allclose(w.to_numpy(), [cv1 / (cv1 + cv2), cv2 / (cv1 + cv2)], rtol=1e-12)
    with pytest.raises(InputError, match="column 'x1'"):
        compute_weights("cv", raw, raw.assign(x1=[0.0, 1, 2]))


def test_equal_and_fixed_and_unknown():
    assert compute_weights("equal", X, X).tolist() == [0.5, 0.5]
    assert compute_weights("fixed", X, X, {"x1": 0.3, "x2": 0.7}).tolist() == [0.3, 0.7]
    with pytest.raises(ConfigError, match="did you mean 'entropy'"):
        compute_weights("entrop", X, X)


def test_panel_entropy_stacks_unit_years():
    """The panel version is the cross-section formula on the stacked r*n rows (METHODS.md 2.2)."""
    idx = pd.MultiIndex.from_product([[1, 2, 3], [2003, 2016]], names=["id", "year"])
    data = pd.DataFrame({"a": [1.0, 4, 2, 6, 3, 9], "b": [5.0, 4, 6, 2, 8, 1]}, index=idx)
    norm = minmax(data, {"a": "+", "b": "+"}, shift=Shift.additive(0.001))
    x = norm.frame.to_numpy()
    p = x / x.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(6)
    expected = (1 - e) / (1 - e).sum()
    np.testing.assert_allclose(compute_weights("entropy", norm.frame).to_numpy(), expected, rtol=1e-12)


def _system(method=None):
    return geocouple.IndicatorSystem.from_dict(
        {
            "subsystems": [
                {
                    "key": "s",
                    "weighting": method,
                    "indicators": [{"column": "a"}, {"column": "b", "direction": "-"}, {"column": "c"}],
                }
            ]
        }
    )


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "equal"])
def test_constant_indicator_gets_zero_weight_with_warning(method):
    data = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 1, 3, 2], "c": [7.0, 7, 7, 7]})
    with pytest.warns(GeocoupleWarning, match="'c' does not vary"):
        res = geocouple.composite_indices(data, _system(), method=method)
    w = res.weights.frame.set_index("indicator")["weight"]
    assert w["c"] == 0.0
    assert w.sum() == pytest.approx(1.0)
    assert bool(res.weights.frame.set_index("indicator").loc["c", "constant"])


positive = st.floats(min_value=0.5, max_value=1e4, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    arrays(float, (12, 3), elements=positive),
    st.sampled_from(["entropy", "critic", "cv", "equal"]),
    st.floats(1e-3, 1e3),
)
def test_weights_sum_to_one_and_units_do_not_matter(values, method, factor):
    data = pd.DataFrame(values, columns=["a", "b", "c"])
    if (data.max() - data.min() <= 1e-9 * data.max()).any():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoupleWarning)
        res = geocouple.composite_indices(data, _system(), method=method)
        scaled = geocouple.composite_indices(data.assign(a=data["a"] * factor), _system(), method=method)
    w = res.weights.frame["weight"]
    assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
    np.testing.assert_allclose(scaled.weights.frame["weight"], w, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(scaled.indices["s"], res.indices["s"], rtol=1e-9, atol=1e-12)
    assert res.indices["s"].between(0, 1).all()
