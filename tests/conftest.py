"""Shared test helpers and fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "shanxi"
REAL_PANEL = SHARED / "shanxi_panel_2003_2016.csv"


def assert_result(result, expected, index=None, rtol=1e-7, atol=0.0):
    """Check value, type and index of a Series or DataFrame result in one line."""
    assert isinstance(result, type(expected)), f"{type(result)} is not {type(expected)}"
    if index is not None:
        pd.testing.assert_index_equal(result.index, index)
    if isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(result, expected, rtol=rtol, atol=atol, check_names=False)
    else:
        pd.testing.assert_frame_equal(result, expected, rtol=rtol, atol=atol)


@pytest.fixture
def real_panel_path():
    if not REAL_PANEL.exists():
        pytest.skip("the real Shanxi panel (../shared/data/shanxi) is not available here")
    return REAL_PANEL


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
