"""Writing results: GeoPackage layers (primary GIS format) and CSV tables.

I/O only: every function takes finished tables and writes them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def layer_name(text: str) -> str:
    """A GeoPackage-safe layer name: ``milieu-advancement`` -> ``milieu_advancement``."""
    return "".join(c if c.isalnum() else "_" for c in str(text)).strip("_").lower()


def write_gpkg(layers: dict, path: Path) -> list[str]:
    """Write GeoDataFrames as layers of one GeoPackage (full column names, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name, gdf in layers.items():
        out = gdf.reset_index()
        out.to_file(path, layer=layer_name(name), driver="GPKG", engine="pyogrio")
        written.append(layer_name(name))
    return written


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV without the index (Excel opens UTF-8 with a BOM-less file fine since 2016)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8")
