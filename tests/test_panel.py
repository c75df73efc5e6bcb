"""Panel input: formats, encodings, layouts and the errors users meet."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from conftest import write_csv

import geocouple
from geocouple.errors import GeocoupleWarning, InputError

LONG = "adcode,name_zh,year,gdp,pop\n140100,太原市,2003,515.7,339.8\n140100,太原市,2016,2955.6,485.2\n140200,大同市,2003,251.5,307.4\n140200,大同市,2016,1025.8,318.3\n"


def test_long_utf8_and_labels(tmp_path):
    p = geocouple.read_panel(write_csv(tmp_path / "p.csv", LONG))
    assert p.ids == [140100, 140200] and p.years == [2003, 2016]
    assert list(p.data.columns) == ["gdp", "pop"]
    assert p.labels.loc[140100, "name_zh"] == "太原市"
    assert p.source.encoding == "utf-8" and len(p.source.sha256) == 64
    assert p.where((140200, 2016)) == "line 5 (id 140200, year 2016)"


@pytest.mark.parametrize("encoding,detected", [("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_chinese_encodings_detected(tmp_path, encoding, detected):
    p = geocouple.read_panel(write_csv(tmp_path / "p.csv", LONG, encoding))
    assert p.source.encoding == detected
    assert p.labels.loc[140200, "name_zh"] == "大同市"
    assert p.data.loc[(140100, 2016), "gdp"] == 2955.6


def test_explicit_wrong_encoding_is_reported(tmp_path):
    path = write_csv(tmp_path / "p.csv", LONG, "gbk")
    with pytest.raises(InputError, match="cannot decode the file as 'utf-8'"):
        geocouple.read_panel(path, encoding="utf-8")


def test_xlsx_and_parquet(tmp_path):
    frame = pd.read_csv(io.StringIO(LONG))
    frame.to_excel(tmp_path / "p.xlsx", index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    for name in ("p.xlsx", "p.parquet"):
        p = geocouple.read_panel(tmp_path / name)
        assert p.data.loc[(140200, 2003), "gdp"] == 251.5
        assert p.labels.loc[140100, "name_zh"] == "太原市"
    bad = frame.astype(object)
    bad.loc[2, "gdp"] = "n.a"
    bad.to_excel(tmp_path / "bad.xlsx", index=False)
    with pytest.raises(InputError, match=r"bad.xlsx: row 4, column 'gdp': a number is needed; 'n.a' was given"):
        geocouple.read_panel(tmp_path / "bad.xlsx")


def test_wide_layout(tmp_path):
    text = "adcode,name_zh,gdp_2003,gdp_2016,pop_2003,pop_2016\n140100,太原市,515.7,2955.6,339.8,485.2\n"
    p = geocouple.read_panel(write_csv(tmp_path / "w.csv", text))
    assert p.source.layout == "wide" and p.years == [2003, 2016]
    assert p.data.loc[(140100, 2016), "pop"] == 485.2


def test_city_names_as_ids_and_year_with_suffix(tmp_path):
    text = "city,year,gdp\n太原市,2003年,1\n太原市,2016年,2\n"
    p = geocouple.read_panel(write_csv(tmp_path / "n.csv", text), id="city")
    assert p.ids == ["太原市"] and p.years == [2003, 2016]


@pytest.mark.parametrize(
    "text,kwargs,pattern",
    [
        ("code,year,gdp\n1,2003,1\n", {}, r"id column 'adcode' not found; did you mean 'code'"),
        ("adcode,yr,gdp\n1,2003,1\n", {}, r"year column 'year' not found"),
        (
            "adcode,year,gdp\n1,2003,1\n1,2003,2\n",
            {},
            r"duplicate \(id, year\) rows: line 2 \(id 1, year 2003\), line 3",
        ),
        (
            "adcode,year,gdp\n1,2003,1\n1,2016,abc\n",
            {},
            r"line 3, column 'gdp': a number is needed; 'abc' was given instead",
        ),
        ("adcode,year,gdp\n1,03,1\n", {}, r"line 2, column 'year': a four-digit year is needed; '03' was given"),
        ("adcode,year,gdp\n,2003,1\n", {}, r"line 2: the id column 'adcode' is empty"),
        ("adcode,year,gdp\n", {}, r"header but no data rows"),
        ("adcode,year,gdp\n1,2003,1\n", {"columns": ["gpd"]}, r"indicator column 'gpd' not found; did you mean 'gdp'"),
        ("adcode,year,gdp\n1,2003,1\n", {"years": [2016]}, r"year\(s\) 2016 requested but not in the panel"),
    ],
)
def test_errors_name_file_row_column(tmp_path, text, kwargs, pattern):
    path = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(InputError, match=pattern) as info:
        geocouple.read_panel(path, **kwargs)
    assert "bad.csv" in str(info.value) or "requested" in str(info.value)
    assert "\n" not in str(info.value)


def test_empty_and_absent_files(tmp_path):
    with pytest.raises(InputError, match="the file is empty"):
        geocouple.read_panel(write_csv(tmp_path / "e.csv", ""))
    with pytest.raises(InputError, match="panel file not found"):
        geocouple.read_panel(tmp_path / "nope.csv")


def test_thousands_separators_and_missing_tokens(tmp_path):
    text = 'adcode,year,gdp\n1,2003,"1,234.5"\n1,2004,—\n1,2005,2000\n'
    p = geocouple.read_panel(write_csv(tmp_path / "t.csv", text), missing="interpolate")
    assert p.data["gdp"].tolist() == [1234.5, pytest.approx(1617.25), 2000.0]


MISSING = "adcode,year,a,b\n1,2003,,5\n1,2004,2,6\n1,2005,4,\n2,2003,1,1\n2,2004,,2\n2,2005,3,3\n"


def test_missing_error_lists_cells(tmp_path):
    with pytest.raises(
        InputError,
        match=r"3 missing value\(s\): line 2 \(id 1, year 2003\) column 'a', line 4 \(id 1, year 2005\) column 'b', line 6 \(id 2, year 2004\) column 'a'",
    ):
        geocouple.read_panel(write_csv(tmp_path / "m.csv", MISSING))


def test_missing_drop_indicator(tmp_path):
    text = MISSING.replace("1,2003,,5", "1,2003,1,5").replace("2,2004,,2", "2,2004,2,2")
    with pytest.warns(GeocoupleWarning, match="dropped indicator"):
        p = geocouple.read_panel(write_csv(tmp_path / "m.csv", text), missing="drop_indicator")
    assert list(p.data.columns) == ["a"] and p.source.dropped_indicators == ("b",)


def test_missing_interpolate_inside_and_ends(tmp_path):
    path = write_csv(tmp_path / "m.csv", MISSING)
    with pytest.raises(InputError, match=r"column 'a', id 1: year\(s\) 2003 are missing at the start or end"):
        geocouple.read_panel(path, missing="interpolate")
    p = geocouple.read_panel(path, missing="interpolate", missing_ends="nearest")
    assert p.data.loc[(2, 2004), "a"] == 2.0  # linear between 1 and 3
    assert p.data.loc[(1, 2003), "a"] == 2.0  # nearest observed
    assert p.data.loc[(1, 2005), "b"] == 6.0
    methods = {(c["id"], c["year"], c["column"]): c["method"] for c in p.source.filled}
    assert methods == {(1, 2003, "a"): "nearest", (2, 2004, "a"): "linear", (1, 2005, "b"): "nearest"}
    assert not np.isnan(p.data.to_numpy()).any()


def test_input_file_is_not_modified(tmp_path):
    path = write_csv(tmp_path / "m.csv", MISSING)
    before = path.read_bytes()
    geocouple.read_panel(path, missing="interpolate", missing_ends="nearest")
    assert path.read_bytes() == before
