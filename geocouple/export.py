"""Writing results: GeoPackage (primary), Shapefile, GeoJSON and CSV. I/O only, no statistics.

* GeoPackage keeps full column names and UTF-8 text; one layer per result family.
* Shapefiles are written in UTF-8 with a ``.cpg`` and a ``.prj``; column names are mapped
  to at most 10 characters by :func:`short_names` (deterministic, collision-free, the
  year kept), and ``fields.csv`` beside them lists short name, long name and a Chinese and
  English description of every field.
* GeoJSON is written in EPSG:4326 (RFC 7946).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ABBREVIATIONS = {
    "synthetic_demo_data": "synthetic",
    "milieu": "mil",
    "advancement": "adv",
    "rationalization": "rat",
    "grade": "g",
    "stage": "s",
    "type": "t",
    "label": "l",
    "cluster": "cl",
    "quadrant": "q",
    "zh": "z",
    "en": "e",
}
DESCRIPTIONS = {
    "U1": ("第一子系统综合指数", "index of the first subsystem of the pair"),
    "U2": ("第二子系统综合指数", "index of the second subsystem of the pair"),
    "C": ("耦合度", "coupling degree C"),
    "T": ("综合协调指数", "comprehensive coordination index T"),
    "D": ("耦合协调度", "coupling coordination degree D"),
    "D_grade": ("协调等级代码（1 为最低）", "coordination grade code (1 = lowest)"),
    "D_grade_zh": ("协调等级（中文）", "coordination grade, Chinese label"),
    "D_grade_en": ("协调等级（英文）", "coordination grade, English label"),
    "C_stage_zh": ("耦合阶段（中文）", "coupling stage, Chinese label"),
    "C_stage_en": ("耦合阶段（英文）", "coupling stage, English label"),
    "E": ("相对发展度 U1/U2", "relative development degree E = U1/U2"),
    "E_type": ("相对发展类型代码", "relative development type (lagging, synchronous, ahead)"),
    "E_type_zh": ("相对发展类型（中文）", "relative development type, Chinese label"),
    "E_type_en": ("相对发展类型（英文）", "relative development type, English label"),
    "label_zh": ("协调等级-相对发展类型（中文）", "grade and type, Chinese label"),
    "label_en": ("协调等级-相对发展类型（英文）", "grade and type, English label"),
    "Ii": ("局部 Moran 指数", "local Moran's I"),
    "quadrant": ("Moran 散点图象限", "Moran scatterplot quadrant (HH, LH, LL, HL)"),
    "p_sim": ("置换检验 p 值（双侧）", "permutation p-value"),
    "p_min": ("可达到的最小 p 值", "smallest attainable p-value"),
    "cluster": ("LISA 聚类（显著时）", "LISA cluster label where significant, else ns"),
    "name_zh": ("中文名称", "name in Chinese"),
    "name_en": ("英文名称", "name in English"),
    "zone": ("分区", "zone"),
    "zone_zh": ("分区（中文）", "zone, Chinese"),
    "synthetic_demo_data": ("合成演示数据标记", "flag: synthetic demo data"),
}
_YEAR = re.compile(r"^(?P<base>.+?)_(?P<year>(1[89]|20)\d{2})$")


def layer_name(text: str) -> str:
    """A GeoPackage-safe layer name: ``milieu-advancement`` -> ``milieu_advancement``."""
    return "".join(c if c.isalnum() else "_" for c in str(text)).strip("_").lower()


def _compact(base: str, room: int) -> str:
    parts = [ABBREVIATIONS.get(p, p) for p in re.split(r"[_\-\s]+", ABBREVIATIONS.get(base, base)) if p]
    text = "_".join(parts)
    if len(text) > room:
        text = "".join(parts)
    return text[:room] if room > 0 else ""


def short_names(columns, limit: int = 10) -> dict:
    """Deterministic, collision-free map of column names to at most ``limit`` characters.

    A trailing year is kept whole (``D_grade_zh_2016`` -> ``Dgz2016``-like names); clashes
    get a digit or letter in their last place, in column order.
    """
    out, used = {}, set()
    for col in columns:
        name = str(col)
        if len(name) <= limit and name.lower() not in used:
            short = name
        else:
            m = _YEAR.match(name)
            base, year = (m.group("base"), "_" + m.group("year")) if m else (name, "")
            short = _compact(base, limit - len(year)) + year
            suffix = iter("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            while short.lower() in used or not short:
                short = _compact(base, limit - len(year) - 1) + next(suffix) + year
        used.add(short.lower())
        out[name] = short
    return out


def describe(column: str) -> tuple[str, str]:
    """(zh, en) description of an exported column, year included."""
    m = _YEAR.match(str(column))
    base, year = (m.group("base"), m.group("year")) if m else (str(column), "")
    zh, en = DESCRIPTIONS.get(base, (base, base))
    if year:
        return f"{zh}（{year} 年）", f"{en} ({year})"
    return zh, en


def write_gpkg(layers: dict, path: Path) -> list[str]:
    """Write GeoDataFrames as layers of one GeoPackage (full column names, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name, gdf in layers.items():
        gdf.reset_index().to_file(path, layer=layer_name(name), driver="GPKG", engine="pyogrio")
        written.append(layer_name(name))
    return written


def write_shapefiles(layers: dict, folder: Path) -> list[str]:
    """Shapefiles in UTF-8 (.cpg) with .prj, short field names and a ``fields.csv`` dictionary."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, written = [], []
    for name, gdf in layers.items():
        frame = gdf.reset_index()
        attrs = [c for c in frame.columns if c != frame.geometry.name]
        mapping = short_names(attrs)
        out = frame.rename(columns=mapping)
        stem = layer_name(name)
        out.to_file(folder / f"{stem}.shp", driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
        written.append(f"{stem}.shp")
        for long, short in mapping.items():
            zh, en = describe(long)
            rows.append(
                {"layer": stem, "short_name": short, "long_name": long, "description_zh": zh, "description_en": en}
            )
    pd.DataFrame(rows).to_csv(folder / "fields.csv", index=False, encoding="utf-8")
    return [*written, "fields.csv"]


def write_geojson(layers: dict, folder: Path) -> list[str]:
    """One GeoJSON file per layer, in EPSG:4326."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, gdf in layers.items():
        out = gdf.to_crs(4326) if gdf.crs is not None else gdf
        path = folder / f"{layer_name(name)}.geojson"
        out.reset_index().to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES"})
        written.append(path.name)
    return written


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV without the index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8")


# ---------------------------------------------------------------------- QGIS styles

QML_HEAD = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


def _rgba(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def categorized_qml(field: str, categories: list[tuple[str, str, str]]) -> str:
    """QGIS style (QML) colouring polygons by the categories (value, label, #rrggbb) of ``field``."""
    from xml.sax.saxutils import quoteattr

    cats, symbols = [], []
    for i, (value, label, colour) in enumerate(categories):
        cats.append(
            f'<category symbol="{i}" value={quoteattr(str(value))} label={quoteattr(str(label))} render="true"/>'
        )
        symbols.append(
            f'<symbol type="fill" name="{i}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="SimpleFill" enabled="1" pass="0" locked="0"><Option type="Map">'
            f'<Option type="QString" name="color" value="{_rgba(colour)}"/>'
            f'<Option type="QString" name="outline_color" value="85,85,85,255"/>'
            f'<Option type="QString" name="outline_width" value="0.26"/>'
            f'<Option type="QString" name="outline_style" value="solid"/>'
            f'<Option type="QString" name="style" value="solid"/>'
            f"</Option></layer></symbol>"
        )
    return (
        QML_HEAD + '<qgis version="3.22" styleCategories="Symbology">'
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} forceraster="0" enableorderby="0" symbollevels="0">'
        f"<categories>{''.join(cats)}</categories><symbols>{''.join(symbols)}</symbols></renderer-v2></qgis>"
    )


def write_layer_styles(path: Path, styles: dict) -> list[str]:
    """Store default QGIS styles in the GeoPackage's ``layer_styles`` table (what QGIS reads).

    ``styles`` maps a layer name to (style name, field, categories).
    """
    import sqlite3
    from datetime import UTC, datetime

    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT, "
            "f_table_schema TEXT, f_table_name TEXT, f_geometry_column TEXT, styleName TEXT, styleQML TEXT, "
            "styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT, ui TEXT, update_time DATETIME)"
        )
        db.execute(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS default styles written by geocouple', ?)",
            (datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),),
        )
        written = []
        for layer, (name, field, categories) in styles.items():
            table = layer_name(layer)
            geom = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)).fetchone()
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
                "styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '', ?)",
                (
                    table,
                    geom[0] if geom else "geom",
                    name,
                    categorized_qml(field, categories),
                    f"geocouple: {name}",
                    datetime.now(UTC).isoformat(),
                ),
            )
            written.append(table)
    return written
