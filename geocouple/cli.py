"""Command line: a thin argparse adapter over the library.

Exit codes: 0 success; 2 bad input or configuration, with one line on stderr starting
``geocouple: error:`` that names the file, column, row or key at fault; 1 anything
unexpected (the traceback is shown only with ``GEOCOUPLE_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import warnings

from . import __version__
from .errors import GeocoupleError, GeocoupleWarning


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in the one-line house format, exit code 2."""

    def error(self, message: str):
        raise GeocoupleError(f"{self.prog.split()[-1] if ' ' in self.prog else 'usage'}: {message} (see --help)")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cmd_run(args) -> int:
    from .config import MAP_KINDS
    from .pipeline import run

    # progress lines only on a terminal (or with --verbose): a failed run in a script or CI
    # then prints exactly one line on stderr
    show = not args.quiet and (args.verbose or sys.stderr.isatty())
    progress = (lambda msg: _stderr(f"geocouple: {msg}")) if show else None
    maps = None
    if args.maps is not None:
        maps = (
            []
            if args.maps == "none"
            else (list(MAP_KINDS) if args.maps == "all" else [m.strip() for m in args.maps.split(",") if m.strip()])
        )
    formats = [f.strip() for f in args.formats.split(",")] if args.formats else None
    result = run(args.config, args.out, force=args.force, data=args.data, progress=progress, maps=maps, formats=formats)
    rec = result.record
    if not args.quiet:
        if rec["data"]["synthetic"]:
            _stderr("geocouple: note: results come from SYNTHETIC demo data, not real statistics")
        for note in rec["warnings"]:
            _stderr(f"geocouple: warning: {note}")
        _stderr(f"geocouple: wrote {result.out} ({len(result.coupling)} coupling rows)")
    return 0


def _cmd_init(args) -> int:
    from .templates import init_project

    years = [int(y) for y in args.years] if args.years else [2003, 2016]
    written = init_project(args.folder, years, force=args.force)
    for path in written:
        print(f"wrote {path}")
    print(f"next: fill in {written[1]}, then: geocouple validate {written[0]} && geocouple run {written[0]} -o results")
    return 0


def _cmd_validate(args) -> int:
    from .pipeline import validate

    try:
        summary = validate(args.config)
    except GeocoupleError as exc:
        if len(exc.problems) > 1:
            for i, problem in enumerate(exc.problems, 1):
                print(f"{i}. {problem}")
        raise
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(
            f"ok: {summary['config']}: {summary['units']} units, years {summary['years']}, "
            f"subsystems {', '.join(summary['subsystems'])}, pairs {', '.join(summary['pairs'])}"
        )
        for w in summary["warnings"]:
            print(f"warning: {w}")
    return 0


def _read_layer(args):
    """The vector file of a spatial command and the values of its column(s), aligned."""
    import pandas as pd

    from .boundaries import load_boundaries
    from .errors import InputError

    gdf = load_boundaries(args.file, id_field=args.id_field, layer=args.layer, require_id=False)

    def column(name):
        if name not in gdf.columns:
            import difflib

            close = difflib.get_close_matches(name, [str(c) for c in gdf.columns], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(
                f"{args.file}: column {name!r} not found{hint} (fields are: {', '.join(map(str, gdf.columns[:-1]))})"
            )
        values = pd.to_numeric(gdf[name], errors="coerce")
        bad = values.isna()
        if bad.any():
            uid = gdf.index[bad.to_numpy()][0]
            raise InputError(
                f"{args.file}: column {name!r}, feature {gdf.index.name or 'fid'} {uid}: a number is needed; "
                f"{gdf.loc[uid, name]!r} was given instead ({int(bad.sum())} such feature(s))"
            )
        return values.rename(name)

    return gdf, column(args.column), (column(args.y) if getattr(args, "y", None) else None)


def _spatial_inputs(args):
    """Layer, variable(s), graph and inference options of a spatial command."""
    from .spatial import build_graph
    from .spatial.inference import check_permutations

    gdf, x, y = _read_layer(args)
    graph = build_graph(gdf, args.weights, transform=args.transform)
    opts = {
        "permutations": check_permutations(args.permutations),
        "seed": args.seed,
        "alternative": args.alternative,
        "exact_max": args.exact_max,
    }
    return gdf, x, y, graph, opts


def _cmd_global(args) -> int:
    from . import spatial

    _, x, y, graph, opts = _spatial_inputs(args)
    if args.command == "moran":
        res = spatial.bivariate_moran(x, y, graph, **opts) if y is not None else spatial.moran(x, graph, **opts)
    elif args.command == "geary":
        res = spatial.geary(x, graph, **opts)
    else:
        res = spatial.getis_ord(x, graph, **opts)
    out = res.to_dict()
    out.update(file=str(args.file), graph=graph.summary())
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    key = next(k for k in ("I", "C", "G") if k in out)
    print(
        f"{res.statistic} of {args.column}{' with lag of ' + args.y if y is not None else ''}: {key} = {out[key]:.6f} (expected {out['expected_' + key]:.6f}), n = {out['n']}"
    )
    for kind in ("norm", "rand", "sim"):
        if out[f"p_{kind}"] is not None:
            z = out[f"z_{kind}"]
            print(f"  {kind:>4}: z = {z:.4f}  p = {out[f'p_{kind}']:.6g}  ({args.alternative})")
    print(
        f"  inference: {res.method}; weights {graph.spec} ({graph.transform}), k {graph.summary()['k_min']}-{graph.summary()['k_max']}; seed {args.seed}"
    )
    return 0


def _cmd_lisa(args) -> int:
    import os
    import tempfile
    from pathlib import Path

    from . import spatial
    from .errors import OutputError

    out = Path(args.out)
    if out.exists() and not args.force:
        raise OutputError(f"{out}: exists; pass --force to replace it")
    gdf, x, y, graph, opts = _spatial_inputs(args)
    if args.statistic == "moran":
        res = (
            spatial.local_bivariate_moran(x, y, graph, **opts)
            if y is not None
            else spatial.local_moran(x, graph, **opts)
        )
    else:
        res = spatial.local_g(x, graph, star=args.statistic == "gstar", **opts)
    table = res.to_frame(cutoffs=(args.alpha,))
    layer = gdf.copy()
    stat_col = "Ii" if "Ii" in table.columns else "Gi"
    for col in [stat_col, "quadrant", "z_norm", "z_sim", "p_sim", "p_fdr", "p_bonf", "k", "p_min", "inference"]:
        if col in table.columns:
            layer[col] = table[col].to_numpy()
    adjusted = res.clusters(args.alpha, adjust=None if args.adjust == "none" else args.adjust)
    layer["cluster"] = adjusted.to_numpy()
    if not out.parent.exists():
        raise OutputError(f"{out.parent}: the output folder does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=out.suffix or ".gpkg", dir=out.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        from .export import layer_name

        layer.reset_index().to_file(tmp, layer=layer_name(out.stem) or "lisa", engine="pyogrio")
        if out.exists():
            out.unlink()
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    counts = layer["cluster"].value_counts().to_dict()
    if not args.quiet:
        _stderr(
            f"geocouple: wrote {out} ({len(layer)} features; clusters at {args.alpha:g}: {counts}; inference {res.method.value_counts().to_dict()})"
        )
    return 0


def _cmd_zones(args) -> int:
    from . import zoning

    gdf, values, _ = _read_layer(args)
    zones = zoning.resolve_zoning(args.zones, gdf.index, gdf)
    test = zoning.zoning_test(values, zones, args.permutations, args.seed, args.exact_max)
    summary = zoning.zone_summary(values, zones)
    result = {"file": str(args.file), "column": args.column, "zones": args.zones, **test.to_dict()}
    result["zone_summary"] = json.loads(summary.to_json(orient="index"))
    result["decomposition"] = json.loads(test.decomposition.zones.to_json(orient="index"))
    try:
        from .spatial import build_graph

        result["contiguous"] = zoning.zone_contiguity(zones, build_graph(gdf, "queen"))
    except GeocoupleError as exc:
        result["contiguous"] = f"not computed ({exc})"
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    d = test.decomposition
    print(
        f"Theil T of {args.column} = {d.total:.6f}: between zones {d.between:.6f} ({d.between_share:.1%}), within {d.within:.6f}"
    )
    print(
        f"  zoning test ({args.zones}): p = {test.p_value:.4g} ({test.method}, {test.n_assignments:,} assignments); Kruskal-Wallis H = {test.kruskal_h:.3f}, p = {test.kruskal_p:.3g}"
    )
    print(summary.round(4).to_string())
    return 0


def _spatial_options(p) -> None:
    from .spatial.inference import ALTERNATIVES, EXACT_MAX

    p.add_argument("file", help="any vector file GDAL reads (GeoPackage, Shapefile, GeoJSON, ...)")
    p.add_argument("--column", required=True, help="the variable")
    p.add_argument("--id-field", help="field with unit ids (default: adcode, code or id if present)")
    p.add_argument("--layer", help="layer of a multi-layer file")
    p.add_argument("--weights", default="queen", help="queen (default), rook, knn:K, distance:D (km), kernel[:D]")
    p.add_argument("--transform", choices=["r", "b"], default="r", help="row-standardised (default) or binary")
    p.add_argument("--permutations", default="999", help="Monte Carlo draws, or 'exact' (default 999)")
    p.add_argument(
        "--exact-max", type=int, default=EXACT_MAX, help="enumerate exactly up to this many configurations (0: never)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--alternative", choices=ALTERNATIVES, default="two-sided")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="geocouple", description="Coupling coordination, spatial statistics and maps for regional panels."
    )
    parser.add_argument("--version", action="version", version=f"geocouple {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("run", help="run the whole pipeline (no CONFIG: the embedded Shanxi demo case)")
    p.add_argument("config", nargs="?", default=None, help="TOML config file, or shanxi-demo / shanxi-real")
    p.add_argument("-o", "--out", required=True, help="output folder (absent or empty)")
    p.add_argument("--data", help="run the config on this data file instead of its [data] path")
    p.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages, notes or warnings")
    p.add_argument("-v", "--verbose", action="store_true", help="progress messages even when stderr is not a terminal")
    p.add_argument("--maps", help="all, none, or a comma list of: choropleth, categorical, lisa, scatter, zones")
    p.add_argument("--formats", help="map formats, a comma list of png, svg (default both)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("init", help="write a commented config and a data template to fill in")
    p.add_argument("folder", help="folder for geocouple.toml and data.csv")
    p.add_argument("--years", nargs="+", help="years of the data template (default 2003 2016)")
    p.add_argument("--force", action="store_true", help="overwrite existing template files")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("validate", help="check a config and its data without writing anything")
    p.add_argument("config", help="TOML config file, or shanxi-demo / shanxi-real")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_validate)

    for name, text in (
        ("moran", "global Moran's I (or bivariate with --y)"),
        ("geary", "Geary's C"),
        ("getis-ord", "global Getis-Ord G"),
    ):
        p = sub.add_parser(name, help=f"{text} of a column of a vector file")
        _spatial_options(p)
        if name == "moran":
            p.add_argument("--y", help="second column: bivariate Moran of COLUMN with the spatial lag of Y")
        p.add_argument("--json", action="store_true", help="print one JSON object")
        p.set_defaults(func=_cmd_global)

    p = sub.add_parser("zones", help="Theil decomposition by zones and the exact zoning test of a column")
    p.add_argument("file", help="any vector file GDAL reads")
    p.add_argument("--column", required=True)
    p.add_argument("--zones", default="shanxi-3", help="shanxi-3 (default), shanxi-4, or a field of the layer")
    p.add_argument("--id-field", help="field with unit ids (needed for the presets: admin codes or names)")
    p.add_argument("--layer", help="layer of a multi-layer file")
    p.add_argument(
        "--permutations", type=int, default=9999, help="Monte Carlo draws when exact enumeration is too large"
    )
    p.add_argument("--exact-max", type=int, default=200_000, help="enumerate exactly up to this many assignments")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_zones)

    p = sub.add_parser("lisa", help="local statistics of a column, written with the features to a GeoPackage")
    _spatial_options(p)
    p.add_argument("-o", "--out", required=True, help="output file (.gpkg; .shp and .geojson work too)")
    p.add_argument("--y", help="second column: bivariate LISA of COLUMN with the lag of Y")
    p.add_argument("--statistic", choices=["moran", "g", "gstar"], default="moran")
    p.add_argument("--alpha", type=float, default=0.05, help="cutoff for the cluster label (default 0.05)")
    p.add_argument(
        "--adjust", choices=["none", "fdr", "bonferroni"], default="none", help="p adjustment for the cluster label"
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_cmd_lisa)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GeocoupleWarning)  # reported by the commands themselves
            return args.func(args)
    except GeocoupleError as exc:
        _stderr(f"geocouple: error: {exc}")
        return 2
    except KeyboardInterrupt:
        _stderr("geocouple: error: interrupted")
        return 130
    except Exception as exc:  # anything unexpected is a bug: exit 1
        if os.environ.get("GEOCOUPLE_DEBUG"):
            traceback.print_exc()
        _stderr(f"geocouple: internal error: {exc.__class__.__name__}: {exc} (set GEOCOUPLE_DEBUG=1 for the traceback)")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
