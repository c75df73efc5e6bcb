"""End to end on the real Shanxi panel (skipped when ../shared/data/shanxi is absent).

Asserts properties that must hold on real data, never hard-coded results.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import geocouple


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    from conftest import REAL_PANEL

    if not REAL_PANEL.exists():
        pytest.skip("the real Shanxi panel (../shared/data/shanxi) is not available here")
    out = tmp_path_factory.mktemp("real") / "out"
    return geocouple.run("shanxi-real", out, data=REAL_PANEL), pd.read_csv(REAL_PANEL)


def test_real_run_is_complete_and_marked_real(real_run):
    res, raw = real_run
    rec = res.record
    assert rec["data"]["synthetic"] is False and "synthetic_demo_data" not in res.coupling.columns
    assert rec["data"]["years"] == [2003, 2016] and rec["data"]["units"] == 11
    # every genuinely missing cell of the used columns was filled, and recorded
    used = ["fdi_musd", "road_area_per_capita", "emp_share_primary"]
    assert len(rec["data"]["filled_cells"]) == int(raw[used].isna().sum().sum()) == 11
    c = res.coupling
    assert len(c) == 44 and c[["U1", "U2", "C", "T", "D"]].notna().all().all()
    assert c["C"].between(0, 1).all() and c["D"].between(0, 1).all()


def test_real_indicators_match_the_source(real_run):
    res, raw = real_run
    ind = pd.read_csv(res.out / "tables" / "indicators.csv").set_index(["adcode", "year"])
    src = raw.set_index(["adcode", "year"])
    # sanity anchors of the data README: Taiyuan GDP 515.71 (2003) and 2955.60 (2016)
    assert ind.loc[(140100, 2003), "gdp_per_capita"] == src.loc[(140100, 2003), "gdp_per_capita"]
    assert src.loc[(140100, 2016), "gdp"] == pytest.approx(2955.60, abs=0.01)
    ts = src["va_tertiary"] / src["va_secondary"]
    np.testing.assert_allclose(ind["ts"], ts.loc[ind.index], rtol=1e-12)
    assert ind["theil_tl"].ge(0).all() and ind["hierarchy"].between(1, 3).all()


def test_real_properties(real_run):
    res, _ = real_run
    idx = res.indices.set_index(["adcode", "year"])
    # the provincial capital leads the innovative-milieu proxies in both years
    for year in (2003, 2016):
        assert idx.xs(year, level="year")["milieu"].idxmax() == 140100
    # nominal growth 2003 -> 2016 raises the pooled milieu index of every city
    m = idx["milieu"].unstack("year")
    assert (m[2016] > m[2003]).all()
    # tertiary share rose in the province: advancement index higher in 2016 on average
    a = idx["advancement"].unstack("year")
    assert a[2016].mean() > a[2003].mean()
    rec = json.loads((res.out / "run.json").read_text(encoding="utf-8"))
    assert rec["data"]["sha256"] and rec["data"]["missing_policy"] == "interpolate"
