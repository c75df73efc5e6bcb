"""Coupling coordination degree model (CCDM) for n >= 2 subsystems.

Coupling degree C (``model``):

* ``standard``: C = n (prod U_i)^(1/n) / sum U_i, the geometric over the arithmetic
  mean (for n = 2: 2 sqrt(U1 U2) / (U1 + U2)).
* ``wang`` (Wang, Kong, Ren, Zhi & Dai 2021, 自然资源学报 36(3): 793-810,
  doi:10.31497/zrzyxb.20210319): C = sqrt{[1 - sum_{i<j} |U_i - U_j| / (n(n-1)/2)]
  * [prod_i (U_i / max U)]^(1/(n-1))}; for n = 2: sqrt{(1 - |U1 - U2|) min/max}.
* ``fan`` (CRAN package coupling): C = 1 - 2 sqrt{(n sum U^2 - (sum U)^2) / n^2},
  clamped to [0, 1].

Then T = sum alpha_i U_i (alpha defaults to equal weights) and D = sqrt(C T). When every
U is 0 there is nothing to couple: C := 0 and D = 0 in every model. C is clamped to [0, 1].

For two subsystems the relative development degree E = U1 / U2 is typed as lagging,
synchronous or ahead (of U1 relative to U2) by the ratio rule (E <= 0.8 lagging,
0.8 < E <= 1.2 synchronous, E > 1.2 ahead; thresholds are parameters) or the difference
rule (|U1 - U2| <= tol synchronous). U2 = 0 < U1 gives E = inf (ahead); U1 = U2 = 0
gives E = NaN (synchronous).

Example
-------
>>> import pandas as pd, geocouple
>>> U = pd.DataFrame({"milieu": [0.2, 0.6], "industry": [0.2, 0.3]}, index=["A", "B"])
>>> res = geocouple.coupling_coordination(U)
>>> res.to_frame()[["C", "T", "D"]].round(4).to_numpy().tolist()
[[1.0, 0.2, 0.4472], [0.9428, 0.45, 0.6514]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError
from .grades import GradeTable, load_grades

_TOL = 1e-9  # rounding slack accepted (and clipped) at the ends of [0, 1]


def _c_standard(u: np.ndarray) -> np.ndarray:
    n = u.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        gmean = np.exp(np.log(u).mean(axis=1))
        return n * gmean / u.sum(axis=1)


def _c_wang(u: np.ndarray) -> np.ndarray:
    n = u.shape[1]
    i, j = np.triu_indices(n, k=1)
    spread = np.abs(u[:, i] - u[:, j]).sum(axis=1) / (n * (n - 1) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.prod(u / u.max(axis=1, keepdims=True), axis=1) ** (1.0 / (n - 1))
    return np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio)


def _c_fan(u: np.ndarray) -> np.ndarray:
    # n sum U^2 - (sum U)^2 = n sum (U - mean)^2: the centred form is exact for equal U
    centred = u - u.mean(axis=1, keepdims=True)
    return 1.0 - 2.0 * np.sqrt((centred**2).sum(axis=1) / u.shape[1])


MODELS = {"standard": _c_standard, "wang": _c_wang, "fan": _c_fan}


def coupling_degree(U, model: str = "standard") -> np.ndarray:
    """Coupling degree C of each row of ``U`` (rows x subsystems, values in [0, 1])."""
    if model not in MODELS:
        raise ConfigError(f"coupling model needs to be one of {', '.join(MODELS)}; {model!r} was given instead")
    u = np.asarray(U, dtype=float)
    c = MODELS[model](u)
    c = np.where(u.max(axis=1) > 0, c, 0.0)
    return np.clip(np.nan_to_num(c, nan=0.0), 0.0, 1.0)


@dataclass(frozen=True)
class RelativeRule:
    """How E = U1/U2 becomes a type: ``ratio`` with (lower, upper] or ``difference`` with tol."""

    mode: str = "ratio"
    lower: float = 0.8
    upper: float = 1.2
    tol: float = 0.1

    def __post_init__(self) -> None:
        if self.mode not in ("ratio", "difference"):
            raise ConfigError(
                f"relative development rule needs to be 'ratio' or 'difference'; {self.mode!r} was given instead"
            )
        if not 0 < self.lower < self.upper:
            raise ConfigError(
                f"ratio thresholds need 0 < lower < upper; ({self.lower}, {self.upper}) was given instead"
            )
        if not self.tol >= 0:
            raise ConfigError(f"difference tolerance needs to be >= 0; {self.tol} was given instead")

    def classify(self, u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
        """-1 lagging (U1 behind U2), 0 synchronous, +1 ahead."""
        if self.mode == "difference":
            d = u1 - u2
            return np.where(d > self.tol, 1, np.where(d < -self.tol, -1, 0))
        with np.errstate(all="ignore"):
            e = u1 / u2
        return np.where(np.isnan(e), 0, np.where(e > self.upper, 1, np.where(e <= self.lower, -1, 0)))

    def describe(self) -> str:
        if self.mode == "difference":
            return f"difference rule: |U1 - U2| <= {self.tol:g} synchronous"
        return f"ratio rule: E <= {self.lower:g} lagging, {self.lower:g} < E <= {self.upper:g} synchronous, E > {self.upper:g} ahead"


TYPE_KEYS = {-1: "lagging", 0: "synchronous", 1: "ahead"}


def type_labels(name_zh: str, name_en: str) -> dict:
    """Bilingual labels of the three types for subsystem 1 named ``name_zh``/``name_en``."""
    return {
        -1: (f"{name_zh}滞后型", f"lagging {name_en}"),
        0: ("同步发展型", "synchronous development"),
        1: (f"{name_zh}超前型", f"{name_en} ahead"),
    }


@dataclass(frozen=True)
class CouplingResult:
    """C, T, D, grades and (n = 2) relative development, with the parameters used."""

    frame: pd.DataFrame = field(repr=False)
    model: str
    alpha: tuple[float, ...]
    subsystems: tuple[str, ...]
    grades: str
    c_stages: str
    relative: str | None

    def __repr__(self) -> str:
        d = self.frame["D"]
        return (
            f"CouplingResult({len(self.frame)} rows, {'-'.join(self.subsystems)}, model={self.model}, "
            f"alpha={self.alpha}, D in [{d.min():.3f}, {d.max():.3f}])"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        f = self.frame
        lines = [repr(self), f"  grades: {self.grades}; C stages: {self.c_stages}"]
        if self.relative:
            lines.append(f"  relative development: {self.relative}")
        counts = f["D_grade_en"].value_counts()
        lines += [f"  {label}: {n}" for label, n in counts.items()]
        return "\n".join(lines)

    def params(self) -> dict:
        return {
            "model": self.model,
            "alpha": list(self.alpha),
            "subsystems": list(self.subsystems),
            "grades": self.grades,
            "c_stages": self.c_stages,
            "relative_rule": self.relative,
        }


def _check_U(U) -> pd.DataFrame:
    if not isinstance(U, pd.DataFrame):
        raise ConfigError(
            f"U needs to be a DataFrame with one column per subsystem; {type(U).__name__} was given instead"
        )
    if U.shape[1] < 2:
        raise ConfigError(f"coupling needs at least two subsystems (columns of U); {U.shape[1]} was given")
    values = U.apply(pd.to_numeric, errors="coerce")
    for col in U.columns:
        bad = values[col].isna() | (values[col] < -_TOL) | (values[col] > 1 + _TOL)
        if bad.any():
            row = U.index[bad.to_numpy()][0]
            raise InputError(
                f"U column {col!r}, row {row!r}: a number in [0, 1] is needed; {U.loc[row, col]!r} was given instead"
            )
    return values.astype(float).clip(0.0, 1.0)


def _check_alpha(alpha, columns) -> np.ndarray:
    n = len(columns)
    if alpha is None:
        return np.full(n, 1.0 / n)
    if isinstance(alpha, dict):
        missing = [c for c in columns if c not in alpha]
        if missing:
            raise ConfigError(f"alpha needs a weight for every subsystem; missing for {', '.join(map(str, missing))}")
        alpha = [alpha[c] for c in columns]
    a = np.asarray(alpha, dtype=float).reshape(-1)
    if a.size != n or (a < 0).any() or abs(a.sum() - 1.0) > 1e-9:
        raise ConfigError(
            f"alpha needs {n} weights >= 0 summing to 1 (one per subsystem); {list(np.round(a, 6))} was given instead"
        )
    return a


def coupling_coordination(
    U: pd.DataFrame,
    model: str = "standard",
    alpha=None,
    grades="d10",
    c_stages="c4",
    relative: RelativeRule | None = None,
    names: dict | None = None,
) -> CouplingResult:
    """Coupling degree C, coordination index T, coordination degree D and their grades.

    Parameters
    ----------
    U : DataFrame
        One column per subsystem, values in [0, 1], any index.
    model : {"standard", "wang", "fan"}
    alpha : sequence or dict, optional
        Subsystem weights for T (>= 0, summing to 1); default equal.
    grades, c_stages : str or GradeTable
        Grade tables for D and C (names of shipped tables or paths to JSON files).
    relative : RelativeRule, optional
        Rule for the relative development type (two subsystems only); default ratio 0.8/1.2.
    names : dict, optional
        Column -> (name_zh, name_en) used in the type labels; default the column names.

    Returns
    -------
    CouplingResult
        ``.to_frame()`` has C, T, D, D_grade (1 = lowest), D_grade_zh, D_grade_en,
        C_stage_zh, C_stage_en and, for two subsystems, E, E_type (lagging, synchronous,
        ahead), E_type_zh, E_type_en, label_zh and label_en (grade-type), indexed like U.
    """
    values = _check_U(U)
    a = _check_alpha(alpha, list(U.columns))
    u = values.to_numpy()
    c = coupling_degree(u, model)
    t = u @ a
    d = np.sqrt(c * t)
    dt: GradeTable = load_grades(grades)
    ct: GradeTable = load_grades(c_stages)
    dg, cg = dt.classify(d), ct.classify(c)
    out = pd.DataFrame(
        {
            "C": c,
            "T": t,
            "D": d,
            "D_grade": dg.code,
            "D_grade_zh": dg.zh,
            "D_grade_en": dg.en,
            "C_stage_zh": cg.zh,
            "C_stage_en": cg.en,
        },
        index=U.index,
    )
    rule_text = None
    if u.shape[1] == 2:
        rule = relative or RelativeRule()
        rule_text = rule.describe()
        first = U.columns[0]
        zh, en = (names or {}).get(first, (str(first), str(first)))
        labels = type_labels(zh, en)
        with np.errstate(all="ignore"):
            e = u[:, 0] / u[:, 1]
        kind = rule.classify(u[:, 0], u[:, 1])
        out["E"] = e
        out["E_type"] = [TYPE_KEYS[k] for k in kind]
        out["E_type_zh"] = [labels[k][0] for k in kind]
        out["E_type_en"] = [labels[k][1] for k in kind]
        out["label_zh"] = [f"{g}-{x}" for g, x in zip(dg.zh, out["E_type_zh"])]
        out["label_en"] = [f"{g}, {x}" for g, x in zip(dg.en, out["E_type_en"])]
    return CouplingResult(out, model, tuple(float(x) for x in a), tuple(map(str, U.columns)), dt.id, ct.id, rule_text)
