"""Spatial graphs on libpysal.graph: queen, rook, knn:K, distance:D (km), kernel[:D].

Contiguity works on the geometry as it is (no CRS needed); distance-based graphs use
centroids in the layer's projected CRS (see :func:`geocouple.boundaries.projected_crs`),
so ``distance:50`` means 50 km. Weights are row-standardised by default (``transform="b"``
for binary). An isolate (a unit without neighbours) is an error with an actionable
message; several connected components give a warning.

Example
-------
>>> import geocouple
>>> g = geocouple.build_graph(geocouple.load_boundaries(), "queen")
>>> g
SpatialGraph(queen, r, 11 units, 38 links, k 2-5, 1 component)
>>> int(g.cardinalities[141100])
4
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ConfigError, GeocoupleWarning, InputError, listing

_SPEC = re.compile(r"^(queen|rook|knn:(?P<k>\d+)|distance:(?P<d>[0-9.]+)|kernel(:(?P<bw>[0-9.]+))?)$")
TRANSFORMS = ("r", "b")


def parse_spec(spec: str) -> tuple[str, float | None]:
    """``"knn:4"`` -> ("knn", 4.0); raise ConfigError for anything else."""
    m = _SPEC.match(str(spec).strip().lower())
    if not m:
        raise ConfigError(
            f"weights needs to be queen, rook, knn:K, distance:D (km) or kernel[:D]; {spec!r} was given instead"
        )
    kind = m.group(1).split(":")[0]
    value = m.group("k") or m.group("d") or m.group("bw")
    if kind == "knn" and int(value) < 1:
        raise ConfigError(f"knn needs K >= 1; {spec!r} was given instead")
    return kind, float(value) if value else None


@dataclass(frozen=True)
class SpatialGraph:
    """Weights between units, aligned to ``ids``; ``weights`` is the transformed sparse matrix."""

    ids: pd.Index
    weights: sparse.csr_matrix = field(repr=False)
    spec: str = "queen"
    transform: str = "r"
    components: int = 1

    def __repr__(self) -> str:
        k = self.cardinalities
        comp = f"{self.components} component" + ("s" if self.components != 1 else "")
        return f"SpatialGraph({self.spec}, {self.transform}, {self.n} units, {self.weights.nnz} links, k {k.min()}-{k.max()}, {comp})"

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def cardinalities(self) -> pd.Series:
        """Neighbour count k of every unit."""
        return pd.Series(np.diff(self.weights.indptr), index=self.ids, name="k")

    @property
    def s0(self) -> float:
        return float(self.weights.sum())

    def neighbours(self, uid) -> list:
        i = self.ids.get_loc(uid)
        row = self.weights.indices[self.weights.indptr[i] : self.weights.indptr[i + 1]]
        return list(self.ids[row])

    def lag(self, values: np.ndarray) -> np.ndarray:
        """Spatial lag W @ values for an (n,) or (n, m) array."""
        return self.weights @ values

    def summary(self) -> dict:
        k = self.cardinalities
        return {
            "weights": self.spec,
            "transform": self.transform,
            "n": self.n,
            "links": int(self.weights.nnz),
            "k_min": int(k.min()),
            "k_mean": round(float(k.mean()), 3),
            "k_max": int(k.max()),
            "components": self.components,
        }

    def with_transform(self, transform: str) -> SpatialGraph:
        """The same neighbours with another transform ("r" or "b")."""
        binary = self.weights.copy()
        binary.data[:] = 1.0
        return SpatialGraph(self.ids, _transform(binary, transform), self.spec, transform, self.components)


def _transform(w: sparse.csr_matrix, transform: str) -> sparse.csr_matrix:
    if transform not in TRANSFORMS:
        raise ConfigError(
            f"transform needs to be 'r' (row-standardised) or 'b' (binary); {transform!r} was given instead"
        )
    w = sparse.csr_matrix(w, dtype=float)
    if transform == "r":
        rows = np.asarray(w.sum(axis=1)).ravel()
        rows[rows == 0] = 1.0
        w = sparse.diags(1.0 / rows) @ w
    return sparse.csr_matrix(w)


def _points(gdf):
    from ..boundaries import project

    projected = project(gdf)
    unit = projected.crs.axis_info[0].unit_name if projected.crs.axis_info else "metre"
    if unit not in ("metre", "meter"):
        raise InputError(
            f"{gdf.attrs.get('source', 'boundaries')}: distances need a CRS in metres; the layer's unit is {unit}"
        )
    return projected.centroid


def _libpysal_graph(gdf, kind: str, value: float | None):
    from libpysal import graph

    if kind in ("queen", "rook"):
        return graph.Graph.build_contiguity(gdf.geometry, rook=kind == "rook", strict=False)
    points = _points(gdf)
    if kind == "knn":
        if value >= len(gdf):
            raise ConfigError(f"knn:{int(value)} needs more than {int(value)} units; the layer has {len(gdf)}")
        return graph.Graph.build_knn(points, k=int(value))
    if kind == "distance":
        return graph.Graph.build_distance_band(points, threshold=value * 1000.0, binary=True)
    bandwidth = value * 1000.0 if value else None
    return graph.Graph.build_kernel(points, kernel="gaussian", bandwidth=bandwidth)


def build_graph(gdf, spec: str = "queen", transform: str = "r", allow_isolates: bool = False) -> SpatialGraph:
    """Build a spatial graph of the polygons of ``gdf`` (indexed by unit id).

    Parameters
    ----------
    gdf : GeoDataFrame
    spec : {"queen", "rook", "knn:K", "distance:D", "kernel", "kernel:D"}
        D in kilometres (centroid distances in the projected CRS).
    transform : {"r", "b"}
        Row-standardised (default) or binary weights.
    allow_isolates : bool
        Keep units without neighbours (their local statistics get p = 1) instead of
        raising.
    """
    kind, value = parse_spec(spec)
    if gdf.index.has_duplicates:
        raise InputError(
            f"unit ids need to be unique to build a graph; duplicated: {listing(gdf.index[gdf.index.duplicated()].unique())}"
        )
    lp = _libpysal_graph(gdf, kind, value)
    matrix = lp.sparse.tocsr()
    order = pd.Index(lp.unique_ids)
    if not order.equals(gdf.index):
        pos = order.get_indexer(gdf.index)
        matrix = matrix[pos][:, pos]
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    ids = pd.Index(gdf.index)
    k = np.diff(matrix.indptr)
    if (k == 0).any():
        isolated = listing(ids[k == 0])
        message = (
            f"weights {spec!r} leave unit(s) {isolated} without neighbours (islands); local statistics are "
            f"undefined there: use knn:K or distance:D weights, or remove those units"
        )
        if not allow_isolates:
            raise InputError(message)
        warnings.warn(message, GeocoupleWarning, stacklevel=2)
    n_comp, labels = sparse.csgraph.connected_components(matrix, directed=False)
    if n_comp > 1:
        groups = [listing(ids[labels == c], 5) for c in range(n_comp)]
        warnings.warn(
            f"weights {spec!r} split the units into {n_comp} disconnected groups ({' | '.join(groups)}); "
            f"spatial lags do not cross between them",
            GeocoupleWarning,
            stacklevel=2,
        )
    return SpatialGraph(ids, _transform(matrix, transform), str(spec).lower(), transform, int(n_comp))


def from_matrix(ids, matrix, spec: str = "custom", transform: str = "r") -> SpatialGraph:
    """A graph from an (n, n) weights matrix (dense or sparse) aligned to ``ids``."""
    matrix = sparse.csr_matrix(matrix, dtype=float)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    n_comp, _ = sparse.csgraph.connected_components(matrix, directed=False)
    return SpatialGraph(pd.Index(ids), _transform(matrix, transform), spec, transform, int(n_comp))
