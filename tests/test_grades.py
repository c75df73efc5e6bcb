"""Grade tables: shipped tables, closure conventions, points, user tables."""

from __future__ import annotations

import json

import pytest

from geocouple.errors import ConfigError, InputError
from geocouple.grades import available_grades, load_grades


def test_shipped_tables():
    assert {"d10", "c4", "esp2021", "scirep2024", "scirep2024_c", "xu2020"} <= set(available_grades())
    for name in available_grades():
        t = load_grades(name)
        assert t.lower[0] == 0 and t.upper[-1] == 1 and t.source


def test_left_open_closure_d10():
    t = load_grades("d10")
    r = t.classify([0.0, 0.1, 0.1000001, 0.2, 0.95, 1.0])
    assert r.code == [1, 1, 2, 2, 10, 10]
    assert r.zh[0] == "极度失调" and r.en[3] == "serious imbalance"


def test_left_closed_closure_and_points():
    t = load_grades("scirep2024")
    assert t.classify([0.2, 0.19999, 1.0]).en == [
        "moderate dysregulation",
        "severe dysregulation",
        "advanced coordination",
    ]
    c = load_grades("scirep2024_c")
    assert c.classify([0.0, 0.05, 1.0, 0.8]).en == ["independence", "start", "symbiosis", "maturation"]


def test_out_of_range_is_an_error():
    with pytest.raises(InputError, match=r"covers D in \[0, 1\]; 1.2 was given"):
        load_grades("d10").classify([1.2])


def test_user_table_file(tmp_path):
    spec = {
        "id": "mine",
        "variable": "D",
        "closure": "left-closed",
        "classes": [
            {"lower": 0, "upper": 0.5, "zh": "低", "en": "low"},
            {"lower": 0.5, "upper": 1, "zh": "高", "en": "high"},
        ],
    }
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    assert load_grades(str(path)).classify([0.5, 0.2]).zh == ["高", "低"]
    spec["classes"][1]["lower"] = 0.6
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(InputError, match="class 2 needs to start where class 1 ends"):
        load_grades(str(path))


def test_unknown_name_suggests():
    with pytest.raises(ConfigError, match="did you mean 'd10'"):
        load_grades("d1O")
