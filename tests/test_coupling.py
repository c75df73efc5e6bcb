"""Coupling coordination: METHODS.md 7.2 reference values, hand-computed cases, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import geocouple
from geocouple.coupling import RelativeRule, coupling_degree
from geocouple.errors import ConfigError, InputError

# METHODS.md 7.2 (zhjx19/mathmodels docs/reference/system_evaluation.md), printed to 3 digits
S = pd.DataFrame(
    {
        "s1": [0.0162, 0.1782, 0.5490, 0.6730, 0.0207, 0.9875],
        "s2": [0.2720, 0.6824, 0.0593, 0.4812, 0.8891, 0.5573],
        "s3": [0.2655, 0.3721, 0.5729, 0.9082, 0.2017, 0.8984],
    },
    index=list("ABCDEF"),
)
STD = [
    (0.571, 0.185, 0.325),
    (0.867, 0.411, 0.597),
    (0.674, 0.394, 0.515),
    (0.967, 0.687, 0.815),
    (0.418, 0.370, 0.393),
    (0.971, 0.814, 0.889),
]
ADJ = [
    (0.447, 0.168, 0.274),
    (0.501, 0.388, 0.440),
    (0.455, 0.409, 0.432),
    (0.669, 0.686, 0.678),
    (0.175, 0.336, 0.242),
    (0.715, 0.832, 0.771),
]


def test_reference_three_subsystems_standard_equal_weights():
    f = geocouple.coupling_coordination(S, model="standard").to_frame()
    np.testing.assert_allclose(f[["C", "T", "D"]].to_numpy(), np.array(STD), atol=5e-4)
    assert list(f.index) == list("ABCDEF")


def test_reference_three_subsystems_wang_revision_weighted():
    f = geocouple.coupling_coordination(S, model="wang", alpha=[0.4, 0.3, 0.3]).to_frame()
    np.testing.assert_allclose(f[["C", "T", "D"]].to_numpy(), np.array(ADJ), atol=5e-4)


def test_two_subsystems_hand_computed():
    U = pd.DataFrame({"a": [0.6], "b": [0.3]})
    f = geocouple.coupling_coordination(U).to_frame()
    c = 2 * np.sqrt(0.18) / 0.9
    assert f["C"].iloc[0] == pytest.approx(c, abs=1e-12)
    assert f["T"].iloc[0] == pytest.approx(0.45)
    assert f["D"].iloc[0] == pytest.approx(np.sqrt(c * 0.45))
    # Wang 2021, n = 2: sqrt((1 - |U1 - U2|) * min / max)
    w = geocouple.coupling_coordination(U, model="wang").to_frame()
    assert w["C"].iloc[0] == pytest.approx(np.sqrt(0.7 * 0.5))
    # Fan: 1 - 2 sqrt((n sum U^2 - (sum U)^2) / n^2) = 1 - 2 sqrt((2*0.45 - 0.81)/4)
    fan = geocouple.coupling_coordination(U, model="fan").to_frame()
    assert fan["C"].iloc[0] == pytest.approx(1 - 2 * np.sqrt(0.09 / 4))


def test_wang_table8_consistency():
    """Wang et al. 2021 Table 8, Beijing 2008: C_orig 0.9989 and C_mod 0.9404 imply a feasible max U."""
    c_orig, c_mod = 0.9989, 0.9404
    # C_orig = 2 sqrt(r) / (1 + r) -> r = min/max
    r = ((2 - np.sqrt(4 - 4 * c_orig**2)) / (2 * c_orig)) ** 2
    hi = (1 - c_mod**2 / r) / (1 - r)
    lo = r * hi
    U = pd.DataFrame({"a": [hi], "b": [lo]})
    assert geocouple.coupling_coordination(U).to_frame()["C"].iloc[0] == pytest.approx(c_orig, abs=1e-9)
    assert geocouple.coupling_coordination(U, model="wang").to_frame()["C"].iloc[0] == pytest.approx(c_mod, abs=1e-9)


def test_contract_columns_and_index():
    U = pd.DataFrame({"milieu": [0.2, 0.5], "industry": [0.4, 0.5]}, index=pd.Index([140100, 140200], name="adcode"))
    f = geocouple.coupling_coordination(U, model="standard", alpha=None).to_frame()
    for col in ["C", "T", "D", "D_grade", "D_grade_zh", "D_grade_en", "E", "E_type", "E_type_zh", "E_type_en"]:
        assert col in f.columns
    pd.testing.assert_index_equal(f.index, U.index)
    three = geocouple.coupling_coordination(S).to_frame()
    assert "E" not in three.columns


def test_relative_development_ratio_and_difference_rules():
    U = pd.DataFrame({"m": [0.2, 0.5, 0.5, 0.5, 0.61], "i": [0.5, 0.5, 0.4, 0.3, 0.5]})
    names = {"m": ("创新环境", "innovative milieu")}
    f = geocouple.coupling_coordination(U, names=names).to_frame()
    # E = 0.4 lagging; 1.0 synchronous; 1.25 ahead; 1.667 ahead; 1.22 ahead
    assert f["E_type"].tolist() == ["lagging", "synchronous", "ahead", "ahead", "ahead"]
    assert f["E_type_zh"].iloc[0] == "创新环境滞后型"
    assert f["E_type_en"].iloc[2] == "innovative milieu ahead"
    assert f["label_zh"].iloc[1] == f["D_grade_zh"].iloc[1] + "-同步发展型"
    # boundaries: E = 0.8 exactly is lagging, E = 1.2 exactly synchronous (intervals (0.8, 1.2])
    edge = pd.DataFrame({"m": [0.4, 0.6], "i": [0.5, 0.5]})
    assert geocouple.coupling_coordination(edge).to_frame()["E_type"].tolist() == ["lagging", "synchronous"]
    d = geocouple.coupling_coordination(U, relative=RelativeRule("difference", tol=0.1)).to_frame()
    assert d["E_type"].tolist() == ["lagging", "synchronous", "synchronous", "ahead", "ahead"]


def test_zero_subsystems_defined():
    U = pd.DataFrame({"a": [0.0, 0.0, 0.4], "b": [0.0, 0.3, 0.0]})
    for model in ("standard", "wang", "fan"):
        f = geocouple.coupling_coordination(U, model=model).to_frame()
        assert f["C"].iloc[0] == 0.0 and f["D"].iloc[0] == 0.0
        assert np.isfinite(f[["C", "T", "D"]].to_numpy()).all()
    f = geocouple.coupling_coordination(U).to_frame()
    assert f["C"].tolist() == [0.0, 0.0, 0.0]  # any U = 0 makes the geometric mean 0
    assert np.isnan(f["E"].iloc[0]) and f["E_type"].iloc[0] == "synchronous"
    assert f["E"].iloc[1] == 0.0 and f["E_type"].iloc[1] == "lagging"
    assert np.isinf(f["E"].iloc[2]) and f["E_type"].iloc[2] == "ahead"


def test_grades_follow_the_ten_grade_table():
    U = pd.DataFrame({"a": [0.01, 0.25, 0.5, 1.0], "b": [0.01, 0.25, 0.5, 1.0]})  # C = 1, D = sqrt(U)
    f = geocouple.coupling_coordination(U).to_frame()
    assert f["D"].round(6).tolist() == [0.1, 0.5, pytest.approx(0.707107), 1.0]
    assert f["D_grade_zh"].tolist() == ["极度失调", "濒临失调", "中级协调", "优质协调"]  # 0.1 and 0.5 close their class
    assert f["C_stage_en"].tolist() == ["high-level coupling"] * 4


def test_bad_input_messages_name_column_and_row():
    with pytest.raises(InputError, match=r"column 'b', row 'y'"):
        geocouple.coupling_coordination(pd.DataFrame({"a": [0.1, 0.2], "b": [0.3, 1.2]}, index=["x", "y"]))
    with pytest.raises(ConfigError, match="at least two subsystems"):
        geocouple.coupling_coordination(pd.DataFrame({"a": [0.1]}))
    with pytest.raises(ConfigError, match="alpha needs 2 weights"):
        geocouple.coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.2]}), alpha=[0.6, 0.6])
    with pytest.raises(ConfigError, match="coupling model needs"):
        geocouple.coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.2]}), model="wnag")


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(1, 8), st.integers(2, 5)), elements=unit),
    st.sampled_from(["standard", "wang", "fan"]),
)
def test_invariants_range_and_symmetry(u, model):
    U = pd.DataFrame(u, columns=[f"s{i}" for i in range(u.shape[1])])
    f = geocouple.coupling_coordination(U, model=model).to_frame()
    for col in ("C", "T", "D"):
        assert ((f[col] >= 0) & (f[col] <= 1 + 1e-12)).all()
    perm = U[U.columns[::-1]]
    g = geocouple.coupling_coordination(perm, model=model).to_frame()
    np.testing.assert_allclose(f[["C", "T", "D"]], g[["C", "T", "D"]], atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1.0), st.integers(2, 6), st.sampled_from(["standard", "wang", "fan"]))
def test_equal_subsystems_couple_perfectly(value, n, model):
    c = coupling_degree(np.full((1, n), value), model)
    assert c[0] == pytest.approx(1.0, abs=1e-12)
