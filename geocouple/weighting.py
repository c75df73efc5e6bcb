"""Objective and fixed indicator weights: a registry of plain functions.

Each method takes the normalised (and shifted) matrix ``X`` (rows = unit-years, stacked
for a panel) and the raw matrix, and returns a Series of weights summing to 1, indexed
by column. Columns without variation get weight 0 in every objective method.

* ``entropy``: p_ij = x_ij / sum_i x_ij, e_j = -(1/ln N) sum_i p_ij ln p_ij,
  w_j ∝ 1 - e_j (0 ln 0 := 0). With a panel the N rows are all unit-years (the
  "entropy with a year dimension", METHODS.md 2.2).
* ``critic``: w_j ∝ sd_j * sum_k (1 - r_jk) on the normalised matrix (sample sd).
* ``cv``: w_j ∝ sd_j / mean_j of the raw values (positive raw values needed).
* ``equal``: w_j = 1/m over the informative columns.
* ``fixed``: the weights declared in the indicator system.

Example
-------
>>> import pandas as pd
>>> from geocouple.weighting import compute_weights
>>> X = pd.DataFrame({"a": [0.1, 0.5, 0.9], "b": [0.3, 0.3, 0.4]})
>>> compute_weights("equal", X, X).tolist()
[0.5, 0.5]
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError


def _informative(X: pd.DataFrame) -> pd.Series:
    return (X.max() - X.min()) > 0


def _normalise(raw: pd.Series, X: pd.DataFrame) -> pd.Series:
    raw = raw.where(_informative(X), 0.0).clip(lower=0.0)
    total = raw.sum()
    if not total > 0:
        raise InputError(
            f"weights cannot be computed: no indicator among {', '.join(map(str, X.columns))} varies across the rows"
        )
    return raw / total


def entropy_weights(X: pd.DataFrame, raw: pd.DataFrame | None = None) -> pd.Series:
    """Entropy weights (熵权法) of the columns of ``X`` (values >= 0)."""
    arr = X.to_numpy(dtype=float)
    if (arr < 0).any():
        raise InputError("the entropy method needs values >= 0 after normalisation; use a shift")
    n = arr.shape[0]
    if n < 2:
        raise InputError("the entropy method needs at least two rows (unit-years)")
    col_sums = arr.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(col_sums > 0, arr / col_sums, 0.0)
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    return _normalise(pd.Series(1.0 - e, index=X.columns), X)


def critic_weights(X: pd.DataFrame, raw: pd.DataFrame | None = None) -> pd.Series:
    """CRITIC weights (Diakoulaki et al. 1995): contrast (sample sd) times conflict."""
    if X.shape[0] < 3:
        raise InputError("the CRITIC method needs at least three rows to estimate correlations")
    sd = X.std(ddof=1)
    informative = _informative(X)
    corr = X.loc[:, informative].corr().reindex(index=X.columns, columns=X.columns).fillna(0.0)
    conflict = (1.0 - corr).sum(axis=0)
    return _normalise(sd * conflict, X)


def cv_weights(X: pd.DataFrame, raw: pd.DataFrame | None = None) -> pd.Series:
    """Coefficient-of-variation weights: w_j ∝ sd_j / mean_j of the raw values."""
    raw = X if raw is None else raw
    bad = [c for c in raw.columns if (raw[c] <= 0).any()]
    if bad:
        raise InputError(
            f"coefficient-of-variation weights need positive raw values; column {bad[0]!r} has values <= 0"
        )
    return _normalise(raw.std(ddof=1) / raw.mean(), X)


def equal_weights(X: pd.DataFrame, raw: pd.DataFrame | None = None) -> pd.Series:
    """Equal weights over the columns that vary."""
    return _normalise(pd.Series(1.0, index=X.columns), X)


WEIGHTINGS = {
    "entropy": entropy_weights,
    "critic": critic_weights,
    "cv": cv_weights,
    "equal": equal_weights,
}


def check_method(method: str) -> str:
    if method not in WEIGHTINGS and method != "fixed":
        options = [*WEIGHTINGS, "fixed"]
        close = difflib.get_close_matches(str(method), options, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(
            f"weighting method needs to be one of {', '.join(options)}; {method!r} was given instead{hint}"
        )
    return method


def compute_weights(
    method: str, X: pd.DataFrame, raw: pd.DataFrame | None = None, fixed: dict | None = None
) -> pd.Series:
    """Weights by ``method`` (a key of :data:`WEIGHTINGS` or ``"fixed"``), indexed like X's columns."""
    check_method(method)
    if method == "fixed":
        if fixed is None:
            raise ConfigError("the 'fixed' weighting needs a weight for every indicator")
        return pd.Series([float(fixed[c]) for c in X.columns], index=X.columns)
    return WEIGHTINGS[method](X, raw)


@dataclass(frozen=True)
class WeightTable:
    """Weights of every indicator of every subsystem, with the method that made them."""

    frame: pd.DataFrame  # columns: subsystem, indicator, direction, method, weight, constant

    def __repr__(self) -> str:
        return f"WeightTable({len(self.frame)} indicators in {self.frame['subsystem'].nunique()} subsystems)"

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()
