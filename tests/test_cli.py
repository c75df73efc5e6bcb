"""Command line: exit codes, one-line errors, no partial output (ARCHITECTURE.md contract 6)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

import geocouple
from geocouple.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *parts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("geocouple: error: ")
    assert "Traceback" not in err
    for part in parts:
        assert part in lines[0], (part, lines[0])


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"geocouple {geocouple.__version__}"


def test_run_default_and_quiet(capsys, tmp_path):
    code, _out, err = run_cli(
        capsys, "run", "-o", str(tmp_path / "o"), "--verbose", "--maps", "zones", "--formats", "svg"
    )
    assert code == 0 and (tmp_path / "o" / "run.json").exists()
    assert "SYNTHETIC demo data" in err and "read panel ..." in err
    maps = sorted(p.name for p in (tmp_path / "o" / "maps").iterdir())
    assert maps == ["zones.svg", "zones_D_milieu-advancement.svg", "zones_D_milieu-rationalization.svg"]
    code, _out, err = run_cli(capsys, "run", "-o", str(tmp_path / "q"), "--quiet", "--maps", "none")
    assert code == 0 and err == ""


def test_run_refuses_non_empty_out(capsys, tmp_path):
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "x").write_text("keep")
    code, _, err = run_cli(capsys, "run", "-o", str(tmp_path / "o"), "--maps", "none")
    assert code == 2
    assert_one_line_error(err, str(tmp_path / "o"), "not empty", "--force")
    assert (tmp_path / "o" / "x").read_text() == "keep"


def test_bad_config_exit_2(capsys, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[data]\npath = "none.csv"\n[[subsystems]]\nkey = "a"\nindicators = ["x"]\n[[subsystems]]\nkey="b"\nindicators=["y"]\n'
    )
    code, _, err = run_cli(capsys, "run", str(cfg), "-o", str(tmp_path / "o"))
    assert code == 2
    assert_one_line_error(err, "none.csv", "panel file not found")
    assert not (tmp_path / "o").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]


def test_usage_error_one_line(capsys):
    code, _, err = run_cli(capsys, "run")
    assert code == 2
    assert_one_line_error(err, "-o/--out")


def test_validate(capsys, tmp_path):
    code, out, err = run_cli(capsys, "validate", "shanxi-demo")
    assert code == 0 and out.startswith("ok:") and "11 units" in out
    code, out, _ = run_cli(capsys, "validate", "shanxi-demo", "--json")
    assert json.loads(out)["pairs"] == ["milieu-advancement", "milieu-rationalization"]
    cfg = tmp_path / "c.toml"
    cfg.write_text('[data]\npth = "x"\n[weighting]\nmethod = "ahp"\n')
    code, out, err = run_cli(capsys, "validate", str(cfg))
    assert code == 2
    assert_one_line_error(err, "c.toml", "4 problem(s)", "did you mean 'path'")
    assert out.splitlines()[0].startswith("1. [data] pth: unknown key") and len(out.splitlines()) == 4


def test_unexpected_error_exit_1(capsys, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("geocouple.pipeline.run", boom)
    code, _, err = run_cli(capsys, "run", "-o", "unused")
    assert code == 1 and "internal error: RuntimeError: kaboom" in err and "Traceback" not in err


@pytest.mark.skipif(shutil.which("geocouple") is None, reason="console script not installed")
def test_console_script_from_another_directory(tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:geocouple"}
    proc = subprocess.run(
        ["geocouple", "run", "-o", "out", "--quiet"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    # --quiet: no progress, no stray library warnings or font messages (matplotlib's one-off
    # "building the font cache" notice on a brand-new machine is not ours to silence)
    assert [line for line in proc.stderr.splitlines() if "font cache" not in line] == []
    assert (tmp_path / "out" / "tables" / "coupling.csv").exists()
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "maps" / "zones.png").exists()
    proc = subprocess.run(["geocouple", "run", "-o", "out"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_import_is_light():
    code = "import sys, geocouple; print(sorted(m for m in ('matplotlib', 'geopandas', 'esda', 'shapely') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.fixture
def layer(tmp_path):
    import numpy as np

    gdf = geocouple.load_boundaries()
    gdf["D"] = np.linspace(0.1, 0.9, 11)
    gdf.loc[140300, "D"] = 0.95
    path = tmp_path / "shanxi.gpkg"
    gdf.reset_index().to_file(path, engine="pyogrio")
    return path


def test_moran_json_contract(capsys, layer):
    code, out, _ = run_cli(capsys, "moran", str(layer), "--column", "D", "--json", "--seed", "3")
    assert code == 0
    res = json.loads(out)
    for key in (
        "n",
        "I",
        "expected_I",
        "z_norm",
        "p_norm",
        "z_rand",
        "p_rand",
        "p_sim",
        "permutations",
        "seed",
        "weights",
    ):
        assert key in res
    assert (
        res["n"] == 11 and res["expected_I"] == pytest.approx(-0.1) and res["seed"] == 3 and res["weights"] == "queen"
    )
    code, out2, _ = run_cli(capsys, "moran", str(layer), "--column", "D", "--json", "--seed", "3")
    assert json.loads(out2)["p_sim"] == res["p_sim"]
    code, out, _ = run_cli(
        capsys,
        "moran",
        str(layer),
        "--column",
        "D",
        "--json",
        "--weights",
        "knn:4",
        "--alternative",
        "greater",
        "--permutations",
        "99",
        "--id-field",
        "adcode",
    )
    res = json.loads(out)
    assert res["weights"] == "knn:4" and res["alternative"] == "greater" and res["permutations"] == 99


def test_moran_errors(capsys, layer):
    code, _, err = run_cli(capsys, "moran", str(layer), "--column", "DD", "--json")
    assert code == 2
    assert_one_line_error(err, "shanxi.gpkg", "column 'DD' not found; did you mean 'D'?")
    code, _, err = run_cli(capsys, "moran", str(layer), "--column", "name_en")
    assert code == 2
    assert_one_line_error(err, "column 'name_en', feature adcode 140100: a number is needed")
    code, _, err = run_cli(capsys, "moran", str(layer), "--column", "D", "--weights", "knn:x")
    assert code == 2
    assert_one_line_error(err, "weights needs to be queen, rook, knn:K")
    code, _, err = run_cli(capsys, "moran", str(layer), "--column", "D", "--weights", "distance:10")
    assert code == 2
    assert_one_line_error(err, "without neighbours (islands)")


def test_lisa_contract(capsys, layer, tmp_path):
    import geopandas as gpd

    out = tmp_path / "lisa.gpkg"
    code, _, _ = run_cli(capsys, "lisa", str(layer), "--column", "D", "-o", str(out))
    assert code == 0
    res = gpd.read_file(out)
    for key in ("Ii", "quadrant", "p_sim", "p_fdr", "k", "p_min", "cluster", "name_zh", "D"):
        assert key in res.columns
    assert len(res) == 11 and set(res["quadrant"]) <= {"HH", "LH", "LL", "HL"}
    assert set(res["cluster"]) <= {"HH", "LH", "LL", "HL", "ns"}
    assert res.loc[res["adcode"] == 140200, "k"].iloc[0] == 2
    sig = res["p_sim"] <= 0.05
    assert (res.loc[~sig, "cluster"] == "ns").all() and (res.loc[sig, "cluster"] == res.loc[sig, "quadrant"]).all()
    code, _, err = run_cli(capsys, "lisa", str(layer), "--column", "D", "-o", str(out))
    assert code == 2
    assert_one_line_error(err, "lisa.gpkg", "exists", "--force")
    code, _, _ = run_cli(
        capsys, "lisa", str(layer), "--column", "D", "-o", str(out), "--force", "--statistic", "gstar", "-q"
    )
    assert code == 0 and "Gi" in gpd.read_file(out).columns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lisa.gpkg", "shanxi.gpkg"]
