"""Zoning: METHODS.md 7.6 reference values, exact test = brute force, Monte Carlo -> exact, presets."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

import geocouple
from geocouple.cli import main
from geocouple.errors import ConfigError, InputError
from geocouple.zoning import (
    gini,
    literature_label,
    resolve_zoning,
    theil,
    theil_decomposition,
    zone_contiguity,
    zoning_test,
)

Y = pd.Series([10, 10, 8, 8, 8, 8, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 2, 2.0])
G = pd.Series(["A"] * 2 + ["B"] * 10 + ["A"] * 6)


def test_theil_reference_vector():
    assert theil(Y) == pytest.approx(0.07907822, abs=5e-9)
    d = theil_decomposition(Y, G)
    assert d.total == pytest.approx(0.07907822, abs=5e-9)
    assert d.between == pytest.approx(0.01127992, abs=5e-9)
    assert d.within == pytest.approx(0.06779830, abs=5e-9)
    assert d.zones.loc["A", "theil"] == pytest.approx(0.16568710, abs=5e-9)
    assert d.zones.loc["B", "theil"] == pytest.approx(0.01021666, abs=5e-9)
    assert d.between_share == pytest.approx(0.14264257, abs=5e-9)
    assert d.within_share == pytest.approx(0.85735743, abs=5e-9)
    assert d.zones.loc["A", "share_of_total"] == pytest.approx(0.77601127, abs=5e-9)
    assert d.zones.loc["B", "share_of_total"] == pytest.approx(0.08134615, abs=5e-9)


def test_gini_reference_values():
    assert gini([10, 20, 30, 40, 100]) == pytest.approx(0.4)
    pop = np.array([100, 150, 200, 250, 300.0])
    assert gini(np.array([10, 20, 30, 40, 100]) / pop, pop) == pytest.approx(0.225)


def test_exact_p_equals_brute_force():
    rng = np.random.default_rng(3)
    y = pd.Series(rng.uniform(0.1, 1.0, 7).round(2))
    zones = pd.Series(["n", "n", "m", "m", "s", "s", "s"])
    res = zoning_test(y, zones)
    assert res.method == "exact" and res.n_assignments == 210
    observed = theil_decomposition(y, zones).between
    shares = []
    for labels in set(itertools.permutations(zones.tolist())):
        shares.append(theil_decomposition(y, pd.Series(labels)).between)
    shares = np.array(shares)
    assert len(shares) == 210
    assert res.p_value == pytest.approx(np.mean(shares >= observed - 1e-12), rel=1e-12)


def test_monte_carlo_converges_to_exact():
    shanxi = geocouple.load_boundaries()
    y = pd.Series(np.linspace(0.2, 0.9, 11), index=shanxi.index)
    zones = resolve_zoning("shanxi-3", shanxi.index, shanxi)
    exact = zoning_test(y, zones)
    mc = zoning_test(y, zones, permutations=20_000, seed=4, exact_max=0)
    assert exact.n_assignments == 11_550 and exact.method == "exact"
    assert mc.method == "monte carlo" and mc.p_value == pytest.approx(exact.p_value, abs=0.01)
    again = zoning_test(y, zones, permutations=20_000, seed=4, exact_max=0)
    assert again.p_value == mc.p_value


def test_presets_and_user_zonings():
    shanxi = geocouple.load_boundaries()
    three = resolve_zoning("shanxi-3", shanxi.index, shanxi)
    assert three.value_counts().to_dict() == {"middle": 4, "south": 4, "north": 3}
    assert list(three.cat.categories) == ["north", "middle", "south"]
    pd.testing.assert_series_equal(three.astype(str), shanxi["zone"].rename("zone").astype(str), check_dtype=False)
    four = resolve_zoning("shanxi-4", shanxi.index, shanxi)
    assert sorted(four.index[four == "southeast"]) == [140400, 140500]
    assert sorted(four.index[four == "south"]) == [140800, 141000]
    named = resolve_zoning({"N": ["大同", "Shuozhou", "忻州市"], "M": ["Taiyuan", "Jinzhong", "Yangquan", "Lvliang"],
                            "S": ["长治", "晋城", "Linfen", 140800]}, shanxi.index, shanxi)  # fmt: skip
    assert (named.astype(str).map({"N": "north", "M": "middle", "S": "south"}) == three.astype(str)).all()
    field = resolve_zoning("zone", shanxi.index, shanxi)
    assert (field.astype(str) == three.astype(str)).all()
    with pytest.raises(InputError, match=r"leaves unit\(s\) 140800 without a zone"):
        resolve_zoning({"a": list(shanxi.index[:7]), "b": [140900, 141000, 141100]}, shanxi.index, shanxi)
    with pytest.raises(InputError, match="is in zone 'a' and in zone 'b'"):
        resolve_zoning({"a": list(shanxi.index), "b": [140100]}, shanxi.index, shanxi)
    with pytest.raises(InputError, match=r"zone member\(s\) Atlantis not found"):
        resolve_zoning({"a": ["Atlantis"]}, shanxi.index, shanxi)
    with pytest.raises(ConfigError, match="did you mean 'shanxi-3'"):
        resolve_zoning("shanxi-33", shanxi.index, shanxi)


def test_zone_contiguity():
    shanxi = geocouple.load_boundaries()
    graph = geocouple.build_graph(shanxi, "queen")
    assert zone_contiguity(resolve_zoning("shanxi-3", shanxi.index, shanxi), graph) == {
        "north": True,
        "middle": True,
        "south": True,
    }
    split = resolve_zoning(
        {"x": [140200, 140800], "y": [u for u in shanxi.index if u not in (140200, 140800)]}, shanxi.index, shanxi
    )
    assert zone_contiguity(split, graph) == {"x": False, "y": True}


def test_literature_label():
    grades = {"north": "moderate imbalance", "middle": "extreme imbalance", "south": "moderate imbalance"}
    assert literature_label(grades) == "north–south moderate imbalance, middle extreme imbalance"
    zh = {"north": "中度失调", "middle": "极度失调", "south": "中度失调"}
    assert literature_label(zh, "zh") == "晋北、晋南中度失调，晋中极度失调"


def test_zones_cli_json(tmp_path, capsys):
    shanxi = geocouple.load_boundaries()
    shanxi["D"] = np.linspace(0.1, 0.9, 11)
    path = tmp_path / "s.gpkg"
    shanxi.reset_index().to_file(path, engine="pyogrio")
    assert main(["zones", str(path), "--column", "D", "--zones", "shanxi-3", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    for key in ("theil", "theil_between", "theil_within", "between_share", "p_value", "n_assignments", "method"):
        assert key in res
    assert res["n_assignments"] == 11550 and res["method"] == "exact"
    assert res["theil"] == pytest.approx(res["theil_between"] + res["theil_within"])
    assert res["contiguous"] == {"north": True, "middle": True, "south": True}
    assert main(["zones", str(path), "--column", "D", "--zones", "zone", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_assignments"] == 11550
    assert main(["zones", str(path), "--column", "D", "--zones", "regions"]) == 2
    assert "zones needs to be shanxi-3, shanxi-4, a field of the layer" in capsys.readouterr().err
