"""Direction-aware min-max normalisation with an explicit shift, pooled or per year.

* positive indicator: x' = (x - min) / (max - min)
* negative indicator: x' = (max - x) / (max - min)
* shift (needed by the entropy method, which takes logarithms):
  ``interval`` x'' = a + (b - a) x' (default a = 0.001, b = 1, so values stay in [0, 1]);
  ``additive`` x'' = x' + s (the CSDN panel-entropy recipe, s = 0.001; values reach 1 + s);
  ``none``.
* scope: ``pooled`` takes min and max over all units and years (the default: it keeps
  2003 and 2016 on one scale, see METHODS.md 1.3); ``per_year`` within each year (for
  sensitivity analysis only).

An indicator that is constant over the scope carries no information: x' = 0 for every
row, and the weighting gives it weight 0.

Example
-------
>>> import pandas as pd
>>> from geocouple.normalize import minmax, Shift
>>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 20.0, 30.0]})
>>> minmax(df, {"a": "+", "b": "-"}, shift=Shift.none()).frame.to_numpy().tolist()
[[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import ConfigError

SCOPES = ("pooled", "per_year")


@dataclass(frozen=True)
class Shift:
    """The shift applied after min-max: ``kind`` in {"interval", "additive", "none"}."""

    kind: str = "interval"
    a: float = 0.001
    b: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in ("interval", "additive", "none"):
            raise ConfigError(
                f"shift kind needs to be 'interval', 'additive' or 'none'; {self.kind!r} was given instead"
            )
        if self.kind == "interval" and not (0 <= self.a < self.b):
            raise ConfigError(f"interval shift needs 0 <= a < b; ({self.a}, {self.b}) was given instead")
        if self.kind == "additive" and self.a < 0:
            raise ConfigError(f"additive shift needs a value >= 0; {self.a} was given instead")

    @classmethod
    def none(cls) -> Shift:
        return cls("none", 0.0, 1.0)

    @classmethod
    def additive(cls, value: float = 0.001) -> Shift:
        return cls("additive", float(value), 1.0 + float(value))

    @classmethod
    def interval(cls, a: float = 0.001, b: float = 1.0) -> Shift:
        return cls("interval", float(a), float(b))

    @classmethod
    def parse(cls, spec) -> Shift:
        """Accept ``"interval:0.001,1"``, ``"additive:0.001"``, ``"none"``, a number (additive),
        a pair (interval), a Shift, or a dict ``{"kind", "a", "b"}`` / ``{"kind", "value"}``."""
        if isinstance(spec, Shift):
            return spec
        if spec is None:
            return cls()
        if isinstance(spec, (int, float)):
            return cls.additive(spec)
        if isinstance(spec, (list, tuple)) and len(spec) == 2:
            return cls.interval(*spec)
        if isinstance(spec, dict):
            kind = spec.get("kind", "interval")
            if kind == "additive":
                return cls.additive(spec.get("value", 0.001))
            if kind == "none":
                return cls.none()
            return cls.interval(spec.get("a", 0.001), spec.get("b", 1.0))
        m = re.fullmatch(r"\s*(interval|additive|none)\s*(?::\s*([-+0-9.eE]+)\s*(?:,\s*([-+0-9.eE]+))?)?\s*", str(spec))
        if not m:
            raise ConfigError(
                f"shift needs to look like 'interval:0.001,1', 'additive:0.001' or 'none'; {spec!r} was given instead"
            )
        kind, a, b = m.groups()
        if kind == "none":
            return cls.none()
        if kind == "additive":
            return cls.additive(float(a) if a else 0.001)
        return cls.interval(float(a) if a else 0.001, float(b) if b else 1.0)

    def apply(self, x):
        if self.kind == "interval":
            return self.a + (self.b - self.a) * x
        if self.kind == "additive":
            return x + self.a
        return x

    def __str__(self) -> str:
        if self.kind == "interval":
            return f"interval:{self.a:g},{self.b:g}"
        if self.kind == "additive":
            return f"additive:{self.a:g}"
        return "none"


@dataclass(frozen=True)
class Normalized:
    """Result of :func:`minmax`: the shifted frame, the unshifted one, and the parameters."""

    frame: pd.DataFrame
    unshifted: pd.DataFrame
    directions: dict
    scope: str
    shift: Shift
    constant: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Normalized({self.frame.shape[0]} rows x {self.frame.shape[1]} indicators, scope={self.scope}, shift={self.shift})"


def _minmax_block(block: pd.DataFrame, directions: dict) -> tuple[pd.DataFrame, list[str]]:
    lo, hi = block.min(), block.max()
    span = hi - lo
    constant = [c for c in block.columns if not span[c] > 0]
    out = pd.DataFrame(index=block.index)
    for c in block.columns:
        if c in constant:
            out[c] = 0.0
        elif directions[c] == "+":
            out[c] = (block[c] - lo[c]) / span[c]
        else:
            out[c] = (hi[c] - block[c]) / span[c]
    return out, constant


def minmax(data: pd.DataFrame, directions: dict, scope: str = "pooled", shift=None, year_level: int = -1) -> Normalized:
    """Min-max normalise every column of ``data`` by its direction ("+" or "-").

    Parameters
    ----------
    data : DataFrame
        Rows are unit-years (MultiIndex with the year on ``year_level`` for ``per_year``).
    directions : dict
        Column -> "+" or "-".
    scope : {"pooled", "per_year"}
    shift : Shift or spec accepted by :meth:`Shift.parse`; default interval (0.001, 1).
    """
    if scope not in SCOPES:
        raise ConfigError(f"normalisation scope needs to be one of {SCOPES}; {scope!r} was given instead")
    missing = [c for c in data.columns if c not in directions]
    if missing:
        raise ConfigError(f"no direction given for column(s) {', '.join(missing)}")
    shift = Shift.parse(shift)
    if scope == "pooled":
        unshifted, constant = _minmax_block(data, directions)
    else:
        parts, constant = [], set()
        for _, block in data.groupby(level=year_level, sort=False):
            part, const = _minmax_block(block, directions)
            parts.append(part)
            constant |= set(const)
        unshifted = pd.concat(parts).loc[data.index]
        constant = [c for c in data.columns if c in constant]
    unshifted = unshifted[list(data.columns)].astype(float)
    shifted = shift.apply(unshifted)
    return Normalized(shifted, unshifted, dict(directions), scope, shift, tuple(constant))
