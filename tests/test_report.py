"""The HTML report: self-contained, provenance on every section, maps embedded."""

from __future__ import annotations

import re

import pytest

import geocouple


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "out"
    geocouple.run(None, out, maps=["zones", "lisa"], formats=["png"])
    return (out / "report.html").read_text(encoding="utf-8")


def test_self_contained(demo_report):
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", demo_report)
    assert "<link" not in demo_report and "<script" not in demo_report
    images = re.findall(r"src='data:image/png;base64,", demo_report)
    assert len(images) == 7  # zones map, two zone charts, LISA cluster and significance maps of two pairs


def test_synthetic_on_every_section(demo_report):
    assert "SYNTHETIC DEMO DATA — not real statistics" in demo_report and "position:fixed" in demo_report
    headings = re.findall(r"<h2>(.*?)</h2>", demo_report)
    assert len(headings) >= 7 and all("synthetic demo data" in h for h in headings)


def test_content(demo_report):
    for text in ["Key results", "Data and provenance", "Method and parameters", "Indicator weights",
                 "Global spatial autocorrelation", "Regional zoning", "Caveats", "Reproducibility",
                 "太原市", "smallest attainable p", "ratio rule: E = U1/U2"]:  # fmt: skip
        assert text in demo_report, text


def test_real_data_report_has_no_synthetic_banner(tmp_path, real_panel_path):
    geocouple.run("shanxi-real", tmp_path / "o", data=real_panel_path, maps=[])
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" not in report and "filled cells" in report.lower()
