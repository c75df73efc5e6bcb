"""Global and local spatial statistics with esda's conventions and geocouple's inference.

Global: :func:`moran` (analytical moments under normality and randomisation, Cliff & Ord
1981, and permutation inference), :func:`geary`, :func:`getis_ord` (G, binary weights),
:func:`bivariate_moran` (x with the lag of y), :func:`differential_moran` (change).
Local: :func:`local_moran` (LISA, quadrants HH/LH/LL/HL), :func:`local_bivariate_moran`,
:func:`local_differential_moran`, :func:`local_g` (Gi, Gi*).

Values follow esda: local Moran I_i = (n - 1) z_i (W z)_i / sum z^2 (spdep's I_i is
n / (n - 1) times this); bivariate statistics standardise as esda does; quadrant codes
1 HH, 2 LH, 3 LL, 4 HL (PySAL's scheme), exported as text. Inference differs from esda on
purpose: two-sided by default, exact where feasible, one seed per call (see
:mod:`geocouple.spatial.inference`).

``data`` is a Series or a DataFrame indexed by the graph's ids (any order); several
columns (years, variables) share one set of random draws, and results come back shaped
like ``data``.

Example
-------
>>> import geocouple, numpy as np, pandas as pd
>>> g = geocouple.build_graph(geocouple.load_boundaries(), "queen")
>>> y = pd.Series(np.arange(11.0), index=g.ids)
>>> res = geocouple.local_moran(y, g, permutations="exact")
>>> res.method.unique().tolist(), round(float(res.p_min.min()), 4)
(['exact'], 0.0079)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, listing
from .graph import SpatialGraph, _transform
from .inference import (
    EXACT_MAX,
    GlobalDraws,
    check_alternative,
    combine,
    global_test,
    local_test,
    p_normal,
    tails,
)

QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
CUTOFFS = (0.1, 0.05, 0.01)


def _align(data, graph: SpatialGraph, name: str = "data"):
    """(n, m) float array in graph order, the column labels, and whether data was a Series."""
    series = isinstance(data, pd.Series)
    frame = data.to_frame(name=data.name if data.name is not None else "value") if series else data
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{name} needs to be a pandas Series or DataFrame indexed by unit id; {type(data).__name__} was given"
        )
    missing = graph.ids.difference(frame.index)
    extra = frame.index.difference(graph.ids)
    if len(missing) or len(extra):
        parts = []
        if len(missing):
            parts.append(f"units of the graph without data: {listing(missing)}")
        if len(extra):
            parts.append(f"data ids not in the graph: {listing(extra)}")
        raise InputError(f"{name} is not aligned with the graph: {'; '.join(parts)}")
    frame = frame.loc[graph.ids]
    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InputError(
            f"{name}: column {frame.columns[j]!r}, unit {graph.ids[i]}: a finite number is needed; {frame.iat[i, j]!r} was given"
        )
    return values, list(frame.columns), series


def _z(values: np.ndarray, ddof: int = 0) -> np.ndarray:
    z = values - values.mean(axis=0)
    sd = values.std(axis=0, ddof=ddof)
    sd[sd == 0] = 1.0
    return z / sd


# ============================================================================ global


@dataclass(frozen=True)
class GlobalResult:
    """A global statistic per column, its analytical and permutation inference, and its parameters."""

    statistic: str
    columns: tuple
    value: np.ndarray
    expected: np.ndarray
    var_norm: np.ndarray | None
    var_rand: np.ndarray | None
    alternative: str
    draws: GlobalDraws = field(repr=False)
    seed: int | None = None
    weights: str = ""
    transform: str = ""
    n: int = 0

    def __repr__(self) -> str:
        vals = ", ".join(f"{c}={v:.4f}" for c, v in zip(self.columns, self.value))
        return f"GlobalResult({self.statistic}: {vals}; {self.method}, {self.alternative}, weights={self.weights})"

    @property
    def method(self) -> str:
        return "exact" if self.draws.exact else f"monte carlo ({self.draws.permutations} permutations)"

    def _z(self, var):
        if var is None:
            return np.full(len(self.columns), np.nan)
        with np.errstate(all="ignore"):
            return (self.value - self.expected) / np.sqrt(var)

    @property
    def z_norm(self):
        return self._z(self.var_norm)

    @property
    def z_rand(self):
        return self._z(self.var_rand)

    @property
    def p_norm(self):
        return p_normal(self.z_norm, self.alternative) if self.var_norm is not None else self.z_norm

    @property
    def p_rand(self):
        return p_normal(self.z_rand, self.alternative) if self.var_rand is not None else self.z_rand

    @property
    def p_sim(self):
        return combine(self.draws.p_ge, self.draws.p_le, self.alternative)

    @property
    def z_sim(self):
        with np.errstate(all="ignore"):
            return (self.value - self.draws.sim_mean) / self.draws.sim_sd

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "statistic": self.statistic,
                "value": self.value,
                "expected": self.expected,
                "z_norm": self.z_norm,
                "p_norm": self.p_norm,
                "z_rand": self.z_rand,
                "p_rand": self.p_rand,
                "z_sim": self.z_sim,
                "p_sim": self.p_sim,
                "inference": self.method,
                "n_configs": float(self.draws.n_configs),
                "alternative": self.alternative,
                "seed": self.seed,
                "weights": self.weights,
                "transform": self.transform,
                "n": self.n,
            },
            index=pd.Index(self.columns, name="column"),
        )

    def to_dict(self, column=None) -> dict:
        """One column's result as a JSON-ready dict (contract 4 of ARCHITECTURE.md)."""
        pos = 0 if column is None else self.columns.index(column)
        row = self.to_frame().iloc[pos]
        name = {"moran": "I", "bivariate_moran": "I", "differential_moran": "I", "geary": "C", "getis_ord": "G"}[
            self.statistic
        ]
        out = {
            "statistic": self.statistic,
            "column": str(self.columns[pos]),
            "n": self.n,
            name: float(row["value"]),
            f"expected_{name}": float(row["expected"]),
        }
        for key in ("z_norm", "p_norm", "z_rand", "p_rand", "z_sim", "p_sim"):
            out[key] = None if pd.isna(row[key]) else float(row[key])
        out.update(
            permutations="exact" if self.draws.exact else self.draws.permutations,
            n_configs=int(self.draws.n_configs),
            seed=self.seed,
            alternative=self.alternative,
            weights=self.weights,
            transform=self.transform,
        )
        return out


def _moments(w):
    n = w.shape[0]
    s0 = w.sum()
    wt = w + w.T
    s1 = 0.5 * wt.multiply(wt).sum()
    s2 = float(((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2).sum())
    return n, float(s0), float(s1), s2


def _moran_variances(w, z):
    n, s0, s1, s2 = _moments(w)
    ei = -1.0 / (n - 1)
    var_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    b2 = n * (z**4).sum(axis=0) / ((z**2).sum(axis=0) ** 2)
    num = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) - b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    var_rand = num / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    return ei, np.full(z.shape[1], var_norm), var_rand


def _quadratic(w, a_perm, b_perm):
    """sum_i a_p[i] (W b_p)[i] for stacks a_perm, b_perm of shape (P, n, m)."""
    p, n, m = b_perm.shape
    lag = w @ b_perm.transpose(1, 0, 2).reshape(n, p * m)
    return (a_perm.transpose(1, 0, 2).reshape(n, p * m) * lag).sum(axis=0).reshape(p, m)


def moran(
    data, graph: SpatialGraph, permutations=999, seed=0, alternative="two-sided", exact_max=EXACT_MAX
) -> GlobalResult:
    """Global Moran's I = (n / S0) z'Wz / z'z with normal, randomisation and permutation inference."""
    check_alternative(alternative)
    x, cols, _ = _align(data, graph)
    w = graph.weights
    n, s0 = graph.n, graph.s0
    z = x - x.mean(axis=0)
    den = (z**2).sum(axis=0)
    den[den == 0] = np.inf

    def stat(perms):
        zp = z[perms]
        return (n / s0) * _quadratic(w, zp, zp) / den

    value = (n / s0) * (z * (w @ z)).sum(axis=0) / den
    ei, vn, vr = _moran_variances(w, z)
    draws = global_test(stat, value, n, permutations, seed, exact_max)
    return GlobalResult(
        "moran",
        tuple(cols),
        value,
        np.full(len(cols), ei),
        vn,
        vr,
        alternative,
        draws,
        seed,
        graph.spec,
        graph.transform,
        n,
    )


def differential_moran(before, after, graph: SpatialGraph, **kwargs) -> GlobalResult:
    """Moran's I of the change ``after - before`` (Series or DataFrames with matching columns)."""
    change = _difference(before, after)
    res = moran(change, graph, **kwargs)
    return _rename(res, "differential_moran")


def _difference(before, after):
    if isinstance(before, pd.DataFrame) and isinstance(after, pd.DataFrame):
        if list(before.columns) != list(after.columns):
            raise InputError("differential statistics need the same columns before and after")
        return after - before.reindex(after.index)
    return after - before.reindex(after.index)


def _rename(res, name):
    from dataclasses import replace

    return replace(res, statistic=name)


def geary(
    data, graph: SpatialGraph, permutations=999, seed=0, alternative="two-sided", exact_max=EXACT_MAX
) -> GlobalResult:
    """Geary's C = (n - 1) sum w_ij (x_i - x_j)^2 / (2 S0 sum z^2); E[C] = 1, C < 1 is positive autocorrelation."""
    check_alternative(alternative)
    x, cols, _ = _align(data, graph)
    w = graph.weights
    n, s0, s1, s2 = _moments(w)
    z = x - x.mean(axis=0)
    den = 2 * s0 * (z**2).sum(axis=0) / (n - 1)
    den[den == 0] = np.inf
    rows = np.asarray(w.sum(axis=1)).ravel()
    cols_sum = np.asarray(w.sum(axis=0)).ravel()

    def numer(zp):  # sum_ij w_ij (z_i - z_j)^2 for (P, n, m)
        sq = zp**2
        return np.einsum("pnm,n->pm", sq, rows) + np.einsum("pnm,n->pm", sq, cols_sum) - 2 * _quadratic(w, zp, zp)

    value = numer(z[None])[0] / den
    draws = global_test(lambda perms: numer(z[perms]) / den, value, n, permutations, seed, exact_max)
    k = n * (z**4).sum(axis=0) / ((z**2).sum(axis=0) ** 2)
    var_norm = ((2 * s1 + s2) * (n - 1) - 4 * s0 * s0) / (2 * (n + 1) * s0 * s0)
    var_rand = (
        (n - 1) * s1 * (n * n - 3 * n + 3 - (n - 1) * k)
        - 0.25 * (n - 1) * s2 * (n * n + 3 * n - 6 - (n * n - n + 2) * k)
        + s0 * s0 * (n * n - 3 - (n - 1) ** 2 * k)
    ) / (n * (n - 2) * (n - 3) * s0 * s0)
    return GlobalResult(
        "geary",
        tuple(cols),
        value,
        np.ones(len(cols)),
        np.full(len(cols), var_norm),
        var_rand,
        alternative,
        draws,
        seed,
        graph.spec,
        graph.transform,
        n,
    )


def getis_ord(
    data, graph: SpatialGraph, permutations=999, seed=0, alternative="two-sided", exact_max=EXACT_MAX
) -> GlobalResult:
    """Global G = sum_{i!=j} w_ij x_i x_j / sum_{i!=j} x_i x_j on binary weights (x >= 0)."""
    check_alternative(alternative)
    x, cols, _ = _align(data, graph)
    if (x < 0).any():
        raise InputError("Getis-Ord G needs values >= 0")
    w = graph.with_transform("b").weights
    n, s0, s1, s2 = _moments(w)
    den = x.sum(axis=0) ** 2 - (x**2).sum(axis=0)
    den[den == 0] = np.inf
    value = _quadratic(w, x[None], x[None])[0] / den
    draws = global_test(lambda perms: _quadratic(w, x[perms], x[perms]) / den, value, n, permutations, seed, exact_max)
    eg = s0 / (n * (n - 1))
    m1, m2, m3, m4 = (x.sum(axis=0), (x**2).sum(axis=0), (x**3).sum(axis=0), (x**4).sum(axis=0))
    b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0
    b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0 * s0)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0 * s0
    b4 = s1 - s2 + s0 * s0
    eg2 = (b0 * m2**2 + b1 * m4 + b2 * m1**2 * m2 + b3 * m1 * m3 + b4 * m1**4) / (
        (m1**2 - m2) ** 2 * n * (n - 1) * (n - 2) * (n - 3)
    )
    return GlobalResult(
        "getis_ord",
        tuple(cols),
        value,
        np.full(len(cols), eg),
        eg2 - eg * eg,
        None,
        alternative,
        draws,
        seed,
        graph.spec,
        "b",
        n,
    )


def bivariate_moran(
    x, y, graph: SpatialGraph, permutations=999, seed=0, alternative="two-sided", exact_max=EXACT_MAX
) -> GlobalResult:
    """Bivariate Moran I_xy = (n / S0) z_x' W z_y / (n - 1), z standardised with ddof 1 (esda's Moran_BV).

    Inference permutes y. ``x`` and ``y`` are Series, or DataFrames with the same columns.
    """
    check_alternative(alternative)
    xv, cols, _ = _align(x, graph, "x")
    yv, ycols, _ = _align(y, graph, "y")
    if len(cols) != len(ycols):
        raise InputError(f"x and y need the same number of columns; {len(cols)} and {len(ycols)} were given")
    w = graph.weights
    n, s0 = graph.n, graph.s0
    zx, zy = _z(xv, ddof=1), _z(yv, ddof=1)
    scale = (n / s0) / (n - 1)
    value = scale * (zx * (w @ zy)).sum(axis=0)
    draws = global_test(
        lambda perms: scale * _quadratic(w, np.broadcast_to(zx, (len(perms), *zx.shape)), zy[perms]),
        value,
        n,
        permutations,
        seed,
        exact_max,
    )
    return GlobalResult(
        "bivariate_moran",
        tuple(cols),
        value,
        np.full(len(cols), -1.0 / (n - 1)),
        None,
        None,
        alternative,
        draws,
        seed,
        graph.spec,
        graph.transform,
        n,
    )


# ============================================================================ local


@dataclass(frozen=True)
class LocalResult:
    """A local statistic per unit and column with its inference and parameters."""

    statistic: str
    stat: pd.DataFrame
    lag: pd.DataFrame
    quadrant: pd.DataFrame | None
    p_sim_frame: pd.DataFrame
    z_sim_frame: pd.DataFrame
    z_norm: pd.DataFrame | None
    k: pd.Series
    p_min: pd.Series
    method: pd.Series
    permutations: int | str
    seed: int | None
    alternative: str
    weights: str
    transform: str
    series: bool = False

    def __repr__(self) -> str:
        exact = int((self.method == "exact").sum())
        return (
            f"LocalResult({self.statistic}: {len(self.stat)} units x {self.stat.shape[1]} columns, "
            f"{exact} exact / {len(self.method) - exact} monte carlo, {self.alternative}, weights={self.weights})"
        )

    def _shape(self, frame: pd.DataFrame):
        return frame.iloc[:, 0].rename(self.stat.columns[0]) if self.series else frame

    @property
    def Is(self):
        return self._shape(self.stat)

    @property
    def p_sim(self):
        return self._shape(self.p_sim_frame)

    @property
    def z_sim(self):
        return self._shape(self.z_sim_frame)

    @property
    def q(self):
        """Quadrant labels HH/LH/LL/HL (None for Getis-Ord)."""
        return None if self.quadrant is None else self._shape(self.quadrant)

    @property
    def p_fdr(self):
        """Benjamini-Hochberg adjusted p-values (per column, across units)."""
        from scipy import stats as sps

        adj = self.p_sim_frame.apply(
            lambda col: pd.Series(sps.false_discovery_control(col.to_numpy(), method="bh"), index=col.index)
        )
        return self._shape(adj)

    @property
    def p_bonf(self):
        return self._shape(np.minimum(1.0, self.p_sim_frame * len(self.stat)))

    def clusters(self, alpha: float = 0.05, adjust: str | None = None):
        """Labels at ``alpha``: the quadrant (or hot/cold spot) where significant, else "ns".

        ``adjust`` None (raw p_sim), "fdr" (Benjamini-Hochberg) or "bonferroni".
        """
        p = {None: self.p_sim_frame, "fdr": self.p_fdr, "bonferroni": self.p_bonf}[adjust]
        p = p.to_frame() if isinstance(p, pd.Series) else p
        labels = (
            self.quadrant
            if self.quadrant is not None
            else self.z_sim_frame.apply(lambda c: np.where(c > 0, "hot", "cold"))
        )
        return self._shape(labels.where(p.to_numpy() <= alpha, "ns"))

    def to_frame(self, cutoffs=CUTOFFS) -> pd.DataFrame:
        """Long table: one row per unit and column with every quantity (contract 5 names)."""
        frames = []
        for col in self.stat.columns:
            part = pd.DataFrame(
                {
                    "column": col,
                    "Ii" if self.statistic != "local_g" else "Gi": self.stat[col],
                    "lag": self.lag[col],
                    "z_sim": self.z_sim_frame[col],
                    "p_sim": self.p_sim_frame[col],
                    "p_fdr": (self.p_fdr.to_frame() if self.series else self.p_fdr)[col],
                    "p_bonf": (self.p_bonf.to_frame() if self.series else self.p_bonf)[col],
                    "k": self.k,
                    "p_min": self.p_min,
                    "inference": self.method,
                }
            )
            if self.quadrant is not None:
                part.insert(3, "quadrant", self.quadrant[col])
            if self.z_norm is not None:
                part.insert(3, "z_norm", self.z_norm[col])
            for a in cutoffs:
                lab = self.clusters(a)
                part[f"cluster_{a:g}"] = (lab.to_frame() if self.series else lab)[col]
            frames.append(part)
        out = pd.concat(frames)
        out.index.name = self.stat.index.name or "id"
        return out


def _quadrant_labels(z_self: np.ndarray, lag: np.ndarray) -> np.ndarray:
    zp, lp = z_self > 0, lag > 0
    codes = 1 * (zp & lp) + 2 * (~zp & lp) + 3 * (~zp & ~lp) + 4 * (zp & ~lp)
    return np.vectorize(QUADRANTS.get)(codes)


def _local(
    name,
    graph,
    stat,
    lag,
    slope,
    draws_values,
    obs_lag,
    quadrant,
    permutations,
    seed,
    alternative,
    exact_max,
    cols,
    series,
    z_norm=None,
    weights=None,
):
    weights = graph.weights if weights is None else weights
    draws = local_test(draws_values, obs_lag, weights, permutations, seed, exact_max)
    p_ge, p_le = tails(draws, slope)
    p = combine(p_ge, p_le, alternative)
    with np.errstate(all="ignore"):
        z_sim = np.where(draws.lag_var > 0, (obs_lag - draws.lag_mean) / np.sqrt(draws.lag_var), 0.0) * np.sign(slope)
    index = graph.ids

    def frame(a):
        return pd.DataFrame(a, index=index, columns=cols)

    k = graph.cardinalities
    return LocalResult(
        statistic=name,
        stat=frame(stat),
        lag=frame(lag),
        quadrant=None if quadrant is None else frame(quadrant),
        p_sim_frame=frame(p),
        z_sim_frame=frame(z_sim),
        z_norm=None if z_norm is None else frame(z_norm),
        k=k,
        p_min=pd.Series(draws.p_min(alternative), index=index, name="p_min"),
        method=pd.Series(np.where(draws.exact, "exact", "monte carlo"), index=index, name="inference"),
        permutations=permutations,
        seed=seed,
        alternative=alternative,
        weights=graph.spec,
        transform=graph.transform,
        series=series,
    )


def local_moran(
    data, graph: SpatialGraph, permutations=999, seed=0, alternative="two-sided", exact_max=EXACT_MAX
) -> LocalResult:
    """Local Moran I_i = (n - 1) z_i (W z)_i / sum z^2 (esda's convention) with quadrants.

    Parameters
    ----------
    data : Series or DataFrame
        Indexed by unit id; several columns share the random draws.
    graph : SpatialGraph
    permutations : int or "exact"
        Monte Carlo draws for units with more than ``exact_max`` configurations; "exact"
        enumerates every unit.
    seed : int
    alternative : {"two-sided", "greater", "less"}
    exact_max : int
        Units with at most this many neighbour configurations are enumerated exactly
        (0: Monte Carlo everywhere, as esda does).
    """
    check_alternative(alternative)
    x, cols, series = _align(data, graph)
    n = graph.n
    z = x - x.mean(axis=0)
    den = (z**2).sum(axis=0)
    den[den == 0] = np.inf
    lag = graph.lag(z)
    slope = (n - 1) * z / den
    return _local(
        "local_moran",
        graph,
        slope * lag,
        lag,
        slope,
        z,
        lag,
        _quadrant_labels(z, lag),
        permutations,
        seed,
        alternative,
        exact_max,
        cols,
        series,
    )


def local_differential_moran(before, after, graph: SpatialGraph, **kwargs) -> LocalResult:
    """Local Moran of the change ``after - before``."""
    res = local_moran(_difference(before, after), graph, **kwargs)
    return _rename(res, "local_differential_moran")


def local_bivariate_moran(
    x, y, graph: SpatialGraph, permutations=999, seed=0, alternative="two-sided", exact_max=EXACT_MAX
) -> LocalResult:
    """Bivariate LISA I_i = (n - 1) zx_i (W zy)_i / sum zx^2 (esda's Moran_Local_BV; z with ddof 0).

    Quadrants use the sign of zx_i and of the lag of zy; inference draws y around each unit.
    """
    check_alternative(alternative)
    xv, cols, series = _align(x, graph, "x")
    yv, _, _ = _align(y, graph, "y")
    n = graph.n
    zx, zy = _z(xv), _z(yv)
    lag = graph.lag(zy)
    slope = (n - 1) * zx / (zx**2).sum(axis=0)
    return _local(
        "local_bivariate_moran",
        graph,
        slope * lag,
        lag,
        slope,
        zy,
        lag,
        _quadrant_labels(zx, lag),
        permutations,
        seed,
        alternative,
        exact_max,
        cols,
        series,
    )


def local_g(
    data,
    graph: SpatialGraph,
    star: bool = True,
    transform: str = "b",
    permutations=999,
    seed=0,
    alternative="two-sided",
    exact_max=EXACT_MAX,
) -> LocalResult:
    """Getis-Ord G_i (``star=False``) or G_i* (default) with Ord & Getis (1995) z-scores.

    G_i = sum_{j!=i} w_ij x_j / sum_{j!=i} x_j; G_i* includes j = i with w_ii = 1 before the
    transform (esda's G_Local). ``z_norm`` is the analytical z (reproduces esda's Zs);
    ``clusters`` labels significant units "hot" or "cold".
    """
    check_alternative(alternative)
    x, cols, series = _align(data, graph)
    if (x < 0).any():
        raise InputError("Getis-Ord G_i needs values >= 0")
    n = graph.n
    binary = graph.with_transform("b").weights
    full = binary.toarray() + (np.eye(n) if star else 0.0)
    full = _transform(np.asarray(full), transform).toarray()
    self_w = np.diag(full).copy()
    off = full.copy()
    np.fill_diagonal(off, 0.0)
    off_sparse = _transform(off, "b")
    total = x.sum(axis=0)
    denom = np.broadcast_to(total, x.shape) if star else total - x
    lag = off_sparse @ x
    stat = (self_w[:, None] * x + lag) / denom
    z_norm = _g_z(x, full, star)
    slope = 1.0 / denom
    return _local(
        "local_g",
        graph,
        stat,
        lag,
        slope,
        x,
        lag,
        None,
        permutations,
        seed,
        alternative,
        exact_max,
        cols,
        series,
        z_norm=z_norm,
        weights=off_sparse,
    )


def _g_z(x: np.ndarray, w: np.ndarray, star: bool) -> np.ndarray:
    """Analytical z of G_i under randomisation (Getis & Ord 1992; esda's G_Local.Zs).

    E[G_i] = W_i / N and Var[G_i] = W_i (N - W_i) / ((N - 1) N^2) * s^2 / xbar^2, with
    N, xbar and s^2 over the other units (G_i) or all units (G_i*), W_i the row sum of
    the (transformed) weights; for binary weights this is the Ord & Getis (1995) z.
    """
    drop = 0.0 if star else 1.0
    big_n = x.shape[0] - drop
    mean = (x.sum(axis=0) - drop * x) / big_n
    var = ((x**2).sum(axis=0) - drop * x**2) / big_n - mean**2
    card = w.sum(axis=1)[:, None]
    stat = (w @ x) / (x.sum(axis=0) - drop * x)
    expected = card / big_n
    variance = card * (big_n - card) / (big_n - 1) / big_n**2 * var / mean**2
    with np.errstate(all="ignore"):
        return (stat - expected) / np.sqrt(variance)
