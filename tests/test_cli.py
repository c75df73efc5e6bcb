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
    code, _out, err = run_cli(capsys, "run", "-o", str(tmp_path / "o"), "--verbose")
    assert code == 0 and (tmp_path / "o" / "run.json").exists()
    assert "SYNTHETIC demo data" in err and "read panel ..." in err
    code, _out, err = run_cli(capsys, "run", "-o", str(tmp_path / "q"), "--quiet")
    assert code == 0 and err == ""


def test_run_refuses_non_empty_out(capsys, tmp_path):
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "x").write_text("keep")
    code, _, err = run_cli(capsys, "run", "-o", str(tmp_path / "o"))
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
    assert (tmp_path / "out" / "tables" / "coupling.csv").exists()
    proc = subprocess.run(["geocouple", "run", "-o", "out"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_import_is_light():
    code = "import sys, geocouple; print(sorted(m for m in ('matplotlib', 'geopandas', 'esda', 'shapely') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
