"""Subsystem indices U from a panel and an indicator system.

For every subsystem: direction-aware min-max (pooled by default) with the shift, weights
by the subsystem's method (entropy by default, computed on the stacked unit-years), and
U = sum_j w_j x''_j. With the default interval shift (0.001, 1), U lies in [0.001, 1].

Example
-------
>>> import pandas as pd
>>> from geocouple.system import IndicatorSystem
>>> from geocouple.composite import composite_indices
>>> idx = pd.MultiIndex.from_product([[1, 2, 3], [2003, 2016]], names=["id", "year"])
>>> data = pd.DataFrame({"a": [1, 2, 3, 4, 5, 6.0], "b": [6, 5, 4, 3, 2, 1.0]}, index=idx)
>>> system = IndicatorSystem.from_dict({"subsystems": [
...     {"key": "x", "indicators": [{"column": "a"}]}, {"key": "y", "indicators": [{"column": "b", "direction": "-"}]}]})
>>> res = composite_indices(data, system, shift="none")
>>> res.indices["x"].tolist()
[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from .errors import GeocoupleWarning, InputError
from .normalize import Normalized, Shift, minmax
from .system import IndicatorSystem
from .weighting import WeightTable, check_method, compute_weights


@dataclass(frozen=True)
class CompositeResult:
    """Subsystem indices, the weights behind them and the parameters used."""

    indices: pd.DataFrame
    weights: WeightTable
    normalized: dict = field(repr=False)
    params: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        keys = ", ".join(self.indices.columns)
        return f"CompositeResult({len(self.indices)} rows; U: {keys}; {self.params})"

    def to_frame(self) -> pd.DataFrame:
        return self.indices.copy()

    def summary(self) -> str:
        lines = [repr(self)]
        for key, grp in self.weights.frame.groupby("subsystem", sort=False):
            w = ", ".join(f"{r.indicator}={r.weight:.3f}" for r in grp.itertuples())
            lines.append(f"  {key} ({grp['method'].iloc[0]}): {w}")
        return "\n".join(lines)


def composite_indices(
    data: pd.DataFrame,
    system: IndicatorSystem,
    method: str = "entropy",
    scope: str = "pooled",
    shift=None,
) -> CompositeResult:
    """Compute U for every subsystem of ``system`` from the indicator columns of ``data``.

    Parameters
    ----------
    data : DataFrame
        Rows are unit-years (MultiIndex (id, year)); columns include every indicator.
    system : IndicatorSystem
    method : {"entropy", "critic", "cv", "equal"}
        Default weighting; a subsystem may override it, and fixed weights win.
    scope : {"pooled", "per_year"}
    shift : Shift or spec, default interval (0.001, 1).
    """
    check_method(method)
    shift = Shift.parse(shift)
    indices, rows, normalized, notes = {}, [], {}, []
    for sub in system.subsystems:
        absent = [c for c in sub.columns if c not in data.columns]
        if absent:
            raise InputError(f"subsystem {sub.key!r}: indicator column(s) {', '.join(absent)} not in the data")
        raw = data[sub.columns].astype(float)
        if raw.isna().any().any():
            col = raw.columns[raw.isna().any()][0]
            raise InputError(f"subsystem {sub.key!r}: indicator {col!r} has missing values")
        norm: Normalized = minmax(raw, {i.column: i.direction for i in sub.indicators}, scope, shift)
        fixed = sub.fixed_weights
        used = "fixed" if fixed else (sub.weighting or method)
        w = compute_weights(used, norm.frame, raw, fixed)
        for col in norm.constant:
            msg = (
                f"subsystem {sub.key!r}: indicator {col!r} does not vary ({scope} scope), so it carries no information"
            )
            msg += "; its fixed weight still applies" if fixed else " and gets weight 0"
            warnings.warn(msg, GeocoupleWarning, stacklevel=2)
            notes.append(msg)
        # a weighted mean of values in [shift(0), shift(1)]; clip the last-bit rounding of sum(w) = 1
        indices[sub.key] = (norm.frame @ w).clip(shift.apply(0.0), shift.apply(1.0))
        normalized[sub.key] = norm
        for ind in sub.indicators:
            rows.append(
                {
                    "subsystem": sub.key,
                    "indicator": ind.column,
                    "label": ind.label,
                    "direction": ind.direction,
                    "method": used,
                    "weight": float(w[ind.column]),
                    "constant": ind.column in norm.constant,
                }
            )
    params = {"method": method, "scope": scope, "shift": str(shift)}
    return CompositeResult(pd.DataFrame(indices), WeightTable(pd.DataFrame(rows)), normalized, params, tuple(notes))
