"""Configuration: shipped configs, every problem at once, did-you-mean, relative paths."""

from __future__ import annotations

import pytest

from geocouple.config import embedded_config_path, load_config
from geocouple.errors import ConfigError

MINIMAL = """
[data]
path = "data/panel.csv"

[[subsystems]]
key = "a"
indicators = ["x"]

[[subsystems]]
key = "b"
indicators = [{ column = "y", direction = "-" }]
"""


def test_shipped_configs_load():
    demo = load_config()
    assert demo.data.synthetic and demo.data.path.exists()
    assert [s.key for s in demo.system.subsystems] == ["milieu", "advancement", "rationalization"]
    assert demo.coupling.pairs == (("milieu", "advancement"), ("milieu", "rationalization"))
    real = load_config("shanxi-real")
    assert not real.data.synthetic and real.data.missing == "interpolate"
    assert real.system == demo.system and real.coupling == demo.coupling
    assert embedded_config_path("shanxi-demo").name == "shanxi_demo.toml"


def test_minimal_config_defaults_and_relative_path(tmp_path):
    (tmp_path / "cfg.toml").write_text(MINIMAL, encoding="utf-8")
    cfg = load_config(tmp_path / "cfg.toml")
    assert cfg.data.path == (tmp_path / "data" / "panel.csv").resolve()
    assert cfg.coupling.pairs == (("a", "b"),)
    assert cfg.weighting == "entropy" and cfg.scope == "pooled" and str(cfg.shift) == "interval:0.001,1"
    assert cfg.coupling.model == "standard" and cfg.coupling.grades == "d10"


def test_every_problem_reported_at_once(tmp_path):
    text = (
        MINIMAL.replace('path = "data/panel.csv"', 'pth = "x.csv"\nmissing = "skip"')
        + """
[weighting]
method = "entrpy"

[coupling]
model = "wnag"
pairs = [["a", "c"]]
grades = "d11"
"""
    )
    (tmp_path / "cfg.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "cfg.toml")
    msg = str(info.value)
    assert "\n" not in msg
    for part in [
        "[data] pth: unknown key; did you mean 'path'?",
        "[data] path: is required",
        "[data] missing: needs to be one of error, drop_indicator, interpolate; 'skip'",
        "[weighting] method: weighting method needs to be one of",
        "did you mean 'entropy'?",
        "[coupling] model: needs to be one of standard, wang, fan; 'wnag' was given instead; did you mean 'wang'?",
        "[coupling] pairs[0]: no subsystem 'c'",
        "[coupling] grades: grade table needs to be one of",
    ]:
        assert part in msg, part
    assert len(info.value.problems) == 7


def test_bad_toml_and_types(tmp_path):
    (tmp_path / "a.toml").write_text("[data\npath = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text(MINIMAL.replace('"data/panel.csv"', "42") + "\nseed = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[data\] path: needs to be str; 42 was given instead"):
        load_config(tmp_path / "b.toml")
    with pytest.raises(ConfigError, match="config file not found; did you mean 'shanxi-demo'"):
        load_config("shanxi-dem")


def test_alpha_and_relative_rule(tmp_path):
    text = MINIMAL + '\n[coupling]\nalpha = [0.7, 0.2]\n[coupling.relative]\nrule = "diff"\nlowr = 1\n'
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "c.toml")
    msg = str(info.value)
    assert "[coupling] alpha: needs one weight >= 0 per coupled subsystem, summing to 1" in msg
    assert "[coupling.relative] lowr: unknown key; did you mean 'lower'?" in msg
    assert "relative development rule needs to be 'ratio' or 'difference'; 'diff'" in msg
