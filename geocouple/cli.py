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
    from .pipeline import run

    # progress lines only on a terminal (or with --verbose): a failed run in a script or CI
    # then prints exactly one line on stderr
    show = not args.quiet and (args.verbose or sys.stderr.isatty())
    progress = (lambda msg: _stderr(f"geocouple: {msg}")) if show else None
    result = run(args.config, args.out, force=args.force, data=args.data, progress=progress)
    rec = result.record
    if not args.quiet:
        if rec["data"]["synthetic"]:
            _stderr("geocouple: note: results come from SYNTHETIC demo data, not real statistics")
        for note in rec["warnings"]:
            _stderr(f"geocouple: warning: {note}")
        _stderr(f"geocouple: wrote {result.out} ({len(result.coupling)} coupling rows)")
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
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("validate", help="check a config and its data without writing anything")
    p.add_argument("config", help="TOML config file, or shanxi-demo / shanxi-real")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_validate)
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
