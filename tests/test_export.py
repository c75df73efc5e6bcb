"""GIS exports: Shapefile field map and dictionary, GDAL round trips with Chinese text, GeoJSON CRS."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

import geocouple
from geocouple.export import describe, short_names, write_geojson, write_gpkg, write_shapefiles


@pytest.fixture
def layers():
    gdf = geocouple.load_boundaries()
    gdf["D_grade_zh_2003"] = ["中度失调"] * 11
    gdf["D_grade_zh_2016"] = ["初级协调"] * 11
    gdf["coupling_coordination_2003"] = 0.5
    gdf["coupling_coordination_2016"] = 0.6
    gdf["label_zh_2016"] = "中度失调-创新环境滞后型"
    return {"coupling_milieu-advancement": gdf}


def test_short_names_are_unique_bounded_and_deterministic():
    cols = ["coupling_coordination_2003", "coupling_coordination_2016", "coupling_coordinatio_2003", "D_grade_zh_2003",
            "D_grade_en_2003", "E_type_zh_2016", "synthetic_demo_data", "name_zh", "a" * 30, "a" * 31]  # fmt: skip
    first = short_names(cols)
    assert first == short_names(cols)
    assert all(len(v) <= 10 for v in first.values())
    assert len({v.lower() for v in first.values()}) == len(cols)
    assert first["D_grade_zh_2003"].endswith("_2003") and first["name_zh"] == "name_zh"
    assert first["coupling_coordination_2003"] != first["coupling_coordinatio_2003"]


def test_shapefile_round_trip_keeps_chinese_and_has_cpg_prj(tmp_path, layers):
    written = write_shapefiles(layers, tmp_path)
    stem = "coupling_milieu_advancement"
    assert f"{stem}.shp" in written and "fields.csv" in written
    assert (tmp_path / f"{stem}.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    assert "GEOGCS" in (tmp_path / f"{stem}.prj").read_text() or "GEOGCRS" in (tmp_path / f"{stem}.prj").read_text()
    info = pyogrio.read_info(tmp_path / f"{stem}.shp")
    assert all(len(f) <= 10 for f in info["fields"])
    back = gpd.read_file(tmp_path / f"{stem}.shp", engine="pyogrio")
    fields = pd.read_csv(tmp_path / "fields.csv")
    mapping = dict(zip(fields["long_name"], fields["short_name"]))
    assert back[mapping["name_zh"]].tolist()[:3] == ["太原市", "大同市", "阳泉市"]
    assert back[mapping["label_zh_2016"]].iloc[0] == "中度失调-创新环境滞后型"
    assert back[mapping["D_grade_zh_2003"]].iloc[0] == "中度失调"
    row = fields[fields["long_name"] == "D_grade_zh_2016"].iloc[0]
    assert (
        row["description_zh"] == "协调等级（中文）（2016 年）"
        and row["description_en"] == "coordination grade, Chinese label (2016)"
    )
    assert back.crs.to_epsg() == 4326


def test_geopackage_and_geojson_round_trip(tmp_path, layers):
    write_gpkg(layers, tmp_path / "out.gpkg")
    back = gpd.read_file(tmp_path / "out.gpkg", layer="coupling_milieu_advancement", engine="pyogrio")
    assert "coupling_coordination_2016" in back.columns and back["D_grade_zh_2016"].iloc[0] == "初级协调"
    projected = {k: geocouple.boundaries.project(v) for k, v in layers.items()}
    write_geojson(projected, tmp_path)
    gj = gpd.read_file(tmp_path / "coupling_milieu_advancement.geojson", engine="pyogrio")
    assert gj.crs.to_epsg() == 4326 and gj["name_zh"].iloc[10] == "吕梁市"
    assert gj.total_bounds[0] > 110 and gj.total_bounds[3] < 41  # degrees, not metres


def test_describe():
    assert describe("D_2003") == ("耦合协调度（2003 年）", "coupling coordination degree D (2003)")
    assert describe("custom") == ("custom", "custom")
