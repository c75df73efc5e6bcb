"""Indicator systems and derived-indicator expressions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geocouple.errors import ConfigError, InputError
from geocouple.system import IndicatorSystem

IDX = pd.MultiIndex.from_product([[140100, 140200], [2003, 2016]], names=["adcode", "year"])
DATA = pd.DataFrame(
    {
        "loans": [10.0, 20, 30, 40],
        "pop": [2.0, 4, 5, 8],
        "y1": [1.0, 1, 2, 2],
        "y2": [5.0, 4, 4, 3],
        "y3": [4.0, 5, 4, 5],
    },
    index=IDX,
)


def system(derived, columns=("x",)):
    return IndicatorSystem.from_dict({"derived": derived, "subsystems": [{"key": "s", "indicators": list(columns)}]})


def test_derived_arithmetic_functions_and_chains():
    s = system({"lpc": "loans / pop * 100", "ts": "ts(y2, y3)", "h": "hierarchy(y1, y2, y3)", "x": "log(lpc) - 1"})
    out = s.derive(DATA)
    np.testing.assert_allclose(out["lpc"], [500, 500, 600, 500])
    np.testing.assert_allclose(out["ts"], [0.8, 1.25, 1.0, 5 / 3])
    np.testing.assert_allclose(out["x"], np.log([500, 500, 600, 500]) - 1)
    assert s.raw_columns() == ["loans", "pop", "y2", "y3", "y1"]


def test_chain_declared_out_of_order():
    s = system({"x": "lpc * 2", "lpc": "loans / pop"})
    np.testing.assert_allclose(s.derive(DATA)["x"], [10, 10, 12, 10])


def test_division_by_zero_names_rows():
    data = DATA.assign(pop=[2.0, 0, 5, 8])
    where = {k: f"line {i + 2} (id {k[0]}, year {k[1]})" for i, k in enumerate(IDX)}.get
    with pytest.raises(InputError, match=r"division by zero \(pop is 0\) at line 3 \(id 140100, year 2016\)"):
        system({"x": "loans / pop"}).derive(data, where)


def test_structure_domain_error_names_column():
    with pytest.raises(InputError, match=r"ts\(\) needs a positive secondary-sector value; column 'y2' fails"):
        system({"x": "ts(y2, y3)"}).derive(DATA.assign(y2=[5.0, 0, 4, 3]))


@pytest.mark.parametrize(
    "expr,pattern",
    [
        ("loans / ", "cannot parse"),
        ("__import__('os')", "unknown function '__import__'"),
        ("loans.sum()", "unknown function"),
        ("thiel(y1, y2, y1, y2)", "did you mean 'theil'"),
        ("'text'", "only numbers and column names"),
        ("[loans]", "List is not allowed"),
        ("loans if pop else 1", "IfExp is not allowed"),
    ],
)
def test_expressions_are_vetted(expr, pattern):
    with pytest.raises(ConfigError, match=pattern):
        system({"x": expr})


def test_cycles_and_unknown_columns():
    with pytest.raises(ConfigError, match="cycle: x -> y -> x"):
        system({"x": "y + 1", "y": "x + 1"}).raw_columns()
    with pytest.raises(InputError, match=r"column\(s\) nope not in the panel"):
        system({"x": "nope + 1"}).derive(DATA)


def test_subsystem_validation():
    with pytest.raises(ConfigError, match="fixed weights need to be given for every indicator or none"):
        IndicatorSystem.from_dict({"subsystems": [{"key": "s", "indicators": [{"column": "a", "weight": 1.0}, "b"]}]})
    with pytest.raises(ConfigError, match=r"sum to 1; they sum to 0\.9"):
        IndicatorSystem.from_dict(
            {
                "subsystems": [
                    {"key": "s", "indicators": [{"column": "a", "weight": 0.5}, {"column": "b", "weight": 0.4}]}
                ]
            }
        )
    with pytest.raises(ConfigError, match="direction needs to be"):
        IndicatorSystem.from_dict({"subsystems": [{"key": "s", "indicators": [{"column": "a", "direction": "up"}]}]})
    with pytest.raises(ConfigError, match="unique"):
        IndicatorSystem.from_dict(
            {"subsystems": [{"key": "s", "indicators": ["a"]}, {"key": "s", "indicators": ["b"]}]}
        )
    s = IndicatorSystem.from_dict(
        {"subsystems": [{"key": "s", "indicators": [{"column": "a", "direction": "negative"}]}]}
    )
    assert s.subsystems[0].indicators[0].direction == "-"


def test_without_drops_dependants():
    s = IndicatorSystem.from_dict(
        {"derived": {"lpc": "loans / pop", "z": "lpc + 1"}, "subsystems": [{"key": "s", "indicators": ["z", "y1"]}]}
    )
    t = s.without(["pop"])
    assert t.derived == () and t.subsystems[0].columns == ["y1"]
    with pytest.raises(InputError, match="no indicator would remain"):
        s.without(["pop", "y1"])
