"""Industrial structure indices: advancement (高级化) and rationalisation (合理化).

Inputs are value added by sector ``Y_1..Y_n`` (primary, secondary, tertiary, ...) and,
for rationalisation, employment by sector ``L_1..L_n`` (counts or shares: only the
shares L_i / L enter). All functions take array-likes (pandas Series keep their index)
and are vectorised over rows.

Advancement
    :func:`ts` tertiary/secondary ratio (Gan, Zheng & Yu 2011);
    :func:`hierarchy` coefficient sum(i * y_i);
    :func:`vector_angle` (Fu 2010; formula UNVERIFIED, see METHODS.md 3.1).
Rationalisation (smaller is more rational)
    :func:`theil` TL = sum y_i ln(y_i / l_i) (Gan et al. 2011);
    :func:`deviation` structural deviation sum |y_i / l_i - 1| (formula UNVERIFIED).
    :func:`rationalization_score` turns TL (or the deviation) into "higher is better".

Example
-------
>>> round(float(theil(20, 40, 40, 50, 25, 25)[0]), 6)
0.192745
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ConfigError


class DomainError(ValueError):
    """A sector value outside the domain of an index; ``arg`` is the argument position."""

    def __init__(self, arg: int, mask: np.ndarray, need: str) -> None:
        super().__init__(need)
        self.arg, self.mask, self.need = arg, mask, need


def _stack(parts, first_arg: int = 0) -> tuple[np.ndarray, object]:
    index = next((p.index for p in parts if isinstance(p, pd.Series)), None)
    arr = np.column_stack([np.asarray(p, dtype=float).reshape(-1) for p in parts])
    for j in range(arr.shape[1]):
        bad = ~(arr[:, j] >= 0)
        if bad.any():
            raise DomainError(first_arg + j, bad, "a finite value >= 0")
    return arr, index


def _wrap(values: np.ndarray, index):
    return pd.Series(values, index=index) if index is not None else values


def _shares(arr: np.ndarray, first_arg: int) -> np.ndarray:
    total = arr.sum(axis=1)
    if (total <= 0).any():
        raise DomainError(first_arg, total <= 0, "sectors summing to a positive total")
    return arr / total[:, None]


def ts(secondary, tertiary):
    """Advancement as the tertiary/secondary value-added ratio TS = Y3 / Y2."""
    arr, index = _stack([secondary, tertiary])
    if (arr[:, 0] <= 0).any():
        raise DomainError(0, arr[:, 0] <= 0, "a positive secondary-sector value")
    return _wrap(arr[:, 1] / arr[:, 0], index)


def hierarchy(*sectors):
    """Hierarchy coefficient H = sum_i i * y_i over sectors ordered primary first.

    For three sectors H lies in [1, 3]; larger is more advanced.
    """
    _need(len(sectors) >= 2, "hierarchy() needs at least two sector columns")
    arr, index = _stack(sectors)
    y = _shares(arr, 0)
    return _wrap(y @ np.arange(1, arr.shape[1] + 1, dtype=float), index)


def vector_angle(*sectors):
    """Vector-angle advancement W = sum_k sum_{j<=k} theta_j (Fu 2010; UNVERIFIED).

    ``theta_j`` is the angle between the share vector (y_1..y_n) and the j-th unit basis
    vector; W = sum_j (n - j + 1) theta_j. Larger W means more advanced: for n = 3, all
    output in the primary sector gives W = 3*pi/2, all in the tertiary sector 5*pi/2.
    """
    _need(len(sectors) >= 2, "vector_angle() needs at least two sector columns")
    arr, index = _stack(sectors)
    y = _shares(arr, 0)
    norm = np.linalg.norm(y, axis=1)
    theta = np.arccos(np.clip(y / norm[:, None], -1.0, 1.0))
    n = arr.shape[1]
    return _wrap(theta @ np.arange(n, 0, -1, dtype=float), index)


def _split_output_employment(args, name: str):
    _need(
        len(args) >= 4 and len(args) % 2 == 0,
        f"{name}() needs n output columns followed by n employment columns (n >= 2); {len(args)} were given instead",
    )
    n = len(args) // 2
    out, index = _stack(args[:n])
    emp, _ = _stack(args[n:], first_arg=n)
    return _shares(out, 0), _shares(emp, n), index, n


def theil(*args):
    """Theil rationalisation index TL = sum_i y_i ln(y_i / l_i).

    Call as ``theil(Y1, Y2, Y3, L1, L2, L3)``. TL >= 0, and TL = 0 exactly when output
    shares equal employment shares. Sectors with no output contribute 0; a sector with
    output but no employment makes TL infinite and is an error.
    """
    y, emp, index, n = _split_output_employment(args, "theil")
    bad = (emp <= 0) & (y > 0)
    if bad.any():
        col = int(np.argmax(bad.any(axis=0)))
        raise DomainError(n + col, bad[:, col], "positive employment where the sector has output")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / emp), 0.0)
    return _wrap(terms.sum(axis=1), index)


def deviation(*args):
    """Structural deviation E = sum_i |y_i / l_i - 1| (formula UNVERIFIED; smaller is better).

    Call as ``deviation(Y1, Y2, Y3, L1, L2, L3)``.
    """
    y, emp, index, n = _split_output_employment(args, "deviation")
    bad = emp <= 0
    if bad.any():
        col = int(np.argmax(bad.any(axis=0)))
        raise DomainError(n + col, bad[:, col], "positive employment in every sector")
    return _wrap(np.abs(y / emp - 1.0).sum(axis=1), index)


RATIONALIZATION_SCORES = ("negative", "reciprocal", "exp", "neg")


def rationalization_score(tl, method: str = "negative", eps: float = 1e-3):
    """Turn TL (or a deviation index; smaller is better) into a "higher is better" score.

    Parameters
    ----------
    tl : array-like
    method : {"negative", "reciprocal", "exp", "neg"}
        ``negative`` (the default) returns TL unchanged: declare the indicator with
        direction ``-`` so that pooled min-max turns it around, which keeps it on the same
        footing as every other indicator. ``reciprocal`` returns 1 / (TL + eps) (the
        pinggu.org formula, guarded); ``exp`` returns exp(-TL); ``neg`` returns -TL.
    eps : float
        Guard of the reciprocal against TL = 0.
    """
    if method not in RATIONALIZATION_SCORES:
        raise ConfigError(
            f"rationalization score method needs to be one of {RATIONALIZATION_SCORES}; {method!r} was given instead"
        )
    values = tl if isinstance(tl, pd.Series) else np.asarray(tl, dtype=float)
    if method == "negative":
        return values
    if method == "reciprocal":
        return 1.0 / (values + eps)
    if method == "exp":
        return np.exp(-values)
    return -values


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


#: functions usable in derived-indicator expressions: name -> callable
FUNCTIONS = {
    "ts": ts,
    "hierarchy": hierarchy,
    "vector_angle": vector_angle,
    "theil": theil,
    "deviation": deviation,
}
