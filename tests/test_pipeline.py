"""The pipeline on the embedded demo case: outputs, provenance, atomicity, reproducibility."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import geocouple
from geocouple.config import load_config
from geocouple.errors import InputError, OutputError


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    return geocouple.run(None, out)


def test_output_folder(demo):
    files = {str(p.relative_to(demo.out)) for p in demo.out.rglob("*") if p.is_file()}
    tables = {
        "coupling",
        "indicators",
        "indices",
        "lisa",
        "moran_global",
        "sensitivity",
        "weights",
        "zones",
        "zoning_tests",
    }
    assert {f"tables/{t}.csv" for t in tables} <= files
    assert {"run.json", "report.html", "gis/geocouple.gpkg", "gis/shp/fields.csv", "gis/shp/indices.cpg"} <= files
    assert {"maps/D_milieu-advancement.png", "maps/D_milieu-advancement.svg", "maps/lisa_D_milieu-advancement.png",
            "maps/moran_scatter_D_milieu-advancement.png", "maps/zones.png", "maps/E_type_milieu-advancement.svg"} <= files  # fmt: skip
    assert {"gis/geojson/coupling_milieu_advancement.geojson", "gis/shp/lisa_d_milieu_advancement.shp"} <= files
    rec = json.loads((demo.out / "run.json").read_text(encoding="utf-8"))
    assert set(rec["outputs"]) >= {"run.json", "report.html", "maps/zones.png", "tables/lisa.csv"}
    assert not list(demo.out.parent.glob(".out.partial-*"))


def test_gpkg_layers(demo):
    import pyogrio

    names = [n for n, _ in pyogrio.list_layers(demo.out / "gis" / "geocouple.gpkg")]
    assert names == ["indices", "coupling_milieu_advancement", "coupling_milieu_rationalization",
                     "lisa_d_milieu_advancement", "lisa_d_milieu_rationalization", "zones", "layer_styles"]  # fmt: skip
    import geopandas as gpd

    zones = gpd.read_file(demo.out / "gis" / "geocouple.gpkg", layer="zones")
    assert zones["zone"].tolist() == ["north", "middle", "south"] and zones["n_units"].tolist() == [3, 4, 4]
    assert zones.is_valid.all() and (zones["synthetic_demo_data"] == "yes").all()


def test_tables_content(demo):
    coupling = pd.read_csv(demo.out / "tables" / "coupling.csv")
    assert len(coupling) == 2 * 11 * 2  # pairs x cities x years
    assert set(coupling["pair"]) == {"milieu-advancement", "milieu-rationalization"}
    assert coupling["C"].between(0, 1).all() and coupling["D"].between(0, 1).all()
    np.testing.assert_allclose(coupling["D"], np.sqrt(coupling["C"] * coupling["T"]), rtol=1e-12)
    np.testing.assert_allclose(coupling["T"], 0.5 * coupling["U1"] + 0.5 * coupling["U2"], rtol=1e-12)
    assert (coupling["synthetic_demo_data"] == "yes").all()
    assert coupling.loc[coupling["adcode"] == 140100, "name_zh"].iloc[0] == "太原市"
    weights = pd.read_csv(demo.out / "tables" / "weights.csv")
    np.testing.assert_allclose(weights.groupby("subsystem")["weight"].sum(), 1.0)
    indices = pd.read_csv(demo.out / "tables" / "indices.csv")
    assert indices[["milieu", "advancement", "rationalization"]].stack().between(0.001 - 1e-12, 1).all()


def test_indices_recomputed_from_indicators(demo):
    """U equals the weighted sum of the pooled, shifted min-max values of the written indicators."""
    ind = pd.read_csv(demo.out / "tables" / "indicators.csv")
    w = pd.read_csv(demo.out / "tables" / "weights.csv")
    idx = pd.read_csv(demo.out / "tables" / "indices.csv")
    for key, grp in w.groupby("subsystem"):
        total = 0
        for row in grp.itertuples():
            x = ind[row.indicator]
            x01 = (x - x.min()) / (x.max() - x.min())
            if row.direction == "-":
                x01 = 1 - x01
            total = total + row.weight * (0.001 + 0.999 * x01)
        np.testing.assert_allclose(idx[key], total, rtol=1e-12)


def test_run_json_records_provenance_and_parameters(demo):
    rec = json.loads((demo.out / "run.json").read_text(encoding="utf-8"))
    assert rec["data"]["synthetic"] is True and rec["data"]["provenance"].startswith("SYNTHETIC DEMO DATA")
    assert rec["seed"] == 20031216 and rec["geocouple"] == geocouple.__version__
    assert rec["parameters"]["shift"] == "interval:0.001,1" and rec["parameters"]["scope"] == "pooled"
    assert rec["config"]["coupling"]["model"] == "standard"
    assert len(rec["data"]["sha256"]) == 64 and rec["data"]["encoding"] == "utf-8"
    assert rec["versions"]["numpy"] and set(rec["timings_s"]) >= {"read panel", "indices and coupling"}


def test_reproducible(demo, tmp_path):
    again = geocouple.run(None, tmp_path / "again", maps=[])
    for name in ("coupling", "indices", "weights", "indicators"):
        a = (demo.out / "tables" / f"{name}.csv").read_bytes()
        assert a == (again.out / "tables" / f"{name}.csv").read_bytes()


def test_refuses_non_empty_output_and_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    with pytest.raises(OutputError, match="not empty"):
        geocouple.run(None, out)
    assert (out / "keep.txt").exists()
    geocouple.run(None, out, force=True, maps=[])
    assert not (out / "keep.txt").exists() and (out / "run.json").exists()


def test_failed_run_leaves_nothing(tmp_path):
    cfg = load_config()
    bad = tmp_path / "bad.csv"
    text = cfg.data.path.read_text(encoding="utf-8").replace(
        "140200,大同市,Datong,2003,235.5783,", "140200,大同市,Datong,2003,235.5783,x"
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv: line 6, column 'va_primary': a number is needed; 'x32.7703'"):
        geocouple.run(cfg, tmp_path / "out", data=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_other_variants_run(tmp_path):
    from dataclasses import replace

    cfg = load_config()
    for model in ("wang", "fan"):
        for method in ("critic", "cv", "equal"):
            c = replace(cfg, weighting=method, coupling=replace(cfg.coupling, model=model))
            res = geocouple.run(c, tmp_path / f"{model}-{method}", maps=[])
            assert res.coupling["D"].between(0, 1).all()
            assert res.record["parameters"]["method"] == method


def test_spatial_tables(demo):
    glob = pd.read_csv(demo.out / "tables" / "moran_global.csv")
    # U of 3 subsystems, D and E of 2 pairs, bivariate U1 x lag U2 of 2 pairs; 2 years each
    assert len(glob) == (3 + 2 + 2 + 2) * 2
    assert set(glob["statistic"]) == {"moran", "bivariate_moran"}
    np.testing.assert_allclose(glob.loc[glob["statistic"] == "moran", "expected"], -0.1)
    assert glob["p_sim"].between(0, 1).all() and (glob["seed"] == 20031216).all()
    lisa = pd.read_csv(demo.out / "tables" / "lisa.csv")
    assert len(lisa) == len(glob) * 11
    assert (lisa["inference"] == "exact").all()  # every Shanxi city has <= 252 configurations
    assert set(lisa["quadrant"]) <= {"HH", "LH", "LL", "HL"}
    assert (lisa["p_sim"] >= lisa["p_min"] - 1e-12).all()
    assert set(lisa.loc[lisa["id"] == 140200, "k"]) == {2}
    assert lisa.loc[lisa["id"] == 140200, "name_zh"].iloc[0] == "大同市"
    sens = pd.read_csv(demo.out / "tables" / "sensitivity.csv")
    assert set(sens["weights"]) == {"queen", "rook", "knn:3", "knn:4"}
    queen = sens[sens["weights"] == "queen"].reset_index(drop=True)
    moran_rows = glob[glob["statistic"] == "moran"].reset_index(drop=True)
    np.testing.assert_allclose(queen["value"], moran_rows["value"], rtol=1e-12)
    rec = json.loads((demo.out / "run.json").read_text(encoding="utf-8"))
    assert rec["spatial"]["graph"]["links"] == 38 and rec["spatial"]["alternative"] == "two-sided"


def test_zoning_tables(demo):
    zones = pd.read_csv(demo.out / "tables" / "zones.csv")
    tests = pd.read_csv(demo.out / "tables" / "zoning_tests.csv")
    assert list(dict.fromkeys(zones["zone"])) == ["north", "middle", "south"]
    assert set(zones["zone_zh"]) == {"晋北", "晋中", "晋南"}
    d = zones[(zones["variable"] == "D") & (zones["group"] == "milieu-advancement")]
    coupling = pd.read_csv(demo.out / "tables" / "coupling.csv")
    ca = coupling[(coupling["pair"] == "milieu-advancement") & (coupling["year"] == 2003)]
    north = ca[ca["adcode"].isin([140200, 140600, 140900])]
    row = d[(d["year"] == 2003) & (d["zone"] == "north")].iloc[0]
    assert row["mean"] == pytest.approx(north["D"].mean()) and row["n"] == 3
    assert row["dominant_zh"] in set(north["D_grade_zh"])
    assert (tests["n_assignments"] == 11550).all() and (tests["method"] == "exact").all()
    np.testing.assert_allclose(tests["theil"], tests["theil_between"] + tests["theil_within"], rtol=1e-12)
    assert tests["p_value"].between(1 / 11550, 1).all()
    assert tests.loc[tests["variable"] == "D", "label_zh"].notna().all()
    rec = json.loads((demo.out / "run.json").read_text(encoding="utf-8"))
    assert rec["zoning"]["zoning"] == "shanxi-3" and rec["zoning"]["contiguous"] == {
        "north": True,
        "middle": True,
        "south": True,
    }
    assert len(rec["zoning"]["tests"]) == len(tests)


def test_qgis_layer_styles(demo):
    """Default QGIS styles: grade and LISA colours as on the maps, valid QML, one per styled layer."""
    import sqlite3
    import xml.etree.ElementTree as ET

    from geocouple.maps.plots import LISA_COLOURS

    with sqlite3.connect(demo.out / "gis" / "geocouple.gpkg") as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles").fetchall()
    assert [r[0] for r in rows] == ["coupling_milieu_advancement", "coupling_milieu_rationalization",
                                    "lisa_d_milieu_advancement", "lisa_d_milieu_rationalization"]  # fmt: skip
    assert all(r[1] == "geom" and r[2] == 1 for r in rows)
    lisa = ET.fromstring(rows[2][3].split("\n", 1)[1])
    renderer = lisa.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "cluster_2016"
    values = [c.get("value") for c in renderer.iter("category")]
    assert values == list(LISA_COLOURS)
    colours = [o.get("value") for o in renderer.iter("Option") if o.get("name") == "color"]
    assert colours[0] == "215,25,28,255"  # HH #d7191c
    grade = ET.fromstring(rows[0][3].split("\n", 1)[1]).find("renderer-v2")
    assert grade.get("attr") == "D_grade_zh_2016" and len(list(grade.iter("category"))) == 10
