"""geocouple: coupling coordination, spatial statistics and maps for regional indicator panels.

The public API is re-exported here. ``import geocouple`` loads NumPy and pandas only;
geopandas and matplotlib are imported by the functions that need them.

Example
-------
>>> import pandas as pd, geocouple
>>> U = pd.DataFrame({"u1": [0.3, 0.8], "u2": [0.3, 0.4]})
>>> geocouple.coupling_coordination(U).to_frame()["C"].round(3).tolist()
[1.0, 0.943]
"""

__version__ = "0.1.0"

from .boundaries import attach, load_boundaries, match_ids, normalize_name
from .composite import CompositeResult, composite_indices
from .config import Config, load_config
from .coupling import CouplingResult, RelativeRule, coupling_coordination, coupling_degree
from .errors import ConfigError, GeocoupleError, GeocoupleWarning, InputError, OutputError
from .grades import GradeTable, available_grades, load_grades
from .normalize import Shift, minmax
from .panel import Panel, read_panel
from .pipeline import RunResult, run
from .spatial import (
    SpatialGraph,
    bivariate_moran,
    build_graph,
    differential_moran,
    geary,
    getis_ord,
    local_bivariate_moran,
    local_differential_moran,
    local_g,
    local_moran,
    moran,
)
from .structure import deviation, hierarchy, rationalization_score, theil, ts, vector_angle
from .system import Indicator, IndicatorSystem, Subsystem
from .weighting import WEIGHTINGS, compute_weights

__all__ = [
    "WEIGHTINGS",
    "CompositeResult",
    "Config",
    "ConfigError",
    "CouplingResult",
    "GeocoupleError",
    "GeocoupleWarning",
    "GradeTable",
    "Indicator",
    "IndicatorSystem",
    "InputError",
    "OutputError",
    "Panel",
    "RelativeRule",
    "RunResult",
    "Shift",
    "SpatialGraph",
    "Subsystem",
    "__version__",
    "attach",
    "available_grades",
    "bivariate_moran",
    "build_graph",
    "composite_indices",
    "compute_weights",
    "coupling_coordination",
    "coupling_degree",
    "deviation",
    "differential_moran",
    "geary",
    "getis_ord",
    "hierarchy",
    "load_boundaries",
    "load_config",
    "load_grades",
    "local_bivariate_moran",
    "local_differential_moran",
    "local_g",
    "local_moran",
    "match_ids",
    "minmax",
    "moran",
    "normalize_name",
    "rationalization_score",
    "read_panel",
    "run",
    "theil",
    "ts",
    "vector_angle",
]
