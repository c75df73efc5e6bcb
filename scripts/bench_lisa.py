"""Benchmark: geocouple's local Moran engine against a loop of esda's Moran_Local, same run.

Measures, on a 55 x 55 queen lattice (3,025 units), 20 columns and 999 permutations:

1. geocouple.local_moran on all 20 columns at once (Monte Carlo everywhere, exact_max=0,
   as esda does) against a loop of esda.Moran_Local over the columns, after esda's warm-up
   call (numba compilation excluded); prints both times, the ratio and max |Is difference|;
2. the first call in a fresh process (import + graph + local Moran of the 11 Shanxi
   cities), for geocouple and for esda (which compiles its numba kernels in every new
   process);
3. peak memory of one local Moran on 100,000 units x 999 permutations (goal < 2 GB).

Needs esda (and numba for esda's fast path): pip install esda numba
Run: python scripts/bench_lisa.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from scipy import sparse

ROWS = COLS = 55
N_COLUMNS = 20
PERMUTATIONS = 999


def queen_lattice(rows: int, cols: int) -> sparse.csr_matrix:
    """Binary queen adjacency of a rows x cols lattice, built directly in sparse form."""
    idx = np.arange(rows * cols).reshape(rows, cols)
    pairs = []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        r0, r1 = max(0, -dr), rows - max(0, dr)
        c0, c1 = max(0, -dc), cols - max(0, dc)
        a = idx[r0:r1, c0:c1]
        b = idx[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
        pairs.append(np.column_stack([a.ravel(), b.ravel()]))
    p = np.vstack(pairs)
    n = rows * cols
    m = sparse.coo_matrix((np.ones(len(p)), (p[:, 0], p[:, 1])), shape=(n, n))
    return (m + m.T).tocsr()


def bench_speed(quick: bool) -> dict:
    import esda
    from libpysal.weights import WSP

    from geocouple.spatial import local_moran
    from geocouple.spatial.graph import from_matrix

    rows = 25 if quick else ROWS
    adj = queen_lattice(rows, rows)
    n = adj.shape[0]
    graph = from_matrix(range(n), adj, "queen-lattice", "r")
    w = WSP(adj).to_W(silence_warnings=True)
    w.transform = "r"
    rng = np.random.default_rng(42)
    data = pd.DataFrame(rng.normal(size=(n, N_COLUMNS)), columns=[f"y{i}" for i in range(N_COLUMNS)])

    esda.Moran_Local(data["y0"].to_numpy(), w, permutations=PERMUTATIONS, seed=1)  # warm-up: numba compiles here
    start = time.perf_counter()
    ref = [esda.Moran_Local(data[c].to_numpy(), w, permutations=PERMUTATIONS, seed=1) for c in data.columns]
    t_esda = time.perf_counter() - start

    local_moran(data.iloc[:, :1], graph, permutations=PERMUTATIONS, seed=1, exact_max=0)  # same courtesy
    start = time.perf_counter()
    ours = local_moran(data, graph, permutations=PERMUTATIONS, seed=1, exact_max=0)
    t_ours = time.perf_counter() - start

    diff = max(float(np.abs(ours.Is[c].to_numpy() - r.Is).max()) for c, r in zip(data.columns, ref))
    # two-sided geocouple p against esda's folded one-sided p doubled: equal up to Monte Carlo error
    p_gap = max(
        float(np.abs(ours.p_sim[c].to_numpy() - np.minimum(1, 2 * r.p_sim)).mean()) for c, r in zip(data.columns, ref)
    )
    return {"units": n, "columns": N_COLUMNS, "permutations": PERMUTATIONS, "esda_s": t_esda, "geocouple_s": t_ours,
            "ratio": t_esda / t_ours, "max_abs_Is_diff": diff, "mean_abs_p_gap": p_gap}  # fmt: skip


COLD = {
    "geocouple": (
        "import time; t = time.perf_counter(); import geocouple, pandas as pd, numpy as np; "
        "g = geocouple.build_graph(geocouple.load_boundaries(), 'queen'); "
        "r = geocouple.local_moran(pd.Series(np.arange(11.0), index=g.ids), g, permutations=999, seed=0); "
        "print(time.perf_counter() - t)"
    ),
    "esda": (
        "import time; t = time.perf_counter(); import geocouple, esda, numpy as np; "
        "from libpysal.weights import Queen; w = Queen.from_dataframe(geocouple.load_boundaries(), use_index=True); "
        "w.transform = 'r'; r = esda.Moran_Local(np.arange(11.0), w, permutations=999, seed=0); "
        "print(time.perf_counter() - t)"
    ),
}


def bench_cold() -> dict:
    out = {}
    for name, code in COLD.items():
        proc = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True)
        out[f"{name}_first_call_s"] = float(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else None
    return out


MEMORY = """
import time, tracemalloc, numpy as np, pandas as pd, sys
from pathlib import Path
sys.path.insert(0, {scripts!r})
from bench_lisa import queen_lattice
from geocouple.spatial import local_moran
from geocouple.spatial.graph import from_matrix

def hwm_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024

side = {side}
adj = queen_lattice(side, side)
g = from_matrix(range(adj.shape[0]), adj, "queen-lattice", "r")
y = pd.Series(np.random.default_rng(0).normal(size=adj.shape[0]))
Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS mark (it starts at the parent's after fork)
before = hwm_mb()
tracemalloc.start()
t = time.perf_counter()
r = local_moran(y, g, permutations=999, seed=0, exact_max=0)
seconds = time.perf_counter() - t
traced = tracemalloc.get_traced_memory()[1] / 2**20
print(adj.shape[0], seconds, before, hwm_mb(), traced)
"""


def bench_memory(quick: bool) -> dict:
    from pathlib import Path

    side = 100 if quick else 317  # 317 x 317 = 100,489 units
    code = MEMORY.format(scripts=str(Path(__file__).resolve().parent), side=side)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"memory_error": proc.stderr.strip().splitlines()[-1]}
    n, seconds, before, peak, traced = proc.stdout.split()
    return {
        "memory_units": int(n),
        "memory_seconds": float(seconds),
        "rss_before_mb": float(before),
        "peak_rss_mb": float(peak),
        "peak_traced_alloc_mb": float(traced),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args()
    try:
        import numba  # noqa: F401

        numba_note = "esda uses numba"
    except ImportError:
        numba_note = "numba is NOT installed: esda falls back to slow pure Python"
    result = {"note": numba_note, **bench_speed(args.quick), **bench_cold(), **bench_memory(args.quick)}
    print(json.dumps(result, indent=2))
    print(
        f"\nlocal Moran, {result['units']} units x {result['columns']} columns x {result['permutations']} permutations:"
        f"\n  esda loop (warm) {result['esda_s']:.2f} s, geocouple {result['geocouple_s']:.2f} s -> "
        f"{result['ratio']:.1f}x faster (goal >= 3x); max |Is diff| {result['max_abs_Is_diff']:.1e}"
        f"\n  first call in a fresh process: geocouple {result['geocouple_first_call_s']} s, esda {result['esda_first_call_s']} s"
        f"\n  peak memory, {result.get('memory_units')} units x 999 permutations: process {result.get('peak_rss_mb'):.0f} MB "
        f"(allocated by the call {result.get('peak_traced_alloc_mb'):.0f} MB; goal < 2048), {result.get('memory_seconds'):.1f} s"
    )


if __name__ == "__main__":
    main()
