"""The one place where the stages are chained and the loop over pairs and years lives.

``run(config, out)`` reads and validates the panel, derives indicators, computes the
subsystem indices and the coupling coordination of every configured pair, and writes the
output folder atomically: everything goes to a temporary sibling folder that is moved to
``out`` only when complete, so a failed run leaves nothing half-written.

Example
-------
>>> import tempfile, pathlib, geocouple
>>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
>>> result = geocouple.run(None, out)          # the embedded Shanxi demo case
>>> sorted(p.name for p in (out / "tables").iterdir())[:3]
['coupling.csv', 'indicators.csv', 'indices.csv']
"""

from __future__ import annotations

import json
import platform
import shutil
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .boundaries import match_ids
from .composite import CompositeResult, composite_indices
from .config import Config, load_config
from .coupling import coupling_coordination
from .errors import GeocoupleError, GeocoupleWarning, InputError, OutputError
from .export import write_csv, write_geojson, write_gpkg, write_layer_styles, write_shapefiles
from .panel import Panel, file_checksum, read_panel

SYNTHETIC_COLUMN = "synthetic_demo_data"
SYNTHETIC_NOTE = "SYNTHETIC DEMO DATA: generated for demonstration, not real statistics"


@dataclass(frozen=True)
class RunResult:
    """What a run produced: the folder, the main tables and the run record."""

    out: Path
    indices: pd.DataFrame = field(repr=False)
    coupling: pd.DataFrame = field(repr=False)
    weights: pd.DataFrame = field(repr=False)
    record: dict = field(repr=False)

    def __repr__(self) -> str:
        flag = ", SYNTHETIC demo data" if self.record["data"]["synthetic"] else ""
        return f"RunResult(out={str(self.out)!r}, {len(self.coupling)} coupling rows{flag})"


class _Timer:
    def __init__(self, progress) -> None:
        self.timings, self.progress = {}, progress

    @contextmanager
    def step(self, name: str):
        if self.progress:
            self.progress(f"{name} ...")
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 4)


def load_panel(config: Config) -> Panel:
    """Read the configured panel with the columns the indicator system needs."""
    d = config.data
    return read_panel(
        d.path,
        id=d.id,
        year=d.year,
        columns=config.system.raw_columns(),
        encoding=d.encoding,
        sheet=d.sheet,
        layout=d.layout,
        missing=d.missing,
        missing_ends=d.missing_ends,
        years=d.years,
    )


def compute(config: Config, panel: Panel) -> tuple[pd.DataFrame, CompositeResult, pd.DataFrame]:
    """Derived indicators, subsystem indices and coupling tables for a loaded panel."""
    system = config.system.without(panel.source.dropped_indicators)
    data = system.derive(panel.data, where=panel.where)
    comp = composite_indices(data, system, config.weighting, config.scope, config.shift)
    names = {s.key: (s.label_zh, s.label_en) for s in system.subsystems}
    frames = []
    for pair in config.coupling.pairs:
        res = coupling_coordination(
            comp.indices[list(pair)],
            model=config.coupling.model,
            alpha=config.coupling.alpha,
            grades=config.coupling.grades,
            c_stages=config.coupling.c_stages,
            relative=config.coupling.relative,
            names=names,
        )
        frame = res.to_frame()
        u = comp.indices[list(pair)].rename(columns={k: f"U{i + 1}" for i, k in enumerate(pair)})
        frame = pd.concat([u, frame], axis=1)
        frame.insert(0, "pair", "-".join(pair))
        frames.append(frame)
    used = [c for s in system.subsystems for c in s.columns]
    indicators = data[list(dict.fromkeys([*panel.data.columns, *used]))]
    return indicators, comp, pd.concat(frames)


def wide(frame: pd.DataFrame) -> pd.DataFrame:
    """(id, year)-indexed rows -> one row per unit with ``column_year`` columns."""
    out = frame.unstack(level=-1)
    out.columns = [f"{col}_{year}" for col, year in out.columns]
    return out


def gis_layers(
    config: Config, comp: CompositeResult, coupling: pd.DataFrame, boundaries, spatial=None, zoning=None
) -> dict:
    """Results joined to the polygons: one layer per result family, one row per unit.

    Layers: ``indices``, ``coupling_<pair>``, ``lisa_<variable>_<group>`` (local Moran of
    the variables mapped, columns per year) and ``zones`` (dissolved zones with the mean of
    every variable).
    """
    from .boundaries import attach

    tables = {"indices": wide(comp.indices)}
    for pair, frame in coupling.groupby("pair", sort=False):
        tables[f"coupling_{pair}"] = wide(frame.drop(columns="pair"))
    layers = {name: attach(table, boundaries, by=config.boundaries.match) for name, table in tables.items()}
    if spatial is not None:
        layers.update(_lisa_layers(config, spatial, boundaries))
    if zoning is not None:
        layers["zones"] = _zone_layer(zoning, boundaries)
    if config.data.synthetic:
        for gdf in layers.values():
            gdf.insert(0, SYNTHETIC_COLUMN, "yes")
    return layers


def _lisa_layers(config: Config, spatial, boundaries) -> dict:
    import geopandas as gpd

    lisa = spatial["tables"]["lisa"]
    lisa = lisa[(lisa["statistic"] == "local_moran") & lisa["variable"].isin(config.maps.lisa_variables)]
    cutoff = f"cluster_{config.maps.alpha:g}"
    keep = ["Ii", "quadrant", "p_sim", "p_fdr", cutoff]
    layers = {}
    for (variable, group), rows in lisa.groupby(["variable", "group"], sort=False):
        table = rows.set_index(["id", "year"])[keep].rename(columns={cutoff: "cluster"})
        table = wide(table)
        table.insert(0, "p_min", rows.groupby("id")["p_min"].first())
        table.insert(0, "k", rows.groupby("id")["k"].first())
        base = boundaries.drop(columns=[c for c in boundaries.columns if c in table.columns])
        layers[f"lisa_{variable}_{group}"] = gpd.GeoDataFrame(
            base.join(table, how="left"), geometry=boundaries.geometry.name, crs=boundaries.crs
        )
    return layers


def _zone_layer(zoning, boundaries):
    from .zoning import zone_label

    table = zoning["tables"]["zones"]
    means = table.pivot_table(index="zone", columns=["variable", "group", "year"], values="mean")
    means.columns = [f"{v}_{g}_{y}" for v, g, y in means.columns]
    members = zoning["record"]["zones"]
    frame = boundaries[[boundaries.geometry.name]].copy()
    frame["zone"] = [next(z for z, ids in members.items() if uid in ids) for uid in frame.index]
    dissolved = frame.dissolve(by="zone")
    dissolved.insert(0, "zone_zh", [zone_label(z)[0] for z in dissolved.index])
    dissolved.insert(1, "n_units", [len(members[z]) for z in dissolved.index])
    return dissolved.join(means).loc[list(members)]


def _label(variable: str, group: str, year) -> str:
    return f"{variable}|{group}|{year}"


def _unlabel(frame: pd.DataFrame, column: str = "column") -> pd.DataFrame:
    parts = frame[column].str.split("|", expand=True)
    out = frame.drop(columns=[column])
    out.insert(0, "year", parts[2].astype(int).to_numpy())
    out.insert(0, "group", parts[1].to_numpy())
    out.insert(0, "variable", parts[0].to_numpy())
    return out


def analysis_variables(
    comp: CompositeResult, coupling: pd.DataFrame, mapping: dict
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Variables for the spatial statistics, one column each, indexed by the layer's ids.

    Returns (univariate variables: U of every subsystem, D and E of every pair, per year;
    x and y of the bivariate statistics: U1 with the lag of U2 of every pair, per year).
    """
    cols, xs, ys = {}, {}, {}
    for key in comp.indices.columns:
        for year, series in comp.indices[key].groupby(level=-1):
            cols[_label("U", key, year)] = series.droplevel(-1)
    for (pair, year), frame in coupling.groupby(["pair", coupling.index.get_level_values(-1)]):
        frame = frame.droplevel(-1)
        cols[_label("D", pair, year)] = frame["D"]
        if "E" in frame.columns and np.isfinite(frame["E"]).all():
            cols[_label("E", pair, year)] = frame["E"]
        xs[_label("U1xlagU2", pair, year)] = frame["U1"]
        ys[_label("U1xlagU2", pair, year)] = frame["U2"]

    def table(d):
        out = pd.DataFrame(d)
        out.index = out.index.map(mapping)
        return out

    return table(cols), table(xs), table(ys)


def spatial_tables(config: Config, variables: tuple, boundaries, notes: list) -> dict:
    """Global and local statistics of every variable, and their sensitivity to the weights.

    ``variables`` is what :func:`analysis_variables` returns.
    """
    from .spatial import bivariate_moran, build_graph, local_bivariate_moran, local_moran, moran

    sp = config.spatial
    data, x, y = variables
    graph = build_graph(boundaries, sp.weights, transform=sp.transform)
    opts = sp.options(config.seed)
    globals_ = [moran(data, graph, **opts).to_frame(), bivariate_moran(x, y, graph, **opts).to_frame()]
    local = local_moran(data, graph, **opts)
    local_bv = local_bivariate_moran(x, y, graph, **opts)
    lisa = pd.concat(
        [
            local.to_frame(sp.cutoffs).assign(statistic="local_moran"),
            local_bv.to_frame(sp.cutoffs).assign(statistic="local_bivariate_moran"),
        ]
    )
    lisa = _unlabel(lisa.reset_index().rename(columns={lisa.index.name: "id"}))
    lisa.insert(0, "statistic", lisa.pop("statistic"))
    for pos, col in enumerate(c for c in ("name_zh", "name_en") if c in boundaries.columns):
        lisa.insert(lisa.columns.get_loc("id") + 1 + pos, col, lisa["id"].map(boundaries[col]))
    sens = []
    for spec in sp.sensitivity:
        try:
            g = build_graph(boundaries, spec, transform=sp.transform)
        except GeocoupleError as exc:
            notes.append(f"sensitivity: weights {spec!r} skipped ({exc})")
            continue
        row = moran(data, g, **opts).to_frame()
        sig = local_moran(data, g, **opts).p_sim_frame.le(0.05).sum()
        row["lisa_significant_0.05"] = sig.reindex(row.index).to_numpy()
        summary = g.summary()
        row["k_min"], row["k_max"] = summary["k_min"], summary["k_max"]
        sens.append(row)
    tables = {
        "moran_global": _unlabel(pd.concat(globals_).reset_index()),
        "lisa": lisa,
        "sensitivity": _unlabel(pd.concat(sens).reset_index()) if sens else pd.DataFrame(),
    }
    if graph.n < 30:
        notes.append(
            f"{graph.n} units: permutation inference is coarse; every unit's smallest attainable p is in "
            f"lisa.csv (p_min), and corrected cutoffs are often unreachable"
        )
    return {"tables": tables, "graph": graph.summary(), "graph_object": graph}


def zoning_tables(
    config: Config, coupling: pd.DataFrame, data: pd.DataFrame, mapping: dict, boundaries, graph
) -> dict | None:
    """Zone summaries and zoning tests of every analysis variable (None without a zoning).

    ``data`` holds the univariate analysis variables, ``mapping`` panel ids -> layer ids.
    """
    from .grades import load_grades
    from .zoning import literature_label, resolve_zoning, zone_contiguity, zone_label, zone_summary, zoning_test

    spec = config.zoning.spec(boundaries)
    if spec is None:
        return None
    zones = resolve_zoning(spec, data.index, boundaries, config.boundaries.match)
    grades = load_grades(config.coupling.grades)
    categories = {}
    for (pair, year), frame in coupling.groupby(["pair", coupling.index.get_level_values(-1)]):
        frame = frame.droplevel(-1).rename(index=mapping)
        categories[_label("D", pair, year)] = (frame["D_grade_zh"], frame["D_grade_en"])
        categories[_label("E", pair, year)] = (frame["E_type_zh"], frame["E_type_en"])
    summaries, tests = [], []
    for column in data.columns:
        cats = categories.get(column)
        summary = zone_summary(data[column], zones, cats[1] if cats else None)
        if cats:
            summary["dominant_zh"] = zone_summary(data[column], zones, cats[0])["dominant"]
            summary = summary.rename(columns={"dominant": "dominant_en"})
        test = zoning_test(data[column], zones, config.zoning.permutations, config.seed, config.zoning.exact_max)
        row = {"column": column, **test.to_dict()}
        if column.startswith("D|"):
            mean_grades = grades.classify(summary["mean"].clip(0, 1))
            summary["grade_of_mean_zh"], summary["grade_of_mean_en"] = mean_grades.zh, mean_grades.en
            row["label_en"] = literature_label(dict(zip(summary.index, mean_grades.en)), "en")
            row["label_zh"] = literature_label(dict(zip(summary.index, mean_grades.zh)), "zh")
        summary["theil_within_part"] = test.decomposition.zones["within_part"].reindex(summary.index)
        summary.insert(0, "zone_zh", [zone_label(z)[0] for z in summary.index])
        summary.insert(0, "column", column)
        summaries.append(summary.reset_index())
        tests.append(row)
    table = _unlabel(pd.concat(summaries, ignore_index=True))
    first, last = table["year"].min(), table["year"].max()
    if first != last:
        key = ["variable", "group", "zone"]
        start = table[table["year"] == first].set_index(key)["mean"]
        table["change_mean"] = table.set_index(key).index.map(lambda k: start.get(k)).to_numpy()
        table["change_mean"] = table["mean"] - table["change_mean"]
    members = {str(z): [_plain(u) for u in zones.index[zones == z]] for z in zones.cat.categories}
    return {
        "tables": {"zones": table, "zoning_tests": _unlabel(pd.DataFrame(tests))},
        "zones": zones,
        "record": {
            "zoning": spec if isinstance(spec, str) else "mapping",
            "zones": members,
            "contiguous": zone_contiguity(zones, graph),
        },
    }


def _units_by_year(series: pd.Series, mapping: dict) -> pd.DataFrame:
    """(id, year)-indexed values -> units x years, indexed by the layer's ids."""
    out = series.unstack(level=-1)
    out.index = out.index.map(mapping)
    return out


def map_bundle(
    config: Config, comp: CompositeResult, coupling: pd.DataFrame, mapping: dict, boundaries, spatial, zoning
):
    """Everything the maps show, taken from the computed tables (no statistics here)."""
    from .boundaries import project
    from .coupling import TYPE_KEYS, type_labels
    from .grades import load_grades
    from .maps import MapBundle
    from .zoning import zone_label

    subsystems = {s.key: (s.label_zh, s.label_en) for s in config.system.subsystems}
    grades = load_grades(config.coupling.grades)
    pairs, types = {}, {}
    for pair in config.coupling.pairs:
        label = "-".join(pair)
        frame = coupling[coupling["pair"] == label]
        names = ("–".join(subsystems[k][0] for k in pair), "–".join(subsystems[k][1] for k in pair))
        entry = {
            "names": names,
            "D": _units_by_year(frame["D"], mapping),
            "D_grade": _units_by_year(frame["D_grade"], mapping),
        }
        if "E" in frame.columns:
            if np.isfinite(frame["E"]).all():
                entry["E"] = _units_by_year(frame["E"], mapping)
            entry["E_type"] = _units_by_year(frame["E_type"], mapping)
            labels = type_labels(*subsystems[pair[0]])
            types[label] = {TYPE_KEYS[k]: labels[k] for k in TYPE_KEYS}
        pairs[label] = entry
    bundle = MapBundle(
        gdf=project(boundaries),
        subsystems=subsystems,
        indices={k: _units_by_year(comp.indices[k], mapping) for k in comp.indices.columns},
        pairs=pairs,
        grade_names={i + 1: (zh, en) for i, (zh, en) in enumerate(zip(grades.zh, grades.en))},
        type_names=types,
        synthetic=config.data.synthetic,
        alpha=config.maps.alpha,
    )
    if spatial is not None:
        _add_lisa(bundle, config, spatial, pairs, subsystems)
    if zoning is not None:
        bundle.zones = zoning["zones"].reindex(bundle.gdf.index)
        bundle.zone_names = {str(z): zone_label(z) for z in bundle.zones.cat.categories}
        table = zoning["tables"]["zones"]
        for label in pairs:
            rows = table[(table["variable"] == "D") & (table["group"] == label)]
            bundle.zone_means[label] = rows.pivot(index="zone", columns="year", values="mean").reindex(
                bundle.zones.cat.categories.astype(str)
            )
    return bundle


def _add_lisa(bundle, config: Config, spatial, pairs: dict, subsystems: dict) -> None:
    lisa = spatial["tables"]["lisa"]
    lisa = lisa[(lisa["statistic"] == "local_moran") & lisa["variable"].isin(config.maps.lisa_variables)]
    cutoff = f"cluster_{config.maps.alpha:g}"
    graph = spatial["graph_object"]
    bundle.weights, bundle.ids = graph.weights, graph.ids
    for (variable, group), rows in lisa.groupby(["variable", "group"], sort=False):
        names = pairs[group]["names"] if group in pairs else subsystems.get(group, (group, group))
        source = {"D": lambda g: pairs[g]["D"], "E": lambda g: pairs[g].get("E"), "U": lambda g: bundle.indices[g]}[
            variable
        ]
        values = source(group)
        if values is None or cutoff not in rows.columns:
            continue
        glob = spatial["tables"]["moran_global"]
        glob = glob[(glob["statistic"] == "moran") & (glob["variable"] == variable) & (glob["group"] == group)]
        titles = {r.year: f"{r.year}  (I = {r.value:.3f}, p = {r.p_sim:.3f})" for r in glob.itertuples()}
        bundle.lisa[(variable, group)] = {
            "panel_titles": titles,
            "clusters": rows.pivot(index="id", columns="year", values=cutoff),
            "p": rows.pivot(index="id", columns="year", values="p_sim"),
            "p_min": rows.groupby("id")["p_min"].first(),
            "values": values,
            "title": (f"{variable} {names[0]}", f"{variable} {names[1]}"),
        }


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _with_labels(frame: pd.DataFrame, panel: Panel, config: Config, synthetic: bool) -> pd.DataFrame:
    """Flatten the (id, year) index to columns and add the unit names and the demo flag."""
    out = frame.reset_index()
    names = [c for c in (config.data.name_zh, config.data.name_en) if c and c in panel.labels.columns]
    if not names:
        names = [c for c in ("name_zh", "name_en", "name") if c in panel.labels.columns]
    for pos, col in enumerate(names):
        out.insert(1 + pos, col, out[panel.id_name].map(panel.labels[col]))
    if "pair" in out.columns:
        out.insert(0, "pair", out.pop("pair"))
    return _flag(out, synthetic)


def _zoning_record(zoning) -> dict | None:
    if zoning is None:
        return None
    tests = zoning["tables"]["zoning_tests"]
    return {**zoning["record"], "tests": json.loads(tests.to_json(orient="records", force_ascii=False))}


def _flag(frame: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    if synthetic and not frame.empty:
        frame = frame.copy()
        frame.insert(0, SYNTHETIC_COLUMN, "yes")
    return frame


def _versions() -> dict:
    out = {"python": platform.python_version(), "geocouple": __version__}
    for pkg in ("numpy", "pandas", "scipy", "geopandas", "shapely", "pyogrio", "pyproj", "libpysal"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[pkg] = None
    return out


def _prepare_out(out: Path, force: bool) -> Path:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: the output needs to be a folder; a file exists there")
    if out.exists() and any(out.iterdir()) and not force:
        raise OutputError(f"{out}: the output folder is not empty; choose another or pass --force to replace it")
    parent = out.parent if out.parent != Path("") else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    except OSError as exc:
        raise OutputError(f"{parent}: cannot write the output folder here ({exc.strerror})") from None


def _publish(tmp: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


@contextmanager
def _capturing(notes: list):
    """Record geocouple's warnings as run notes; pass every other warning on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeocoupleWarning)
        yield
    for w in caught:
        if issubclass(w.category, GeocoupleWarning):
            notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def qgis_styles(config: Config, layers: dict) -> dict:
    """Default QGIS styles like the maps: coordination grade (latest year) and LISA clusters."""
    from .grades import load_grades
    from .maps.plots import LISA_COLOURS, LISA_LABELS, grade_colours

    grades = load_grades(config.coupling.grades)
    colours = grade_colours(range(1, len(grades.zh) + 1))
    styles = {}
    for name, gdf in layers.items():
        if name.startswith("coupling_"):
            field = sorted(c for c in gdf.columns if c.startswith("D_grade_zh_"))[-1]
            cats = [(zh, f"{zh} {en}", colours[i + 1]) for i, (zh, en) in enumerate(zip(grades.zh, grades.en))]
            styles[name] = (f"coordination grade {field[-4:]}", field, cats)
        elif name.startswith("lisa_"):
            field = sorted(c for c in gdf.columns if c.startswith("cluster_"))[-1]
            cats = [(k, f"{zh} {en}", LISA_COLOURS[k]) for k, (zh, en) in LISA_LABELS.items()]
            styles[name] = (f"LISA clusters {field[-4:]}", field, cats)
    return styles


def _write_outputs(tmp: Path, config: Config, tables: dict, layers: dict) -> list[str]:
    outputs = []
    for name, frame in tables.items():
        write_csv(frame, tmp / "tables" / f"{name}.csv")
        outputs.append(f"tables/{name}.csv")
    if layers:
        formats = config.export.formats
        names = write_gpkg(layers, tmp / "gis" / "geocouple.gpkg")  # the primary format, always
        write_layer_styles(tmp / "gis" / "geocouple.gpkg", qgis_styles(config, layers))
        outputs += [f"gis/geocouple.gpkg:{n}" for n in names]
        if "shp" in formats:
            outputs += [f"gis/shp/{n}" for n in write_shapefiles(layers, tmp / "gis" / "shp")]
        if "geojson" in formats:
            outputs += [f"gis/geojson/{n}" for n in write_geojson(layers, tmp / "gis" / "geojson")]
    return outputs


def run(
    config=None, out="geocouple-out", force: bool = False, data=None, progress=None, maps=None, formats=None
) -> RunResult:
    """Run the whole pipeline and write the output folder.

    Parameters
    ----------
    config : Config, path, shipped name or None
        None runs the embedded Shanxi demo case.
    out : path
        Output folder; must be absent or empty unless ``force``.
    force : bool
        Replace a non-empty ``out``.
    data : path, optional
        Run the configuration on another data file (same columns).
    progress : callable, optional
        Called with a short message at the start of each step.
    maps : sequence of str, optional
        Map kinds to draw instead of the configured ones (empty: no maps).
    formats : sequence of str, optional
        Map formats (png, svg) instead of the configured ones.
    """
    config = config if isinstance(config, Config) else load_config(config)
    if data is not None:
        config = config.with_data(data)
    config = config.with_maps(maps, formats)
    out = Path(out).expanduser()
    tmp = _prepare_out(out, force)
    timer = _Timer(progress)
    started = datetime.now(UTC)
    notes: list[str] = []
    try:
        with _capturing(notes):
            res = _analyse(config, timer, notes)
            maps_written = _draw_maps(config, res, tmp / "maps", timer)
        with timer.step("write outputs"):
            outputs = _write_outputs(tmp, config, res.tables, res.layers) + [f"maps/{m}" for m in maps_written]
        record = _record(config, res.panel, res.comp, timer.timings, notes, started, outputs, res.boundaries)
        record["spatial"] = {"graph": res.spatial["graph"], **asdict(config.spatial)} if res.spatial else None
        record["zoning"] = _zoning_record(res.zoning)
        if config.export.report:
            with timer.step("report"):
                from .report import write_report

                write_report(tmp / "report.html", record, res.tables, tmp / "maps")
            record["outputs"].append("report.html")
        (tmp / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return RunResult(out, res.tables["indices"], res.tables["coupling"], res.tables["weights"], record)


@dataclass
class _Analysis:
    """Everything a run computed, before anything is written."""

    panel: Panel
    comp: CompositeResult
    coupling: pd.DataFrame
    tables: dict
    boundaries: object = None
    spatial: dict | None = None
    zoning: dict | None = None
    layers: dict = field(default_factory=dict)
    mapping: dict = field(default_factory=dict)  # panel ids -> layer ids


def _analyse(config: Config, timer: _Timer, notes: list) -> _Analysis:
    """Read, compute indices and coupling, and (with polygons) the spatial and zoning statistics."""
    with timer.step("read panel"):
        panel = load_panel(config)
    with timer.step("indices and coupling"):
        indicators, comp, coupling = compute(config, panel)
    synthetic = config.data.synthetic
    tables = {
        "weights": _flag(comp.weights.to_frame(), synthetic),
        "indicators": _with_labels(indicators, panel, config, synthetic),
        "indices": _with_labels(comp.indices, panel, config, synthetic),
        "coupling": _with_labels(coupling, panel, config, synthetic),
    }
    res = _Analysis(panel, comp, coupling, tables)
    if not config.boundaries.enabled:
        return res
    with timer.step("attach to boundaries"):
        res.boundaries = config.boundaries.load()
        res.mapping = match_ids(panel.ids, res.boundaries, by=config.boundaries.match)
        variables = analysis_variables(comp, coupling, res.mapping)
    with timer.step("spatial statistics"):
        res.spatial = spatial_tables(config, variables, res.boundaries, notes)
    with timer.step("zoning"):
        graph = res.spatial["graph_object"]
        res.zoning = zoning_tables(config, coupling, variables[0], res.mapping, res.boundaries, graph)
    for extra in (res.spatial, res.zoning):
        for name, frame in (extra or {"tables": {}})["tables"].items():
            tables[name] = _flag(frame, synthetic)
    res.layers = gis_layers(config, comp, coupling, res.boundaries, res.spatial, res.zoning)
    return res


def _draw_maps(config: Config, res: _Analysis, folder: Path, timer: _Timer) -> list[str]:
    if res.boundaries is None or not (config.maps.enabled and config.maps.include):
        return []
    with timer.step("maps"):
        from .maps import MapStyle, render_maps

        bundle = map_bundle(config, res.comp, res.coupling, res.mapping, res.boundaries, res.spatial, res.zoning)
        style = MapStyle(lang=config.maps.lang, scheme=config.maps.scheme, k=config.maps.k, dpi=config.maps.dpi)
        return render_maps(bundle, folder, style, config.maps.include, config.maps.formats)


def _boundary_record(config: Config, boundaries) -> dict | None:
    if boundaries is None:
        return None
    from .boundaries import embedded_layer_path, projected_crs

    crs = projected_crs(boundaries) if boundaries.crs is not None else None
    source = Path(config.boundaries.source)
    layer_file = (
        source
        if source.is_file()
        else (Path(str(embedded_layer_path())) if config.boundaries.source == "shanxi" else None)
    )
    return {
        **asdict(config.boundaries),
        "layer_source": boundaries.attrs.get("source"),
        "layer_sha256": file_checksum(layer_file) if layer_file else None,
        "features": len(boundaries),
        "layer_crs": boundaries.crs.to_string() if boundaries.crs is not None else None,
        "projected_crs": str(crs) if crs is not None else None,
    }


def _record(
    config: Config, panel: Panel, comp: CompositeResult, timings: dict, notes: list, started, outputs, boundaries
) -> dict:
    synthetic = config.data.synthetic
    provenance = config.data.provenance or ("; ".join(panel.source.notes) if panel.source.notes else "user data")
    return {
        "geocouple": __version__,
        "created": started.isoformat(timespec="seconds"),
        "command": " ".join(sys.argv) if sys.argv and sys.argv[0] else None,
        "seed": config.seed,
        "config_file": {
            "path": config.source,
            "sha256": file_checksum(config.source) if Path(config.source).is_file() else None,
        },
        "data": {
            "synthetic": synthetic,
            "provenance": (SYNTHETIC_NOTE + ". " + provenance) if synthetic else provenance,
            "units": len(panel.ids),
            "years": panel.years,
            **panel.source.to_dict(),
        },
        "parameters": {**comp.params, "coupling": config.to_dict()["coupling"]},
        "config": config.to_dict(),
        "warnings": notes,
        "versions": _versions(),
        "timings_s": timings,
        "boundaries": _boundary_record(config, boundaries),
        "outputs": ["run.json", *outputs],
    }


def validate(config) -> dict:
    """Everything a run computes (data, indices, coupling, polygons, statistics, zoning), nothing written."""
    config = config if isinstance(config, Config) else load_config(config)
    notes: list[str] = []
    with _capturing(notes):
        res = _analyse(config, _Timer(None), notes)
    if res.coupling.empty:
        raise InputError(f"{config.source}: the run produces no coupling rows")
    return {
        "config": config.source,
        "data": str(config.data.path),
        "units": len(res.panel.ids),
        "years": res.panel.years,
        "subsystems": list(res.comp.indices.columns),
        "pairs": ["-".join(p) for p in config.coupling.pairs],
        "boundaries": res.boundaries.attrs.get("source") if res.boundaries is not None else None,
        "warnings": notes,
    }
