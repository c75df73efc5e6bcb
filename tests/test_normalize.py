"""Min-max normalisation: directions, scopes, shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geocouple.errors import ConfigError
from geocouple.normalize import Shift, minmax

IDX = pd.MultiIndex.from_product([["A", "B"], [2003, 2016]], names=["id", "year"])
DATA = pd.DataFrame({"up": [1.0, 3.0, 2.0, 5.0], "down": [10.0, 30.0, 20.0, 50.0]}, index=IDX)


def test_pooled_directions_and_interval_shift():
    n = minmax(DATA, {"up": "+", "down": "-"})
    np.testing.assert_allclose(n.unshifted["up"], [0, 0.5, 0.25, 1])
    np.testing.assert_allclose(n.unshifted["down"], [1, 0.5, 0.75, 0])
    np.testing.assert_allclose(n.frame["up"], 0.001 + 0.999 * np.array([0, 0.5, 0.25, 1]))
    assert n.frame.to_numpy().min() == pytest.approx(0.001) and n.frame.to_numpy().max() == pytest.approx(1.0)


def test_per_year_scope_maps_each_year_to_full_range():
    n = minmax(DATA, {"up": "+", "down": "+"}, scope="per_year", shift="none")
    # 2003: A=1, B=2 -> 0, 1 ; 2016: A=3, B=5 -> 0, 1: the citywide rise disappears
    np.testing.assert_allclose(n.frame["up"], [0, 0, 1, 1])
    pd.testing.assert_index_equal(n.frame.index, DATA.index)


def test_shift_parsing():
    assert Shift.parse("interval:0.01,0.99") == Shift.interval(0.01, 0.99)
    assert Shift.parse("additive:0.001") == Shift.additive(0.001)
    assert Shift.parse(0.0001) == Shift.additive(0.0001)
    assert Shift.parse([0.002, 0.998]) == Shift.interval(0.002, 0.998)
    assert Shift.parse("none").kind == "none"
    assert str(Shift.parse({"kind": "additive", "value": 0.01})) == "additive:0.01"
    with pytest.raises(ConfigError, match="shift needs to look like"):
        Shift.parse("log")
    with pytest.raises(ConfigError, match="0 <= a < b"):
        Shift.interval(0.9, 0.1)


def test_constant_column_and_bad_scope():
    n = minmax(DATA.assign(flat=2.0), {"up": "+", "down": "-", "flat": "+"}, shift="none")
    assert n.constant == ("flat",)
    assert (n.frame["flat"] == 0).all()
    with pytest.raises(ConfigError, match="scope needs"):
        minmax(DATA, {"up": "+", "down": "-"}, scope="yearly")
