"""Regional zoning: presets, zone summaries, Theil decomposition and exact zoning tests.

Zonings map unit ids to zones: the presets ``shanxi-3`` (north = Datong, Shuozhou,
Xinzhou; middle = Taiyuan, Jinzhong, Yangquan, Lüliang; south = Changzhi, Jincheng,
Linfen, Yuncheng) and ``shanxi-4`` (south split into 晋南 Linfen, Yuncheng and 晋东南
Changzhi, Jincheng), a user mapping ``{zone: [ids or names]}`` or a column of the layer.

Inequality (METHODS.md 6.2): Theil T = (1/N) sum (y/ybar) ln(y/ybar), decomposed into
T_between = sum_g (Y_g/Y) ln((Y_g/Y)/(N_g/N)) and T_within = sum_g (Y_g/Y) T_g; Gini as a
descriptive companion.

The zoning test asks whether the zones explain more of the inequality than chance: its
statistic is the between-zone share T_between / T, and its p-value is the share of all
assignments of the units to zones of the same sizes whose between share is >= the
observed one (observed included): exact when there are at most ``exact_max`` assignments
(11!/(3! 4! 4!) = 11,550 for Shanxi's 3/4/4), Monte Carlo (k + 1)/(M + 1) otherwise.
Kruskal-Wallis is reported as a companion (its chi-square approximation is rough for
zones of 3 or 4 units).

Example
-------
>>> import numpy as np, pandas as pd
>>> from geocouple.zoning import theil_decomposition
>>> y = pd.Series([10, 10, 8, 8, 8, 8, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 2, 2.0])
>>> zones = pd.Series(["A"] * 2 + ["B"] * 10 + ["A"] * 6)
>>> round(theil_decomposition(y, zones).between, 8)
0.01127992
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .errors import ConfigError, InputError, listing

ZONE_LABELS = {
    "north": ("晋北", "north"),
    "middle": ("晋中", "middle"),
    "south": ("晋南", "south"),
    "southeast": ("晋东南", "southeast"),
}
PRESETS = {
    "shanxi-3": {
        "north": [140200, 140600, 140900],
        "middle": [140100, 140700, 140300, 141100],
        "south": [140400, 140500, 141000, 140800],
    },
    "shanxi-4": {
        "north": [140200, 140600, 140900],
        "middle": [140100, 140700, 140300, 141100],
        "south": [141000, 140800],
        "southeast": [140400, 140500],
    },
}
EXACT_MAX = 200_000


# ---------------------------------------------------------------------- zonings


def resolve_zoning(spec, units, boundaries=None, match: str = "auto") -> pd.Series:
    """Zone of every unit, as a Series indexed like ``units``.

    ``spec`` is a preset name, a field of ``boundaries`` or a mapping zone -> ids/names.
    Every unit needs exactly one zone; errors name the units.
    """
    units = pd.Index(units)
    if isinstance(spec, str) and spec in PRESETS:
        spec = PRESETS[spec]
    if isinstance(spec, str):
        if boundaries is None or spec not in boundaries.columns:
            options = [*PRESETS, *(list(boundaries.columns[:-1]) if boundaries is not None else [])]
            close = difflib.get_close_matches(spec, [str(o) for o in options], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"zones needs to be {', '.join(PRESETS)}, a field of the layer or a mapping; {spec!r} was given instead{hint}"
            )
        zones = boundaries[spec].reindex(units).astype(object)
        if zones.isna().any():
            raise InputError(f"zone field {spec!r} is empty for unit(s) {listing(zones.index[zones.isna()])}")
        return _ordered(zones, sorted(pd.unique(zones), key=str))
    if not isinstance(spec, dict) or not spec:
        raise ConfigError("zones needs to be a preset name, a field of the layer or a mapping {zone: [ids]}")
    lookup = (
        boundaries.loc[boundaries.index.intersection(units)] if boundaries is not None else pd.DataFrame(index=units)
    )
    assigned: dict = {}
    for zone, members in spec.items():
        for member, uid in _match_subset(list(members), lookup, match).items():
            if uid in assigned:
                raise InputError(f"unit {uid} ({member}) is in zone {assigned[uid]!r} and in zone {zone!r}")
            assigned[uid] = zone
    missing = [u for u in units if u not in assigned]
    if missing:
        raise InputError(f"zoning leaves unit(s) {listing(missing)} without a zone")
    return _ordered(pd.Series([assigned[u] for u in units], index=units), list(spec))


def _ordered(zones: pd.Series, order) -> pd.Series:
    """Zones as an ordered categorical (preset or mapping order), so tables list them that way."""
    return pd.Series(
        pd.Categorical(zones.to_numpy(), categories=list(order), ordered=True), index=zones.index, name="zone"
    )


def _match_subset(members, boundaries, match):
    """Match zone members (a subset of the units) by code or name, naming unmatched ones."""
    from .boundaries import _aliases, normalize_name

    index = set(boundaries.index)
    aliases = _aliases(boundaries) if match != "code" else {}
    out, bad = {}, []
    for m in members:
        if m in index:
            out[m] = m
            continue
        hits = aliases.get(normalize_name(m), set())
        if len(hits) == 1:
            out[m] = next(iter(hits))
        else:
            bad.append(m)
    if bad:
        raise InputError(f"zone member(s) {listing(bad)} not found among the units")
    return out


def zone_label(zone: str) -> tuple[str, str]:
    """(zh, en) label of a zone key; unknown keys label themselves."""
    return ZONE_LABELS.get(str(zone), (str(zone), str(zone)))


def zone_contiguity(zones: pd.Series, graph) -> dict:
    """Whether each zone is one contiguous piece under ``graph`` (e.g. queen)."""
    from scipy.sparse.csgraph import connected_components

    out = {}
    for zone in zones.cat.categories if isinstance(zones.dtype, pd.CategoricalDtype) else pd.unique(zones):
        pos = graph.ids.get_indexer(zones.index[zones == zone])
        sub = graph.weights[pos][:, pos]
        out[str(zone)] = bool(connected_components(sub, directed=False)[0] == 1)
    return out


# ---------------------------------------------------------------------- inequality


def theil(y) -> float:
    """Theil T of positive values (zero values contribute 0)."""
    v = np.asarray(y, dtype=float)
    _check_positive(v)
    share = v / v.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.where(share > 0, share * np.log(share * len(v)), 0.0).sum())


def _check_positive(v: np.ndarray) -> None:
    if (v < 0).any() or not np.isfinite(v).all() or v.sum() <= 0:
        raise InputError("Theil and Gini need finite values >= 0 with a positive total")


def gini(y, weights=None) -> float:
    """Gini coefficient; with ``weights`` (e.g. population) of per-unit values y."""
    v = np.asarray(y, dtype=float)
    _check_positive(v)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    mu = (w * v).sum() / w.sum()
    return float((w[:, None] * w[None, :] * np.abs(v[:, None] - v[None, :])).sum() / (2 * mu * w.sum() ** 2))


@dataclass(frozen=True)
class TheilDecomposition:
    total: float
    between: float
    within: float
    zones: pd.DataFrame  # per zone: n, share of Y, T_g, contribution (Y_g/Y) T_g, share of T

    def __repr__(self) -> str:
        return f"TheilDecomposition(T={self.total:.6f}, between={self.between:.6f} ({self.between_share:.1%}), within={self.within:.6f})"

    @property
    def between_share(self) -> float:
        return self.between / self.total if self.total > 0 else 0.0

    @property
    def within_share(self) -> float:
        return self.within / self.total if self.total > 0 else 0.0


def theil_decomposition(y: pd.Series, zones: pd.Series) -> TheilDecomposition:
    """Between- and within-zone parts of Theil T (zhjx19 ``theil0_g``)."""
    y = y.astype(float)
    _check_positive(y.to_numpy())
    zones = zones.reindex(y.index)
    total_y, n = y.sum(), len(y)
    rows = []
    for zone, part in y.groupby(zones, sort=True, observed=True):
        share = part.sum() / total_y
        t_g = theil(part)
        rows.append({"zone": zone, "n": len(part), "share_y": share, "theil": t_g, "within_part": share * t_g,
                     "between_part": share * math.log(share / (len(part) / n)) if share > 0 else 0.0})  # fmt: skip
    table = pd.DataFrame(rows).set_index("zone")
    total = theil(y)
    table["share_of_total"] = table["within_part"] / total if total > 0 else 0.0
    return TheilDecomposition(total, float(table["between_part"].sum()), float(table["within_part"].sum()), table)


# ---------------------------------------------------------------------- zoning test


@dataclass(frozen=True)
class ZoningTest:
    """The between-zone share of Theil T and how unusual it is among all zonings of the same sizes."""

    decomposition: TheilDecomposition
    p_value: float
    n_assignments: int
    method: str
    permutations: int
    seed: int | None
    kruskal_h: float
    kruskal_p: float
    gini: float
    null: np.ndarray = field(repr=False, default=None)

    def to_dict(self) -> dict:
        d = self.decomposition
        return {
            "theil": d.total,
            "theil_between": d.between,
            "theil_within": d.within,
            "between_share": d.between_share,
            "p_value": self.p_value,
            "n_assignments": self.n_assignments,
            "method": self.method,
            "permutations": self.permutations,
            "seed": self.seed,
            "kruskal_h": self.kruskal_h,
            "kruskal_p": self.kruskal_p,
            "gini": self.gini,
        }


def _assignments(sizes: list[int]):
    """Every assignment of len(sizes)-labelled groups of the given sizes, as (A, n) label arrays."""
    n = sum(sizes)

    def rec(remaining: tuple, g: int):
        if g == len(sizes) - 1:
            yield {i: g for i in remaining}
            return
        for chosen in itertools.combinations(remaining, sizes[g]):
            rest = tuple(i for i in remaining if i not in chosen)
            for tail in rec(rest, g + 1):
                yield {**{i: g for i in chosen}, **tail}

    for a in rec(tuple(range(n)), 0):
        yield [a[i] for i in range(n)]


def _between(values: np.ndarray, labels: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """T_between for each row of ``labels`` (A, n); values (n,)."""
    onehot = labels[:, :, None] == np.arange(len(sizes))[None, None, :]
    share = np.einsum("ang,n->ag", onehot, values) / values.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(share > 0, share * np.log(share / (sizes / sizes.sum())), 0.0)
    return terms.sum(axis=1)


def zoning_test(
    y: pd.Series, zones: pd.Series, permutations: int = 9999, seed=0, exact_max: int = EXACT_MAX
) -> ZoningTest:
    """Test whether ``zones`` explain inequality in ``y`` (see the module docstring)."""
    y = y.astype(float)
    zones = zones.reindex(y.index)
    dec = theil_decomposition(y, zones)
    codes, uniques = pd.factorize(zones)
    sizes = np.bincount(codes)
    total = math.factorial(len(y)) // math.prod(math.factorial(int(s)) for s in sizes)
    values = y.to_numpy()
    observed = dec.between
    tol = 1e-12 * max(1.0, abs(observed))
    if total <= exact_max:
        labels = np.array(list(_assignments(list(sizes))), dtype=np.int64)
        null = _between(values, labels, sizes)
        p = float(np.mean(null >= observed - tol))
        method, perms = "exact", 0
    else:
        if permutations < 1:
            raise ConfigError("zoning test: permutations needs to be >= 1 when exact enumeration is too large")
        rng = np.random.default_rng(seed)
        labels = np.array([rng.permutation(codes) for _ in range(permutations)])
        null = _between(values, labels, sizes)
        p = float((np.sum(null >= observed - tol) + 1) / (permutations + 1))
        method, perms = "monte carlo", permutations
    groups = [values[codes == g] for g in range(len(uniques))]
    if len(groups) > 1 and all(len(g) for g in groups) and np.ptp(values) > 0:
        h, kp = stats.kruskal(*groups)
    else:
        h, kp = float("nan"), float("nan")
    null_share = null / dec.total if dec.total > 0 else null
    return ZoningTest(dec, p, int(total), method, perms, seed, float(h), float(kp), gini(values), null_share)


# ---------------------------------------------------------------------- summaries


def literature_label(zone_grades: dict, lang: str = "en") -> str:
    """ "north–south moderate imbalance, middle extreme imbalance" from {zone: grade label}."""
    by_grade: dict = {}
    for zone, grade in zone_grades.items():
        by_grade.setdefault(grade, []).append(zone)
    parts = []
    for grade, zones in by_grade.items():
        if lang == "zh":
            parts.append("、".join(zone_label(z)[0] for z in zones) + grade)
        else:
            parts.append("–".join(zone_label(z)[1] for z in zones) + " " + grade)
    return ("，" if lang == "zh" else ", ").join(parts)


def zone_summary(values: pd.Series, zones: pd.Series, categories: pd.Series | None = None) -> pd.DataFrame:
    """Mean, min, max and n per zone, and the dominant category (e.g. D grade) if given."""
    frame = pd.DataFrame({"value": values.astype(float), "zone": zones.reindex(values.index)})
    grouped = frame.groupby("zone", sort=True, observed=True)
    out = grouped["value"].agg(["count", "mean", "min", "max"]).rename(columns={"count": "n"})
    if categories is not None:
        cat = categories.reindex(values.index)
        out["dominant"] = cat.groupby(frame["zone"], sort=True, observed=True).agg(lambda s: s.value_counts().index[0])
    out.index = out.index.astype(str)
    return out
