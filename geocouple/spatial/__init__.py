"""Spatial graphs, global and local statistics, and one inference engine for all of them.

Everything here works on pandas objects indexed by unit id and a :class:`SpatialGraph`
built by :func:`build_graph`. Inference is conditional (local) or total (global)
randomisation in vectorised NumPy, with exact enumeration of every configuration when
their number is small, Monte Carlo otherwise; one seed per call; two-sided by default.
"""

from .graph import SpatialGraph, build_graph
from .stats import (
    GlobalResult,
    LocalResult,
    bivariate_moran,
    differential_moran,
    geary,
    getis_ord,
    local_bivariate_moran,
    local_differential_moran,
    local_g,
    local_moran,
    moran,
)

__all__ = [
    "GlobalResult",
    "LocalResult",
    "SpatialGraph",
    "bivariate_moran",
    "build_graph",
    "differential_moran",
    "geary",
    "getis_ord",
    "local_bivariate_moran",
    "local_differential_moran",
    "local_g",
    "local_moran",
    "moran",
]
