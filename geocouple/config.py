"""TOML run configuration -> frozen dataclasses, with every problem reported at once.

A configuration describes one run: the data, the indicator system (subsystems and
derived indicators), normalisation and weighting, and coupling. Unknown keys are errors
with a did-you-mean; relative paths resolve against the config file's folder. Shipped
configurations can be named instead of a path: ``shanxi-demo`` (the embedded default,
synthetic data) and ``shanxi-real`` (the real panel; give its path with ``--data``).

Example
-------
>>> from geocouple.config import load_config
>>> cfg = load_config("shanxi-demo")
>>> cfg.coupling.pairs
(('milieu', 'advancement'), ('milieu', 'rationalization'))
"""

from __future__ import annotations

import codecs
import difflib
import tomllib
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path

from .coupling import MODELS, RelativeRule
from .errors import ConfigError, GeocoupleError
from .grades import load_grades
from .normalize import SCOPES, Shift
from .panel import MISSING_ENDS, MISSING_POLICIES
from .system import IndicatorSystem
from .weighting import check_method

EMBEDDED = {"shanxi-demo": "shanxi_demo.toml", "shanxi-real": "shanxi_real.toml"}
DEFAULT_CONFIG = "shanxi-demo"

# section -> {key: (accepted types, default)}; None as default means "required"
SCHEMA = {
    "": {"title": (str, ""), "seed": (int, 0), "description": (str, "")},
    "data": {
        "path": (str, None),
        "id": (str, "adcode"),
        "year": (str, "year"),
        "layout": (str, "auto"),
        "encoding": (str, "auto"),
        "sheet": ((str, int), None),
        "years": (list, None),
        "missing": (str, "error"),
        "missing_ends": (str, "error"),
        "synthetic": (bool, False),
        "provenance": (str, ""),
        "name_zh": (str, ""),
        "name_en": (str, ""),
    },
    "boundaries": {
        "source": (str, "shanxi"),
        "id_field": (str, ""),
        "layer": ((str, int), None),
        "match": (str, "auto"),
        "crs": (str, ""),
        "encoding": (str, ""),
    },
    "spatial": {
        "weights": (str, "queen"),
        "transform": (str, "r"),
        "permutations": ((int, str), 999),
        "alternative": (str, "two-sided"),
        "exact_max": (int, 10_000),
        "cutoffs": (list, [0.1, 0.05, 0.01]),
        "sensitivity": (list, ["queen", "rook", "knn:3", "knn:4"]),
    },
    "zoning": {
        "zones": (str, "auto"),
        "mapping": (dict, None),
        "permutations": (int, 9999),
        "exact_max": (int, 200_000),
    },
    "maps": {
        "enabled": (bool, True),
        "include": (list, ["choropleth", "categorical", "lisa", "scatter", "zones"]),
        "formats": (list, ["png", "svg"]),
        "lang": (str, "zh"),
        "scheme": (str, "FisherJenks"),
        "k": (int, 5),
        "dpi": (int, 300),
        "lisa_variables": (list, ["D"]),
        "alpha": (float, 0.05),
    },
    "export": {
        "formats": (list, ["gpkg", "shp", "geojson"]),
        "report": (bool, True),
    },
    "normalization": {"scope": (str, "pooled"), "shift": ((str, float, int, list, dict), "interval:0.001,1")},
    "weighting": {"method": (str, "entropy")},
    "coupling": {
        "model": (str, "standard"),
        "pairs": (list, None),
        "alpha": ((list, dict), None),
        "grades": (str, "d10"),
        "c_stages": (str, "c4"),
        "relative": (dict, None),
    },
}
TOP_TABLES = {"derived": dict, "subsystems": list}
RELATIVE_KEYS = {"rule": str, "lower": (int, float), "upper": (int, float), "tol": (int, float)}
SUBSYSTEM_KEYS = {"key", "name_zh", "name_en", "weighting", "indicators"}
INDICATOR_KEYS = {"column", "direction", "weight", "label"}


@dataclass(frozen=True)
class DataConfig:
    path: Path
    id: str = "adcode"
    year: str = "year"
    layout: str = "auto"
    encoding: str | None = None
    sheet: str | int | None = None
    years: tuple[int, ...] | None = None
    missing: str = "error"
    missing_ends: str = "error"
    synthetic: bool = False
    provenance: str = ""
    name_zh: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class BoundaryConfig:
    """Where the polygons come from: ``shanxi`` (embedded), ``china:<province>``, a path, or ``none``."""

    source: str = "shanxi"
    id_field: str | None = None
    layer: str | int | None = None
    match: str = "auto"
    crs: str | None = None
    encoding: str | None = None

    @property
    def enabled(self) -> bool:
        return self.source.lower() != "none"

    def load(self):
        from .boundaries import load_boundaries

        return load_boundaries(
            self.source, id_field=self.id_field, layer=self.layer, crs=self.crs, encoding=self.encoding
        )


@dataclass(frozen=True)
class SpatialConfig:
    """Spatial graph and inference settings for the statistics of a run."""

    weights: str = "queen"
    transform: str = "r"
    permutations: int | str = 999
    alternative: str = "two-sided"
    exact_max: int = 10_000
    cutoffs: tuple[float, ...] = (0.1, 0.05, 0.01)
    sensitivity: tuple[str, ...] = ("queen", "rook", "knn:3", "knn:4")

    def options(self, seed: int) -> dict:
        return {
            "permutations": self.permutations,
            "seed": seed,
            "alternative": self.alternative,
            "exact_max": self.exact_max,
        }


@dataclass(frozen=True)
class ZoningConfig:
    """Which zoning to use (preset, field of the layer, or mapping) and its test settings."""

    zones: str = "auto"
    mapping: dict | None = None
    permutations: int = 9999
    exact_max: int = 200_000

    def spec(self, boundaries):
        """The zoning spec for :func:`geocouple.zoning.resolve_zoning`, or None for no zoning."""
        if self.mapping:
            return self.mapping
        if self.zones == "none":
            return None
        if self.zones != "auto":
            return self.zones
        if boundaries.attrs.get("source") == "embedded:shanxi":
            return "shanxi-3"
        return "zone" if "zone" in boundaries.columns and boundaries["zone"].astype(str).str.len().gt(0).all() else None


@dataclass(frozen=True)
class MapsConfig:
    """Which maps to draw, in which formats and language, and how to classify."""

    enabled: bool = True
    include: tuple[str, ...] = ("choropleth", "categorical", "lisa", "scatter", "zones")
    formats: tuple[str, ...] = ("png", "svg")
    lang: str = "zh"
    scheme: str = "FisherJenks"
    k: int = 5
    dpi: int = 300
    lisa_variables: tuple[str, ...] = ("D",)
    alpha: float = 0.05


@dataclass(frozen=True)
class ExportConfig:
    formats: tuple[str, ...] = ("gpkg", "shp", "geojson")
    report: bool = True


@dataclass(frozen=True)
class CouplingConfig:
    model: str = "standard"
    pairs: tuple[tuple[str, ...], ...] = ()
    alpha: tuple[float, ...] | None = None
    grades: str = "d10"
    c_stages: str = "c4"
    relative: RelativeRule = field(default_factory=RelativeRule)


@dataclass(frozen=True)
class Config:
    data: DataConfig
    system: IndicatorSystem
    coupling: CouplingConfig
    boundaries: BoundaryConfig = field(default_factory=BoundaryConfig)
    spatial: SpatialConfig = field(default_factory=SpatialConfig)
    zoning: ZoningConfig = field(default_factory=ZoningConfig)
    maps: MapsConfig = field(default_factory=MapsConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    scope: str = "pooled"
    shift: Shift = field(default_factory=Shift)
    weighting: str = "entropy"
    seed: int = 0
    title: str = ""
    description: str = ""
    source: str = "<dict>"
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    def with_data(self, path) -> Config:
        """The same configuration on another data file (user data: not synthetic)."""
        return replace(self, data=replace(self.data, path=Path(path).resolve(), synthetic=False, provenance=""))

    def with_maps(self, include=None, formats=None) -> Config:
        """The same configuration with other map kinds or formats (None keeps the configured ones)."""
        maps = self.maps
        if include is not None:
            bad = [k for k in include if k not in MAP_KINDS]
            if bad:
                raise ConfigError(
                    f"maps needs to be 'all', 'none' or a list of {', '.join(MAP_KINDS)}; {bad[0]!r} was given"
                )
            maps = replace(maps, include=tuple(include), enabled=bool(include))
        if formats is not None:
            bad = [f for f in formats if f not in ("png", "svg")]
            if bad or not formats:
                raise ConfigError(f"map formats need to be png and/or svg; {','.join(formats)!r} was given")
            maps = replace(maps, formats=tuple(formats))
        return replace(self, maps=maps)

    def to_dict(self) -> dict:
        """The resolved configuration, JSON-ready, for ``run.json``."""
        data = asdict(self.data)
        data["path"] = str(self.data.path)
        return {
            "source": self.source,
            "title": self.title,
            "seed": self.seed,
            "data": data,
            "derived": dict(self.system.derived),
            "subsystems": [
                {
                    "key": s.key,
                    "name_zh": s.name_zh,
                    "name_en": s.name_en,
                    "weighting": s.weighting,
                    "indicators": [asdict(i) for i in s.indicators],
                }
                for s in self.system.subsystems
            ],
            "boundaries": asdict(self.boundaries),
            "spatial": asdict(self.spatial),
            "zoning": asdict(self.zoning),
            "maps": asdict(self.maps),
            "export": asdict(self.export),
            "normalization": {"scope": self.scope, "shift": str(self.shift)},
            "weighting": {"method": self.weighting},
            "coupling": {
                "model": self.coupling.model,
                "pairs": [list(p) for p in self.coupling.pairs],
                "alpha": list(self.coupling.alpha) if self.coupling.alpha else None,
                "grades": self.coupling.grades,
                "c_stages": self.coupling.c_stages,
                "relative": asdict(self.coupling.relative),
            },
        }


class _Problems:
    """Collects every problem of a config so that they are reported at once."""

    def __init__(self, source: str) -> None:
        self.source, self.items = source, []

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{key}: {message}" if key else message)

    def guard(self, key: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GeocoupleError as exc:
            self.add(key, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(f"{self.source}: {len(self.items)} problem(s): " + " | ".join(self.items), self.items)


def _unknown(problems: _Problems, where: str, given, allowed) -> None:
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), list(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.add(where + str(key), f"unknown key{hint}")


def _section(raw: dict, name: str, problems: _Problems) -> dict:
    table = raw if name == "" else raw.get(name, {})
    where = f"[{name}] " if name else ""
    if not isinstance(table, dict):
        problems.add(f"[{name}]", f"needs to be a table; {type(table).__name__} was given instead")
        return {k: v[1] for k, v in SCHEMA[name].items()}
    allowed = set(SCHEMA[name]) | (set(SCHEMA) - {""}) | set(TOP_TABLES) if name == "" else set(SCHEMA[name])
    _unknown(problems, where, table, allowed)
    values = {}
    for key, (types, default) in SCHEMA[name].items():
        if key not in table:
            if default is None and key == "path":
                problems.add(f"{where}{key}", "is required")
            values[key] = default
            continue
        value = table[key]
        if not isinstance(value, types) or (types is int and isinstance(value, bool)):
            expected = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
            problems.add(f"{where}{key}", f"needs to be {expected}; {value!r} was given instead")
            value = default
        values[key] = value
    return values


def _choice(problems: _Problems, key: str, value, options) -> None:
    if value not in options:
        close = difflib.get_close_matches(str(value), list(options), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.add(key, f"needs to be one of {', '.join(options)}; {value!r} was given instead{hint}")


def _system(raw: dict, problems: _Problems) -> IndicatorSystem | None:
    subs = raw.get("subsystems")
    if not isinstance(subs, list) or not subs:
        problems.add("[[subsystems]]", "at least one subsystem is needed, each with a key and indicators")
        return None
    for i, sub in enumerate(subs):
        if not isinstance(sub, dict):
            problems.add(f"subsystems[{i}]", "needs to be a table")
            continue
        _unknown(problems, f"subsystems[{i}].", sub, SUBSYSTEM_KEYS)
        if sub.get("weighting") is not None:
            problems.guard(f"subsystems[{i}].weighting", check_method, sub["weighting"])
        for j, ind in enumerate(sub.get("indicators", [])):
            if isinstance(ind, dict):
                _unknown(problems, f"subsystems[{i}].indicators[{j}].", ind, INDICATOR_KEYS)
    derived = raw.get("derived", {})
    if not isinstance(derived, dict):
        problems.add("[derived]", 'needs to be a table of name = "expression"')
        derived = {}
    system = problems.guard("", IndicatorSystem.from_dict, {"subsystems": subs, "derived": derived})
    if system is not None:
        problems.guard("", system.raw_columns)
    return system


def _grade_path(value: str, base: Path) -> str:
    """A user grade table (.json) resolves against the config folder; names stay names."""
    if str(value).lower().endswith(".json") and not Path(value).is_absolute():
        return str((base / value).resolve())
    return value


def _coupling(values: dict, system: IndicatorSystem | None, problems: _Problems, base: Path) -> CouplingConfig:
    values = {
        **values,
        "grades": _grade_path(values["grades"], base),
        "c_stages": _grade_path(values["c_stages"], base),
    }
    _choice(problems, "[coupling] model", values["model"], list(MODELS))
    problems.guard("[coupling] grades", load_grades, values["grades"])
    problems.guard("[coupling] c_stages", load_grades, values["c_stages"])
    keys = [s.key for s in system.subsystems] if system else []
    pairs = values["pairs"]
    if pairs is None:
        pairs = [keys] if keys else []
    clean = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, list) or len(pair) < 2:
            problems.add(
                f"[coupling] pairs[{i}]", f"needs to list two or more subsystem keys; {pair!r} was given instead"
            )
            continue
        for key in pair:
            if system and key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.add(f"[coupling] pairs[{i}]", f"no subsystem {key!r}{hint}")
        clean.append(tuple(pair))
    alpha = values["alpha"]
    if alpha is not None:
        sizes = {len(p) for p in clean}
        ok = isinstance(alpha, list) and all(isinstance(a, (int, float)) and a >= 0 for a in alpha)
        if not ok or len(sizes) > 1 or (sizes and len(alpha) not in sizes) or abs(sum(alpha) - 1) > 1e-9:
            problems.add(
                "[coupling] alpha", f"needs one weight >= 0 per coupled subsystem, summing to 1; {alpha!r} was given"
            )
            alpha = None
    rel = values["relative"] or {}
    _unknown(problems, "[coupling.relative] ", rel, RELATIVE_KEYS)
    rule = problems.guard(
        "[coupling.relative]",
        RelativeRule,
        rel.get("rule", "ratio"),
        float(rel.get("lower", 0.8)),
        float(rel.get("upper", 1.2)),
        float(rel.get("tol", 0.1)),
    )
    return CouplingConfig(
        values["model"],
        tuple(clean),
        tuple(float(a) for a in alpha) if alpha else None,
        values["grades"],
        values["c_stages"],
        rule or RelativeRule(),
    )


def _data(values: dict, base: Path, problems: _Problems) -> DataConfig:
    _choice(problems, "[data] layout", values["layout"], ["auto", "long", "wide"])
    _choice(problems, "[data] missing", values["missing"], list(MISSING_POLICIES))
    _choice(problems, "[data] missing_ends", values["missing_ends"], list(MISSING_ENDS))
    years = values["years"]
    if years is not None and not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        problems.add("[data] years", f"needs to be a list of integer years; {years!r} was given instead")
        years = None
    path = Path(values["path"] or "")
    if not path.is_absolute():
        path = (base / path).resolve()
    encoding = None if values["encoding"] in ("auto", "") else values["encoding"]
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            problems.add("[data] encoding", f"unknown text encoding {encoding!r} (try 'utf-8' or 'gb18030')")
    fields = {k: v for k, v in values.items() if k not in ("path", "encoding", "years")}
    return DataConfig(path=path, encoding=encoding, years=tuple(years) if years else None, **fields)


def _boundaries(values: dict, base: Path, problems: _Problems) -> BoundaryConfig:
    _choice(problems, "[boundaries] match", values["match"], ["auto", "code", "name"])
    source = values["source"].strip() or "shanxi"
    if source.lower() not in ("shanxi", "none") and not source.startswith("china:"):
        path = Path(source) if Path(source).is_absolute() else (base / source).resolve()
        if not path.exists():
            problems.add(
                "[boundaries] source",
                f'boundary file {str(path)!r} not found (or use "shanxi", "china:<province>", "none")',
            )
        source = str(path)
    if values["crs"]:
        try:
            from pyproj import CRS

            CRS.from_user_input(values["crs"])
        except Exception:
            problems.add(
                "[boundaries] crs", f'not a CRS pyproj understands; {values["crs"]!r} was given (try "EPSG:4326")'
            )
    return BoundaryConfig(
        source=source,
        id_field=values["id_field"] or None,
        layer=values["layer"],
        match=values["match"],
        crs=values["crs"] or None,
        encoding=values["encoding"] or None,
    )


def _spatial(values: dict, problems: _Problems) -> SpatialConfig:
    from .spatial.graph import parse_spec
    from .spatial.inference import ALTERNATIVES, check_permutations

    for key in ("weights",):
        problems.guard(f"[spatial] {key}", parse_spec, values[key])
    for i, spec in enumerate(values["sensitivity"]):
        problems.guard(f"[spatial] sensitivity[{i}]", parse_spec, spec)
    _choice(problems, "[spatial] transform", values["transform"], ["r", "b"])
    _choice(problems, "[spatial] alternative", values["alternative"], list(ALTERNATIVES))
    perms = problems.guard("[spatial] permutations", check_permutations, values["permutations"])
    cutoffs = values["cutoffs"]
    if not all(isinstance(c, (int, float)) and 0 < c < 1 for c in cutoffs):
        problems.add("[spatial] cutoffs", f"needs numbers between 0 and 1; {cutoffs!r} was given instead")
        cutoffs = [0.1, 0.05, 0.01]
    if values["exact_max"] < 0:
        problems.add("[spatial] exact_max", "needs to be >= 0")
    return SpatialConfig(
        weights=values["weights"],
        transform=values["transform"],
        permutations=999 if perms is None else perms,
        alternative=values["alternative"],
        exact_max=max(0, values["exact_max"]),
        cutoffs=tuple(float(c) for c in cutoffs),
        sensitivity=tuple(str(s) for s in values["sensitivity"]),
    )


def _zoning(values: dict, problems: _Problems) -> ZoningConfig:
    mapping = values["mapping"]
    if mapping is not None:
        bad = [k for k, v in mapping.items() if not isinstance(v, list) or not v]
        if bad:
            problems.add("[zoning.mapping]", f"each zone needs a list of unit ids or names; {', '.join(bad)} do not")
            mapping = None
    if values["permutations"] < 1:
        problems.add("[zoning] permutations", "needs to be >= 1")
    return ZoningConfig(values["zones"], mapping, max(1, values["permutations"]), max(0, values["exact_max"]))


MAP_KINDS = ("choropleth", "categorical", "lisa", "scatter", "zones")
SCHEMES = (
    "FisherJenks",
    "Quantiles",
    "EqualInterval",
    "NaturalBreaks",
    "JenksCaspall",
    "MaximumBreaks",
    "HeadTailBreaks",
    "StdMean",
    "Percentiles",
    "BoxPlot",
)


def _maps(values: dict, problems: _Problems) -> MapsConfig:
    for i, kind in enumerate(values["include"]):
        _choice(problems, f"[maps] include[{i}]", kind, list(MAP_KINDS))
    for i, fmt in enumerate(values["formats"]):
        _choice(problems, f"[maps] formats[{i}]", fmt, ["png", "svg"])
    _choice(problems, "[maps] lang", values["lang"], ["zh", "en", "both"])
    _choice(problems, "[maps] scheme", values["scheme"], list(SCHEMES))
    for i, var in enumerate(values["lisa_variables"]):
        _choice(problems, f"[maps] lisa_variables[{i}]", var, ["D", "U", "E", "all"])
    if not 2 <= values["k"] <= 9:
        problems.add("[maps] k", f"needs 2 to 9 classes; {values['k']} was given (with 11 units, 4-5 at most)")
    if not 50 <= values["dpi"] <= 1200:
        problems.add("[maps] dpi", f"needs to be between 50 and 1200; {values['dpi']} was given")
    variables = values["lisa_variables"]
    if "all" in variables:
        variables = ["U", "D", "E"]
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    fields["lisa_variables"] = tuple(variables)
    return MapsConfig(**fields)


def _export(values: dict, problems: _Problems) -> ExportConfig:
    for i, fmt in enumerate(values["formats"]):
        _choice(problems, f"[export] formats[{i}]", fmt, ["gpkg", "shp", "geojson"])
    return ExportConfig(tuple(values["formats"]), values["report"])


def config_from_dict(raw: dict, base: Path | str = ".", source: str = "<dict>") -> Config:
    """Validate a parsed TOML mapping; raise one ConfigError listing every problem."""
    problems = _Problems(source)
    top = _section(raw, "", problems)
    for name, kind in TOP_TABLES.items():
        if name in raw and not isinstance(raw[name], kind):
            problems.add(name, f"needs to be a {'table' if kind is dict else 'list of tables'}")
    data = _data(_section(raw, "data", problems), Path(base), problems)
    bounds = _boundaries(_section(raw, "boundaries", problems), Path(base), problems)
    spatial = _spatial(_section(raw, "spatial", problems), problems)
    zoning = _zoning(_section(raw, "zoning", problems), problems)
    maps = _maps(_section(raw, "maps", problems), problems)
    export = _export(_section(raw, "export", problems), problems)
    norm = _section(raw, "normalization", problems)
    _choice(problems, "[normalization] scope", norm["scope"], list(SCOPES))
    shift = problems.guard("[normalization] shift", Shift.parse, norm["shift"]) or Shift()
    method = _section(raw, "weighting", problems)["method"]
    problems.guard("[weighting] method", check_method, method)
    system = _system(raw, problems)
    coupling = _coupling(_section(raw, "coupling", problems), system, problems, Path(base))
    problems.raise_if_any()
    return Config(
        data=data,
        system=system,
        coupling=coupling,
        boundaries=bounds,
        spatial=spatial,
        zoning=zoning,
        maps=maps,
        export=export,
        scope=norm["scope"],
        shift=shift,
        weighting=method,
        seed=top["seed"],
        title=top["title"],
        description=top["description"],
        source=source,
        raw=raw,
    )


def embedded_config_path(name: str) -> Path:
    """Path of a shipped configuration (inside the installed package)."""
    return Path(str(resources.files("geocouple") / "data" / "configs" / EMBEDDED[name]))


def load_config(path_or_name=None) -> Config:
    """Load a TOML config from a path, or a shipped one by name (default: ``shanxi-demo``)."""
    name = DEFAULT_CONFIG if path_or_name is None else str(path_or_name)
    path = embedded_config_path(name) if name in EMBEDDED else Path(name)
    if not path.exists():
        close = difflib.get_close_matches(name, list(EMBEDDED), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"{path}: config file not found{hint} (shipped configs: {', '.join(EMBEDDED)})")
    if path.is_dir():
        raise ConfigError(f"{path}: a config file is needed; a folder was given instead")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: a config file needs to be UTF-8 text") from None
    return config_from_dict(raw, path.parent, str(path))
