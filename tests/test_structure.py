"""Industrial structure indices: hand-computed values, identities and domain errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geocouple import structure
from geocouple.errors import ConfigError


def test_ts_and_hierarchy():
    y1, y2, y3 = pd.Series([10.0, 5]), pd.Series([50.0, 40]), pd.Series([40.0, 55])
    np.testing.assert_allclose(structure.ts(y2, y3), [0.8, 1.375])
    np.testing.assert_allclose(structure.hierarchy(y1, y2, y3), [0.1 + 1.0 + 1.2, 0.05 + 0.8 + 1.65])
    assert structure.hierarchy([1], [0], [0])[0] == 1.0 and structure.hierarchy([0], [0], [1])[0] == 3.0


def test_vector_angle_extremes_and_order():
    w = structure.vector_angle([1, 0, 1 / 3], [0, 0, 1 / 3], [0, 1, 1 / 3])
    assert w[0] == pytest.approx(3 * np.pi / 2)  # all primary
    assert w[1] == pytest.approx(5 * np.pi / 2)  # all tertiary
    assert w[0] < w[2] < w[1]


def test_theil_identities():
    # equal shares: perfectly rational
    assert structure.theil(20, 30, 50, 2, 3, 5)[0] == pytest.approx(0.0, abs=1e-15)
    # both algebraic forms of METHODS.md 3.2
    Y, L = np.array([20.0, 40, 40]), np.array([50.0, 25, 25])
    form1 = sum((Y[i] / Y.sum()) * np.log((Y[i] / L[i]) / (Y.sum() / L.sum())) for i in range(3))
    assert structure.theil(*Y, *L) == pytest.approx(form1)
    assert structure.theil(*Y, *L) == pytest.approx(0.2 * np.log(0.4) + 0.8 * np.log(1.6))
    # sector without output contributes nothing
    assert structure.theil([0], [50], [50], [10], [45], [45])[0] == pytest.approx(np.log(50 / 45))


def test_deviation_hand_computed():
    assert structure.deviation([20], [40], [40], [50], [25], [25])[0] == pytest.approx(0.6 + 0.6 + 0.6)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.01, 1e4), min_size=6, max_size=6))
def test_theil_nonnegative_and_unit_free(v):
    a = structure.theil(*v)
    b = structure.theil(*(x * 100 for x in v[:3]), *v[3:])  # output in another unit
    assert a >= -1e-12 and a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_domain_errors_name_the_argument():
    with pytest.raises(structure.DomainError) as info:
        structure.ts([0.0], [5.0])
    assert info.value.arg == 0
    with pytest.raises(structure.DomainError) as info:
        structure.theil([1], [2], [3], [1], [0], [1])
    assert info.value.arg == 4
    with pytest.raises(ConfigError, match="n output columns"):
        structure.theil([1], [2], [3])


def test_rationalization_score_options():
    tl = np.array([0.0, 0.5])
    assert list(structure.rationalization_score(tl)) == [0.0, 0.5]
    np.testing.assert_allclose(structure.rationalization_score(tl, "reciprocal", eps=0.01), [100, 1 / 0.51])
    np.testing.assert_allclose(structure.rationalization_score(tl, "exp"), [1, np.exp(-0.5)])
    np.testing.assert_allclose(structure.rationalization_score(tl, "neg"), [0, -0.5])
    with pytest.raises(ConfigError, match="one of"):
        structure.rationalization_score(tl, "inverse")
