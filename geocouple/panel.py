"""Read and validate indicator panels (units x years x indicators).

A panel file is long (one row per unit and year: ``id, year, indicator...``) or wide
(one row per unit, columns ``indicator_YEAR``). CSV (UTF-8 or GBK/GB18030, detected),
XLSX and Parquet are read. Every cell of every indicator column that a run uses is
checked; errors name the file, the row (as the user sees it: the CSV line or the Excel
row number) and the column.

Example
-------
>>> import io, geocouple
>>> text = "adcode,year,gdp\\n140100,2003,515.7\\n140100,2016,2955.6\\n"
>>> p = geocouple.read_panel(io.StringIO(text))
>>> p.data["gdp"].tolist()
[515.7, 2955.6]
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import GeocoupleWarning, InputError, listing

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "…", "..."})
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_WIDE = re.compile(r"^(?P<indicator>.+?)[_\-. ]?(?P<year>(1[89]|20)\d{2})$")
MISSING_POLICIES = ("error", "drop_indicator", "interpolate")
MISSING_ENDS = ("error", "nearest")


@dataclass(frozen=True)
class PanelSource:
    """Where a panel came from and what was done to it (recorded in ``run.json``)."""

    path: str
    format: str
    encoding: str | None
    sha256: str | None
    layout: str
    notes: tuple[str, ...] = ()
    missing_policy: str = "error"
    filled: tuple[dict, ...] = ()
    dropped_indicators: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "layout": self.layout,
            "notes": list(self.notes),
            "missing_policy": self.missing_policy,
            "filled_cells": list(self.filled),
            "dropped_indicators": list(self.dropped_indicators),
        }


@dataclass(frozen=True)
class Panel:
    """A validated panel: numeric ``data`` indexed by (id, year), ``labels`` by id.

    ``rows`` maps (id, year) to the row label the user sees in the source file
    ("line 14" of a CSV, "row 9" of a sheet), so later stages can point at it.
    """

    data: pd.DataFrame
    labels: pd.DataFrame
    source: PanelSource
    rows: dict = field(repr=False, compare=False, default_factory=dict)
    id_name: str = "id"
    year_name: str = "year"

    def __repr__(self) -> str:
        ids = self.data.index.get_level_values(0).unique()
        return (
            f"Panel({len(ids)} units x {len(self.years)} years x "
            f"{self.data.shape[1]} columns, source={self.source.path!r})"
        )

    @property
    def ids(self) -> list:
        return list(self.data.index.get_level_values(0).unique())

    @property
    def years(self) -> list[int]:
        return sorted(self.data.index.get_level_values(1).unique().tolist())

    def where(self, key) -> str:
        """Human description of a row: ``line 14 (id 140600, year 2003)``."""
        unit, year = key
        row = self.rows.get(key)
        prefix = f"{row} " if row else ""
        return f"{prefix}(id {unit}, year {year})"

    def select_years(self, years) -> Panel:
        """Return the panel restricted to ``years`` (all must be present)."""
        years = [int(y) for y in years]
        absent = [y for y in years if y not in self.years]
        if absent:
            raise InputError(
                f"{self.source.path}: year(s) {listing(absent)} requested but not in the "
                f"panel; the panel has years {listing(self.years, 20)}"
            )
        keep = self.data.index.get_level_values(1).isin(years)
        return Panel(self.data[keep], self.labels, self.source, self.rows, self.id_name, self.year_name)


# --------------------------------------------------------------------------- reading


def detect_encoding(raw: bytes) -> str:
    """Return the text encoding of a CSV: a BOM, else UTF-8 if it decodes, else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Chinese yearbook exports and
    Excel on Chinese Windows use.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot tell the text encoding: the file is neither UTF-8 nor GBK/GB18030 "
            f"(byte {exc.start}); pass the encoding explicitly"
        ) from None


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _read_text_table(raw: bytes, name: str, encoding: str | None):
    enc = encoding or detect_encoding(raw)
    try:
        text = raw.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"{name}: cannot decode the file as {enc!r} ({exc.__class__.__name__})") from None
    lines = text.splitlines()
    notes = []
    while lines and lines[0].lstrip().startswith("#"):
        notes.append(lines.pop(0).lstrip().lstrip("#").strip())
    if not any(line.strip() for line in lines):
        raise InputError(f"{name}: the file is empty (no header row and no data)")
    try:
        df = pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise InputError(f"{name}: not a valid CSV table ({str(exc).strip()})") from None
    first_line = len(notes) + 2  # 1-based line of the first data row
    labels = [f"line {first_line + i}" for i in range(len(df))]
    return df, enc, tuple(notes), labels


def _read_excel(path: Path, sheet):
    try:
        df = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
    except ValueError as exc:
        raise InputError(f"{path}: cannot read sheet {sheet!r} ({exc})") from None
    except Exception as exc:  # openpyxl raises many kinds for corrupt files
        raise InputError(f"{path}: not a readable Excel workbook ({exc.__class__.__name__}: {exc})") from None
    df = df.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    df.columns = [str(c) for c in df.columns]
    return df, [f"row {i + 2}" for i in range(len(df))]


def _read_any(source, encoding, sheet):
    """Return (string DataFrame, row labels, PanelSource fields)."""
    if isinstance(source, io.StringIO):
        raw = source.getvalue().encode("utf-8")
        df, enc, notes, labels = _read_text_table(raw, "<text>", "utf-8")
        return df, labels, {"path": "<text>", "format": "csv", "encoding": enc, "sha256": _sha256(raw), "notes": notes}
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: panel file not found")
    if path.is_dir():
        raise InputError(f"{path}: a panel file is needed; a folder was given instead")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty (no header row and no data)")
    suffix = path.suffix.lower()
    info = {"path": str(path), "sha256": _sha256(raw), "notes": (), "encoding": None}
    if suffix in (".xlsx", ".xlsm", ".xls"):
        df, labels = _read_excel(path, sheet)
        info["format"] = "xlsx"
    elif suffix in (".parquet", ".pq"):
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from None
        df = df.astype(object).where(df.notna(), "").astype(str)
        df.columns = [str(c) for c in df.columns]
        labels = [f"record {i + 1}" for i in range(len(df))]
        info["format"] = "parquet"
    else:
        df, enc, notes, labels = _read_text_table(raw, str(path), encoding)
        info.update(format="csv", encoding=enc, notes=notes)
    df.columns = [str(c).strip() for c in df.columns]
    return df, labels, info


def _did_you_mean(name: str, options) -> str:
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _require_column(df: pd.DataFrame, col: str, role: str, path: str) -> None:
    if col not in df.columns:
        raise InputError(
            f"{path}: {role} column {col!r} not found{_did_you_mean(col, df.columns)} "
            f"(columns are: {listing(df.columns, 12)})"
        )


def parse_number(text: str) -> float | None:
    """Parse one cell: a float, ``nan`` for a missing token, ``None`` if not a number."""
    s = str(text).strip().replace("\u00a0", "")
    if s.lower() in MISSING_TOKENS:
        return float("nan")
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _to_numeric(col: pd.Series, name: str, labels, path: str) -> tuple[pd.Series, list[str]]:
    """The column as floats, and a description of every cell that is not a number."""
    values = [parse_number(v) for v in col]
    bad = [
        f"{path}: {labels[i]}, column {name!r}: a number is needed; {col.iloc[i]!r} was given instead"
        for i, v in enumerate(values)
        if v is None
    ]
    return pd.Series([np.nan if v is None else v for v in values], index=col.index, dtype=float), bad


def _parse_ids(col: pd.Series, labels, path: str, id_name: str) -> list:
    ids = [str(v).strip() for v in col]
    empty = [labels[i] for i, v in enumerate(ids) if v == ""]
    if empty:
        raise InputError(f"{path}: {listing(empty)}: the id column {id_name!r} is empty")
    if all(re.fullmatch(r"\d+(\.0+)?", v) for v in ids):
        return [int(float(v)) for v in ids]
    return ids


def _parse_years(col: pd.Series, labels, path: str, year_name: str) -> list[int]:
    years = []
    for i, v in enumerate(col):
        s = str(v).strip()
        m = re.fullmatch(r"(\d{4})(\.0+)?(年)?", s)
        if not m:
            hint = " (a second header row? geocouple reads exactly one header row)" if i == 0 and len(col) > 1 else ""
            raise InputError(
                f"{path}: {labels[i]}, column {year_name!r}: a four-digit year is needed; {s!r} was given instead{hint}"
            )
        years.append(int(m.group(1)))
    return years


def _melt_wide(df: pd.DataFrame, id_col: str, labels, path: str):
    """Turn ``indicator_YEAR`` columns into long rows; other columns are labels."""
    matched = {c: _WIDE.match(c) for c in df.columns if c != id_col}
    wide_cols = {c: m for c, m in matched.items() if m}
    if not wide_cols:
        raise InputError(
            f"{path}: wide layout needs columns named like 'gdp_2003'; none of {listing(df.columns, 12)} matches"
        )
    records, row_labels = [], []
    others = [c for c in df.columns if c not in wide_cols and c != id_col]
    years = sorted({int(m.group("year")) for m in wide_cols.values()})
    for i, (_, row) in enumerate(df.iterrows()):
        for year in years:
            rec = {id_col: row[id_col], "year": str(year)}
            rec.update({c: row[c] for c in others})
            for c, m in wide_cols.items():
                if int(m.group("year")) == year:
                    rec[m.group("indicator")] = row[c]
            records.append(rec)
            row_labels.append(labels[i])
    long = pd.DataFrame(records).fillna("")
    return long, row_labels


def read_panel(
    source,
    *,
    id: str = "adcode",
    year: str = "year",
    columns=None,
    encoding: str | None = None,
    sheet=None,
    layout: str = "auto",
    missing: str = "error",
    missing_ends: str = "error",
    years=None,
) -> Panel:
    """Read and validate an indicator panel.

    Parameters
    ----------
    source : path or io.StringIO
        CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; leading ``#`` lines are kept as notes),
        XLSX or Parquet.
    id, year : str
        Names of the unit id column (admin codes or names) and the year column.
    columns : list of str, optional
        Indicator columns to validate and keep. Default: every column that holds at
        least one number; columns without any number are kept as labels.
    encoding : str, optional
        Text encoding of a CSV; detected when omitted.
    sheet : str or int, optional
        Excel sheet.
    layout : {"auto", "long", "wide"}
        ``auto`` is long when the year column exists, wide otherwise.
    missing : {"error", "drop_indicator", "interpolate"}
        What to do with missing cells in ``columns``: stop and list them (default), drop
        the indicators that have any, or fill them by linear interpolation over years
        within the unit. Every filled cell is recorded in ``Panel.source.filled``.
    missing_ends : {"error", "nearest"}
        For ``interpolate``: a gap at the first or last year of a unit cannot be
        interpolated; fail (default) or carry the nearest observed year's value.
    years : list of int, optional
        Keep these years (after missing values were handled on the full series).

    Returns
    -------
    Panel
    """
    if layout not in ("auto", "long", "wide"):
        raise InputError(f"layout needs to be 'auto', 'long' or 'wide'; {layout!r} was given instead")
    if missing not in MISSING_POLICIES:
        raise InputError(f"missing needs to be one of {MISSING_POLICIES}; {missing!r} was given instead")
    if missing_ends not in MISSING_ENDS:
        raise InputError(f"missing_ends needs to be one of {MISSING_ENDS}; {missing_ends!r} was given instead")
    df, labels, info = _read_any(source, encoding, sheet)
    path = info["path"]
    if df.empty:
        raise InputError(f"{path}: the table has a header but no data rows")
    _require_column(df, id, "id", path)
    if layout == "wide" or (layout == "auto" and year not in df.columns):
        if layout == "auto" and not any(_WIDE.match(c) for c in df.columns):
            _require_column(df, year, "year", path)
        df, labels = _melt_wide(df, id, labels, path)
        year, used_layout = "year", "wide"
    else:
        _require_column(df, year, "year", path)
        used_layout = "long"
    ids = _parse_ids(df[id], labels, path, id)
    yrs = _parse_years(df[year], labels, path, year)
    index = pd.MultiIndex.from_arrays([ids, yrs], names=[id, year])
    _check_duplicates(index, labels, path)
    rest = df.drop(columns=[id, year])
    rest.index = index
    data, label_cols = _split_columns(rest, columns, labels, path)
    rows = dict(zip(index, labels))
    label_frame = (
        label_cols.groupby(level=0).first()
        if not label_cols.empty
        else pd.DataFrame(index=pd.Index(sorted(set(ids)), name=id))
    )
    data = data.sort_index()
    source_info = PanelSource(layout=used_layout, missing_policy=missing, **info)
    panel = Panel(data, label_frame, source_info, rows, id, year)
    panel = apply_missing_policy(panel, missing, missing_ends)
    return panel.select_years(years) if years is not None else panel


def _check_duplicates(index: pd.MultiIndex, labels, path: str) -> None:
    dup = index.duplicated(keep=False)
    if dup.any():
        where = [f"{labels[i]} (id {index[i][0]}, year {index[i][1]})" for i in np.flatnonzero(dup)]
        raise InputError(f"{path}: duplicate (id, year) rows: {listing(where, 6)}")


def _split_columns(rest: pd.DataFrame, columns, labels, path: str):
    if columns is not None:
        columns = list(dict.fromkeys(columns))
        absent = [c for c in columns if c not in rest.columns]
        if absent:
            c = absent[0]
            raise InputError(
                f"{path}: indicator column {c!r} not found{_did_you_mean(c, rest.columns)} "
                f"(columns are: {listing(rest.columns, 12)})"
            )
        numeric = [c for c in rest.columns if c in set(columns)]  # file order
    else:
        numeric = [
            c
            for c in rest.columns
            if any(parse_number(v) is not None and str(v).strip().lower() not in MISSING_TOKENS for v in rest[c])
        ]
    converted = {c: _to_numeric(rest[c], c, labels, path) for c in numeric}
    bad = [problem for _, problems in converted.values() for problem in problems]
    if bad:
        more = f" ({len(bad) - 1} more non-numeric cell(s))" if len(bad) > 1 else ""
        raise InputError(bad[0] + more, bad)
    data = pd.DataFrame({c: series for c, (series, _) in converted.items()}, index=rest.index)
    label_cols = rest[[c for c in rest.columns if c not in numeric]]
    return data, label_cols


def missing_cells(panel: Panel) -> list[tuple]:
    """(id, year, column) of every missing cell, row by row as in the file."""
    na = panel.data.isna()
    rows, cols = np.nonzero(na.to_numpy())
    return [(*na.index[r], na.columns[c]) for r, c in zip(rows, cols)]


def apply_missing_policy(panel: Panel, policy: str, ends: str = "error") -> Panel:
    """Apply a missing-value policy; see :func:`read_panel`."""
    cells = missing_cells(panel)
    if not cells:
        return panel
    path = panel.source.path
    if policy == "error":
        where = [f"{panel.where((u, y))} column {c!r}" for u, y, c in cells]
        raise InputError(
            f"{path}: {len(cells)} missing value(s): {listing(where, 5)}; fill them, or choose a "
            f"missing-value policy (drop_indicator, interpolate)",
            [f"{path}: {w} is empty" for w in where],
        )
    if policy == "drop_indicator":
        dropped = tuple(dict.fromkeys(c for _, _, c in cells))
        warnings.warn(
            f"{path}: dropped indicator(s) with missing values: {listing(dropped)}", GeocoupleWarning, stacklevel=3
        )
        source = replace(panel.source, dropped_indicators=dropped)
        return Panel(
            panel.data.drop(columns=list(dropped)), panel.labels, source, panel.rows, panel.id_name, panel.year_name
        )
    data, filled = _interpolate(panel, ends)
    source = replace(panel.source, filled=tuple(filled))
    return Panel(data, panel.labels, source, panel.rows, panel.id_name, panel.year_name)


def _interpolate(panel: Panel, ends: str):
    data = panel.data.copy()
    filled = []
    for col in data.columns:
        for unit, series in data[col].groupby(level=0):
            if not series.isna().any():
                continue
            s = pd.Series(series.to_numpy(), index=series.index.get_level_values(1).astype(float))
            if s.notna().sum() == 0:
                raise InputError(
                    f"{panel.source.path}: column {col!r} has no value at all for id {unit}; "
                    f"it cannot be interpolated (drop the indicator or fill it)"
                )
            inside = s.interpolate(method="index", limit_area="inside")
            gaps = inside.isna()
            if gaps.any() and ends == "error":
                yrs = [int(y) for y in inside.index[gaps]]
                raise InputError(
                    f"{panel.source.path}: column {col!r}, id {unit}: year(s) {listing(yrs)} are missing at the "
                    f'start or end of the series and cannot be interpolated; set missing_ends = "nearest" '
                    f"to carry the nearest observed value, or fill them"
                )
            full = inside.ffill().bfill()
            for yr in s.index[s.isna()]:
                method = "linear" if pd.notna(inside[yr]) else "nearest"
                value = float(full[yr])
                data.loc[(unit, int(yr)), col] = value
                filled.append({"id": _plain(unit), "year": int(yr), "column": col, "value": value, "method": method})
    return data, filled


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def file_checksum(path: str | os.PathLike) -> str:
    """SHA-256 of a file, for provenance records."""
    return _sha256(Path(path).read_bytes())
