"""A self-contained HTML report of a run: one file, images embedded, no network needed.

Data provenance (a demo run says it is synthetic in a banner that stays on screen and on
every printed page, and in every section heading), method and parameters, the main
tables, every map, and the caveats a careful reader needs.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",Helvetica,Arial,sans-serif;
 margin:0 auto;max-width:1100px;padding:3.2em 1.5em 3em;color:#222;line-height:1.5}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;border-bottom:2px solid #2c7bb6;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin-top:1.4em}table{border-collapse:collapse;font-size:.82em;margin:.6em 0;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}th{background:#eef3f8}td:first-child,th:first-child{text-align:left}
figure{margin:1.2em 0;page-break-inside:avoid}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85em;color:#555}
.banner{position:fixed;top:0;left:0;right:0;background:#b2182b;color:#fff;text-align:center;padding:.45em;font-weight:bold;z-index:9}
.tag{font-size:.6em;background:#b2182b;color:#fff;padding:.15em .5em;border-radius:.3em;margin-left:.6em;vertical-align:middle}
.note{background:#fff8e6;border-left:4px solid #f0ad4e;padding:.5em .9em;margin:.8em 0}
.meta{color:#555;font-size:.9em}code{background:#f4f4f4;padding:0 .25em}
ul.caveats li{margin:.35em 0}
@media print{.banner{position:fixed}body{padding-top:2.5em}}
"""
# (prefix, rank): more specific prefixes are checked first
MAP_ORDER = (("D_grade_", 1), ("E_type_", 3), ("D_", 0), ("E_", 2), ("U_", 4), ("lisa_significance_", 6), ("lisa_", 5),
             ("moran_scatter_", 7), ("zones", 8))  # fmt: skip


def _e(text) -> str:
    return html.escape(str(text))


def _table(frame: pd.DataFrame, digits: int = 4, max_rows: int = 60) -> str:
    if frame is None or frame.empty:
        return "<p class='meta'>(no rows)</p>"
    shown = frame.head(max_rows)
    more = f"<p class='meta'>{len(frame) - max_rows} more rows in the CSV file.</p>" if len(frame) > max_rows else ""
    return (
        shown.to_html(index=False, escape=True, float_format=lambda v: f"{v:.{digits}f}", na_rep="–", border=0) + more
    )


def _image(path: Path, max_width: int = 1400) -> str:
    """The PNG at screen size, as a data URI (maps have few colours: a 256-colour palette is lossless to the eye)."""
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        if im.width > max_width:
            im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
        buf = io.BytesIO()
        im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buf, format="PNG", optimize=True
        )
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _sort_key(name: str) -> tuple:
    return (next((rank for prefix, rank in MAP_ORDER if name.startswith(prefix)), len(MAP_ORDER)), name)


def _heading(text: str, synthetic: bool) -> str:
    tag = "<span class='tag'>synthetic demo data · 合成演示数据</span>" if synthetic else ""
    return f"<h2>{_e(text)}{tag}</h2>"


def _d_table(coupling: pd.DataFrame) -> str:
    parts = []
    skip = {"synthetic_demo_data", "pair", "year"}
    first_cols = [c for c in coupling.columns if c not in skip][:3]
    keys = [c for c in first_cols if c in ("name_zh", "name_en") or c == first_cols[0]]
    for pair, rows in coupling.groupby("pair", sort=False):
        cell = rows["D"].map(lambda v: f"{v:.4f}") + " " + rows["D_grade_zh"].astype(str)
        if "E_type_zh" in rows.columns:
            cell = cell + " · " + rows["E_type_zh"].astype(str)
        table = rows.assign(cell=cell).pivot(index=keys, columns="year", values="cell")
        table.columns = [str(c) for c in table.columns]
        parts.append(f"<h3>{_e(pair)}</h3>" + _table(table.reset_index()))
    return "".join(parts)


def _findings(record: dict, tables: dict) -> list[str]:
    out = []
    coupling = tables["coupling"]
    for pair, rows in coupling.groupby("pair", sort=False):
        means = rows.groupby("year")["D"].mean()
        out.append(
            f"Mean coupling coordination D of {pair}: " + ", ".join(f"{y}: {v:.3f}" for y, v in means.items()) + "."
        )
    glob = tables.get("moran_global")
    if glob is not None:
        d = glob[(glob["statistic"] == "moran") & (glob["variable"] == "D")]
        for r in d.itertuples():
            out.append(
                f"Global Moran's I of D ({r.group}, {r.year}) = {r.value:.3f}, permutation p = {r.p_sim:.3f} ({r.alternative})."
            )
    tests = tables.get("zoning_tests")
    if tests is not None:
        for r in tests[tests["variable"] == "D"].itertuples():
            label = f"; by zone: {r.label_en}" if isinstance(getattr(r, "label_en", None), str) else ""
            out.append(
                f"Zones explain {r.between_share:.1%} of Theil T of D ({r.group}, {r.year}); exact p = {r.p_value:.3f}{label}."
            )
    return out


def _caveats(record: dict) -> list[str]:
    cfg = record["config"]
    items = []
    n = record["data"]["units"]
    if n < 30:
        items.append(
            f"Only {n} units: permutation p-values are coarse. Each unit's smallest attainable p (p_min in lisa.csv) "
            f"depends on its number of neighbours; Bonferroni and FDR cutoffs are often unreachable, so read significant "
            f"units as 'interesting locations' (Anselin) and compare several weights (sensitivity.csv)."
        )
    sp = cfg.get("spatial", {})
    items.append(
        f"p-values are {sp.get('alternative', 'two-sided')}; local inference is exact where a unit has at most "
        f"{sp.get('exact_max', 0):,} neighbour configurations, Monte Carlo ({sp.get('permutations')} draws, seed {record['seed']}) otherwise."
    )
    cp = cfg["coupling"]
    items.append(
        f"Coupling model '{cp['model']}' (standard: geometric over arithmetic mean; wang: Wang et al. 2021; fan: CRAN coupling), "
        f"grade table '{cp['grades']}', relative development by the {cp['relative']['mode']} rule. Published studies differ "
        f"in these choices; results are comparable only under the same ones."
    )
    norm = cfg["normalization"]
    items.append(
        f"Indicators are min-max normalised with scope '{norm['scope']}' and shift '{norm['shift']}', weighted by "
        f"'{cfg['weighting']['method']}'. Monetary indicators are nominal unless the data were deflated, so pooled indices "
        f"rise with prices as well as with development."
    )
    filled = record["data"].get("filled_cells") or []
    if filled:
        items.append(
            f"{len(filled)} missing cell(s) were filled by the '{record['data']['missing_policy']}' policy; run.json lists each."
        )
    items.append(
        "Vector-angle advancement and structural deviation use formulas that could not be verified against their "
        "original sources (METHODS.md); the Theil index and the tertiary/secondary ratio follow Gan et al. (2011)."
    )
    return items


def _rule(rel: dict) -> str:
    if rel.get("mode") == "difference":
        return f"difference rule: |U1 − U2| ≤ {rel['tol']:g} synchronous"
    return f"ratio rule: E = U1/U2 ≤ {rel['lower']:g} lagging, ≤ {rel['upper']:g} synchronous, above ahead"


LISA_COLUMNS = (
    "statistic",
    "variable",
    "group",
    "year",
    "id",
    "name_zh",
    "name_en",
    "Ii",
    "quadrant",
    "p_sim",
    "p_fdr",
    "k",
    "p_min",
)
ZONING_COLUMNS = ("variable", "group", "year", "theil", "theil_between", "between_share", "p_value", "n_assignments",
                  "method", "kruskal_p", "label_en", "label_zh")  # fmt: skip
MORAN_COLUMNS = (
    "statistic",
    "variable",
    "group",
    "year",
    "value",
    "expected",
    "z_norm",
    "p_norm",
    "p_sim",
    "inference",
)


def _columns(frame: pd.DataFrame, wanted) -> pd.DataFrame:
    return frame[[c for c in wanted if c in frame.columns]]


def _bullets(items, css: str = "") -> str:
    return f"<ul{f' class={css!r}' if css else ''}>" + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>"


def _provenance(record: dict, synthetic: bool) -> str:
    d = record["data"]
    rows = [("provenance", d["provenance"]), ("file", d["path"]), ("sha256", d.get("sha256")), ("encoding", d.get("encoding")),
            ("units", d["units"]), ("years", ", ".join(map(str, d["years"]))), ("missing values", d.get("missing_policy"))]  # fmt: skip
    html_ = _heading("Data and provenance", synthetic) + _table(pd.DataFrame(rows, columns=["item", "value"]))
    if d.get("filled_cells"):
        html_ += "<h3>Filled cells</h3>" + _table(pd.DataFrame(d["filled_cells"]))
    return html_


def _parameters(record: dict, tables: dict, synthetic: bool) -> str:
    cfg = record["config"]
    sp = cfg.get("spatial", {})
    rows = [("normalisation", f"{cfg['normalization']['scope']}, shift {cfg['normalization']['shift']}"),
            ("weighting", cfg["weighting"]["method"]), ("coupling model", cfg["coupling"]["model"]),
            ("pairs", "; ".join("-".join(p) for p in cfg["coupling"]["pairs"])), ("alpha", cfg["coupling"]["alpha"]),
            ("grade table", cfg["coupling"]["grades"]), ("relative development", _rule(cfg["coupling"]["relative"])),
            ("spatial weights", sp.get("weights")), ("permutations", sp.get("permutations")),
            ("alternative", sp.get("alternative")), ("zoning", (record.get("zoning") or {}).get("zoning"))]  # fmt: skip
    weights = tables["weights"].drop(columns=["synthetic_demo_data"], errors="ignore")
    return (
        _heading("Method and parameters", synthetic)
        + _table(pd.DataFrame(rows, columns=["parameter", "value"]).astype(str))
        + "<h3>Indicator weights</h3>"
        + _table(weights)
    )


def _statistics(tables: dict, synthetic: bool) -> str:
    parts = []
    if "moran_global" in tables:
        parts.append(
            _heading("Global spatial autocorrelation", synthetic)
            + _table(_columns(tables["moran_global"], MORAN_COLUMNS))
        )
        lisa = tables["lisa"]
        if "cluster_0.05" in lisa.columns:
            significant = _columns(lisa[lisa["cluster_0.05"] != "ns"], LISA_COLUMNS)
            parts.append("<h3>Units significant at p ≤ 0.05 (unadjusted)</h3>" + _table(significant))
    if "zoning_tests" in tables:
        parts.append(_heading("Regional zoning", synthetic) + _table(_columns(tables["zoning_tests"], ZONING_COLUMNS)))
    return "".join(parts)


def _maps(maps_dir: Path | None, synthetic: bool) -> str:
    if maps_dir is None or not maps_dir.exists():
        return ""
    figures = sorted(maps_dir.glob("*.png"), key=lambda p: _sort_key(p.stem))
    if not figures:
        return ""
    items = [
        f"<figure><img alt='{_e(p.stem)}' src='{_image(p)}'>"
        f"<figcaption>{_e(p.name)} (maps/{_e(p.stem)}.svg for print)</figcaption></figure>"
        for p in figures
    ]
    return _heading("Maps", synthetic) + "".join(items)


def _closing(record: dict, synthetic: bool) -> str:
    parts = [_heading("Caveats", synthetic) + _bullets(_caveats(record), "caveats")]
    if record.get("warnings"):
        parts.append("<div class='note'><b>Warnings of this run</b>" + _bullets(record["warnings"]) + "</div>")
    versions = ", ".join(f"{k} {v}" for k, v in record["versions"].items())
    parts.append(
        _heading("Reproducibility", synthetic)
        + f"<p class='meta'>{_e(versions)}<br>command: <code>{_e(record.get('command') or '')}</code><br>"
        "The full resolved configuration, input checksums and timings are in run.json.</p>"
    )
    return "".join(parts)


def render_report(record: dict, tables: dict, maps_dir: Path | None) -> str:
    """The report as one HTML string (see the module docstring)."""
    synthetic = bool(record["data"]["synthetic"])
    title = record["config"].get("title") or "geocouple report"
    banner = (
        "<div class='banner'>SYNTHETIC DEMO DATA — not real statistics · 合成演示数据，非真实统计</div>"
        if synthetic
        else ""
    )
    head = f"<h1>{_e(title)}</h1><p class='meta'>geocouple {_e(record['geocouple'])} · {_e(record['created'])} · seed {record['seed']}</p>"
    body = [
        banner,
        head,
        _heading("Key results", synthetic) + _bullets(_findings(record, tables)),
        _provenance(record, synthetic),
        _parameters(record, tables, synthetic),
        _heading("Coupling coordination by unit (D, grade, type)", synthetic) + _d_table(tables["coupling"]),
        _statistics(tables, synthetic),
        _maps(maps_dir, synthetic),
        _closing(record, synthetic),
    ]
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def write_report(path: Path, record: dict, tables: dict, maps_dir: Path | None) -> None:
    path.write_text(render_report(record, tables, maps_dir), encoding="utf-8")
