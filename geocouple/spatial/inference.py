"""One randomisation engine for every statistic: exact enumeration or Monte Carlo, vectorised.

Local statistics (conditional randomisation). For unit i with k_i neighbours the value at i
is held fixed and the k_i neighbour slots receive values drawn without replacement from
the other n - 1 units. Every local statistic here is affine in the weighted lag of the
drawn values, ``stat_i = a_i + b_i * lag_i``, so the engine works on the lag and maps the
tail through the sign of b_i (b_i = 0 gives p = 1). With equal weights (row-standardised
contiguity or knn) a configuration is a set of k_i units, C(n - 1, k_i) of them; with
unequal weights an ordered tuple, (n - 1)! / (n - 1 - k_i)!. A unit whose number of
configurations is at most ``exact_max`` is enumerated exactly (no seed, no Monte Carlo
error); the others get ``permutations`` Monte Carlo draws, shared across units and across
all the columns of one call (so many years or variables cost one set of draws).

Global statistics (total randomisation) permute all n values; exact when n! <= exact_max.

p-values, observed included:

* exact: P(sim >= obs) and P(sim <= obs) over all configurations (the observed one is
  among them); Monte Carlo: (#{sim >= obs} + 1) / (M + 1) and likewise;
* ``greater`` / ``less`` take one of them, ``two-sided`` = min(1, 2 min(both)).

``p_min`` is the smallest p a unit can reach: 1 / (number of configurations) (and
1 / (M + 1) for Monte Carlo), doubled for two-sided tests, capped at 1.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtr

from ..errors import ConfigError

ALTERNATIVES = ("two-sided", "greater", "less")
EXACT_MAX = 10_000  # configurations enumerated exactly without being asked
EXACT_CAP = 5_000_000  # most configurations "exact" will enumerate for one unit
EXACT_CAP_GLOBAL = 50_000_000  # most permutations "exact" will enumerate for a global test (11! fits)
CHUNK_ELEMENTS = 4_000_000  # bound on the size of one gathered block (memory stays O(this))


def check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise ConfigError(
            f"alternative needs to be one of {', '.join(ALTERNATIVES)}; {alternative!r} was given instead"
        )
    return alternative


def check_permutations(permutations) -> int | str:
    if permutations == "exact":
        return "exact"
    if isinstance(permutations, str) and permutations.isdigit():
        permutations = int(permutations)
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise ConfigError(f"permutations needs to be a number >= 0 or 'exact'; {permutations!r} was given instead")
    return int(permutations)


def combine(p_ge, p_le, alternative: str):
    """Tail probabilities -> the p-value of ``alternative``."""
    if alternative == "greater":
        return np.minimum(1.0, p_ge)
    if alternative == "less":
        return np.minimum(1.0, p_le)
    return np.minimum(1.0, 2.0 * np.minimum(p_ge, p_le))


def p_normal(z, alternative: str):
    """p-value of a standard normal z for ``alternative``."""
    z = np.asarray(z, dtype=float)
    return combine(ndtr(-z), ndtr(z), alternative)  # upper and lower normal tails (scipy.special: light import)


def _tol(obs: np.ndarray) -> np.ndarray:
    # configurations that equal the observed one up to summation order must count as ties
    return 1e-10 * np.maximum(1.0, np.abs(obs))


class _Running:
    """Counts of simulated values at or beyond the observed ones, and their moments, over blocks."""

    def __init__(self, observed: np.ndarray) -> None:
        self.observed, self.tol = observed, _tol(observed)
        m = observed.shape[-1]
        self.n_ge, self.n_le, self.s1, self.s2, self.count = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m), 0

    def add(self, sims: np.ndarray) -> None:
        """``sims`` (block, m): one simulated value per configuration and column."""
        self.n_ge += (sims >= self.observed - self.tol).sum(axis=0)
        self.n_le += (sims <= self.observed + self.tol).sum(axis=0)
        self.s1 += sims.sum(axis=0)
        self.s2 += (sims**2).sum(axis=0)
        self.count += len(sims)

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and (population) variance of the simulated values."""
        mean = self.s1 / self.count
        return mean, np.maximum(self.s2 / self.count - mean**2, 0.0)


@lru_cache(maxsize=64)
def _configurations(pool: int, k: int, ordered: bool) -> np.ndarray:
    gen = itertools.permutations(range(pool), k) if ordered else itertools.combinations(range(pool), k)
    count = config_count(pool, k, ordered)
    return np.fromiter(itertools.chain.from_iterable(gen), dtype=np.int32, count=count * k).reshape(count, k)


def config_count(pool: int, k: int, ordered: bool) -> int:
    return math.perm(pool, k) if ordered else math.comb(pool, k)


@dataclass(frozen=True)
class LocalDraws:
    """Tail probabilities and moments of the lag for every unit (rows) and column."""

    p_ge: np.ndarray
    p_le: np.ndarray
    lag_mean: np.ndarray
    lag_var: np.ndarray
    n_configs: np.ndarray  # float: may exceed int64
    exact: np.ndarray  # bool per unit
    permutations: int

    def p_min(self, alternative: str) -> np.ndarray:
        floor = 1.0 / self.n_configs
        mc_floor = np.maximum(floor, 1.0 / (self.permutations + 1)) if self.permutations else floor
        single = np.where(self.exact, floor, mc_floor)
        return np.minimum(1.0, single * (2.0 if alternative == "two-sided" else 1.0))


def _neighbour_arrays(weights):
    """Padded neighbour weights (n, kmax) in CSR order, counts k and whether weights are equal."""
    k = np.diff(weights.indptr)
    kmax = int(k.max()) if len(k) else 0
    wpad = np.zeros((weights.shape[0], max(kmax, 1)))
    for i in range(weights.shape[0]):
        wpad[i, : k[i]] = weights.data[weights.indptr[i] : weights.indptr[i + 1]]
    row_max = wpad.max(axis=1)
    row_min = np.where(np.arange(wpad.shape[1]) < k[:, None], wpad, np.inf).min(axis=1)
    equal = np.isclose(row_min, row_max, rtol=1e-12, atol=0) | (k <= 1)
    return wpad, k, equal


def _draw(rng: np.random.Generator, m: int, pool: int, k: int) -> np.ndarray:
    """(m, k) indices in [0, pool), distinct within each row."""
    if k == 0:
        return np.zeros((m, 0), dtype=np.int64)
    if pool * m <= 20_000_000 or pool < 4 * k:
        return np.argsort(rng.random((m, pool)), axis=1)[:, :k]
    draws = rng.integers(0, pool, size=(m, k))
    while True:
        srt = np.sort(draws, axis=1)
        bad = (np.diff(srt, axis=1) == 0).any(axis=1)
        if not bad.any():
            return draws
        draws[bad] = rng.integers(0, pool, size=(int(bad.sum()), k))


def local_test(
    values: np.ndarray, obs_lag: np.ndarray, weights, permutations, seed, exact_max: int = EXACT_MAX
) -> LocalDraws:
    """Conditional randomisation of the lag of ``values`` (n, m) around each unit.

    ``obs_lag`` (n, m) is the observed lag W @ values; ``weights`` the CSR weight matrix.
    """
    permutations = check_permutations(permutations)
    n, m = values.shape
    wpad, k, equal = _neighbour_arrays(weights)
    counts = np.array([config_count(n - 1, int(ki), not eq) for ki, eq in zip(k, equal)], dtype=object)
    if permutations == "exact":
        too_many = [i for i, c in enumerate(counts) if c > EXACT_CAP]
        if too_many:
            raise ConfigError(
                f"exact enumeration needs at most {EXACT_CAP:,} configurations per unit; unit number {too_many[0]} has "
                f"{counts[too_many[0]]:,}: use Monte Carlo permutations"
            )
        exact = np.ones(n, dtype=bool)
        mc_draws = 0
    else:
        exact = np.array([c <= exact_max for c in counts]) if exact_max else np.zeros(n, dtype=bool)
        exact |= k == 0
        mc_draws = permutations
    ge = np.zeros((n, m))
    le = np.zeros((n, m))
    mean = np.zeros((n, m))
    var = np.zeros((n, m))
    for i in np.flatnonzero(exact):
        ge[i], le[i], mean[i], var[i] = _exact_unit(values, obs_lag[i], i, wpad[i, : k[i]], bool(equal[i]))
    todo = np.flatnonzero(~exact)
    if len(todo):
        if mc_draws == 0:
            raise ConfigError("permutations = 0 leaves units without inference; give permutations >= 1 or 'exact'")
        rng = np.random.default_rng(seed)
        draws = _draw(rng, mc_draws, n - 1, int(k[todo].max()))
        _monte_carlo(values, obs_lag, wpad, k, equal, todo, draws, ge, le, mean, var)
    return LocalDraws(
        ge, le, mean, var, np.array([float(c) for c in counts]), exact, 0 if permutations == "exact" else mc_draws
    )


def _exact_unit(values, obs, i, w, equal):
    others = np.delete(values, i, axis=0)
    if len(w) == 0:
        ones = np.ones(values.shape[1])
        return ones, ones, np.zeros(values.shape[1]), np.zeros(values.shape[1])
    run = _Running(obs)
    configs = _configurations(len(others), len(w), not equal)
    step = max(1, CHUNK_ELEMENTS // max(1, len(w) * values.shape[1]))
    for start in range(0, len(configs), step):
        block = configs[start : start + step]
        run.add(others[block].sum(axis=1) * w[0] if equal else np.einsum("ckm,k->cm", others[block], w))
    mean, var = run.moments()
    return run.n_ge / run.count, run.n_le / run.count, mean, var


class _Tally:
    """Running counts and moments of the simulated lags of some units."""

    def __init__(self, n_units: int, m: int) -> None:
        self.ge = np.zeros((n_units, m))
        self.le = np.zeros((n_units, m))
        self.s1 = np.zeros((n_units, m))
        self.s2 = np.zeros((n_units, m))

    def add(self, rows, lag: np.ndarray, obs: np.ndarray) -> None:
        """``lag`` (units, permutations, m) for the units at positions ``rows``."""
        obs = obs[:, None, :]
        tol = _tol(obs)
        hit = np.empty(lag.shape, dtype=bool)
        # einsum over an int8 view counts about twice as fast as count_nonzero along axis 1
        self.ge[rows] += np.einsum("cpm->cm", np.greater_equal(lag, obs - tol, out=hit).view(np.int8), dtype=np.int64)
        self.le[rows] += np.einsum("cpm->cm", np.less_equal(lag, obs + tol, out=hit).view(np.int8), dtype=np.int64)
        self.s1[rows] += np.einsum("cpm->cm", lag)
        self.s2[rows] += np.einsum("cpm,cpm->cm", lag, lag)


def _monte_carlo(values, obs_lag, wpad, k, equal, units, draws, ge, le, mean, var):
    """Monte Carlo tails for ``units``; the draws are shared by every unit and column.

    Unit i's slot j receives value index d + (d >= i) (skipping i itself) for the shared
    draw d. For a large group of equal-weight units with the same k the lag is computed
    for all of them at once: with D_j = v[d_j + 1] - v[d_j], lag_i / w_i =
    sum_{j<k} v[d_j + 1] - F_i, where F_i = sum_{j<k, d_j < i} D_j is a step function of i
    read from the sorted draws (one gather instead of k). Other units gather slot by slot.
    Memory stays at a few (units, permutation chunk, columns) blocks.
    """
    n, m = values.shape
    perms = draws.shape[0]
    tally = _Tally(len(units), m)
    position = {u: r for r, u in enumerate(units)}
    prefix_groups, gather_units = [], []
    for kk in np.unique(k[units]):
        members = units[(k[units] == kk) & equal[units]]
        if len(members) * kk > n:
            prefix_groups.append((int(kk), members))
            gather_units.extend(units[(k[units] == kk) & ~equal[units]])
        else:
            gather_units.extend(units[k[units] == kk])
    gather_units = np.array(sorted(gather_units, key=lambda u: k[u]), dtype=np.int64)
    chunk = max(1, CHUNK_ELEMENTS // max(1, n * m))
    for p0 in range(0, perms, chunk):
        d = draws[p0 : p0 + chunk]
        if prefix_groups:
            _prefix_lags(values, d, prefix_groups, wpad, obs_lag, tally, position)
        if len(gather_units):
            _gather_lags(values, d, gather_units, wpad, k, obs_lag, tally, position)
    rows = np.array([position[u] for u in units])
    ge[units] = (tally.ge[rows] + 1) / (perms + 1)
    le[units] = (tally.le[rows] + 1) / (perms + 1)
    mean[units] = tally.s1[rows] / perms
    var[units] = np.maximum(tally.s2[rows] / perms - mean[units] ** 2, 0.0)


def _prefix_lags(values, d, groups, wpad, obs_lag, tally, position):
    pc = d.shape[0]
    rows = np.arange(pc)[:, None]
    for kk, members in groups:
        dk = d[:, :kk]
        a = values[dk]  # (pc, kk, m)
        delta = values[dk + 1] - a
        base = (a + delta).sum(axis=1)  # sum_j v[d_j + 1]: every draw shifted
        order = np.argsort(dk, axis=1)
        d_sorted = dk[rows, order]
        steps = np.zeros((pc, kk + 1, values.shape[1]))
        steps[:, 1:] = np.cumsum(delta[rows, order], axis=1)
        # F_i = sum of delta_j over draws d_j < i: a step function of i per permutation
        below = np.zeros((len(members), pc), dtype=np.int64)
        for j in range(kk):
            below += d_sorted[None, :, j] < members[:, None]
        lag = base[None] - steps[np.arange(pc)[None, :], below]
        lag *= wpad[members, 0][:, None, None]
        tally.add([position[u] for u in members], lag, obs_lag[members])


def _gather_lags(values, d, units, wpad, k, obs_lag, tally, position):
    pc, m = d.shape[0], values.shape[1]
    step = max(1, CHUNK_ELEMENTS // max(1, pc * m))
    for start in range(0, len(units), step):
        block = units[start : start + step]
        lag = np.zeros((len(block), pc, m))
        for j in range(int(k[block].max())):
            dj = d[:, j]
            gathered = values[dj[None, :] + (dj[None, :] >= block[:, None])]
            gathered *= wpad[block, j][:, None, None]  # 0 beyond a unit's own k
            lag += gathered
        tally.add([position[u] for u in block], lag, obs_lag[block])


def tails(draws: LocalDraws, slope: np.ndarray):
    """P(stat >= obs), P(stat <= obs) for stat = a + slope * lag; slope 0 gives 1, 1."""
    up = slope > 0
    down = slope < 0
    p_ge = np.where(up, draws.p_ge, np.where(down, draws.p_le, 1.0))
    p_le = np.where(up, draws.p_le, np.where(down, draws.p_ge, 1.0))
    return p_ge, p_le


# ---------------------------------------------------------------------- global


def permutation_blocks(n: int, max_rows: int = 400_000):
    """Every permutation of range(n), in blocks of at most ``max(max_rows, (n - d)!)`` rows.

    A block fixes a prefix of d elements and appends the permutations of the rest,
    which are built once, so generation costs NumPy indexing rather than Python tuples.
    """
    d = 0
    while d < n and math.factorial(n - d) > max_rows:
        d += 1
    base = np.array(list(itertools.permutations(range(n - d))), dtype=np.int64).reshape(-1, n - d)
    for prefix in itertools.permutations(range(n), d):
        rest = np.array([i for i in range(n) if i not in prefix], dtype=np.int64)
        head = np.broadcast_to(np.array(prefix, dtype=np.int64), (len(base), d))
        yield np.hstack([head, rest[base]])


@dataclass(frozen=True)
class GlobalDraws:
    p_ge: np.ndarray
    p_le: np.ndarray
    sim_mean: np.ndarray
    sim_sd: np.ndarray
    n_configs: int
    exact: bool
    permutations: int


def global_test(statistic, observed: np.ndarray, n: int, permutations, seed, exact_max: int = EXACT_MAX) -> GlobalDraws:
    """Total randomisation: ``statistic(perms)`` maps (P, n) index arrays to (P, m) values."""
    permutations = check_permutations(permutations)
    total = math.factorial(n)
    exact = permutations == "exact" or (exact_max and total <= exact_max)
    if permutations == "exact" and total > EXACT_CAP_GLOBAL:
        raise ConfigError(
            f"exact enumeration of all {n}! = {total:,} permutations exceeds {EXACT_CAP_GLOBAL:,}; use Monte Carlo"
        )
    if not exact and permutations == 0:
        raise ConfigError("permutations = 0 gives no inference; give permutations >= 1 or 'exact'")
    m = observed.shape[0]
    run = _Running(observed)
    step = max(1, CHUNK_ELEMENTS // max(1, n * m))
    if exact:
        blocks = permutation_blocks(n, max_rows=max(step, 5040))
    else:
        rng = np.random.default_rng(seed)
        blocks = (
            np.argsort(rng.random((min(step, permutations - s), n)), axis=1) for s in range(0, permutations, step)
        )
    for block in blocks:
        run.add(statistic(block))
    mean, var = run.moments()
    if exact:  # the moments of the whole permutation distribution: z_sim equals z_rand for Moran's I
        return GlobalDraws(run.n_ge / run.count, run.n_le / run.count, mean, np.sqrt(var), total, True, 0)
    sd = np.sqrt(var * run.count / max(run.count - 1, 1))
    return GlobalDraws(
        (run.n_ge + 1) / (run.count + 1), (run.n_le + 1) / (run.count + 1), mean, sd, total, False, run.count
    )
