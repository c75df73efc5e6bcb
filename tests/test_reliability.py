"""A corpus of broken inputs: exit code 2, one line naming the culprit, no partial output, inputs untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import shapely

import geocouple
from geocouple.cli import main
from geocouple.config import load_config
from geocouple.templates import init_project

DEMO = load_config().data.path


@pytest.fixture
def project(tmp_path):
    """A valid project made by ``geocouple init`` and filled with the demo figures."""
    init_project(tmp_path / "p")
    demo = pd.read_csv(DEMO, comment="#")
    template = pd.read_csv(tmp_path / "p" / "data.csv", comment="#")
    filled = template[["adcode", "name_zh", "name_en", "year"]].merge(
        demo.drop(columns=["name_zh", "name_en"]), on=["adcode", "year"]
    )
    filled.to_csv(tmp_path / "p" / "data.csv", index=False)
    return tmp_path / "p"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_data(project: Path, func) -> None:
    frame = pd.read_csv(project / "data.csv", dtype=str, keep_default_na=False)
    func(frame).to_csv(project / "data.csv", index=False)


def write_layer(project: Path, gdf, name="units.gpkg") -> None:
    gdf.reset_index().to_file(project / name, engine="pyogrio")
    edit(project / "geocouple.toml", 'source = "shanxi"', f'source = "{name}"')
    edit(project / "geocouple.toml", 'id_field = ""', 'id_field = "adcode"')


def shanxi():
    return geocouple.load_boundaries()


def island(project):
    gdf = shanxi()
    gdf.loc[140800, "geometry"] = shapely.affinity.translate(gdf.loc[140800, "geometry"], 5, 0)
    write_layer(project, gdf)


def invalid_geometry(project):
    gdf = shanxi()
    gdf.loc[140800, "geometry"] = shapely.Polygon([(112, 35), (113, 35), (112.5, 35), (112, 35)])  # zero area
    write_layer(project, gdf)


def missing_crs_with_distance(project):
    gdf = shanxi().set_crs(None, allow_override=True)
    write_layer(project, gdf)
    edit(project / "geocouple.toml", 'weights = "queen"', 'weights = "distance:150"')


def duplicate_layer_ids(project):
    gdf = shanxi().reset_index()
    gdf.loc[1, "adcode"] = 140100
    gdf.to_file(project / "dup.gpkg", engine="pyogrio")
    edit(project / "geocouple.toml", 'source = "shanxi"', 'source = "dup.gpkg"')
    edit(project / "geocouple.toml", 'id_field = ""', 'id_field = "adcode"')


def two_row_header_excel(project):
    frame = pd.read_csv(project / "data.csv", dtype=str)
    units = pd.DataFrame([{c: ("年" if c == "year" else "单位") for c in frame.columns}])
    pd.concat([units, frame]).to_excel(project / "data.xlsx", index=False)
    edit(project / "geocouple.toml", 'path = "data.csv"', 'path = "data.xlsx"')


def gbk_declared_utf8(project):
    text = (project / "data.csv").read_text(encoding="utf-8")
    (project / "data.csv").write_bytes(text.encode("gbk"))
    edit(project / "geocouple.toml", 'encoding = "auto"', 'encoding = "utf-8"')


def constant_subsystem(project):
    edit_data(project, lambda f: f.assign(avg_wage="5000"))
    edit(project / "geocouple.toml", '{ column = "avg_wage", direction = "+" },\n', "")
    edit(project / "geocouple.toml", 'indicators = [{ column = "ts", direction = "+" }, { column = "hierarchy", direction = "+" }]',
         'indicators = [{ column = "avg_wage", direction = "+" }]')  # fmt: skip


CASES = {
    "missing id column": (lambda p: edit_data(p, lambda f: f.rename(columns={"adcode": "code"})), ["data.csv", "id column 'adcode' not found", "did you mean 'code'"]),
    "missing year column": (lambda p: edit_data(p, lambda f: f.rename(columns={"year": "yr"})), ["data.csv", "year column 'year' not found"]),
    "duplicate rows": (lambda p: edit_data(p, lambda f: pd.concat([f, f.iloc[[3]]])), ["data.csv", "duplicate (id, year) rows", "id 140200, year 2016"]),
    "text in numeric cell": (lambda p: edit_data(p, lambda f: f.assign(avg_wage=f["avg_wage"].where(f.index != 4, "n/a?"))), ["data.csv", "line 6", "column 'avg_wage'", "'n/a?'"]),
    "non-numeric year": (lambda p: edit_data(p, lambda f: f.assign(year=f["year"].where(f.index != 2, "2003-ish"))), ["data.csv", "line 4", "column 'year'"]),
    "unknown city": (lambda p: edit_data(p, lambda f: f.assign(adcode=f["adcode"].replace("140800", "140888"))), ["panel id(s) not in the layer", "140888", "140800 运城市"]),
    "missing year": (lambda p: edit(p / "geocouple.toml", "years = [2003, 2016]", "years = [2003, 2010]"), ["year(s) 2010 requested but not in the panel"]),
    "missing values, default policy": (lambda p: edit_data(p, lambda f: f.assign(loans=f["loans"].where(f.index != 0, ""))), ["data.csv", "1 missing value(s)", "line 2 (id 140100, year 2003) column 'loans'"]),
    "missing values, interpolate at the end": (
        lambda p: (edit_data(p, lambda f: f.assign(loans=f["loans"].where(f.index != 1, ""))), edit(p / "geocouple.toml", 'missing = "error"', 'missing = "interpolate"')),
        ["column 'loans', id 140100: year(s) 2016 are missing at the start or end"],
    ),
    "missing values, drop_indicator empties a subsystem": (
        lambda p: (edit_data(p, lambda f: f.assign(va_secondary=f["va_secondary"].where(f.index != 0, ""))), edit(p / "geocouple.toml", 'missing = "error"', 'missing = "drop_indicator"')),
        ["subsystem 'advancement'", "no indicator would remain"],
    ),
    "constant indicator alone in a subsystem": (constant_subsystem, ["weights cannot be computed", "avg_wage", "varies"]),
    "non-positive value for a structure index": (lambda p: edit_data(p, lambda f: f.assign(va_secondary=f["va_secondary"].where(f.index != 5, "0"))), ["derived indicator 'ts'", "column 'va_secondary'", "id 140300, year 2016"]),
    "division by zero in a derived indicator": (lambda p: edit_data(p, lambda f: f.assign(population=f["population"].where(f.index != 0, "0"))), ["derived indicator 'fdi_per_capita'", "division by zero", "id 140100, year 2003"]),
    "empty data file": (lambda p: (p / "data.csv").write_text(""), ["data.csv", "the file is empty"]),
    "GBK file declared as UTF-8": (gbk_declared_utf8, ["data.csv", "cannot decode the file as 'utf-8'"]),
    "Excel with a two-row header": (two_row_header_excel, ["data.xlsx", "row 2", "column 'year'", "second header row"]),
    "data file not found": (lambda p: edit(p / "geocouple.toml", 'path = "data.csv"', 'path = "nope.csv"'), ["nope.csv", "panel file not found"]),
    "config typo": (lambda p: edit(p / "geocouple.toml", "missing_ends =", "mising_ends ="), ["geocouple.toml", "[data] mising_ends: unknown key; did you mean 'missing_ends'?"]),
    "config not TOML": (lambda p: edit(p / "geocouple.toml", "[weighting]", "[weighting"), ["geocouple.toml", "not valid TOML"]),
    "unknown weighting method": (lambda p: edit(p / "geocouple.toml", 'method = "entropy"', 'method = "entrpy"'), ["[weighting] method", "did you mean 'entropy'"]),
    "unknown spatial weights": (lambda p: edit(p / "geocouple.toml", 'weights = "queen"', 'weights = "queens"'), ["[spatial] weights", "'queens'"]),
    "unknown function in a derived indicator": (lambda p: edit(p / "geocouple.toml", "ts(va_secondary", "tss(va_secondary"), ["derived indicator 'ts'", "unknown function 'tss'", "did you mean 'ts'"]),
    "pair with an unknown subsystem": (lambda p: edit(p / "geocouple.toml", '["milieu", "rationalization"]]', '["milieu", "rationalisation"]]'), ["[coupling] pairs[1]", "no subsystem 'rationalisation'", "did you mean 'rationalization'"]),
    "alpha not summing to 1": (lambda p: edit(p / "geocouple.toml", "alpha = [0.5, 0.5]", "alpha = [0.6, 0.5]"), ["[coupling] alpha", "summing to 1"]),
    "grade table file broken": (lambda p: ((p / "grades.json").write_text("{oops"), edit(p / "geocouple.toml", 'grades = "d10"', 'grades = "grades.json"')), ["grades.json", "not a valid JSON grade table"]),
    "island polygon": (island, ["without neighbours (islands)", "140800"]),
    "invalid geometry": (invalid_geometry, ["units.gpkg", "invalid geometry that cannot be repaired", "140800"]),
    "missing CRS with distance weights": (missing_crs_with_distance, ["units.gpkg", "no CRS", "[boundaries]"]),
    "duplicate ids in the boundary layer": (duplicate_layer_ids, ["dup.gpkg", "duplicate values: 140100"]),
    "boundary file not found": (lambda p: edit(p / "geocouple.toml", 'source = "shanxi"', 'source = "gone.shp"'), ["[boundaries] source", "gone.shp", "not found"]),
}  # fmt: skip


def _hashes(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
@pytest.mark.parametrize("case", list(CASES))
def test_broken_input(case, project, capsys):
    breaker, parts = CASES[case]
    breaker(project)
    before = _hashes(project)
    out = project.parent / "results"
    code = main(["run", str(project / "geocouple.toml"), "-o", str(out), "--maps", "none"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("geocouple: error: "), err
    assert "Traceback" not in err
    for part in parts:
        assert part in lines[0], (part, lines[0])
    assert not out.exists()
    assert not [p for p in project.parent.iterdir() if p.name.startswith(".results")]
    assert _hashes(project) == before


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


def test_unwritable_and_file_outputs(project, capsys, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert main(["run", str(project / "geocouple.toml"), "-o", str(blocker / "out"), "--maps", "none"]) == 2
    assert "cannot write the output folder here" in capsys.readouterr().err
    assert main(["run", str(project / "geocouple.toml"), "-o", str(blocker), "--maps", "none"]) == 2
    assert "the output needs to be a folder; a file exists there" in capsys.readouterr().err


def test_filled_template_runs_and_gbk_is_detected(project, capsys):
    text = (project / "data.csv").read_text(encoding="utf-8")
    (project / "data.csv").write_bytes(text.encode("gbk"))
    out = project.parent / "ok"
    assert main(["run", str(project / "geocouple.toml"), "-o", str(out), "--maps", "none", "-q"]) == 0
    rec = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert rec["data"]["encoding"] == "gb18030" and rec["data"]["synthetic"] is False


def test_validate_lists_every_empty_cell(tmp_path, capsys):
    init_project(tmp_path / "t")
    assert main(["validate", str(tmp_path / "t" / "geocouple.toml")]) == 2
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 11 * 2 * 13  # units x years x columns of the template
    assert lines[0] == f"1. {tmp_path / 't' / 'data.csv'}: line 4 (id 140100, year 2003) column 'va_primary' is empty"
    assert captured.err.count("\n") == 1 and "286 missing value(s)" in captured.err


def test_init_refuses_to_overwrite(tmp_path, capsys):
    assert main(["init", str(tmp_path / "t")]) == 0
    assert main(["init", str(tmp_path / "t")]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "t"), "--force", "--years", "2010", "2015", "2020"]) == 0
    data = pd.read_csv(tmp_path / "t" / "data.csv", comment="#")
    assert len(data) == 33 and sorted(data["year"].unique()) == [2010, 2015, 2020]
    assert "years = [2010, 2015, 2020]" in (tmp_path / "t" / "geocouple.toml").read_text(encoding="utf-8")


def test_newcomer_path_with_real_panel(tmp_path, capsys, real_panel_path):
    """README tour on the real panel: init, point the config at the data, validate, run."""
    assert main(["init", str(tmp_path / "study")]) == 0
    cfg = tmp_path / "study" / "geocouple.toml"
    shutil.copy(real_panel_path, tmp_path / "study" / "shanxi.csv")
    edit(cfg, 'path = "data.csv"', 'path = "shanxi.csv"')
    edit(cfg, 'missing = "error"', 'missing = "interpolate"')
    edit(cfg, 'missing_ends = "error"', 'missing_ends = "nearest"')
    assert main(["validate", str(cfg)]) == 0
    assert (
        main(["run", str(cfg), "-o", str(tmp_path / "results"), "--maps", "choropleth", "--formats", "png", "-q"]) == 0
    )
    rec = json.loads((tmp_path / "results" / "run.json").read_text(encoding="utf-8"))
    assert rec["data"]["units"] == 11 and rec["data"]["synthetic"] is False and len(rec["data"]["filled_cells"]) == 11
    assert (tmp_path / "results" / "maps" / "D_milieu-advancement.png").exists()


def test_validate_lists_every_non_numeric_cell(project, capsys):
    edit_data(
        project,
        lambda f: f.assign(
            avg_wage=f["avg_wage"].where(f.index != 4, "n/a?"), loans=f["loans"].where(f.index != 7, "12,34")
        ),
    )
    assert main(["validate", str(project / "geocouple.toml")]) == 2
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 2
    assert "line 6, column 'avg_wage': a number is needed; 'n/a?'" in lines[0] + lines[1]
    assert "line 9, column 'loans': a number is needed; '12,34'" in lines[0] + lines[1]
    assert "(1 more non-numeric cell(s))" in captured.err and captured.err.count("\n") == 1
